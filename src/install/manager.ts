/**
 * The operator's workload: its Deployment (upstream's config/manager plus the webhook patch of config/default,
 * hardened: restricted pod security, non-root, read-only root filesystem), the Services in front of it, its
 * PodDisruptionBudget and, on request, a ServiceMonitor.
 */
import type { KubeObject } from '../common/kube';
import {
  CONTROLLER_MANAGER, HEALTH_PROBE_PORT, MANAGER_CONTAINER, METRICS_MONITOR, METRICS_PORT, METRICS_SERVICE,
  OPERATOR_LABELS, OPERATOR_SELECTOR_LABELS, OPERATOR_UID, SERVING_CERT_DIR, SERVING_CERT_SECRET, WEBHOOK_PORT,
  WEBHOOK_SERVICE,
} from './names';
import type { OperatorResources } from './props';

export const DEFAULT_RESOURCES: OperatorResources = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { memory: '512Mi' },
};

export interface ManagerOptions {
  readonly namespace: string;
  readonly image: string;
  readonly imagePullPolicy: string;
  readonly replicas: number;
  readonly args: string[];
  readonly watchNamespaces?: readonly string[];
  readonly resources: OperatorResources;
  readonly nodeSelector?: { [key: string]: string };
  readonly priorityClassName?: string;
}

export function buildManagerDeployment(o: ManagerOptions): KubeObject {
  const env: object[] = [];
  if (o.watchNamespaces) env.push({ name: 'WATCH_NAMESPACE', value: o.watchNamespaces.join(',') });
  env.push({ name: 'SERVICE_ACCOUNT_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } });
  // where the leader election Lease lives
  env.push({ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } });
  const heap = heapLimitMiB(o.resources.limits?.memory);
  // Node's heap does not follow the container limit (Go's GOMEMLIMIT counterpart): keep it at 3/4 of it
  if (heap) env.push({ name: 'NODE_OPTIONS', value: `--max-old-space-size=${heap}` });

  const container = {
    name: MANAGER_CONTAINER,
    image: o.image,
    imagePullPolicy: o.imagePullPolicy,
    args: o.args,
    env,
    ports: [
      { containerPort: WEBHOOK_PORT, name: 'webhook-server', protocol: 'TCP' },
      { containerPort: METRICS_PORT, name: 'https', protocol: 'TCP' },
      { containerPort: HEALTH_PROBE_PORT, name: 'health', protocol: 'TCP' },
    ],
    livenessProbe: { httpGet: { path: '/healthz', port: HEALTH_PROBE_PORT }, initialDelaySeconds: 15, periodSeconds: 20 },
    readinessProbe: { httpGet: { path: '/readyz', port: HEALTH_PROBE_PORT }, initialDelaySeconds: 5, periodSeconds: 10 },
    resources: o.resources,
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    },
    volumeMounts: [
      { mountPath: SERVING_CERT_DIR, name: 'cert', readOnly: true },
      { mountPath: '/tmp', name: 'tmp' },
    ],
  };
  const podSpec: { [key: string]: unknown } = {
    containers: [container],
    securityContext: {
      runAsNonRoot: true,
      runAsUser: OPERATOR_UID,
      runAsGroup: OPERATOR_UID,
      fsGroup: OPERATOR_UID,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    serviceAccountName: CONTROLLER_MANAGER,
    terminationGracePeriodSeconds: 10,
    volumes: [
      // optional: the operator writes this Secret itself on first start (or cert-manager does), so the pod must
      // start before it exists
      { name: 'cert', secret: { secretName: SERVING_CERT_SECRET, defaultMode: 420, optional: true } },
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
    ],
  };
  if (o.nodeSelector) podSpec.nodeSelector = { ...o.nodeSelector };
  if (o.priorityClassName) podSpec.priorityClassName = o.priorityClassName;
  if (o.replicas > 1) {
    // one node's loss must not take every webhook server with it
    podSpec.affinity = {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100,
          podAffinityTerm: { labelSelector: { matchLabels: { ...OPERATOR_SELECTOR_LABELS } }, topologyKey: 'kubernetes.io/hostname' },
        }],
      },
    };
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: CONTROLLER_MANAGER, namespace: o.namespace, labels: { ...OPERATOR_SELECTOR_LABELS } },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { ...OPERATOR_SELECTOR_LABELS } },
      template: {
        metadata: {
          annotations: { 'kubectl.kubernetes.io/default-container': MANAGER_CONTAINER },
          labels: { ...OPERATOR_SELECTOR_LABELS },
        },
        spec: podSpec,
      },
    },
  };
}

/** 3/4 of a memory limit such as `512Mi` or `1Gi`, in MiB; undefined when there is none or it is unusual. */
export function heapLimitMiB(limit: string | undefined): number | undefined {
  const m = /^(\d+)(Ki|Mi|Gi|K|M|G)?$/.exec(limit ?? '');
  if (!m) return undefined;
  const factor: { [unit: string]: number } = { '': 1, 'Ki': 1024, 'Mi': 1024 ** 2, 'Gi': 1024 ** 3, 'K': 1e3, 'M': 1e6, 'G': 1e9 };
  const mib = Math.floor((Number(m[1]) * factor[m[2] ?? '']) / 1024 ** 2 * 0.75);
  return mib >= 64 ? mib : undefined;
}

export function buildWebhookService(namespace: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: WEBHOOK_SERVICE, namespace, labels: { ...OPERATOR_LABELS } },
    spec: {
      ports: [{ port: 443, protocol: 'TCP', targetPort: WEBHOOK_PORT }],
      selector: { ...OPERATOR_SELECTOR_LABELS },
    },
  };
}

export function buildMetricsService(namespace: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: METRICS_SERVICE, namespace, labels: { ...OPERATOR_SELECTOR_LABELS } },
    spec: {
      ports: [{ name: 'https', port: METRICS_PORT, protocol: 'TCP', targetPort: 'https' }],
      selector: { ...OPERATOR_SELECTOR_LABELS },
      type: 'ClusterIP',
    },
  };
}

/** maxUnavailable 1: keeps a webhook server up through drains with several replicas, never blocks one with one. */
export function buildManagerPdb(namespace: string): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: CONTROLLER_MANAGER, namespace, labels: { ...OPERATOR_LABELS } },
    spec: { maxUnavailable: 1, selector: { matchLabels: { ...OPERATOR_SELECTOR_LABELS } } },
  };
}

/** Upstream's name, labels, interval and selector (its operator-metrics e2e test looks for them). */
export function buildMetricsServiceMonitor(namespace: string): KubeObject {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: {
      name: METRICS_MONITOR,
      namespace,
      labels: { ...OPERATOR_SELECTOR_LABELS, 'app.kubernetes.io/part-of': 'opentelemetry-operator' },
    },
    spec: {
      endpoints: [{
        interval: '30s',
        path: '/metrics',
        // the port keeps upstream's name, but our operator serves /metrics as plain HTTP (docs/operator.md)
        port: 'https',
        scheme: 'http',
        scrapeTimeout: '10s',
      }],
      selector: { matchLabels: { ...OPERATOR_LABELS } },
    },
  };
}

import { selectorLabels } from '../common/labels';
import { InvalidInputError } from '../common/errors';
import { taServerCertificateVolumes } from './certificates';
import { TA_CONFIG_HASH_ANNOTATION, TA_CONFIG_KEY, targetAllocatorConfigHash, targetAllocatorConfigYaml } from './config';
import {
  mtlsEnabled, ResolvedTargetAllocator, TARGET_ALLOCATOR_COMPONENT, taConfigMapName, taMetadata, taNetworkPolicyName,
  taServiceAccountName,
} from './model';
import { clean, Json } from '../common/json';
import { targetAllocatorName } from '../common/naming';

export const TA_CONTAINER_NAME = 'ta-container';
export const TA_CONFIG_VOLUME = 'ta-internal';
export const TA_HTTP_PORT = 8080;
export const TA_HTTPS_PORT = 8443;

const nonEmptyList = <T>(l: T[] | undefined): T[] | undefined => (Array.isArray(l) && l.length > 0 ? l : undefined);
const nonEmptyMap = <T extends object>(m: T | undefined): T | undefined => (m && Object.keys(m).length > 0 ? m : undefined);

/** ConfigMap `<name>-targetallocator` with key targetallocator.yaml. */
export function buildTaConfigMap(ta: ResolvedTargetAllocator, configYaml = targetAllocatorConfigYaml(ta)): Json {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: taMetadata(ta, taConfigMapName(ta.name)),
    data: { [TA_CONFIG_KEY]: configYaml },
  };
}

/** ServiceAccount `<name>-targetallocator`, unless `spec.serviceAccount` names an existing one. */
export function buildTaServiceAccount(ta: ResolvedTargetAllocator): Json | undefined {
  if (ta.spec.serviceAccount) return undefined;
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: taMetadata(ta, taServiceAccountName(ta.name)) };
}

export function taServiceAccountNameOf(ta: ResolvedTargetAllocator): string {
  return ta.spec.serviceAccount || taServiceAccountName(ta.name);
}

/** Container ports: `http` 8080, `spec.ports`, then `https` 8443 with mTLS. */
export function taContainerPorts(ta: ResolvedTargetAllocator): Json[] {
  const ports: Json[] = [{ containerPort: TA_HTTP_PORT, name: 'http', protocol: 'TCP' }];
  for (const p of ta.spec.ports ?? []) {
    ports.push(clean({ containerPort: p.port, name: p.name, protocol: p.protocol || 'TCP', hostPort: p.hostPort }));
  }
  if (mtlsEnabled(ta)) ports.push({ containerPort: TA_HTTPS_PORT, name: 'https', protocol: 'TCP' });
  return ports;
}

/** A probe: the allocator's own endpoint unless the CR gives a handler, with the CR's timings on top. */
function probe(path: string, custom: Json | undefined): Json {
  const base: Json = { httpGet: { path, port: TA_HTTP_PORT } };
  if (!custom) return base;
  const hasHandler = custom.httpGet || custom.tcpSocket || custom.exec || custom.grpc;
  return hasHandler ? { ...custom } : { ...base, ...custom };
}

function resourceEnv(name: string, resource: string): Json {
  return { name, valueFrom: { resourceFieldRef: { resource, containerName: TA_CONTAINER_NAME } } };
}

/** The `ta-container`: config at /conf, namespace from the downward API, Go runtime limits from its resources. */
export function buildTaContainer(ta: ResolvedTargetAllocator): Json {
  const spec = ta.spec;
  const env: Json[] = [...(spec.env ?? [])];
  if (!env.some((e) => e.name === 'OTELCOL_NAMESPACE')) {
    env.push({ name: 'OTELCOL_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } });
  }
  // upstream appends these unconditionally (feature gate operator.golang.flags, stable)
  env.push(resourceEnv('GOMEMLIMIT', 'limits.memory'), resourceEnv('GOMAXPROCS', 'limits.cpu'));
  env.push(...(ta.options.proxyEnv ?? []));
  const mounts: Json[] = [{ name: TA_CONFIG_VOLUME, mountPath: '/conf' }, ...(spec.volumeMounts ?? [])];
  if (mtlsEnabled(ta)) mounts.push(...taServerCertificateVolumes(ta).mounts);
  const args = Object.entries((spec.args ?? {}) as Record<string, string>).map(([k, v]) => `--${k}=${v}`).sort();
  return clean({
    name: TA_CONTAINER_NAME,
    image: ta.image,
    imagePullPolicy: spec.imagePullPolicy || undefined,
    ports: taContainerPorts(ta),
    volumeMounts: mounts,
    args: nonEmptyList(args),
    env,
    envFrom: nonEmptyList(spec.envFrom),
    resources: spec.resources ?? {},
    securityContext: spec.securityContext,
    livenessProbe: probe('/livez', spec.livenessProbe),
    readinessProbe: probe('/readyz', spec.readinessProbe),
    lifecycle: spec.lifecycle,
  });
}

/** Pod annotations: `podAnnotations`, the CR's annotations on top, then the hash of targetallocator.yaml. */
export function taPodAnnotations(ta: ResolvedTargetAllocator, configYaml: string): Record<string, string> {
  return { ...(ta.spec.podAnnotations ?? {}), ...ta.annotations, [TA_CONFIG_HASH_ANNOTATION]: targetAllocatorConfigHash(configYaml) };
}

function dnsPolicy(spec: Json): string {
  if (spec.dnsPolicy) return spec.dnsPolicy;
  if (spec.hostNetwork) return 'ClusterFirstWithHostNet';
  if (spec.podDnsConfig?.nameservers?.length) return 'None';
  return 'ClusterFirst';
}

/** Deployment `<name>-targetallocator`. */
export function buildTaDeployment(ta: ResolvedTargetAllocator, configYaml = targetAllocatorConfigYaml(ta)): Json {
  const spec = ta.spec;
  const name = targetAllocatorName(ta.name);
  const volumes: Json[] = [
    { name: TA_CONFIG_VOLUME, configMap: { name: taConfigMapName(ta.name), items: [{ key: TA_CONFIG_KEY, path: TA_CONFIG_KEY }] } },
  ];
  if (mtlsEnabled(ta)) volumes.push(...taServerCertificateVolumes(ta).volumes);
  volumes.push(...(spec.volumes ?? []));
  const metadata = taMetadata(ta, name);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: spec.replicas ?? 1,
      selector: { matchLabels: { ...ta.selector } },
      template: {
        metadata: { labels: { ...metadata.labels }, annotations: taPodAnnotations(ta, configYaml) },
        spec: clean({
          serviceAccountName: taServiceAccountNameOf(ta),
          initContainers: nonEmptyList(spec.initContainers),
          // upstream lists the user's additional containers before the allocator
          containers: [...(spec.additionalContainers ?? []), buildTaContainer(ta)],
          volumes,
          dnsPolicy: dnsPolicy(spec),
          dnsConfig: spec.podDnsConfig ?? {},
          hostNetwork: spec.hostNetwork || undefined,
          shareProcessNamespace: spec.shareProcessNamespace ?? false,
          tolerations: nonEmptyList(spec.tolerations),
          nodeSelector: nonEmptyMap(spec.nodeSelector),
          securityContext: spec.podSecurityContext,
          priorityClassName: spec.priorityClassName || undefined,
          affinity: spec.affinity,
          terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
          topologySpreadConstraints: nonEmptyList(spec.topologySpreadConstraints),
        }),
      },
    },
  };
}

/** Service `<name>-targetallocator`: `targetallocation` 80 → http, and 443 → https with mTLS. */
export function buildTaService(ta: ResolvedTargetAllocator): Json {
  const ports: Json[] = [{ name: 'targetallocation', port: 80, protocol: 'TCP', targetPort: 'http' }];
  if (mtlsEnabled(ta)) ports.push({ name: 'http-metrics', port: 443, protocol: 'TCP', targetPort: 'https' });
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: taMetadata(ta, targetAllocatorName(ta.name)),
    spec: { selector: { ...ta.selector }, ports },
  };
}

/** The one strategy that keeps no allocation worth protecting from voluntary disruption: no budget for it. */
const STRATEGY_WITHOUT_PDB = 'least-weighted';

/**
 * PodDisruptionBudget `<name>-targetallocator`: the configured budget, else `maxUnavailable: 1` for every strategy
 * but least-weighted, as upstream's builder decides (so a TargetAllocator with `spec: {}` or no spec gets one too;
 * one pod may go at a time, which never blocks a node drain even with a single replica). A budget configured for
 * least-weighted is refused, as upstream refuses it.
 */
export function buildTaPdb(ta: ResolvedTargetAllocator): Json | undefined {
  const strategy = ta.spec.allocationStrategy || 'consistent-hashing';
  const configured = ta.spec.podDisruptionBudget;
  if (strategy === STRATEGY_WITHOUT_PDB) {
    if (!configured) return undefined;
    throw new InvalidInputError(ta.resource, 'spec.podDisruptionBudget',
      `target allocator pdb has been configured but the allocation strategy ${strategy} isn't compatible`,
      'remove podDisruptionBudget or use allocationStrategy consistent-hashing or per-node');
  }
  const pdb = configured ?? { maxUnavailable: 1 };
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: taMetadata(ta, targetAllocatorName(ta.name)),
    spec: clean({ minAvailable: pdb.minAvailable, maxUnavailable: pdb.maxUnavailable, selector: { matchLabels: { ...ta.selector } } }),
  };
}

/** ServiceMonitor `<name>-targetallocator` when `observability.metrics.enableMetrics` and the Prometheus CRDs exist. */
export function buildTaServiceMonitor(ta: ResolvedTargetAllocator): Json | undefined {
  const metrics = ta.spec.observability?.metrics;
  if (!metrics?.enableMetrics || ta.options.prometheusCrdsAvailable === false) return undefined;
  const endpoints: Json[] = [{ port: 'targetallocation' }];
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: taMetadata(ta, targetAllocatorName(ta.name), metrics.extraLabels ?? {}),
    spec: {
      endpoints,
      namespaceSelector: { matchNames: [ta.namespace] },
      selector: { matchLabels: { ...ta.selector } },
    },
  };
}

/**
 * The API server port the egress rule allows when the operator did not detect one: what the `kubernetes`
 * Endpoints name on kind and OpenShift (upstream's e2e asserts it). The runtime must pass the detected port
 * (`kubeApiServer`), since managed clusters differ (443 on GKE).
 */
export const DEFAULT_KUBE_API_SERVER_PORT = 6443;

/**
 * NetworkPolicy `<name>-targetallocator-networkpolicy` (gate operand.networkpolicy): ingress only to the
 * allocator's ports; egress only to the API server (its port, and its IPs when known), unless self-telemetry
 * pushes to an arbitrary endpoint, which no policy can name.
 */
export function buildTaNetworkPolicy(ta: ResolvedTargetAllocator): Json | undefined {
  const enabled = ta.spec.networkPolicy?.enabled;
  if (enabled === false || (enabled === undefined && ta.options.networkPolicy === false)) return undefined;
  const policyTypes = ['Ingress'];
  const policy: Json = {
    // the four selector labels only: unlike its Deployment, Service and PDB, upstream's allocator NetworkPolicy does
    // not select on app.kubernetes.io/name
    podSelector: { matchLabels: selectorLabels(ta.name, ta.namespace, TARGET_ALLOCATOR_COMPONENT) },
    ingress: [{ ports: taContainerPorts(ta).map((p) => ({ protocol: 'TCP', port: p.containerPort })) }],
  };
  const selfTelemetry = (ta.spec.telemetry?.metrics?.readers ?? []).some((r: Json) => r?.periodic);
  if (!selfTelemetry) {
    const api = ta.options.kubeApiServer ?? { port: DEFAULT_KUBE_API_SERVER_PORT };
    policyTypes.push('Egress');
    policy.egress = [clean({
      ports: [{ protocol: 'TCP', port: api.port }],
      to: api.ips?.length ? api.ips.map((ip) => ({ ipBlock: { cidr: `${ip}/32` } })) : undefined,
    })];
  }
  policy.policyTypes = policyTypes;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: taMetadata(ta, taNetworkPolicyName(ta.name)),
    spec: policy,
  };
}

/**
 * Everything `kubectl apply` needs to run the operator, as plain objects in apply order (Namespace and CRDs
 * first, webhook configurations last, so no webhook points at a Service that does not exist yet). Pure: the
 * `OperatorInstall` construct and `cdk8s-otel install` both print these.
 */
import { allCrds } from '../apis';
import { InvalidInputError } from '../common/errors';
import type { KubeObject } from '../common/kube';
import { buildManagerDeployment, buildManagerPdb, buildMetricsService, buildMetricsServiceMonitor, buildWebhookService, DEFAULT_RESOURCES } from './manager';
import {
  CONTROLLER_MANAGER, HEALTH_PROBE_PORT, LEADER_ELECTION_ROLE, LEADER_ELECTION_ROLE_BINDING, MANAGER_ROLE,
  MANAGER_ROLE_BINDING, METRICS_PORT, METRICS_READER_ROLE, MUTATING_WEBHOOK_CONFIGURATION, OPERATOR_LABELS,
  OPERATOR_NAME, OPERATOR_NAMESPACE, VALIDATING_WEBHOOK_CONFIGURATION, WEBHOOK_PORT, WEBHOOK_SERVICE,
} from './names';
import type { OperatorInstallProps } from './props';
import {
  apiServerEndpointsRules, certificateSecretRules, clusterManagerRules, leaderElectionRules, metricsReaderRules, namespacedManagerRules, PolicyRule,
} from './rbac';
import { buildCertManagerObjects, buildMutatingWebhookConfiguration, buildValidatingWebhookConfiguration, caInjectionAnnotations } from './webhooks';

/**
 * The image `npm run image` builds (scripts/build-image.sh tags the archive with the package version; a test
 * keeps the two equal).
 */
export const DEFAULT_OPERATOR_IMAGE = 'cdk8s-otel:0.0.0';

/** The Role/Binding for the certificate Secret (our addition: upstream leaves the certificate to cert-manager). */
export const WEBHOOK_CERT_ROLE = `${OPERATOR_NAME}-webhook-cert-role`;
export const WEBHOOK_CERT_ROLE_BINDING = `${OPERATOR_NAME}-webhook-cert-rolebinding`;
/** Reads the `kubernetes` EndpointSlice in `default` (our addition, for the target allocator's NetworkPolicy). */
export const API_SERVER_ENDPOINTS_ROLE = `${OPERATOR_NAME}-apiserver-endpoints-role`;
export const API_SERVER_ENDPOINTS_ROLE_BINDING = `${OPERATOR_NAME}-apiserver-endpoints-rolebinding`;

const RESOURCE = 'OperatorInstall';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function buildOperatorInstallObjects(props: OperatorInstallProps = {}): KubeObject[] {
  const p = resolve(props);
  const ns = p.namespace;
  const labels = { ...OPERATOR_LABELS };
  const subject = [{ kind: 'ServiceAccount', name: CONTROLLER_MANAGER, namespace: ns }];
  const objects: KubeObject[] = [];

  if (p.createNamespace) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ...labels, 'control-plane': 'controller-manager' } } });
  }
  if (p.crds) {
    objects.push(...allCrds({
      labels,
      conversionWebhook: { serviceName: WEBHOOK_SERVICE, serviceNamespace: ns },
    }).map((crd) => crd.metadata.name === 'opentelemetrycollectors.opentelemetry.io' && p.certManager
      ? { ...crd, metadata: { ...crd.metadata, annotations: caInjectionAnnotations(p) } }
      : crd));
  }
  objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: CONTROLLER_MANAGER, namespace: ns, labels } });

  const clusterRules = clusterManagerRules({
    certManager: p.certManager, autoRbac: p.autoRbac,
    mutatingWebhookConfiguration: MUTATING_WEBHOOK_CONFIGURATION, validatingWebhookConfiguration: VALIDATING_WEBHOOK_CONFIGURATION,
  });
  objects.push(clusterRole(MANAGER_ROLE, p.watchNamespaces ? clusterRules : [...namespacedManagerRules(), ...clusterRules]));
  objects.push(binding('ClusterRoleBinding', MANAGER_ROLE_BINDING, undefined, 'ClusterRole', MANAGER_ROLE, subject));
  objects.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: METRICS_READER_ROLE, labels }, rules: metricsReaderRules() });
  for (const watched of p.watchNamespaces ?? []) {
    objects.push(role(MANAGER_ROLE, watched, namespacedManagerRules()));
    objects.push(binding('RoleBinding', MANAGER_ROLE_BINDING, watched, 'Role', MANAGER_ROLE, subject));
  }
  objects.push(role(LEADER_ELECTION_ROLE, ns, leaderElectionRules()));
  objects.push(binding('RoleBinding', LEADER_ELECTION_ROLE_BINDING, ns, 'Role', LEADER_ELECTION_ROLE, subject));
  objects.push(role(WEBHOOK_CERT_ROLE, ns, certificateSecretRules(p.certManager)));
  objects.push(binding('RoleBinding', WEBHOOK_CERT_ROLE_BINDING, ns, 'Role', WEBHOOK_CERT_ROLE, subject));
  objects.push(role(API_SERVER_ENDPOINTS_ROLE, 'default', apiServerEndpointsRules()));
  objects.push(binding('RoleBinding', API_SERVER_ENDPOINTS_ROLE_BINDING, 'default', 'Role', API_SERVER_ENDPOINTS_ROLE, subject));

  objects.push(buildMetricsService(ns), buildWebhookService(ns));
  objects.push(buildManagerDeployment({
    namespace: ns, image: p.image, imagePullPolicy: p.imagePullPolicy, replicas: p.replicas, args: managerArgs(p),
    watchNamespaces: p.watchNamespaces, resources: p.resources, nodeSelector: p.nodeSelector, priorityClassName: p.priorityClassName,
  }));
  objects.push(buildManagerPdb(ns));
  if (p.certManager) objects.push(...buildCertManagerObjects(ns));
  const hooks = { namespace: ns, watchNamespaces: p.watchNamespaces, certManager: p.certManager };
  objects.push(buildMutatingWebhookConfiguration(hooks), buildValidatingWebhookConfiguration(hooks));
  if (p.serviceMonitor) objects.push(buildMetricsServiceMonitor(ns));
  return objects;
}

/** The `cdk8s-otel operator` command line: upstream's flags, so upstream's docs about them still hold. */
function managerArgs(p: Resolved): string[] {
  return [
    'operator',
    `--metrics-addr=:${METRICS_PORT}`,
    `--health-probe-addr=:${HEALTH_PROBE_PORT}`,
    `--webhook-port=${WEBHOOK_PORT}`,
    '--enable-leader-election',
    ...(p.collectorImage ? [`--collector-image=${p.collectorImage}`] : []),
    ...p.extraArgs,
  ];
}

function clusterRole(name: string, rules: PolicyRule[]): KubeObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels: { ...OPERATOR_LABELS } }, rules };
}

function role(name: string, namespace: string, rules: PolicyRule[]): KubeObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace, labels: { ...OPERATOR_LABELS } }, rules };
}

function binding(kind: string, name: string, namespace: string | undefined, roleKind: string, roleName: string, subjects: object[]): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}), labels: { ...OPERATOR_LABELS } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
    subjects,
  };
}

type Resolved = Required<Omit<OperatorInstallProps, 'watchNamespaces' | 'collectorImage' | 'nodeSelector' | 'priorityClassName'>>
  & Pick<OperatorInstallProps, 'watchNamespaces' | 'collectorImage' | 'nodeSelector' | 'priorityClassName'>;

/** Defaults applied and every prop checked, so a bad one is reported before any object exists. */
function resolve(props: OperatorInstallProps): Resolved {
  const namespace = props.namespace ?? OPERATOR_NAMESPACE;
  checkDnsLabel(namespace, 'namespace');
  let watchNamespaces: string[] | undefined;
  if (props.watchNamespaces !== undefined) {
    watchNamespaces = [...new Set(props.watchNamespaces.map((n) => n.trim()).filter((n) => n !== ''))];
    if (watchNamespaces.length === 0) {
      throw new InvalidInputError(RESOURCE, 'watchNamespaces', 'is empty', 'name at least one namespace, or leave it out to watch all namespaces');
    }
    watchNamespaces.forEach((n, i) => checkDnsLabel(n, `watchNamespaces[${i}]`));
  }
  const replicas = props.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new InvalidInputError(RESOURCE, 'replicas', `must be a whole number of at least 1, got ${replicas}`, 'use 1, or 2 or more for a highly available webhook');
  }
  const image = props.image ?? DEFAULT_OPERATOR_IMAGE;
  checkImage(image, 'image');
  if (props.collectorImage !== undefined) checkImage(props.collectorImage, 'collectorImage');
  return {
    namespace,
    createNamespace: props.createNamespace ?? true,
    watchNamespaces,
    image,
    imagePullPolicy: props.imagePullPolicy ?? 'IfNotPresent',
    replicas,
    certManager: props.certManager ?? false,
    crds: props.crds ?? true,
    serviceMonitor: props.serviceMonitor ?? false,
    autoRbac: props.autoRbac ?? true,
    collectorImage: props.collectorImage,
    extraArgs: [...(props.extraArgs ?? [])],
    resources: props.resources ?? DEFAULT_RESOURCES,
    nodeSelector: props.nodeSelector,
    priorityClassName: props.priorityClassName,
  };
}

function checkDnsLabel(value: string, path: string): void {
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    throw new InvalidInputError(RESOURCE, path, `'${value}' is not a valid namespace name`,
      'use at most 63 lower-case letters, digits and dashes, starting and ending with a letter or digit');
  }
}

function checkImage(value: string, path: string): void {
  if (value.trim() === '' || /\s/.test(value)) {
    throw new InvalidInputError(RESOURCE, path, `'${value}' is not an image reference`, 'give a reference such as registry.example.com/cdk8s-otel:1.2.3');
  }
}

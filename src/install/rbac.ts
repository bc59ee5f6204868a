/**
 * The operator's RBAC, least privilege: each rule is there because the operator reads or writes that kind (the
 * comment says what for). Upstream's config/rbac/role.yaml grants the same verbs on what it reconciles; we add
 * what our operator does that upstream leaves to cert-manager (its own serving certificate, the caBundle of the
 * webhook configurations and of the collector CRD's conversion) and split namespaced from cluster-scoped rules,
 * so that watching given namespaces needs Roles there and only a small ClusterRole.
 */
import { GROUP } from '../apis';

export interface PolicyRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
  readonly resourceNames?: string[];
}

const CRUD = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const READ = ['get', 'list', 'watch'];
const STATUS = ['get', 'patch', 'update'];

/** The collector CRD's name: the one whose conversion webhook needs the operator's CA bundle. */
export const COLLECTOR_CRD = `opentelemetrycollectors.${GROUP}`;

/**
 * Rules on namespaced kinds: in a ClusterRole when the operator watches every namespace, else in a Role in each
 * watched namespace.
 */
export function namespacedManagerRules(): PolicyRule[] {
  return [
    // the collector's ConfigMap, ServiceAccount and Services
    { apiGroups: [''], resources: ['configmaps', 'serviceaccounts', 'services'], verbs: CRUD },
    // status reasons and reconcile errors as Events on the custom resources
    { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
    { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
    // pod injection reads the pod's owners; the collector status counts its ready pods
    { apiGroups: [''], resources: ['pods'], verbs: READ },
    { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'statefulsets'], verbs: CRUD },
    // instrumentation names a pod's Deployment through its ReplicaSet
    { apiGroups: ['apps'], resources: ['replicasets'], verbs: READ },
    { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: CRUD },
    { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: CRUD },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: CRUD },
    // made only when the Prometheus Operator's CRDs exist
    { apiGroups: ['monitoring.coreos.com'], resources: ['podmonitors', 'servicemonitors'], verbs: CRUD },
    // OpenShift Routes and Gateway API HTTPRoutes, made only where those APIs exist
    { apiGroups: ['route.openshift.io'], resources: ['routes', 'routes/custom-host'], verbs: CRUD },
    { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: CRUD },
    // the target allocator's mTLS certificates, made only where cert-manager exists
    { apiGroups: ['cert-manager.io'], resources: ['certificates', 'issuers'], verbs: CRUD },
    // the custom resources: read, defaulted spec written back, status and finalizers
    { apiGroups: [GROUP], resources: ['instrumentations', 'opentelemetrycollectors'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
    // a collector with an embedded target allocator gets a TargetAllocator resource made for it
    { apiGroups: [GROUP], resources: ['targetallocators'], verbs: CRUD },
    { apiGroups: [GROUP], resources: ['opentelemetrycollectors/status', 'targetallocators/status'], verbs: STATUS },
    { apiGroups: [GROUP], resources: ['opentelemetrycollectors/finalizers', 'targetallocators/finalizers'], verbs: STATUS },
  ];
}

export interface ClusterRulesOptions {
  /** cert-manager injects the CA bundles: the operator writes no webhook configuration or CRD. */
  readonly certManager: boolean;
  /** The operator creates ClusterRoles/Bindings for collectors whose config needs them. */
  readonly autoRbac: boolean;
  readonly mutatingWebhookConfiguration: string;
  readonly validatingWebhookConfiguration: string;
}

/** Rules on cluster-scoped kinds and reviews: always in the ClusterRole. */
export function clusterManagerRules(o: ClusterRulesOptions): PolicyRule[] {
  const rules: PolicyRule[] = [];
  // pod injection reads the namespace's annotations (sidecar.opentelemetry.io/inject, instrumentation.*) from an
  // informer over all namespaces, also when the operator watches only some
  rules.push({ apiGroups: [''], resources: ['namespaces'], verbs: READ });
  // the collector webhook checks that the user may grant what auto-RBAC would
  rules.push({ apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] });
  // the ClusterRole/Binding of collectors whose receivers or processors read the Kubernetes API (watched always,
  // to prune them; written with auto-RBAC). The operator can only grant rules it holds itself, or upstream's
  // SubjectAccessReview check reports what is missing.
  rules.push({ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterrolebindings', 'clusterroles'], verbs: o.autoRbac ? CRUD : READ });
  if (!o.certManager) {
    // the operator's own serving certificate goes into the caBundle of its webhooks and of the conversion
    rules.push({ apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'], verbs: READ });
    rules.push({
      apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
      verbs: ['patch', 'update'], resourceNames: [o.mutatingWebhookConfiguration, o.validatingWebhookConfiguration],
    });
    rules.push({ apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: READ });
    rules.push({ apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['patch', 'update'], resourceNames: [COLLECTOR_CRD] });
  }
  return rules;
}

/** Leader election: a Lease in the operator's namespace, and Events about it. */
export function leaderElectionRules(): PolicyRule[] {
  return [
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: CRUD },
    { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  ];
}

/**
 * The serving certificate's Secret in the operator's namespace: written by the operator, or only read when
 * cert-manager writes it. (`create` cannot be limited to a name, so the Role is confined to that namespace.)
 */
export function certificateSecretRules(certManager: boolean): PolicyRule[] {
  return [{ apiGroups: [''], resources: ['secrets'], verbs: certManager ? READ : ['create', 'get', 'list', 'patch', 'update', 'watch'] }];
}

/**
 * The `kubernetes` EndpointSlice in `default`: the API server's addresses, for the egress rule of the target
 * allocator's NetworkPolicy.
 */
export function apiServerEndpointsRules(): PolicyRule[] {
  return [{ apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list'] }];
}

/** Lets a Prometheus that is bound to it scrape the operator's /metrics. */
export function metricsReaderRules(): Array<{ nonResourceURLs: string[]; verbs: string[] }> {
  return [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }];
}

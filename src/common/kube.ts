/** A Kubernetes object as plain JSON, as the API server and `kubectl` see it. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [key: string]: unknown;
}

export interface ObjectMeta {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly labels?: { [key: string]: string };
  readonly annotations?: { [key: string]: string };
  readonly uid?: string;
  readonly ownerReferences?: ReadonlyArray<{ apiVersion: string; kind: string; name: string; uid?: string; controller?: boolean }>;
  readonly [key: string]: unknown;
}

/** `Kind namespace/name`, the way we name an object in messages. */
export function describeObject(obj: { kind?: string; metadata?: { name?: string; namespace?: string } }): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '<unnamed>';
  return `${obj.kind ?? '<no kind>'} ${ns ? `${ns}/` : ''}${name}`;
}

/**
 * The object without the owner references that lack a uid (the API server rejects them: `uid: must not be
 * empty`); such references only stand for owners we named but that do not exist yet.
 */
export function withoutIncompleteOwnerReferences<T extends KubeObject>(obj: T): T {
  const refs = obj.metadata.ownerReferences;
  if (!refs || refs.every((r) => r.uid)) return obj;
  const kept = refs.filter((r) => r.uid);
  const { ownerReferences: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata: kept.length ? { ...metadata, ownerReferences: kept } : metadata };
}

/**
 * Kinds of the Kubernetes API (and of the CRDs operators commonly ship) that are cluster-scoped: they have no
 * namespace, so none is assumed for them and messages name them without one. Other kinds are taken to be
 * namespaced, as kubectl does for a kind it cannot look up.
 */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'PriorityClass', 'RuntimeClass', 'IngressClass',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'APIService', 'CertificateSigningRequest', 'FlowSchema',
  'PriorityLevelConfiguration', 'ComponentStatus', 'GatewayClass', 'ClusterIssuer', 'SecurityContextConstraints',
]);

/** Whether objects of this kind are cluster-scoped (see {@link CLUSTER_SCOPED_KINDS}). */
export function isClusterScoped(obj: { kind?: string }): boolean {
  return CLUSTER_SCOPED_KINDS.has(obj.kind ?? '');
}

/** Order in which `kubectl apply` of a list of objects works in one pass: what others reference comes first. */
const KIND_ORDER = [
  'Namespace', 'CustomResourceDefinition', 'TargetAllocator', 'Issuer', 'Certificate', 'ServiceAccount', 'Secret', 'ConfigMap',
  'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding',
  'Service', 'Deployment', 'DaemonSet', 'StatefulSet',
  'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress', 'Route', 'HTTPRoute', 'NetworkPolicy',
  'ServiceMonitor', 'PodMonitor',
];

function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i === -1 ? KIND_ORDER.length : i;
}

type Identity = { readonly kind: string; readonly metadata: { readonly name?: string; readonly namespace?: string } };

/** Compares two objects by kind rank, then kind, namespace, name (the order of `sortObjects`). */
export function compareObjects(a: Identity, b: Identity): number {
  const ka = [kindRank(a.kind), a.kind, a.metadata.namespace ?? '', a.metadata.name ?? ''] as const;
  const kb = [kindRank(b.kind), b.kind, b.metadata.namespace ?? '', b.metadata.name ?? ''] as const;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] < kb[i]) return -1;
    if (ka[i] > kb[i]) return 1;
  }
  return 0;
}

/** Stable order: kind rank (what others reference first), then kind, namespace, name. */
export function sortObjects<T extends Identity>(objects: readonly T[]): T[] {
  return [...objects].sort(compareObjects);
}

import { CollectorRenderOptions } from '../collector';
import { InvalidInputError } from '../common/errors';
import { dnsName, isDnsLabel, targetAllocatorName, truncateName } from '../common/naming';
import { Json } from '../common/json';
import { LABEL_NAME, MetadataFilters, objectAnnotations, objectLabels, selectorLabels } from '../common/labels';

export const TARGET_ALLOCATOR_COMPONENT = 'opentelemetry-targetallocator';
export const TARGET_ALLOCATOR_API_VERSION = 'opentelemetry.io/v1alpha1';
export const DEFAULT_TARGET_ALLOCATOR_IMAGE = 'ghcr.io/open-telemetry/opentelemetry-operator/target-allocator:0.158.0';
/** Label on a collector naming the standalone TargetAllocator it uses (`opentelemetry.io/target-allocator`). */
export const TARGET_ALLOCATOR_LABEL = 'opentelemetry.io/target-allocator';

/** Settings of the operator that shape the target allocator's objects (upstream's flags and detected features). */
export interface TargetAllocatorRenderOptions extends CollectorRenderOptions {
  /** image used when `spec.image` is empty (`--target-allocator-image`) @default DEFAULT_TARGET_ALLOCATOR_IMAGE */
  readonly targetAllocatorImage?: string;
  /** cert-manager is installed, so mTLS certificates can be issued @default true */
  readonly certManagerAvailable?: boolean;
  /**
   * Where the Kubernetes API server listens (the `kubernetes` Endpoints), for the allocator NetworkPolicy's egress
   * rule; upstream detects it at start. @default - port 6443, any address
   */
  readonly kubeApiServer?: { readonly port: number; readonly ips?: readonly string[] };
  /** gate `operator.targetallocator.fallbackstrategy` (alpha): write `allocation_fallback_strategy` @default false */
  readonly fallbackStrategy?: boolean;
}

/** A TargetAllocator after validation: what every builder needs, computed once. */
export interface ResolvedTargetAllocator {
  readonly name: string;
  readonly namespace: string;
  /** the CR's uid when it has one (a live object): owner references then carry it */
  readonly uid?: string;
  /** `TargetAllocator ns/name` for error messages */
  readonly resource: string;
  readonly spec: Json;
  /** the collector whose prometheus receiver feeds the allocator (owner or labelled), if any */
  readonly collector?: Json;
  readonly crLabels: Record<string, string>;
  /** the CR's annotations minus filtered ones: every object gets them */
  readonly annotations: Record<string, string>;
  readonly image: string;
  readonly options: TargetAllocatorRenderOptions;
  readonly filters: MetadataFilters;
  /** labels of an object with the given name (plus the ServiceMonitor's extra labels) */
  labelsFor(objectName: string, extra?: Record<string, string>): Record<string, string>;
  /** what the Deployment, Service, PDB and NetworkPolicy select (the selector labels plus `app.kubernetes.io/name`) */
  readonly selector: Record<string, string>;
}

export const taConfigMapName = (ta: string) => targetAllocatorName(ta);
export const taServiceAccountName = (ta: string) => targetAllocatorName(ta);
export const taNetworkPolicyName = (ta: string) => dnsName(truncateName('%s-targetallocator-networkpolicy', ta));
export const taSelfSignedIssuerName = (ta: string) => dnsName(truncateName('%s-self-signed-issuer', ta));
export const taCaIssuerName = (ta: string) => dnsName(truncateName('%s-ca-issuer', ta));
export const taCaCertificateName = (ta: string) => dnsName(truncateName('%s-ca-cert', ta));
export const taServerCertificateName = (ta: string) => dnsName(truncateName('%s-ta-server-cert', ta));
export const taClientCertificateName = (ta: string) => dnsName(truncateName('%s-ta-client-cert', ta));

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function describeTargetAllocator(name: unknown, namespace: unknown): string {
  return `TargetAllocator ${typeof namespace === 'string' && namespace ? namespace : '<no namespace>'}/${typeof name === 'string' && name ? name : '<no name>'}`;
}

/** Validates a TargetAllocator CR (plain JSON, already defaulted) and computes what the builders share. */
export function resolveTargetAllocator(cr: Json, collector: Json | undefined, options: TargetAllocatorRenderOptions = {}): ResolvedTargetAllocator {
  const metadata = (cr?.metadata ?? {}) as Json;
  const name = metadata.name;
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default';
  const resource = describeTargetAllocator(name, namespace);
  if (cr?.kind !== undefined && cr.kind !== 'TargetAllocator') {
    throw new InvalidInputError(resource, 'kind', `expected kind TargetAllocator, got ${String(cr.kind)}`, 'pass a TargetAllocator object');
  }
  if (typeof name !== 'string' || name === '' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    throw new InvalidInputError(resource, 'metadata.name', `"${String(name ?? '')}" is not a valid Kubernetes object name`,
      'use lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit');
  }
  if (!isDnsLabel(namespace)) {
    throw new InvalidInputError(resource, 'metadata.namespace', `"${namespace}" is not a valid namespace name`, 'use a DNS label (lowercase letters, digits and \'-\')');
  }
  const spec = (cr.spec ?? {}) as Json;
  const crLabels = (metadata.labels ?? {}) as Record<string, string>;
  const filters: MetadataFilters = { labels: options.labelsFilter ?? [], annotations: options.annotationsFilter ?? [] };
  const image = typeof spec.image === 'string' && spec.image !== '' ? spec.image : options.targetAllocatorImage ?? DEFAULT_TARGET_ALLOCATOR_IMAGE;
  const selector = {
    ...selectorLabels(name, namespace, TARGET_ALLOCATOR_COMPONENT),
    // the allocator (unlike the collector) also selects on its name label, kept for compatibility upstream
    [LABEL_NAME]: crLabels[LABEL_NAME] ?? targetAllocatorName(name),
  };
  return {
    name,
    namespace,
    uid: typeof metadata.uid === 'string' && metadata.uid !== '' ? metadata.uid : undefined,
    resource,
    spec,
    collector,
    crLabels,
    annotations: objectAnnotations(metadata.annotations, filters),
    image,
    options,
    filters,
    selector,
    labelsFor: (objectName, extra) => ({
      ...(extra ?? {}),
      // upstream's version label comes from spec.image only: `latest` when the operator's default image is used
      ...objectLabels({ crName: name, crNamespace: namespace, crLabels, objectName, image: spec.image, component: TARGET_ALLOCATOR_COMPONENT }),
    }),
  };
}

/**
 * The controller reference of every object made for an allocator: its TargetAllocator CR (upstream's ownership:
 * collector → TargetAllocator → objects). It names the owner without its uid, which only the live object has: the
 * runtime fills `uid` in before applying (the API server requires it), and output meant for `kubectl apply`
 * should drop references without one. Kept on the objects because it is what tells an allocator's ConfigMap
 * from a collector's (retention, pruning, garbage collection), which the shared `instance` label cannot.
 */
export function taOwnerReference(taName: string, uid?: string): Json {
  return { apiVersion: TARGET_ALLOCATOR_API_VERSION, kind: 'TargetAllocator', name: taName, ...(uid ? { uid } : {}), controller: true, blockOwnerDeletion: true };
}

/** Standard metadata: name, namespace, labels, the CR's annotations, the controller reference to the CR. */
export function taMetadata(ta: ResolvedTargetAllocator, objectName: string, extraLabels?: Record<string, string>): Json {
  const meta: Json = { name: objectName, namespace: ta.namespace, labels: ta.labelsFor(objectName, extraLabels) };
  if (Object.keys(ta.annotations).length > 0) meta.annotations = { ...ta.annotations };
  meta.ownerReferences = [taOwnerReference(ta.name, ta.uid)];
  return meta;
}

export function mtlsEnabled(ta: ResolvedTargetAllocator): boolean {
  return ta.spec.mtls?.enabled === true;
}

/** mTLS with certificates issued by cert-manager (the default when mTLS is on). */
export function mtlsUsesCertManager(ta: ResolvedTargetAllocator): boolean {
  return mtlsEnabled(ta) && ta.spec.mtls?.useCertManager !== false;
}

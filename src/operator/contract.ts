/**
 * The operator's contract: what the runtime operator does, as pure functions of what it has read. The runtime
 * (informers, queue, server-side apply, webhook server) calls these; the conformance runner's simulated cluster
 * calls the same ones (`operatorFunctions`), so a test of the contract is a test of the operator's decisions.
 *
 * Everything here is pure and imports only lower rooms (apis, collector, instrumentation, webhook) and the render
 * path; the I/O parts of the operator live beside it and depend on this file, never the other way round.
 */
import { convertCollectorV1alpha1ToV1beta1, convertCollectorV1beta1ToV1alpha1, defaultCollector, defaultInstrumentation } from '../apis';
import { applyConfigDefaults, isCollectorConfigMapName, selectConfigMapsToKeep } from '../collector';
import { KubeObject } from '../common/kube';
import { lookupFromObjects } from '../instrumentation';
import { reconcileObjects } from '../render';
import { mutatePod } from '../webhook';

/** Passed to the reconciler with the CRs of one namespace. */
export interface ReconcileContext {
  readonly namespace: string;
  /** CR label keys the operator does not copy (`--labels-filter`, regular expressions) @default - none */
  readonly labelsFilter?: string[];
  /** CR annotation keys the operator does not copy (`--annotations-filter`, regular expressions) @default - none */
  readonly annotationsFilter?: string[];
}

/** The operator's flags (upstream's CI starts the operator with extra flags for some suites). */
export type OperatorFlags = Omit<ReconcileContext, 'namespace'>;

/** The operator's output for a set of CRs of one namespace (all objects it would create). Throws to reject a CR. */
export type Reconciler = (crs: KubeObject[], ctx: ReconcileContext) => KubeObject[];

/** Read access to the cluster, for the pod mutator (CR and namespace lookups). */
export interface ClusterLookup {
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Objects of a kind (all kinds when omitted), any version, optionally in one namespace. */
  list(kind?: string, namespace?: string): KubeObject[];
}

/** The pod webhook: pod in, mutated pod out. Throws when the webhook would leave the pod unchanged with an error. */
export type PodMutator = (pod: KubeObject, lookup: ClusterLookup) => KubeObject;

/**
 * Which of a collector's older ConfigMaps survive a reconcile. Gets the collector, the ConfigMaps it owned
 * before and no longer renders (each with `metadata.creationTimestamp`), and those it renders now; returns
 * the older ones to keep.
 */
export type ConfigMapRetention = (collector: KubeObject, older: KubeObject[], desired: KubeObject[]) => KubeObject[];

/** The API server's view of CR versions: which version is stored, and conversion between versions. */
export interface Conversion {
  /** apiVersion objects of this kind are stored in, or undefined when the kind has one version. */
  storageVersion(kind: string): string | undefined;
  /** `obj` in `apiVersion`; throws when it cannot be converted. */
  convert(obj: KubeObject, apiVersion: string): KubeObject;
}

/** Admission of a written object (the CR defaulting/validation webhooks). Throws to reject. */
export type Admission = (obj: KubeObject, old: KubeObject | undefined) => KubeObject;

/** The operator's pure functions, one per part of the contract. */
export interface OperatorFunctions {
  readonly reconciler: Reconciler;
  readonly podMutator: PodMutator;
  readonly configMapRetention: ConfigMapRetention;
  readonly admit: Admission;
  readonly conversion: Conversion;
}

/** Settings of the operator that change its pure functions. */
export interface OperatorFunctionOptions {
  /** inject sidecars as native sidecars (init containers with restartPolicy Always; Kubernetes ≥ 1.29) @default false */
  readonly nativeSidecars?: boolean;
  /** languages the pod webhook instruments (`--enable-*-instrumentation`) @default - every language, as upstream's CI */
  readonly enabledLanguages?: { readonly [language: string]: boolean };
}

const ALL_LANGUAGES = { 'go': true, 'nginx': true, 'apache-httpd': true, 'dotnet': true, 'java': true, 'nodejs': true, 'python': true };

/** The operator's pure functions, built from the rooms that own each decision. */
export function operatorFunctions(options: OperatorFunctionOptions = {}): OperatorFunctions {
  return {
    reconciler: (crs, ctx) => reconcileObjects(crs, ctx),
    podMutator: podMutator(options),
    configMapRetention: retainConfigMaps,
    admit: admit,
    conversion: COLLECTOR_CONVERSION,
  };
}

function podMutator(options: OperatorFunctionOptions): PodMutator {
  return (pod, cluster) => {
    const ns = pod.metadata.namespace ?? 'default';
    // the lookup reads plain objects; KubeObject's readonly metadata is the same JSON
    const objects = cluster.list() as unknown as Parameters<typeof lookupFromObjects>[0];
    const result = mutatePod(pod, lookupFromObjects(objects, ns), {
      nativeSidecars: options.nativeSidecars ?? false,
      enabledLanguages: options.enabledLanguages ?? ALL_LANGUAGES,
    });
    if (result.errors.length) throw new Error(result.errors.join('; '));
    return result.pod;
  };
}

const retainConfigMaps: ConfigMapRetention = (collector, older, desired) => {
  const name = collector.metadata.name ?? '';
  const mine = (cm: KubeObject) => isCollectorConfigMapName(name, cm.metadata.name ?? '');
  const current = desired.find(mine);
  if (!current) return older;
  const all = [...older.filter(mine), current].map((cm) => ({ name: cm.metadata.name ?? '', creationTimestamp: cm.metadata.creationTimestamp as string | undefined }));
  const configVersions = (collector.spec as { configVersions?: number } | undefined)?.configVersions;
  const { keep } = selectConfigMapsToKeep(all, current.metadata.name ?? '', configVersions ?? 3);
  // ConfigMaps that are not versioned collector configs are not the retention rule's business
  return older.filter((cm) => !mine(cm) || keep.includes(cm.metadata.name ?? ''));
};

const admit: Admission = (obj) => {
  if (obj.kind === 'OpenTelemetryCollector' && obj.apiVersion === 'opentelemetry.io/v1beta1') {
    return defaultCollector(obj as never, { applyConfigDefaults: applyConfigDefaults as never }) as unknown as KubeObject;
  }
  if (obj.kind === 'Instrumentation') return defaultInstrumentation(obj as never, {}) as unknown as KubeObject;
  return obj;
};

const COLLECTOR_CONVERSION: Conversion = {
  storageVersion: (kind) => (kind === 'OpenTelemetryCollector' ? 'opentelemetry.io/v1beta1' : undefined),
  convert: (obj, apiVersion) => {
    if (obj.apiVersion === apiVersion) return obj;
    if (apiVersion === 'opentelemetry.io/v1beta1') return convertCollectorV1alpha1ToV1beta1(obj as never) as unknown as KubeObject;
    if (apiVersion === 'opentelemetry.io/v1alpha1') return convertCollectorV1beta1ToV1alpha1(obj as never) as unknown as KubeObject;
    throw new Error(`${obj.kind} ${obj.metadata.name}: no conversion from ${obj.apiVersion} to ${apiVersion}`);
  },
};

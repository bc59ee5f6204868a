/**
 * "What will the operator create?": the objects the operator writes for a set of custom resources, as pure
 * code. The `render` command prints them; the conformance runner and (later) the runtime reconciler call the
 * same function, so they cannot disagree.
 */
import {
  convertCollectorV1alpha1ToV1beta1,
  defaultCollector,
  defaultTargetAllocator,
  isOpenTelemetryGroup,
  isOurCustomResource,
  knownCustomResources,
  parseCustomResources,
  sourceOf,
  validateCollectorSemantics,
  validateCustomResource,
} from './apis';
import type { OpenTelemetryCollector } from './apis';
import {
  CollectorConfigJson, collectorModelFromCustomResource, CollectorSpecJson, defaultConfigOf, parseConfigYaml, renderCollector,
  skippedRoutesWarning, validateConfig,
} from './collector';
import { InvalidInputError } from './common/errors';
import { describeObject, isClusterScoped, KubeObject, withoutIncompleteOwnerReferences } from './common/kube';
import {
  buildTargetAllocatorObjects, buildTargetAllocatorObjectsFromCr, isGeneratedByCollectorIn,
  TARGET_ALLOCATOR_LABEL,
} from './targetallocator';
import type { TargetAllocatorRenderOptions } from './targetallocator';

export interface RenderOptions extends TargetAllocatorRenderOptions {
  // The config checks upstream's webhook does not make (a pipeline naming an undefined component, no pipeline
  // at all; the collector then fails or does nothing) are warnings here, as the operator deploys such a
  // collector all the same; with `strict` they are errors. `strictConfig: false` leaves them out.
  /** namespace of CRs that name none, as `kubectl apply` does with the current context @default 'default' */
  readonly namespace?: string;
  /**
   * Treat what the operator deploys but what would not work (a collector config with no pipelines, or with a
   * pipeline naming a component it does not define) as an `InvalidInputError` instead of a warning: the check
   * for CI. @default false
   */
  readonly strict?: boolean;
}

export interface RenderResult {
  /** the objects, in a stable order: by kind (what others reference first), then namespace and name */
  readonly objects: KubeObject[];
  /** things the user should know that did not stop rendering (skipped kinds, deprecations) */
  readonly warnings: string[];
}

const COLLECTOR_V1ALPHA1 = 'opentelemetry.io/v1alpha1';
const COLLECTOR_V1BETA1 = 'opentelemetry.io/v1beta1';

/**
 * Renders custom resources. Validates all of them before producing anything: the first invalid one throws
 * `InvalidInputError` (resource, field path, fix) and nothing is returned.
 */
export function render(crs: readonly KubeObject[], options: RenderOptions = {}): RenderResult {
  const result = renderWithOwners(crs, options, true);
  // Without a cluster there is no owner uid, and the API server refuses an ownerReference without one; the
  // reconciler, which knows the uids, keeps them (see reconcileObjects).
  return { ...result, objects: result.objects.map(withoutIncompleteOwnerReferences) };
}

/**
 * @param checkInput refuse what a user's input must not hold (a kind of our group we cannot read, a resource
 * twice); the operator, which is handed the CRs it manages, skips these checks
 */
function renderWithOwners(crs: readonly KubeObject[], options: RenderOptions, checkInput: boolean): RenderResult {
  const warnings: string[] = [];
  const perResource: KubeObject[][] = [];
  // where each resource came from, for messages that must point at a document (copies below lose the link)
  const origins = new Map<KubeObject, string>();
  const withNamespaces = crs.map((cr, i) => {
    const copy = isClusterScoped(cr) ? cr : { ...cr, metadata: { ...cr.metadata, namespace: cr.metadata?.namespace || options.namespace || 'default' } };
    origins.set(copy, `${sourceOf(cr) ?? `object ${i + 1}`} (${describeObject(copy)})`);
    return copy;
  });
  if (checkInput) {
    for (const cr of withNamespaces) checkKnownKind(cr, origins.get(cr)!);
    checkDuplicates(withNamespaces, origins);
  }
  for (const cr of withNamespaces) {
    if (cr.kind === 'TargetAllocator' && isOurCustomResource(cr)) {
      perResource.push(renderTargetAllocatorResource(cr, withNamespaces, options));
      continue;
    }
    perResource.push(renderOne(cr, { ...options, linkedTargetAllocator: linkedTargetAllocatorOf(cr, withNamespaces) }, warnings));
  }
  return { objects: sortObjects(perResource.flat()), warnings };
}

/** The objects only, checked as strictly as `render` (the integration tests' view). */
export function renderObjects(crs: readonly KubeObject[], options: RenderOptions = {}): KubeObject[] {
  return render(crs, options).objects;
}

/**
 * The objects the operator writes. The operator accepts every config the upstream operator accepts (a
 * collector with no pipelines still deploys, as upstream's e2e conversion-webhook-invalid-config expects), so the
 * strict pipeline checks of `render` are off here; the conformance runner and the reconciler use this.
 */
export function reconcileObjects(crs: readonly KubeObject[], options: RenderOptions = {}): KubeObject[] {
  return renderWithOwners(crs, { strictConfig: false, ...options }, false).objects;
}

/** Parses multi-document YAML and renders every custom resource in it. */
export function renderYaml(text: string, source: string, options: RenderOptions = {}): RenderResult {
  return render(parseCustomResources(text, source), options);
}

function renderOne(cr: KubeObject, options: RenderOptions, warnings: string[]): KubeObject[] {
  if (!isOurCustomResource(cr)) {
    warnings.push(`${describeObject(cr)} (${cr.apiVersion}): not an opentelemetry.io resource; the operator creates nothing for it, skipped`);
    return [];
  }
  if (cr.kind === 'OpenTelemetryCollector' && cr.apiVersion === COLLECTOR_V1ALPHA1 && (cr.spec as { config?: unknown } | undefined)?.config === undefined) {
    // As the API server says it (upstream's +required), with the fix, before the schema check's generic message;
    // the conversion would otherwise turn the absence into an empty config reported as having no pipelines.
    throw new InvalidInputError(describeObject(cr), 'spec.config', 'Required value: a v1alpha1 OpenTelemetryCollector needs its collector configuration',
      'add spec.config: | with receivers, exporters and service.pipelines as a YAML string');
  }
  validateCustomResource(cr);
  switch (cr.kind) {
    case 'OpenTelemetryCollector':
      return renderCollectorResource(cr, options, warnings);
    case 'Instrumentation':
      // An Instrumentation is read by the pod webhook; the operator creates no object for it.
      return [];
    default:
      throw new InvalidInputError(
        describeObject(cr), 'kind',
        `rendering ${cr.apiVersion} ${cr.kind} is not supported yet`,
        'render OpenTelemetryCollector, TargetAllocator and Instrumentation resources',
      );
  }
}

function renderCollectorResource(cr: KubeObject, options: RenderOptions, warnings: string[]): KubeObject[] {
  if (cr.apiVersion === COLLECTOR_V1ALPHA1) {
    warnings.push(`${describeObject(cr)}: opentelemetry.io/v1alpha1 OpenTelemetryCollector is deprecated; converted to ${COLLECTOR_V1BETA1}`);
    // The conversion webhook turns an unparsable config string into an empty config (upstream never fails a
    // conversion), which would then be reported as "no pipelines"; render names the real problem instead.
    const config = (cr.spec as { config?: unknown } | undefined)?.config;
    if (options.strictConfig !== false && typeof config === 'string') parseConfigYaml(config, describeObject(cr));
  }
  const defaulted = defaultedCollector(cr, options);
  const { warnings: semanticWarnings } = validateCollectorSemantics(defaulted);
  warnings.push(...semanticWarnings.map((w) => `${describeObject(cr)}: ${w}`));
  const routes = skippedRoutesWarning(defaulted.spec as CollectorSpecJson, options);
  if (routes) warnings.push(`${describeObject(cr)}: ${routes}`);
  const model = collectorModelFromCustomResource(defaulted);
  const checkConfig = options.strictConfig !== false;
  if (checkConfig && !options.strict) {
    // what upstream deploys all the same: a warning of the preview (the strict check is the same function)
    try {
      validateConfig((defaulted.spec.config ?? {}) as CollectorConfigJson, describeObject(cr), { strict: true });
    } catch (e) {
      if (!(e instanceof InvalidInputError)) throw e;
      warnings.push(`${e.message}; the operator deploys it all the same`);
    }
  }
  return [
    ...renderCollector(model, { ...options, strictConfig: checkConfig && options.strict === true }),
    ...buildTargetAllocatorObjects(defaulted as never, options),
  ] as unknown as KubeObject[];
}

function linkedTargetAllocatorOf(cr: KubeObject, all: readonly KubeObject[]): string | undefined {
  const name = cr.kind === 'OpenTelemetryCollector' ? cr.metadata.labels?.[TARGET_ALLOCATOR_LABEL] : undefined;
  if (!name) return undefined;
  return all.some((o) => o.kind === 'TargetAllocator' && o.metadata.name === name && o.metadata.namespace === cr.metadata.namespace) ? name : undefined;
}

/** The collector as the operator sees it after the conversion and defaulting webhooks. */
function defaultedCollector(cr: KubeObject, options: RenderOptions): OpenTelemetryCollector {
  let v1beta1 = cr as unknown as OpenTelemetryCollector;
  if (cr.apiVersion === COLLECTOR_V1ALPHA1) v1beta1 = convertCollectorV1alpha1ToV1beta1(cr as never) as OpenTelemetryCollector;
  return defaultCollector(v1beta1, { applyConfigDefaults: ((config: CollectorConfigJson) => defaultConfigOf(config, describeObject(cr))) as never, networkPolicyGate: options.networkPolicy });
}

function renderTargetAllocatorResource(cr: KubeObject, all: readonly KubeObject[], options: RenderOptions): KubeObject[] {
  // a collector's own TargetAllocator: its objects come with the collector
  if (isGeneratedByCollectorIn(cr, all)) return [];
  validateCustomResource(cr);
  const collectors = all.filter((c) => c.kind === 'OpenTelemetryCollector' && isOurCustomResource(c)).map((c) => defaultedCollector(c, options));
  return buildTargetAllocatorObjectsFromCr(defaultTargetAllocator(cr as never) as never, collectors as never, options) as unknown as KubeObject[];
}

/** Kinds of opentelemetry.io that the upstream operator serves and that we do not render yet. */
const UPSTREAM_ONLY_KINDS = ['OpAMPBridge', 'ClusterObservability'];

/**
 * A document of our group that we cannot read is an error, not a skip: a misspelled kind or a wrong version
 * would otherwise pass silently. Names the document, the kind/version and the kinds we know.
 */
function checkKnownKind(cr: KubeObject, where: string): void {
  if (!isOpenTelemetryGroup(cr.apiVersion) || isOurCustomResource(cr)) return;
  const known = knownCustomResources();
  const versions = known.filter((k) => k.kind === cr.kind).map((k) => k.apiVersion);
  if (versions.length > 0) {
    throw new InvalidInputError(where, 'apiVersion', `${cr.apiVersion} has no kind ${cr.kind}`, `use apiVersion ${versions.join(' or ')}`);
  }
  const list = known.map((k) => `${k.apiVersion} ${k.kind}`).join(', ');
  if (UPSTREAM_ONLY_KINDS.includes(cr.kind)) {
    throw new InvalidInputError(where, 'kind', `${cr.kind} is served by the upstream operator but not rendered by cdk8s-otel yet`, `render one of ${list}`);
  }
  const near = known.map((k) => k.kind).find((k) => editDistance(k.toLowerCase(), cr.kind.toLowerCase()) <= 2);
  throw new InvalidInputError(where, 'kind', `unknown kind ${JSON.stringify(cr.kind)} in ${cr.apiVersion}${near ? ` (did you mean ${near}?)` : ''}`,
    `the kinds we know are ${list}`);
}

/** Two documents for the same resource (group, kind, namespace, name): the second would replace the first. */
function checkDuplicates(crs: readonly KubeObject[], origins: ReadonlyMap<KubeObject, string>): void {
  const seen = new Map<string, KubeObject>();
  for (const cr of crs) {
    if (!isOpenTelemetryGroup(cr.apiVersion)) continue;
    const key = `${cr.kind}/${cr.metadata.namespace ?? ''}/${cr.metadata.name ?? ''}`;
    const first = seen.get(key);
    if (first) {
      throw new InvalidInputError(origins.get(cr)!, 'metadata.name', `duplicates ${origins.get(first)}: one input can hold a resource once (in a cluster the second would replace the first)`,
        'rename one of them, give them different namespaces, or remove one');
    }
    seen.set(key, cr);
  }
}

/** Levenshtein distance, for "did you mean" on a misspelled kind. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** Order in which `kubectl apply` of the output works in one pass: what others reference comes first. */
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

/** Stable order: kind rank, then kind, namespace, name. */
export function sortObjects(objects: KubeObject[]): KubeObject[] {
  const key = (o: KubeObject) => [kindRank(o.kind), o.kind, o.metadata.namespace ?? '', o.metadata.name ?? ''] as const;
  return [...objects].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) {
      if (ka[i] < kb[i]) return -1;
      if (ka[i] > kb[i]) return 1;
    }
    return 0;
  });
}

/**
 * "What will the operator create?": the objects the operator writes for a set of custom resources. There is one
 * path from a custom resource to objects, the constructs: each CR becomes an `OtelCollector` /
 * `OtelTargetAllocator` in an in-memory cdk8s chart (no files), which is synthesized. The `render` command prints
 * the result; the conformance runner and the runtime reconciler call `reconcileObjects`, so none can disagree
 * with a cdk8s app.
 */
import { App, Chart } from 'cdk8s';
import {
  isOpenTelemetryGroup, isOurCustomResource, knownCustomResources, parseCustomResources, sourceOf, validateCustomResource,
} from './apis';
import { CollectorConfigJson, COLLECTOR_V1ALPHA1, parseConfigYaml, validateConfig } from './collector';
import { InvalidInputError } from './common/errors';
import { describeObject, isClusterScoped, KubeObject, sortObjects, withoutIncompleteOwnerReferences } from './common/kube';
import { OtelCollector, OtelTargetAllocator } from './constructs';
import { isGeneratedByCollectorIn, TARGET_ALLOCATOR_LABEL } from './targetallocator';
import type { TargetAllocatorRenderOptions } from './targetallocator';

export { sortObjects } from './common/kube';

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
  // one construct per resource, in an in-memory chart: the path a cdk8s app takes
  const chart = new Chart(new App(), 'render');
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
  withNamespaces.forEach((cr, i) => {
    const id = `${i}`;
    if (cr.kind === 'TargetAllocator' && isOurCustomResource(cr)) {
      renderTargetAllocatorResource(chart, id, cr, withNamespaces, options);
      return;
    }
    renderOne(chart, id, cr, { ...options, linkedTargetAllocator: linkedTargetAllocatorOf(cr, withNamespaces) }, warnings);
  });
  return { objects: sortObjects(chart.toJson() as KubeObject[]), warnings };
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

function renderOne(chart: Chart, id: string, cr: KubeObject, options: RenderOptions, warnings: string[]): void {
  if (!isOurCustomResource(cr)) {
    warnings.push(`${describeObject(cr)} (${cr.apiVersion}): not an opentelemetry.io resource; the operator creates nothing for it, skipped`);
    return;
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
      renderCollectorResource(chart, id, cr, options, warnings);
      return;
    case 'Instrumentation':
      // An Instrumentation is read by the pod webhook; the operator creates no object for it.
      return;
    default:
      throw new InvalidInputError(
        describeObject(cr), 'kind',
        `rendering ${cr.apiVersion} ${cr.kind} is not supported yet`,
        'render OpenTelemetryCollector, TargetAllocator and Instrumentation resources',
      );
  }
}

function renderCollectorResource(chart: Chart, id: string, cr: KubeObject, options: RenderOptions, warnings: string[]): void {
  // The conversion webhook turns an unparsable config string into an empty config (upstream never fails a
  // conversion), which would then be reported as "no pipelines"; render names the real problem instead.
  const config = (cr.spec as { config?: unknown } | undefined)?.config;
  if (cr.apiVersion === COLLECTOR_V1ALPHA1 && options.strictConfig !== false && typeof config === 'string') parseConfigYaml(config, describeObject(cr));
  const checkConfig = options.strictConfig !== false;
  // admission (conversion, defaulting, the webhook's checks) and the objects: the construct's path
  const collector = OtelCollector.fromCustomResource(chart, id, cr, {
    ...options, strictConfig: checkConfig && options.strict === true, keepOwnerReferencesWithoutUid: true,
  });
  warnings.push(...collector.warnings);
  if (checkConfig && !options.strict) {
    // what upstream deploys all the same: a warning of the preview (the strict check is the same function)
    try {
      validateConfig((collector.customResource.spec.config ?? {}) as CollectorConfigJson, describeObject(cr), { strict: true });
    } catch (e) {
      if (!(e instanceof InvalidInputError)) throw e;
      warnings.push(`${e.message}; the operator deploys it all the same`);
    }
  }
}

function linkedTargetAllocatorOf(cr: KubeObject, all: readonly KubeObject[]): string | undefined {
  const name = cr.kind === 'OpenTelemetryCollector' ? cr.metadata.labels?.[TARGET_ALLOCATOR_LABEL] : undefined;
  if (!name) return undefined;
  return all.some((o) => o.kind === 'TargetAllocator' && o.metadata.name === name && o.metadata.namespace === cr.metadata.namespace) ? name : undefined;
}

function renderTargetAllocatorResource(chart: Chart, id: string, cr: KubeObject, all: readonly KubeObject[], options: RenderOptions): void {
  // a collector's own TargetAllocator: its objects come with the collector
  if (isGeneratedByCollectorIn(cr, all)) return;
  const collectors = all.filter((c) => c.kind === 'OpenTelemetryCollector' && isOurCustomResource(c));
  OtelTargetAllocator.fromCustomResource(chart, id, cr, collectors, { ...options, keepOwnerReferencesWithoutUid: true });
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

import { defaultTargetAllocator, isOurCustomResource, validateCollectorForTargetAllocator, validateCustomResource } from '../apis';
import { defaultedCollector } from '../collector';
import { KubeObject } from '../common/kube';
import type { TargetAllocator } from '../apis';
import { InvalidInputError } from '../common/errors';
import {
  buildTaConfigMap, buildTaDeployment, buildTaNetworkPolicy, buildTaPdb, buildTaService, buildTaServiceAccount,
  buildTaServiceMonitor,
} from './builders';
import { buildTaCertManagerObjects, validateTaMtls } from './certificates';
import { targetAllocatorConfigYaml } from './config';
import { buildTargetAllocatorCr } from './from-collector';
import { describeTargetAllocator, resolveTargetAllocator, TARGET_ALLOCATOR_LABEL, TargetAllocatorRenderOptions } from './model';
import { Json } from '../common/json';

/**
 * The collector a TargetAllocator serves, as upstream's TargetAllocator controller finds it: the collector that
 * controls it (owner reference, the embedded case), else the one collector labelled
 * `opentelemetry.io/target-allocator: <name>` in its namespace. Several labelled collectors are an error.
 */
export function findTargetAllocatorCollector(taCr: Json, collectors: readonly Json[]): Json | undefined {
  const meta = taCr?.metadata ?? {};
  const namespace = meta.namespace || 'default';
  const inNamespace = collectors.filter((c) => (c?.metadata?.namespace || 'default') === namespace && c?.kind !== 'TargetAllocator');
  const owner = (meta.ownerReferences ?? []).find((r: Json) => r?.kind === 'OpenTelemetryCollector');
  if (owner) return inNamespace.find((c) => c.metadata?.name === owner.name);
  const labelled = inNamespace.filter((c) => c.metadata?.labels?.[TARGET_ALLOCATOR_LABEL] === meta.name);
  if (labelled.length > 1) {
    throw new InvalidInputError(describeTargetAllocator(meta.name, namespace), 'metadata.name',
      `found multiple OpenTelemetry collectors annotated with the same Target Allocator: ${namespace}/${meta.name} (${labelled.map((c) => c.metadata.name).join(', ')})`,
      `label only one collector with ${TARGET_ALLOCATOR_LABEL}: ${meta.name}`);
  }
  return labelled[0];
}

/**
 * The objects the operator creates for a TargetAllocator CR (v1alpha1, defaulted as stored): ConfigMap, Deployment,
 * ServiceAccount (unless `spec.serviceAccount`), Service, PodDisruptionBudget (when configured), ServiceMonitor
 * (enableMetrics), NetworkPolicy, and the cert-manager objects with mTLS. `collectors` are the
 * OpenTelemetryCollectors of the namespace, to find the one feeding it; without one the allocator only has the CR's
 * own scrape configs and no collector selector. Pure: validates first, throws `InvalidInputError`.
 */
export function buildTargetAllocatorObjectsFromCr(taCr: Json, collectors: readonly Json[] = [], options: TargetAllocatorRenderOptions = {}): Json[] {
  const collector = findTargetAllocatorCollector(taCr, collectors);
  const ta = resolveTargetAllocator(taCr, collector, options);
  validateTaMtls(ta);
  const configYaml = targetAllocatorConfigYaml(ta);
  const objects = [
    buildTaConfigMap(ta, configYaml),
    buildTaServiceAccount(ta),
    buildTaService(ta),
    buildTaDeployment(ta, configYaml),
    buildTaPdb(ta),
    buildTaServiceMonitor(ta),
    buildTaNetworkPolicy(ta),
    ...buildTaCertManagerObjects(ta),
  ];
  return objects.filter((o): o is Json => o !== undefined);
}

/**
 * Everything the operator creates for a collector's embedded target allocator: the TargetAllocator CR it owns and
 * that CR's objects (named `<name>-targetallocator`). Empty when `spec.targetAllocator.enabled` is off or the mode
 * has no allocator. Expects the collector CR converted to v1beta1 and defaulted (`defaultCollector`).
 */
export function buildTargetAllocatorObjects(collectorCr: Json, options: TargetAllocatorRenderOptions = {}): Json[] {
  const taCr = buildTargetAllocatorCr(collectorCr);
  if (!taCr) return [];
  validateCollectorForTargetAllocator(collectorCr);
  // the objects follow the CR as the API server stores it, after the TargetAllocator defaulting webhook
  return [taCr, ...buildTargetAllocatorObjectsFromCr(defaultTargetAllocator(taCr as TargetAllocator) as unknown as Json, [collectorCr], options)];
}

/**
 * What upstream's collector webhook checks before it accepts an embedded target allocator (a receiver named
 * exactly `prometheus`, something to allocate). It lives with the webhook in apis; re-exported for callers of
 * this room.
 */
export { validateCollectorForTargetAllocator };

/**
 * Whether a TargetAllocator CR is the one a collector of the same set generates (controlled by a collector in
 * `crs`): a renderer that renders the collector already emits its objects, so it must skip this CR.
 */
export function isGeneratedByCollectorIn(taCr: Json, crs: readonly Json[]): boolean {
  const meta = taCr?.metadata ?? {};
  const owner = (meta.ownerReferences ?? []).find((r: Json) => r?.kind === 'OpenTelemetryCollector' && r?.controller);
  if (!owner) return false;
  const ns = meta.namespace || 'default';
  return crs.some((c) => c?.kind === 'OpenTelemetryCollector' && c.metadata?.name === owner.name && (c.metadata?.namespace || 'default') === ns);
}

/**
 * The objects the operator creates for a TargetAllocator custom resource as a user writes it (v1alpha1): schema
 * validation and the TargetAllocator defaulting webhook first, then `buildTargetAllocatorObjectsFromCr`.
 * `collectors` are the OpenTelemetryCollector resources around it (any version; defaulted here as the API server
 * stores them). `namespace` is used when a resource names none.
 */
export function targetAllocatorObjectsFromResource(cr: Json, collectors: readonly Json[] = [],
  options: TargetAllocatorRenderOptions & { readonly namespace?: string } = {}): Json[] {
  const namespace = options.namespace || 'default';
  const namespaced = (o: Json): KubeObject => (o?.metadata?.namespace ? o : { ...o, metadata: { ...o?.metadata, namespace } }) as KubeObject;
  const taCr = validateCustomResource(namespaced(cr));
  const stored = collectors.filter((c) => c?.kind === 'OpenTelemetryCollector' && isOurCustomResource(c))
    .map((c) => defaultedCollector(namespaced(c), options) as unknown as Json);
  return buildTargetAllocatorObjectsFromCr(defaultTargetAllocator(taCr as unknown as TargetAllocator) as unknown as Json, stored, options);
}

import { InvalidInputError } from '../common/errors';
import { buildCollectorConfigMap, buildCollectorServiceAccount } from './builders/configmap';
import { buildCollectorIngress } from './builders/ingress';
import { buildCollectorPodMonitor, buildCollectorServiceMonitors } from './builders/monitoring';
import { buildCollectorNetworkPolicy } from './builders/network-policy';
import { buildCollectorPrometheusRoles, buildCollectorRbac } from './builders/rbac';
import { buildCollectorHttpRoutes, buildCollectorRoutes } from './builders/routes';
import { buildCollectorHpa, buildCollectorPdb } from './builders/scaling';
import {
  buildCollectorExtensionService, buildCollectorHeadlessService, buildCollectorMonitoringService, buildCollectorService,
} from './builders/services';
import { buildCollectorWorkload } from './builders/workload';
import { parseConfigYaml } from './config/validate';
import { resolveCollector, ResolvedCollector } from './resolve';
import { CollectorModel, CollectorRenderOptions, CollectorSpecJson } from './spec';
import { Json } from '../common/json';

/** Every object of a resolved collector, in a stable order (config first, workload after what it references). */
export function collectorObjects(c: ResolvedCollector): Json[] {
  const maybe = [
    buildCollectorConfigMap(c),
    buildCollectorServiceAccount(c),
    ...buildCollectorRbac(c),
    ...buildCollectorPrometheusRoles(c),
    buildCollectorService(c),
    buildCollectorHeadlessService(c),
    buildCollectorMonitoringService(c),
    buildCollectorExtensionService(c),
    buildCollectorWorkload(c),
    buildCollectorHpa(c),
    buildCollectorPdb(c),
    buildCollectorIngress(c),
    ...buildCollectorRoutes(c),
    ...buildCollectorHttpRoutes(c),
    buildCollectorNetworkPolicy(c),
    ...buildCollectorServiceMonitors(c),
    buildCollectorPodMonitor(c),
  ];
  return maybe.filter((o): o is Json => o !== undefined);
}

/**
 * The objects the operator creates for a collector, as plain Kubernetes JSON, without cdk8s. Validates first:
 * throws `InvalidInputError` and returns nothing when any part of the spec is invalid.
 */
export function renderCollector(model: CollectorModel, options: CollectorRenderOptions = {}): Json[] {
  return collectorObjects(resolveCollector(model, options));
}

/**
 * Reads an OpenTelemetryCollector CR (plain JSON, v1beta1 — already converted and defaulted by the apis room — or
 * v1beta1-shaped with a YAML string config) into the model the builders use.
 */
export function collectorModelFromCustomResource(cr: unknown): CollectorModel {
  const obj = (cr ?? {}) as Json;
  const metadata = (obj.metadata ?? {}) as Json;
  const resource = `OpenTelemetryCollector ${metadata.namespace ?? '<no namespace>'}/${metadata.name ?? '<no name>'}`;
  if (obj.kind !== undefined && obj.kind !== 'OpenTelemetryCollector') {
    throw new InvalidInputError(resource, 'kind', `expected kind OpenTelemetryCollector, got ${String(obj.kind)}`, 'pass an OpenTelemetryCollector object');
  }
  if (typeof metadata.name !== 'string' || metadata.name === '') {
    throw new InvalidInputError(resource, 'metadata.name', 'is required', 'give the collector a name');
  }
  const spec = { ...((obj.spec ?? {}) as CollectorSpecJson) };
  if (typeof spec.config === 'string') spec.config = parseConfigYaml(spec.config, resource);
  return {
    name: metadata.name,
    namespace: typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : 'default',
    labels: metadata.labels ?? {},
    annotations: metadata.annotations ?? {},
    spec,
  };
}

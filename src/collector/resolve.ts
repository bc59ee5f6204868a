import { InvalidInputError } from '../common/errors';
import { InferredPort } from './components/types';
import { defaultConfigOf, EnabledComponents, enabledComponents, metricsEndpoint } from './config/defaults';
import { cloneJson, CollectorConfigJson, configHash } from './config/model';
import { validateConfig } from './config/validate';
import { MetadataFilters, objectAnnotations, objectLabels } from '../common/labels';
import * as names from '../common/naming';
import { inferPorts } from './ports';
import { CollectorModel, CollectorRenderOptions, CollectorSpecJson, DEFAULT_COLLECTOR_IMAGE } from './spec';
import { validateSpec } from './validate-spec';

export type Mode = 'deployment' | 'daemonset' | 'statefulset' | 'sidecar';
export const MODES: readonly Mode[] = ['deployment', 'daemonset', 'statefulset', 'sidecar'];

/**
 * A collector after validation and defaulting: everything the per-object builders need, computed once. Building it
 * throws `InvalidInputError` for any problem, so no object is created from a half-valid spec.
 */
export interface ResolvedCollector {
  readonly name: string;
  readonly namespace: string;
  /** `OpenTelemetryCollector ns/name`, used in error messages */
  readonly resource: string;
  readonly mode: Mode;
  readonly spec: CollectorSpecJson;
  /** the configuration after upstream's defaulting (what is hashed and written to collector.yaml) */
  readonly config: CollectorConfigJson;
  /** full hex SHA-256 of the defaulted config (pod annotation); its first 8 characters name the ConfigMap */
  readonly configHash: string;
  readonly enabled: EnabledComponents;
  /** receiver and exporter ports (base Service), sorted by name */
  readonly servicePorts: InferredPort[];
  /** extension ports (extension Service) */
  readonly extensionPorts: InferredPort[];
  readonly metricsPort: number;
  readonly image: string;
  readonly serviceAccountName: string;
  readonly crLabels: Record<string, string>;
  readonly crAnnotations: Record<string, string>;
  readonly filters: MetadataFilters;
  readonly options: CollectorRenderOptions;
  /** labels for an object of the given name (CR labels, name, version, selector labels) */
  labelsFor(objectName: string): Record<string, string>;
  /** the CR's annotations minus filtered ones */
  readonly annotations: Record<string, string>;
}

export function describeCollector(name: string, namespace: string): string {
  return `OpenTelemetryCollector ${namespace}/${name}`;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function resolveCollector(model: CollectorModel, options: CollectorRenderOptions = {}): ResolvedCollector {
  const resource = describeCollector(model.name, model.namespace);
  if (!model.name || model.name.length > 253 || !DNS_SUBDOMAIN.test(model.name)) {
    throw new InvalidInputError(resource, 'metadata.name', `"${model.name}" is not a valid Kubernetes object name`,
      'use lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit');
  }
  if (!/^[a-z]/.test(model.name)) {
    // the Services are named after the collector and Service names must be DNS-1035 labels
    throw new InvalidInputError(resource, 'metadata.name', `"${model.name}" does not start with a letter, so its Services (${model.name}-collector) would be rejected`,
      'start the name with a lowercase letter');
  }
  if (!model.namespace || !names.isDnsLabel(model.namespace)) {
    throw new InvalidInputError(resource, 'metadata.namespace', `"${model.namespace}" is not a valid namespace name`,
      'use a DNS label of at most 63 characters');
  }
  const spec = model.spec ?? {};
  const mode = (spec.mode ?? 'deployment') as Mode;
  if (!MODES.includes(mode)) {
    throw new InvalidInputError(resource, 'spec.mode', `unknown mode "${String(spec.mode)}"`, `use one of ${MODES.join(', ')}`);
  }
  const rawConfig = cloneJson(spec.config ?? {});
  validateConfig(rawConfig, resource, { strict: options.strictConfig ?? false });
  validateSpec(spec, mode, resource);

  const config = defaultConfigOf(rawConfig, resource);
  let metricsPort: number;
  try {
    metricsPort = metricsEndpoint(config).port;
  } catch (e) {
    throw new InvalidInputError(resource, 'spec.config.service.telemetry.metrics', (e as Error).message,
      'set the metrics address as host:port or a Prometheus reader with a numeric port');
  }
  const enabled = enabledComponents(config);
  const servicePorts = inferPorts(config, enabled, ['receivers', 'exporters'], resource);
  const extensionPorts = inferPorts(config, enabled, ['extensions'], resource);

  const filters: MetadataFilters = { labels: options.labelsFilter, annotations: options.annotationsFilter };
  const crLabels = { ...(model.labels ?? {}) };
  const crAnnotations = { ...(model.annotations ?? {}) };
  const image = spec.image || options.defaultImage || DEFAULT_COLLECTOR_IMAGE;
  return {
    name: model.name,
    namespace: model.namespace,
    resource,
    mode,
    spec,
    config,
    configHash: configHash(config),
    enabled,
    servicePorts,
    extensionPorts,
    metricsPort,
    image,
    serviceAccountName: spec.serviceAccount || names.collectorName(model.name),
    crLabels,
    crAnnotations,
    filters,
    options,
    annotations: objectAnnotations(crAnnotations, filters),
    labelsFor: memoize((objectName: string) => objectLabels({
      crName: model.name, crNamespace: model.namespace, crLabels, objectName, image: spec.image, filters,
    })),
  };
}

/** Caches per object name; callers get a copy so they can add their own labels. */
function memoize(f: (name: string) => Record<string, string>): (name: string) => Record<string, string> {
  const cache = new Map<string, Record<string, string>>();
  return (name) => {
    let v = cache.get(name);
    if (!v) cache.set(name, (v = f(name)));
    return { ...v };
  };
}

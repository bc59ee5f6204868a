/**
 * Defaulting, as upstream's API server + mutating webhook pair does it: first the CRD schema defaults (the same
 * `default:` values the API server applies, read from our schema declarations), then the webhook's rules.
 * All functions are pure: they return a defaulted deep copy.
 */
import * as inst from './instrumentation-defaults';
import type { JSONSchemaProps } from './schema-dsl';
import { Instrumentation, instrumentationSpecV1alpha1 } from './v1alpha1/instrumentation-schema';
import { TargetAllocator, targetAllocatorSpecV1alpha1 } from './v1alpha1/targetallocator-schema';
import { collectorSpecV1beta1 } from './v1beta1/collector-schema';
import type { CollectorConfig, OpenTelemetryCollector } from './v1beta1/collector-types';
import { cloneJson } from '../common/json';

/**
 * Fills in schema defaults the way the API server does: a property's default is applied when the property is
 * absent and its parent object exists; then defaulting recurses into present values (array items, map values).
 * Mutates and returns `value`.
 */
export function applySchemaDefaults<T>(schema: JSONSchemaProps, value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (schema.items) value.forEach(item => applySchemaDefaults(schema.items!, item));
    return value;
  }
  const obj = value as { [key: string]: unknown };
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    if (obj[name] === undefined && child.default !== undefined) obj[name] = cloneJson(child.default);
    if (obj[name] !== undefined) applySchemaDefaults(child, obj[name]);
  }
  if (schema.additionalProperties) {
    for (const v of Object.values(obj)) applySchemaDefaults(schema.additionalProperties, v);
  }
  return value;
}

/**
 * Drops `null` values of fields that are not `nullable`, as the API server does before defaulting and validation
 * (`spec.ingress: null` in an update means "no ingress"). Nulls inside free-form areas (component settings such as
 * `batch:`) are kept. Mutates and returns `value`.
 */
export function dropNullFields<T>(schema: JSONSchemaProps, value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (schema.items) value.forEach(item => dropNullFields(schema.items!, item));
    return value;
  }
  const obj = value as { [key: string]: unknown };
  for (const [name, v] of Object.entries(obj)) {
    const child = schema.properties?.[name] ?? schema.additionalProperties;
    if (!child) continue;
    if (v === null && !child.nullable) delete obj[name];
    else dropNullFields(child, v);
  }
  return value;
}

/** Options of `defaultCollector`. */
export interface CollectorDefaultingOptions {
  /**
   * Rewrites the collector config the way upstream's webhook does (receiver endpoints `0.0.0.0:<port>`, the
   * Prometheus telemetry reader...). That knowledge lives with the config model in the collector room, which
   * depends on this one, so it is passed in.
   * @default - the config is left as it is
   */
  readonly applyConfigDefaults?: (config: CollectorConfig) => CollectorConfig;
  /**
   * Whether the `operand.networkpolicy` feature gate is on (beta, on by default upstream): then
   * `networkPolicy.enabled` defaults to true.
   * @default true
   */
  readonly networkPolicyGate?: boolean;
}

/**
 * Upstream's defaults for an OpenTelemetryCollector v1beta1: schema defaults (managementState managed, replicas 1,
 * configVersions 3, ipFamilyPolicy SingleStack, podManagementPolicy Parallel, target allocator allocationStrategy
 * consistent-hashing, filterStrategy relabel-config, grace periods 30s, prometheusCR intervals 30s...), then
 * the webhook's: mode deployment, upgradeStrategy automatic, target allocator replicas 1 when enabled,
 * autoscaler minReplicas := replicas and targetCPUUtilization 90 when maxReplicas is set, route termination edge,
 * ingress ruleType path, networkPolicy.enabled true.
 */
export function defaultCollector(cr: OpenTelemetryCollector, options: CollectorDefaultingOptions = {}): OpenTelemetryCollector {
  const out = cloneJson(cr);
  out.spec = dropNullFields(collectorSpecV1beta1.json, out.spec ?? {}) as typeof out.spec;
  const spec = out.spec;
  // Upstream's Go types make targetAllocator and prometheusCR plain structs, so after the webhook round trip they
  // always exist and the API server fills their defaults; reproduce that.
  spec.targetAllocator ??= {};
  spec.targetAllocator.prometheusCR ??= {};
  applySchemaDefaults(collectorSpecV1beta1.json, spec);

  spec.mode ??= 'deployment';
  spec.upgradeStrategy ??= 'automatic';
  spec.managementState ??= 'managed';
  spec.replicas ??= 1;
  if (spec.targetAllocator.enabled && spec.targetAllocator.replicas === undefined) spec.targetAllocator.replicas = 1;
  const autoscaler = spec.autoscaler;
  if (autoscaler && autoscaler.maxReplicas !== undefined) {
    autoscaler.minReplicas ??= spec.replicas;
    if (autoscaler.targetCPUUtilization === undefined && autoscaler.targetMemoryUtilization === undefined) {
      autoscaler.targetCPUUtilization = 90;
    }
  }
  if (spec.ingress?.type === 'route') {
    spec.ingress.route = { ...spec.ingress.route, termination: spec.ingress.route?.termination || 'edge' };
  }
  if (spec.ingress?.type === 'ingress' && !spec.ingress.ruleType) spec.ingress.ruleType = 'path';
  if (options.networkPolicyGate ?? true) {
    spec.networkPolicy = { ...spec.networkPolicy, enabled: spec.networkPolicy?.enabled ?? true };
  }
  if (!out.metadata.labels) out.metadata = { ...out.metadata, labels: {} };
  if (options.applyConfigDefaults) spec.config = options.applyConfigDefaults(spec.config);
  return out;
}

/**
 * A TargetAllocator as the API server stores it: schema defaults (allocationStrategy consistent-hashing,
 * filterStrategy relabel-config, collectorNotReadyGracePeriod 30s, prometheusCR intervals...), then upstream's
 * TargetAllocator defaulting webhook: `metadata.labels` present, `replicas: 1`, and a PodDisruptionBudget with
 * `maxUnavailable: 1` for consistent-hashing when none is given (it lets one pod go at a time, so a single
 * replica never blocks a node drain).
 *
 * With `spec: null` (or no spec) the API server has no spec object to default, so only the webhook's
 * `replicas: 1` is set and no budget follows (the strategy is still empty): upstream's allocator then writes
 * `filter_strategy: ""` and no grace period, as e2e-targetallocator-cr/targetallocator-label asserts.
 */
export function defaultTargetAllocator(cr: TargetAllocator): TargetAllocator {
  const out = cloneJson(cr);
  out.metadata = { ...out.metadata, labels: out.metadata?.labels ?? {} };
  if (out.spec === undefined || out.spec === null) {
    out.spec = { replicas: 1 };
    return out;
  }
  out.spec = dropNullFields(targetAllocatorSpecV1alpha1.json, out.spec);
  // a plain struct in upstream's Go type, so it always exists after the webhook and gets its schema defaults
  out.spec.prometheusCR ??= {};
  applySchemaDefaults(targetAllocatorSpecV1alpha1.json, out.spec);
  out.spec.replicas ??= 1;
  if (out.spec.allocationStrategy === 'consistent-hashing' && out.spec.podDisruptionBudget === undefined) {
    out.spec.podDisruptionBudget = { maxUnavailable: 1 };
  }
  return out;
}

/** Options of `defaultInstrumentation`: the operator's `--auto-instrumentation-<lang>-image` flags. */
export interface InstrumentationDefaultingOptions {
  /** Image per language. @default - upstream's images (`DEFAULT_INSTRUMENTATION_IMAGES`) */
  readonly images?: Partial<Record<inst.InstrumentationLanguage, string>>;
}

const LANGUAGES: inst.InstrumentationLanguage[] = ['java', 'nodejs', 'python', 'dotnet', 'go', 'apacheHttpd', 'nginx'];

/**
 * Upstream's Instrumentation defaults: per language an image (the operator default when empty) and init-container
 * resources (limits 500m/256Mi; requests per language), Apache `version` 2.4 and `configPath`, nginx `configFile`,
 * and the `instrumentation.opentelemetry.io/default-auto-instrumentation-<lang>-image` annotations the upgrade
 * routine compares against. The exporter endpoint, propagators and sampler have no defaults upstream (the SDKs
 * apply theirs), so they are left unset.
 */
export function defaultInstrumentation(cr: Instrumentation, options: InstrumentationDefaultingOptions = {}): Instrumentation {
  const out = cloneJson(cr);
  out.spec = dropNullFields(instrumentationSpecV1alpha1.json, out.spec ?? {});
  applySchemaDefaults(instrumentationSpecV1alpha1.json, out.spec);
  const annotations: { [key: string]: string } = { ...out.metadata.annotations };
  for (const lang of LANGUAGES) {
    const image = options.images?.[lang] ?? inst.DEFAULT_INSTRUMENTATION_IMAGES[lang];
    const section: { image?: string; resources?: object; resourceRequirements?: object } = (out.spec[lang] ??= {});
    section.image ||= image;
    const defaults = inst.DEFAULT_INSTRUMENTATION_RESOURCES[lang];
    const resourcesKey = lang === 'java' ? 'resources' : 'resourceRequirements';
    const current: { limits?: object; requests?: object } = { ...(section[resourcesKey] ?? {}) };
    current.limits ??= { ...defaults.limits };
    current.requests ??= { ...defaults.requests };
    section[resourcesKey] = current;
    annotations[inst.defaultImageAnnotation(lang)] = image;
  }
  out.spec.apacheHttpd!.version ||= inst.DEFAULT_APACHE_HTTPD_VERSION;
  out.spec.apacheHttpd!.configPath ||= inst.DEFAULT_APACHE_HTTPD_CONFIG_PATH;
  out.spec.nginx!.configFile ||= inst.DEFAULT_NGINX_CONFIG_FILE;
  out.metadata = { ...out.metadata, annotations, labels: { ...out.metadata.labels } };
  return out;
}

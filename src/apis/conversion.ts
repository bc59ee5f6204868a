/**
 * OpenTelemetryCollector conversion between v1alpha1 and v1beta1 (the hub), as the operator's `/convert` webhook
 * does it. The v1alpha1 `config` YAML string becomes the v1beta1 object; a config that does not parse, or is not a
 * mapping, becomes an empty valid config, never an error (upstream's e2e `conversion-webhook-invalid-config`).
 * Fields one version does not have are dropped, as upstream's conversion does.
 */
import { Document, parse as parseYaml } from 'yaml';
import type { JSONSchemaProps } from './schema-dsl';
import { collectorSpecV1alpha1, OpenTelemetryCollectorSpecV1alpha1, OpenTelemetryCollectorV1alpha1 } from './v1alpha1/collector-schema';
import { collectorSpecV1beta1 } from './v1beta1/collector-schema';
import type { CollectorConfig, OpenTelemetryCollector, OpenTelemetryCollectorSpec } from './v1beta1/collector-types';
import { cloneJson } from '../common/json';

type Json = { [key: string]: any };

/** Parses a v1alpha1 config string; anything unusable gives the empty config. */
export function parseCollectorConfigYaml(text: string | undefined): CollectorConfig {
  let parsed: unknown;
  try {
    parsed = parseYaml(text ?? '', { merge: true });
  } catch {
    parsed = undefined;
  }
  const cfg: Json = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Json : {};
  const service: Json = isMap(cfg.service) ? cfg.service : {};
  return {
    ...cfg,
    receivers: isMap(cfg.receivers) ? cfg.receivers : {},
    exporters: isMap(cfg.exporters) ? cfg.exporters : {},
    service: { ...service, pipelines: isMap(service.pipelines) ? service.pipelines : {} },
  } as CollectorConfig;
}

function isMap(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (!isMap(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map(k => [k, sortKeysDeep(v[k])]));
}

function ordered(source: Json, order: string[], always: string[] = []): Json {
  const out: Json = {};
  for (const k of order) {
    if (source[k] !== undefined) out[k] = source[k];
    else if (always.includes(k)) out[k] = {};
  }
  for (const k of Object.keys(source).filter(k => !order.includes(k)).sort()) out[k] = sortKeysDeep(source[k]);
  return out;
}

/**
 * The v1beta1 config as the YAML string v1alpha1 stores, in upstream's layout: sections in the Go struct's order
 * (receivers, exporters, processors, connectors, extensions, service{extensions, telemetry, pipelines}),
 * pipelines as exporters/processors/receivers, everything else key-sorted, sequences indented.
 */
export function collectorConfigToYaml(config: CollectorConfig): string {
  const cfg = config as Json;
  const sections: Json = {};
  for (const k of ['receivers', 'exporters', 'processors', 'connectors', 'extensions']) {
    if (cfg[k] !== undefined) sections[k] = sortKeysDeep(cfg[k]);
  }
  const service: Json = isMap(cfg.service) ? cfg.service : {};
  const pipelines: Json = {};
  for (const name of Object.keys(service.pipelines ?? {}).sort()) {
    const p = service.pipelines[name];
    pipelines[name] = isMap(p) ? ordered(p, ['exporters', 'processors', 'receivers']) : p;
  }
  sections.service = ordered({
    ...service,
    telemetry: service.telemetry === undefined ? undefined : sortKeysDeep(service.telemetry),
    pipelines,
  }, ['extensions', 'telemetry', 'pipelines']);
  const root = ordered({ ...cfg, ...sections }, ['receivers', 'exporters', 'processors', 'connectors', 'extensions', 'service'], ['receivers', 'exporters']);
  return new Document(root).toString({ indentSeq: true, lineWidth: 0, minContentWidth: 0 });
}

/** Removes properties the schema does not declare (except where it keeps unknown fields), like API server pruning. */
export function pruneUnknownFields<T>(schema: JSONSchemaProps, value: T): T {
  if (Array.isArray(value)) return (schema.items ? value.map(v => pruneUnknownFields(schema.items!, v)) : value) as T;
  if (!isMap(value)) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    const child = schema.properties?.[k] ?? schema.additionalProperties;
    if (child) out[k] = pruneUnknownFields(child, v);
    else if (schema['x-kubernetes-preserve-unknown-fields'] || (!schema.properties && !schema.additionalProperties)) out[k] = v;
  }
  return out as T;
}

function withoutUndefined(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function renameObservability(obs: Json | undefined, from: string, to: string): Json | undefined {
  if (!obs?.metrics || obs.metrics[from] === undefined) return obs;
  const { [from]: value, ...metrics } = obs.metrics;
  return { ...obs, metrics: { ...metrics, [to]: value } };
}

/** v1alpha1 → v1beta1 (the storage version). */
export function convertCollectorV1alpha1ToV1beta1(cr: OpenTelemetryCollectorV1alpha1): OpenTelemetryCollector {
  const src = cloneJson(cr.spec ?? {}) as Json;
  const { config, minReplicas, maxReplicas, updateStrategy, observability, targetAllocator, autoscaler, ...rest } = src;
  let scaler: Json | undefined = autoscaler;
  if (minReplicas !== undefined || maxReplicas !== undefined) {
    const merged: Json = { ...autoscaler };
    merged.minReplicas ??= minReplicas;
    merged.maxReplicas ??= maxReplicas;
    scaler = withoutUndefined(merged);
  }
  let ta: Json | undefined = targetAllocator;
  if (ta) {
    const prom: Json = ta.prometheusCR ?? {};
    ta = {
      ...ta,
      observability: renameObservability(ta.observability, 'DisablePrometheusAnnotations', 'disablePrometheusAnnotations'),
      prometheusCR: withoutUndefined({
        ...prom,
        // upstream always sets both selectors, so an empty v1alpha1 selector still selects every monitor
        podMonitorSelector: { matchLabels: prom.podMonitorSelector },
        serviceMonitorSelector: { matchLabels: prom.serviceMonitorSelector },
      }),
    };
    ta.prometheusCR.podMonitorSelector = withoutUndefined(ta.prometheusCR.podMonitorSelector);
    ta.prometheusCR.serviceMonitorSelector = withoutUndefined(ta.prometheusCR.serviceMonitorSelector);
  }
  const spec = withoutUndefined({
    ...rest,
    autoscaler: scaler,
    targetAllocator: ta,
    observability: renameObservability(observability, 'DisablePrometheusAnnotations', 'disablePrometheusAnnotations'),
    daemonSetUpdateStrategy: updateStrategy,
    config: parseCollectorConfigYaml(config),
  });
  const status = cr.status ? withoutUndefined({ scale: cr.status.scale, version: cr.status.version, image: cr.status.image }) : undefined;
  return withoutUndefined({
    apiVersion: 'opentelemetry.io/v1beta1',
    kind: 'OpenTelemetryCollector',
    metadata: cloneJson(cr.metadata),
    spec: pruneUnknownFields(collectorSpecV1beta1.json, spec) as OpenTelemetryCollectorSpec,
    status,
  }) as OpenTelemetryCollector;
}

/** v1beta1 → v1alpha1 (served for old clients). Fields v1alpha1 lacks are dropped. */
export function convertCollectorV1beta1ToV1alpha1(cr: OpenTelemetryCollector): OpenTelemetryCollectorV1alpha1 {
  const src = cloneJson(cr.spec) as Json;
  const { config, daemonSetUpdateStrategy, observability, targetAllocator, ...rest } = src;
  let ta: Json | undefined = targetAllocator;
  if (ta) {
    const prom: Json = ta.prometheusCR ?? {};
    ta = {
      ...ta,
      observability: renameObservability(ta.observability, 'disablePrometheusAnnotations', 'DisablePrometheusAnnotations'),
      prometheusCR: withoutUndefined({
        enabled: prom.enabled,
        scrapeInterval: prom.scrapeInterval,
        podMonitorSelector: prom.podMonitorSelector?.matchLabels,
        serviceMonitorSelector: prom.serviceMonitorSelector?.matchLabels,
      }),
    };
  }
  const spec = withoutUndefined({
    ...rest,
    targetAllocator: ta,
    observability: renameObservability(observability, 'disablePrometheusAnnotations', 'DisablePrometheusAnnotations'),
    updateStrategy: daemonSetUpdateStrategy,
    config: collectorConfigToYaml(config),
  });
  const status = cr.status ? withoutUndefined({ scale: cr.status.scale, version: cr.status.version, image: cr.status.image }) : undefined;
  return withoutUndefined({
    apiVersion: 'opentelemetry.io/v1alpha1',
    kind: 'OpenTelemetryCollector',
    metadata: cloneJson(cr.metadata),
    spec: pruneUnknownFields(collectorSpecV1alpha1.json, spec) as OpenTelemetryCollectorSpecV1alpha1,
    status,
  }) as OpenTelemetryCollectorV1alpha1;
}

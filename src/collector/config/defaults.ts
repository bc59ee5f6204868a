import { InvalidInputError } from '../../common/errors';
import { receiverParser } from '../components/receivers';
import { exporterParser, extensionParser } from '../components/others';
import { ComponentParser, componentType } from '../components/types';
import { cloneJson, CollectorConfigJson } from './model';
import { asRecord } from '../../common/json';

export const DEFAULT_METRICS_HOST = '0.0.0.0';
export const DEFAULT_METRICS_PORT = 8888;

/** Component ids referenced by the pipelines (receivers, processors, exporters) and `service.extensions`. */
export interface EnabledComponents {
  readonly receivers: string[];
  readonly processors: string[];
  readonly exporters: string[];
  readonly extensions: string[];
}

export function enabledComponents(config: CollectorConfigJson): EnabledComponents {
  const sets = { receivers: new Set<string>(), processors: new Set<string>(), exporters: new Set<string>(), extensions: new Set<string>() };
  for (const p of Object.values(config.service?.pipelines ?? {})) {
    if (!p) continue;
    for (const id of p.receivers ?? []) sets.receivers.add(id);
    for (const id of p.processors ?? []) sets.processors.add(id);
    for (const id of p.exporters ?? []) sets.exporters.add(id);
  }
  for (const id of config.service?.extensions ?? []) sets.extensions.add(id);
  const sorted = (s: Set<string>) => [...s].sort();
  return { receivers: sorted(sets.receivers), processors: sorted(sets.processors), exporters: sorted(sets.exporters), extensions: sorted(sets.extensions) };
}

/**
 * Merges `src` into `dst` where `dst` has no value (mergo.Merge semantics for maps, recursively): the defaults
 * computed for a component win, every other user setting is kept.
 */
function mergeMissing(dst: Record<string, unknown>, src: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(src)) {
    // mergo skips nil source values, so a user's `key: null` disappears unless the defaults set the key
    if (v === null || v === undefined) continue;
    const d = dst[k];
    if (d === undefined || d === null || d === '') {
      dst[k] = v;
    } else if (asRecord(d) && asRecord(v)) {
      mergeMissing(d as Record<string, unknown>, v as Record<string, unknown>);
    }
  }
  return dst;
}

/** Prometheus pull reader as upstream adds it to `service.telemetry.metrics.readers`. */
export function prometheusReader(host: string, port: number): Record<string, unknown> {
  return { pull: { exporter: { prometheus: { host, port } } } };
}

/** Where the collector's own metrics are served (`service.telemetry.metrics`), as upstream reads it. */
export function metricsEndpoint(config: CollectorConfigJson): { host: string; port: number } {
  const metrics = asRecord(asRecord(config.service?.telemetry)?.metrics);
  const readers = Array.isArray(metrics?.readers) ? metrics!.readers as unknown[] : [];
  if (typeof metrics?.address === 'string' && metrics.address !== '' && readers.length === 0) {
    const m = /^(.*):([0-9]+)$/.exec(metrics.address);
    if (m) return { host: m[1] || DEFAULT_METRICS_HOST, port: Number(m[2]) };
    throw new Error(`cannot read a port from service.telemetry.metrics.address "${metrics.address}"`);
  }
  for (const r of readers) {
    const prom = asRecord(asRecord(asRecord(asRecord(r)?.pull)?.exporter)?.prometheus);
    if (!prom) continue;
    const host = typeof prom.host === 'string' && prom.host !== '' ? prom.host : DEFAULT_METRICS_HOST;
    let port = DEFAULT_METRICS_PORT;
    if (typeof prom.port === 'number' && prom.port !== 0) {
      if (!Number.isInteger(prom.port) || prom.port < 0 || prom.port > 65535) throw new Error(`invalid prometheus metrics port: ${prom.port}`);
      port = prom.port;
    }
    return { host, port };
  }
  return { host: DEFAULT_METRICS_HOST, port: DEFAULT_METRICS_PORT };
}

/** No metrics address nor reader is configured: upstream adds its Prometheus reader. */
function needsTelemetryDefaults(config: CollectorConfigJson): boolean {
  const metrics = asRecord(asRecord(config.service?.telemetry)?.metrics);
  const readers = Array.isArray(metrics?.readers) ? metrics!.readers as unknown[] : [];
  return !((typeof metrics?.address === 'string' && metrics.address !== '') || readers.length > 0);
}

function applyTelemetryDefaults(config: CollectorConfigJson): void {
  const service = (config.service ??= {});
  const telemetry = (service.telemetry ??= {}) as Record<string, unknown>;
  if (!needsTelemetryDefaults(config)) return;
  const metrics = asRecord(telemetry.metrics);
  const { host, port } = metricsEndpoint(config);
  telemetry.metrics = { ...(metrics ?? {}), readers: [prometheusReader(host, port)] };
}

/** An Event upstream's defaulting webhook records on the collector. */
export interface ConfigDefaultEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

/**
 * The Events upstream's defaulter records for what {@link applyConfigDefaults} does to `config` (before it is
 * defaulted): `Spec.Service.Telemetry.DefaultsApplied` when the Prometheus telemetry reader is added.
 */
export function configDefaultEvents(input: CollectorConfigJson | undefined): ConfigDefaultEvent[] {
  // no config at all is defaulted too (upstream's zero-valued Config)
  const config = input ?? {};
  if (!needsTelemetryDefaults(config)) return [];
  const { host, port } = metricsEndpoint(config);
  return [{ type: 'Normal', reason: 'Spec.Service.Telemetry.DefaultsApplied', message: `Applied default Prometheus telemetry configuration (host: ${host}, port: ${port})` }];
}

/** A component's settings cannot be defaulted (e.g. an unknown protocol); `path` is relative to the config. */
export class ComponentConfigError extends Error {
  constructor(public readonly path: string, message: string) {
    super(message);
    this.name = 'ComponentConfigError';
  }
}

function defaultSection(sectionName: string, section: Record<string, unknown> | null | undefined, ids: string[], parserFor: (t: string) => ComponentParser): void {
  if (!section) return;
  for (const id of ids) {
    const parser = parserFor(componentType(id));
    if (!parser.defaults || !(id in section)) continue;
    let defaulted: Record<string, unknown>;
    try {
      defaulted = parser.defaults(section[id]) as Record<string, unknown>;
    } catch (e) {
      throw new ComponentConfigError(`${sectionName}.${id}`, (e as Error).message);
    }
    const own = asRecord(section[id]) ?? {};
    section[id] = mergeMissing(defaulted, own);
  }
}

/**
 * What upstream's defaulting webhook does to `spec.config` before it is stored (and hashed): enabled receivers,
 * exporters and extensions with a known port get `endpoint: 0.0.0.0:<port>` where none (or no host) is set, and
 * `service.telemetry.metrics.readers` gets a Prometheus pull reader on 0.0.0.0:8888 unless metrics telemetry is
 * configured. Returns a new object; throws `Error` for an unknown protocol key.
 */
export function applyConfigDefaults(input: CollectorConfigJson): CollectorConfigJson {
  const config = cloneJson(input) ?? {};
  applyTelemetryDefaults(config);
  const enabled = enabledComponents(config);
  defaultSection('receivers', config.receivers, enabled.receivers, receiverParser);
  defaultSection('exporters', config.exporters, enabled.exporters, exporterParser);
  defaultSection('extensions', config.extensions, enabled.extensions, extensionParser);
  return config;
}

/**
 * `applyConfigDefaults` for the config of a resource: a component the webhook cannot default (an unknown protocol)
 * is an `InvalidInputError` naming its path, as upstream's defaulting webhook rejects the CR.
 */
export function defaultConfigOf(config: CollectorConfigJson, resource: string): CollectorConfigJson {
  try {
    return applyConfigDefaults(config);
  } catch (e) {
    if (!(e instanceof ComponentConfigError)) throw e;
    throw new InvalidInputError(resource, `spec.config.${e.path}`, e.message, 'use only the protocols this component supports');
  }
}

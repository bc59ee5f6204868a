import { stringify } from 'yaml';
import { InvalidInputError } from '../../common/errors';
import { GO_STRUCT } from '../../common/gojson';
import { targetAllocatorName } from '../../common/naming';
import { cloneJson, CollectorConfigJson, toGoConfigStruct } from './model';
import { asRecord } from '../../common/json';

export interface TargetAllocatorWiring {
  /** the TargetAllocator's name (the collector's own name for the embedded one): its Service is `<name>-targetallocator` */
  readonly targetAllocatorName: string;
  /** how often the collector re-reads the allocator's scrape configs @default 30s */
  readonly interval?: string;
  /** talk to the allocator over mTLS (https on 443, client certificate files under `tlsDir`) */
  readonly mtls?: boolean;
  /** @default /tls */
  readonly tlsDir?: string;
  /** the collector, for error messages @default 'OpenTelemetryCollector' */
  readonly resource?: string;
}

/**
 * With a target allocator, the receiver named exactly `prometheus` stops scraping on its own: its
 * `config.scrape_configs` are removed (the allocator serves them; `global` stays) and its `target_allocator` map
 * gets `endpoint` (the allocator's Service), `interval` and `collector_id: ${POD_NAME}`, plus the client TLS files
 * with mTLS. As upstream, the map is merged, not replaced: keys the user set there (`http_sd_config`, other `tls`
 * settings) are kept. `prometheus/<name>` receivers are not the allocator's and stay as they are. A config
 * without a `prometheus` receiver is returned unchanged (the collector webhook rejects it for an embedded
 * allocator). A `target_allocator` or `tls` that is not a map is an error, as upstream's rewrite fails on it.
 */
export function wireTargetAllocator(config: CollectorConfigJson, ta: TargetAllocatorWiring): CollectorConfigJson {
  const out = cloneJson(config);
  const receivers = asRecord(out.receivers);
  if (!receivers || !('prometheus' in receivers)) return out;
  const receiver = asRecord(receivers.prometheus) ?? {};
  const promConfig = asRecord(receiver.config);
  if (promConfig) delete promConfig.scrape_configs;
  const wiring = mapAt(receiver, 'target_allocator', 'receivers.prometheus.target_allocator', ta);
  const service = targetAllocatorName(ta.targetAllocatorName);
  wiring.endpoint = ta.mtls ? `https://${service}:443` : `http://${service}:80`;
  wiring.interval = ta.interval ?? '30s';
  wiring.collector_id = '${POD_NAME}';
  if (ta.mtls) {
    const dir = ta.tlsDir ?? '/tls';
    const tls = mapAt(wiring, 'tls', 'receivers.prometheus.target_allocator.tls', ta);
    Object.assign(tls, { ca_file: `${dir}/ca.crt`, cert_file: `${dir}/tls.crt`, key_file: `${dir}/tls.key`, reload_interval: '5m' });
  }
  receivers.prometheus = receiver;
  return out;
}

/** The map at `parent[key]`, created when absent or null; anything else cannot be merged into. */
function mapAt(parent: Record<string, unknown>, key: string, path: string, ta: TargetAllocatorWiring): Record<string, unknown> {
  if (parent[key] === undefined || parent[key] === null) parent[key] = {};
  const map = asRecord(parent[key]);
  if (!map) {
    throw new InvalidInputError(ta.resource ?? 'OpenTelemetryCollector', `spec.config.${path}`,
      `${key} property in the configuration doesn't contain valid ${key}`,
      `make ${path} a map (the operator sets its endpoint, interval and collector_id) or remove it`);
  }
  return map;
}

/**
 * `collector.yaml` as upstream writes it without a target allocator: the Go config struct marshalled to YAML, so
 * sections in struct order (receivers, exporters, processors, connectors, extensions, service{extensions,
 * telemetry, pipelines}), component settings with sorted keys, 2-space indentation, list items indented.
 */
export function renderConfigYaml(config: CollectorConfigJson): string {
  return stringify(sortMaps(toGoConfigStruct(config)), { indent: 2, indentSeq: true, lineWidth: 0, minContentWidth: 0 });
}

/**
 * `collector.yaml` after the target-allocator rewrite: upstream re-marshals a generic map there, so keys are sorted
 * at every level and indentation is 4 spaces.
 */
export function renderRewrittenConfigYaml(config: CollectorConfigJson): string {
  return stringify(config, { indent: 4, indentSeq: true, sortMapEntries: true, lineWidth: 0, minContentWidth: 0 });
}

/** Sorts the keys of plain maps, keeping the order of Go struct objects (`goStruct`). */
function sortMaps(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortMaps);
  if (v === null || typeof v !== 'object') return v;
  const obj = v as Record<string | symbol, unknown>;
  const keys = Object.keys(obj);
  if (!obj[GO_STRUCT]) keys.sort();
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = sortMaps(obj[k]);
  return out;
}

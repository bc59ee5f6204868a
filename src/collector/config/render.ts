import { stringify } from 'yaml';
import { asRecord, componentType } from '../components/types';
import { GO_STRUCT } from '../gojson';
import { targetAllocatorName } from '../names';
import { cloneJson, CollectorConfigJson, toGoConfigStruct } from './model';

export interface TargetAllocatorWiring {
  /** the TargetAllocator's name (the collector's own name for the embedded one): its Service is `<name>-targetallocator` */
  readonly targetAllocatorName: string;
  /** how often the collector re-reads the allocator's scrape configs @default 30s */
  readonly interval?: string;
  /** talk to the allocator over mTLS (https on 443, client certificate files under `tlsDir`) */
  readonly mtls?: boolean;
  /** @default /tls */
  readonly tlsDir?: string;
}

/**
 * With a target allocator, the prometheus receivers stop scraping on their own: their `scrape_configs` are removed
 * (the allocator serves them) and `target_allocator` points at the allocator's Service, identifying the collector by
 * its pod name. `global` settings stay.
 */
export function wireTargetAllocator(config: CollectorConfigJson, ta: TargetAllocatorWiring): CollectorConfigJson {
  const out = cloneJson(config);
  const receivers = asRecord(out.receivers);
  if (!receivers) return out;
  for (const [id, settings] of Object.entries(receivers)) {
    if (componentType(id) !== 'prometheus') continue;
    const receiver = asRecord(settings) ?? {};
    const promConfig = asRecord(receiver.config);
    if (promConfig) delete promConfig.scrape_configs;
    const dir = ta.tlsDir ?? '/tls';
    receiver.target_allocator = {
      endpoint: ta.mtls ? `https://${targetAllocatorName(ta.targetAllocatorName)}:443` : `http://${targetAllocatorName(ta.targetAllocatorName)}:80`,
      interval: ta.interval ?? '30s',
      collector_id: '${POD_NAME}',
      ...(ta.mtls ? { tls: { ca_file: `${dir}/ca.crt`, cert_file: `${dir}/tls.crt`, key_file: `${dir}/tls.key`, reload_interval: '5m' } } : {}),
    };
    receivers[id] = receiver;
  }
  return out;
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

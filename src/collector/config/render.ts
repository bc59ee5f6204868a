import { stringify } from 'yaml';
import { asRecord, componentType } from '../components/types';
import { targetAllocatorName } from '../names';
import { cloneJson, CollectorConfigJson } from './model';

export interface TargetAllocatorWiring {
  /** the collector CR's name: the allocator's Service is `<name>-targetallocator` */
  readonly collectorName: string;
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
      endpoint: ta.mtls ? `https://${targetAllocatorName(ta.collectorName)}:443` : `http://${targetAllocatorName(ta.collectorName)}:80`,
      interval: ta.interval ?? '30s',
      collector_id: '${POD_NAME}',
      ...(ta.mtls ? { tls: { ca_file: `${dir}/ca.crt`, cert_file: `${dir}/tls.crt`, key_file: `${dir}/tls.key`, reload_interval: '5m' } } : {}),
    };
    receivers[id] = receiver;
  }
  return out;
}

/**
 * `collector.yaml` as upstream writes it: the config re-marshalled from a map, so keys sorted at every level,
 * 4-space indentation and list items indented under their key.
 */
export function renderConfigYaml(config: CollectorConfigJson): string {
  return stringify(config, { indent: 4, indentSeq: true, sortMapEntries: true, lineWidth: 0, minContentWidth: 0 });
}

/**
 * The part of upstream's collector validating webhook that reads the collector config for an embedded target
 * allocator. The allocator takes its scrape configs from the receiver named exactly `prometheus` (never
 * `prometheus/<name>`), and must have something to allocate: scrape configs, or Prometheus CRs to discover.
 * Messages are upstream's ("the OpenTelemetry Spec Prometheus configuration is incorrect, " + the adapter's error),
 * checked in upstream's order; each error also names the field and the fix.
 */
import { InvalidInputError } from '../../common/errors';
import { describeObject } from '../../common/kube';

const PROBLEM = 'the OpenTelemetry Spec Prometheus configuration is incorrect, ';

function isMap(v: unknown): v is { [key: string]: unknown } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The collector fields this check reads (a v1beta1 collector, converted and defaulted). */
export interface CollectorForTargetAllocator {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: {
    readonly config?: unknown;
    readonly targetAllocator?: { readonly prometheusCR?: { readonly enabled?: boolean } };
  };
}

/**
 * Throws `InvalidInputError` when the config cannot feed an embedded target allocator. Call it only when
 * `spec.targetAllocator.enabled` (and after the mode checks, as upstream does).
 */
export function validateCollectorForTargetAllocator(cr: CollectorForTargetAllocator): void {
  const resource = describeObject({ kind: cr.kind ?? 'OpenTelemetryCollector', metadata: { ...cr.metadata, namespace: cr.metadata?.namespace || 'default' } });
  const fail = (path: string, why: string, fix: string): never => {
    throw new InvalidInputError(resource, `spec.config.${path}`, PROBLEM + why, fix);
  };
  const config = isMap(cr.spec?.config) ? cr.spec!.config : {};
  const disable = 'or disable spec.targetAllocator';

  if (!('receivers' in config)) fail('receivers', 'no receivers available as part of the configuration', `add a "prometheus" receiver, ${disable}`);
  const receivers = config.receivers;
  if (!isMap(receivers)) fail('receivers', "receivers property in the configuration doesn't contain valid receivers", 'make receivers a map of receiver settings');
  const receiversMap = receivers as { [id: string]: unknown };
  if (!('prometheus' in receiversMap)) {
    fail('receivers.prometheus', 'no prometheus available as part of the configuration',
      `add a receiver named exactly "prometheus" (the target allocator serves its scrape configs), ${disable}`);
  }
  const prometheus = receiversMap.prometheus;
  if (!isMap(prometheus)) {
    fail('receivers.prometheus', "prometheus property in the configuration doesn't contain valid prometheus", 'give the prometheus receiver a map of settings, e.g. prometheus: {config: {scrape_configs: [...]}}');
  }
  if (cr.spec?.targetAllocator?.prometheusCR?.enabled) return;

  const enableCrs = 'or set spec.targetAllocator.prometheusCR.enabled: true';
  const promMap = prometheus as { [key: string]: unknown };
  if (!('config' in promMap)) fail('receivers.prometheus.config', 'no prometheusConfig available as part of the configuration', `add config.scrape_configs, ${enableCrs}`);
  const promConfig = promMap.config;
  if (!isMap(promConfig)) fail('receivers.prometheus.config', "prometheusConfig property in the configuration doesn't contain valid prometheusConfig", 'make config a map (the Prometheus configuration)');
  const promConfigMap = promConfig as { [key: string]: unknown };
  if (!('scrape_configs' in promConfigMap)) fail('receivers.prometheus.config.scrape_configs', 'no scrape_configs available as part of the configuration', `add a scrape config, ${enableCrs}`);
  const scrapeConfigs = promConfigMap.scrape_configs;
  if (!Array.isArray(scrapeConfigs)) fail('receivers.prometheus.config.scrape_configs', 'scrape_configs must be a list in the config', 'make scrape_configs a list of scrape configs');
  const list = scrapeConfigs as unknown[];
  const bad = list.findIndex((s) => !isMap(s));
  if (bad >= 0) {
    fail(`receivers.prometheus.config.scrape_configs[${bad}]`, "scrape_config property in the configuration doesn't contain valid scrape_config", 'make each scrape config a map with a job_name');
  }
  if (list.length === 0) {
    fail('receivers.prometheus.config.scrape_configs', 'either at least one scrape config needs to be defined or PrometheusCR needs to be enabled',
      `add a scrape config, ${enableCrs}`);
  }
}

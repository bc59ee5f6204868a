import { createHash } from 'crypto';
import { InvalidInputError } from '../common/errors';
import { durationMillis, normalizedDuration } from './duration';
import { goStruct, goYamlV2Marshal } from './go-yaml';
import { mtlsEnabled, ResolvedTargetAllocator } from './model';
import { asRecord, Json } from '../common/json';
import { COLLECTOR_COMPONENT, selectorLabels } from '../common/labels';
import { cloneJson } from '../common/json';

export const TA_CONFIG_KEY = 'targetallocator.yaml';
/** Pod-template annotation with the SHA-256 of targetallocator.yaml, so a config change rolls the allocator. */
export const TA_CONFIG_HASH_ANNOTATION = 'opentelemetry-targetallocator-config/hash';
/** Where the allocator finds its server certificate and the CA that signed the collectors' client certificates. */
export const TA_TLS_DIR = '/tls';

/** A plain object as loosely-typed JSON, or undefined. */
const rec = (v: unknown): Json | undefined => asRecord(v) as Json | undefined;

/** A `metav1.LabelSelector` as yaml.v2 writes the Go struct: lower-cased field names, nil map `{}`, nil list `[]`. */
export function goLabelSelector(selector: unknown): Json | null {
  if (selector === undefined || selector === null) return null;
  const s = rec(selector) ?? {};
  const expressions = Array.isArray(s.matchExpressions) ? s.matchExpressions : [];
  return goStruct({
    matchlabels: rec(s.matchLabels) ?? {},
    matchexpressions: expressions.map((e: Json) => goStruct({ key: e?.key ?? '', operator: e?.operator ?? '', values: Array.isArray(e?.values) ? e.values : [] })),
  });
}

/** The collector's `receivers.prometheus` (upstream reads exactly that id, not `prometheus/<name>`). */
function prometheusReceiver(collector: Json): Json | undefined {
  return rec(rec(collector.spec?.config?.receivers)?.prometheus);
}

/**
 * Scrape configs of the collector's prometheus receiver, with `$$` turned back into `$` in relabel
 * `replacement`s: the collector expands environment variables and needs `$$`, the allocator does not.
 */
export function collectorScrapeConfigs(collector: Json): Json[] {
  const promConfig = rec(prometheusReceiver(collector)?.config);
  const list = promConfig?.scrape_configs;
  if (!Array.isArray(list)) return [];
  return list.map((job) => {
    const copy = cloneJson(job) as Json;
    for (const key of ['relabel_configs', 'metric_relabel_configs']) {
      if (!Array.isArray(copy[key])) continue;
      for (const rule of copy[key]) {
        if (rule && typeof rule.replacement === 'string') rule.replacement = rule.replacement.replaceAll('$$', '$');
      }
    }
    return copy;
  });
}

function collectorGlobalConfig(collector: Json): Json | undefined {
  return rec(rec(prometheusReceiver(collector)?.config)?.global);
}

function prometheusCrSection(pcr: Json): Json {
  const out: Json = { enabled: true };
  const scrapeInterval = normalizedDuration(pcr.scrapeInterval);
  const evaluationInterval = normalizedDuration(pcr.evaluationInterval);
  if (scrapeInterval) out.scrape_interval = scrapeInterval;
  if (evaluationInterval) out.evaluation_interval = evaluationInterval;
  if (pcr.scrapeProtocols !== undefined && pcr.scrapeProtocols !== null) out.scrape_protocols = pcr.scrapeProtocols;
  if (pcr.scrapeClasses !== undefined && pcr.scrapeClasses !== null) out.scrape_classes = pcr.scrapeClasses;
  if (pcr.allowNamespaces !== undefined && pcr.allowNamespaces !== null) out.allow_namespaces = pcr.allowNamespaces;
  if (pcr.denyNamespaces !== undefined && pcr.denyNamespaces !== null) out.deny_namespaces = pcr.denyNamespaces;
  if (pcr.secretNamespaces !== undefined && pcr.secretNamespaces !== null) out.secret_namespaces = pcr.secretNamespaces;
  if (pcr.denyFSAccessThroughSMs) out.deny_fs_access_through_sms = true;
  if (pcr.retryMissingCRDs) out.retry_missing_crds = true;
  if (Array.isArray(pcr.waitForCRDs) && pcr.waitForCRDs.length > 0) out.wait_for_crds = pcr.waitForCRDs;
  for (const kind of ['serviceMonitor', 'podMonitor', 'scrapeConfig', 'probe']) {
    const snake = kind.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    out[`${snake}_namespace_selector`] = goLabelSelector(pcr[`${kind}NamespaceSelector`]);
    out[`${snake}_selector`] = goLabelSelector(pcr[`${kind}Selector`]);
  }
  return out;
}

/** The allocator's self-telemetry: OTLP periodic readers, written with the allocator binary's own field order. */
function telemetrySection(telemetry: Json | undefined): Json | undefined {
  const readers = rec(telemetry?.metrics)?.readers;
  if (!Array.isArray(readers)) return undefined;
  const out: Json[] = [];
  for (const reader of readers) {
    const p = rec(reader?.periodic);
    if (!p) continue;
    const headers = (list: unknown) =>
      (Array.isArray(list) && list.length > 0 ? list.map((h: Json) => goStruct({ name: h.name, value: h.value })) : undefined);
    const grpc = rec(p.exporter?.otlpGrpc);
    const http = rec(p.exporter?.otlpHttp);
    let exporter: Json = goStruct({});
    if (grpc) {
      exporter = goStruct({
        otlp_grpc: goStruct({
          endpoint: grpc.endpoint || undefined,
          headers: headers(grpc.headers),
          temporality_preference: grpc.temporalityPreference || undefined,
          tls: grpc.tls?.insecure ? goStruct({ insecure: true }) : undefined,
        }),
      });
    } else if (http) {
      exporter = goStruct({
        otlp_http: goStruct({ endpoint: http.endpoint || undefined, headers: headers(http.headers), temporality_preference: http.temporalityPreference || undefined }),
      });
    }
    const interval = durationMillis(p.interval);
    const timeout = durationMillis(p.timeout);
    out.push(goStruct({ periodic: goStruct({ interval: interval || undefined, timeout: timeout || undefined, exporter }) }));
  }
  return out.length > 0 ? goStruct({ metrics: goStruct({ readers: out }) }) : undefined;
}

/**
 * The content of `targetallocator.yaml`, as a JSON-like document in upstream's shape: `collector_selector` (the
 * linked collector's selector labels, else null), `config` (`global` from the CR or the collector's receiver,
 * `scrape_configs` from the CR then the collector), strategies, `prometheus_cr`, `https` with mTLS, and the rest.
 */
export function targetAllocatorConfigDocument(ta: ResolvedTargetAllocator): Json {
  const spec = ta.spec;
  const doc: Json = {};
  const config: Json = {};
  let global: Json | undefined;
  const scrapeConfigs: Json[] = [];
  if (!Array.isArray(spec.scrapeConfigs) && spec.scrapeConfigs !== undefined && spec.scrapeConfigs !== null) {
    throw new InvalidInputError(ta.resource, 'spec.scrapeConfigs', 'must be a list of Prometheus scrape configs', 'write scrapeConfigs as a YAML list');
  }
  scrapeConfigs.push(...(spec.scrapeConfigs ?? []));
  const ownGlobal = rec(spec.global);
  if (ta.collector) {
    global = ownGlobal && Object.keys(ownGlobal).length > 0 ? ownGlobal : collectorGlobalConfig(ta.collector);
    scrapeConfigs.push(...collectorScrapeConfigs(ta.collector));
    const cm = ta.collector.metadata ?? {};
    doc.collector_selector = goLabelSelector({ matchLabels: selectorLabels(cm.name, cm.namespace || ta.namespace, COLLECTOR_COMPONENT) });
  } else {
    global = ownGlobal;
    doc.collector_selector = null;
  }
  if (global && Object.keys(global).length > 0) config.global = global;
  if (scrapeConfigs.length > 0) config.scrape_configs = scrapeConfigs;
  if (Object.keys(config).length > 0) doc.config = config;

  doc.allocation_strategy = spec.allocationStrategy || 'consistent-hashing';
  if (ta.options.fallbackStrategy) doc.allocation_fallback_strategy = 'consistent-hashing';
  // written as stored: a CR created with `spec: null` has no defaults, and upstream then writes ""
  doc.filter_strategy = typeof spec.filterStrategy === 'string' ? spec.filterStrategy : '';
  if (spec.prometheusCR?.enabled) doc.prometheus_cr = prometheusCrSection(spec.prometheusCR);
  if (mtlsEnabled(ta)) {
    doc.https = {
      enabled: true,
      listen_addr: ':8443',
      ca_file_path: `${TA_TLS_DIR}/ca.crt`,
      tls_cert_file_path: `${TA_TLS_DIR}/tls.crt`,
      tls_key_file_path: `${TA_TLS_DIR}/tls.key`,
    };
  }
  if (spec.allowInsecureAuthSecrets) doc.allow_insecure_auth_secrets = true;
  const grace = normalizedDuration(spec.collectorNotReadyGracePeriod);
  if (grace) doc.collector_not_ready_grace_period = grace;
  const telemetry = telemetrySection(spec.telemetry);
  if (telemetry) doc.telemetry = telemetry;
  return doc;
}

/** `targetallocator.yaml` exactly as upstream writes it (Go yaml.v2). */
export function targetAllocatorConfigYaml(ta: ResolvedTargetAllocator): string {
  return goYamlV2Marshal(targetAllocatorConfigDocument(ta));
}

/** Hex SHA-256 of the config file (the pod annotation `opentelemetry-targetallocator-config/hash`). */
export function targetAllocatorConfigHash(configYaml: string): string {
  return createHash('sha256').update(configYaml).digest('hex');
}

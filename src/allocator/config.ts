import { parse as parseYaml } from 'yaml';
import { InvalidInputError } from '../common/errors';
import { formatDuration, parseDuration } from './duration';
import { checkHttpClient } from './http-client-check';
import { HttpSDConfig, parseHttpSDConfigs } from './http-sd-config';
import { KubernetesSDConfig, parseKubernetesSDConfigs } from './kubernetes/sd-config';
import { LabelSelector, parseLabelSelector } from './label-selector';
import { MonitorSelection, NamespaceFilter } from './prometheus-cr/select';
import { parseScrapeClasses, ScrapeClasses } from './prometheus-cr/scrape-class';
import { relabelConfigs } from './prometheus-cr/generate';
import { isValidLabelNameIn, Labels, NAME_VALIDATION_SCHEMES, NameValidationScheme } from './labels';
import { parseRelabelRules, RelabelRule, servedRelabelRule } from './relabel';
import { bytesOf, servedScrapeConfig } from './served-scrape-config';
import { DEFAULT_STRATEGY, FALLBACK_STRATEGY_NAMES, STRATEGY_NAMES } from './strategies';
import { Collector } from './strategies/strategy';
import { TargetGroup } from './target';

/**
 * The target allocator's config file (upstream `targetallocator.yaml`, spec §4), parsed and validated. Keys are
 * upstream's; one is ours: `collectors`, a static list of collectors (names, optionally `node_name`), used instead
 * of discovering the collector pods (so the allocator can run without a cluster).
 */
export interface AllocatorConfig {
  readonly collectorNamespace?: string;
  /** the collector pods' selector (upstream: absent or null selects every pod of the namespace) */
  readonly collectorSelector: LabelSelector;
  /** `kube_config_file_path`: the kubeconfig to use outside a cluster */
  readonly kubeConfigFilePath?: string;
  /** `prometheus_cr.enabled` */
  readonly prometheusCrEnabled: boolean;
  readonly prometheusCr: PrometheusCrConfig;
  readonly listenAddr: string;
  readonly allocationStrategy: string;
  readonly allocationFallbackStrategy: string;
  /** `relabel-config` (the default) or `''` (no filtering) */
  readonly filterStrategy: string;
  readonly allowInsecureAuthSecrets: boolean;
  readonly collectorNotReadyGracePeriodMs: number;
  readonly https: HttpsConfig;
  readonly collectors: readonly Collector[];
  /** `config.global` as written, for reference */
  readonly global: Readonly<Record<string, unknown>>;
  readonly scrapeConfigs: readonly ScrapeJob[];
}

/** `prometheus_cr`: which ServiceMonitors, PodMonitors and Probes become jobs. */
export interface PrometheusCrConfig {
  readonly enabled: boolean;
  /** the default scrape interval of the generated jobs (upstream: 30s) */
  readonly scrapeIntervalMs: number;
  readonly serviceMonitors: MonitorSelection;
  readonly podMonitors: MonitorSelection;
  readonly probes: MonitorSelection;
  /** `scrape_config_selector`/`scrape_config_namespace_selector`: ScrapeConfigs (monitoring.coreos.com/v1alpha1) */
  readonly scrapeConfigs: MonitorSelection;
  readonly namespaces: NamespaceFilter;
  /** `scrape_classes`: the Prometheus CR's scrapeClasses */
  readonly scrapeClasses: ScrapeClasses;
  /** `scrape_protocols`, given to every generated job that sets none (upstream's default: all four text formats) */
  readonly scrapeProtocols: readonly string[];
  /** `deny_fs_access_through_sms`: drop generated jobs that read credentials or TLS files */
  readonly denyFsAccess: boolean;
  /** `secret_namespaces`: where Secrets and ConfigMaps are watched (empty: the collector namespace); elsewhere they are read by GET */
  readonly secretNamespaces: readonly string[];
  /** keys set that this allocator does not act on yet (probe and scrape_config selectors, …) */
  readonly unsupported: readonly string[];
}

export interface HttpsConfig {
  readonly enabled: boolean;
  readonly listenAddr: string;
  readonly caFilePath: string;
  readonly tlsCertFilePath: string;
  readonly tlsKeyFilePath: string;
}

/** One scrape config (job), with Prometheus' defaults applied. */
export interface ScrapeJob {
  readonly jobName: string;
  /** the scrape config with defaults applied, as served on `/scrape_configs` (before redaction) */
  readonly served: Readonly<Record<string, unknown>>;
  readonly relabelRules: readonly RelabelRule[];
  readonly seedLabels: ReadonlyArray<readonly [string, string]>;
  readonly staticGroups: readonly TargetGroup[];
  readonly fileSD: readonly FileSDConfig[];
  readonly kubernetesSD: readonly KubernetesSDConfig[];
  /** `http_sd_configs` (absent in jobs built by hand) */
  readonly httpSD?: readonly HttpSDConfig[];
  /** discovery mechanisms this process cannot run (e.g. consul_sd_configs): served, but yield no targets */
  readonly unsupportedSD: readonly string[];
}

export interface FileSDConfig {
  readonly files: readonly string[];
  readonly refreshIntervalMs: number;
}

const TOP_KEYS = new Set([
  'collector_namespace', 'collector_selector', 'listen_addr', 'kube_config_file_path', 'config', 'allocation_strategy',
  'allocation_fallback_strategy', 'filter_strategy', 'prometheus_cr', 'https', 'allow_insecure_auth_secrets',
  'collector_not_ready_grace_period', 'telemetry', 'collectors',
]);
const DEFAULT_SCRAPE_INTERVAL_MS = 60_000;
const DEFAULT_SCRAPE_TIMEOUT_MS = 10_000;

type Obj = Record<string, unknown>;

/**
 * Parses and validates the config text. `env` supplies upstream's overrides (`OTELCOL_NAMESPACE`,
 * `ALLOW_INSECURE_AUTH_SECRETS`). Errors name the file, the key path and the fix.
 */
export function parseAllocatorConfig(text: string, file: string, env: Readonly<Record<string, string | undefined>> = {}): AllocatorConfig {
  const bad = (path: string, problem: string, fix: string): never => {
    throw new InvalidInputError(file, path, problem, fix);
  };
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return bad('(document)', `not valid YAML: ${(err as Error).message.split('\n')[0]}`, 'fix the YAML syntax');
  }
  if (doc === null || doc === undefined) doc = {};
  const root = asObject(doc, '(document)', bad);
  for (const key of Object.keys(root)) if (!TOP_KEYS.has(key)) bad(key, 'unknown key', `use one of ${Array.from(TOP_KEYS).join(', ')}`);

  const strategy = optString(root, 'allocation_strategy', bad) ?? DEFAULT_STRATEGY;
  if (!(STRATEGY_NAMES as readonly string[]).includes(strategy)) bad('allocation_strategy', `unknown strategy ${JSON.stringify(strategy)}`, `use one of ${STRATEGY_NAMES.join(', ')}`);
  const fallback = optString(root, 'allocation_fallback_strategy', bad) ?? '';
  if (fallback !== '' && !(FALLBACK_STRATEGY_NAMES as readonly string[]).includes(fallback)) {
    bad('allocation_fallback_strategy', `unknown fallback strategy ${JSON.stringify(fallback)}`, `use one of ${FALLBACK_STRATEGY_NAMES.join(', ')}, or leave it empty`);
  }
  const filter = optString(root, 'filter_strategy', bad) ?? 'relabel-config';
  if (filter !== 'relabel-config' && filter !== '') bad('filter_strategy', `unknown filter strategy ${JSON.stringify(filter)}`, 'use relabel-config, or "" to disable filtering');

  const prometheusCR = root.prometheus_cr === undefined || root.prometheus_cr === null ? {} : asObject(root.prometheus_cr, 'prometheus_cr', bad);
  const prometheusCrEnabled = optBool(prometheusCR, 'enabled', 'prometheus_cr.', bad) ?? false;
  const prometheusCr = parsePrometheusCr(prometheusCR, prometheusCrEnabled, file, bad);

  const httpsRaw = root.https === undefined || root.https === null ? {} : asObject(root.https, 'https', bad);
  const https: HttpsConfig = {
    enabled: optBool(httpsRaw, 'enabled', 'https.', bad) ?? false,
    listenAddr: optString(httpsRaw, 'listen_addr', bad, 'https.') ?? ':8443',
    caFilePath: optString(httpsRaw, 'ca_file_path', bad, 'https.') ?? '',
    tlsCertFilePath: optString(httpsRaw, 'tls_cert_file_path', bad, 'https.') ?? '',
    tlsKeyFilePath: optString(httpsRaw, 'tls_key_file_path', bad, 'https.') ?? '',
  };
  if (https.enabled) {
    for (const [key, value] of [['ca_file_path', https.caFilePath], ['tls_cert_file_path', https.tlsCertFilePath], ['tls_key_file_path', https.tlsKeyFilePath]]) {
      if (!value) bad(`https.${key}`, 'required when https.enabled is true', `set https.${key}`);
    }
  }

  const grace = optString(root, 'collector_not_ready_grace_period', bad) ?? '30s';
  const graceMs = parseDuration(grace);
  if (graceMs === undefined) bad('collector_not_ready_grace_period', `${JSON.stringify(grace)} is not a duration`, 'e.g. 30s or 0 to disable');

  const collectors = parseCollectors(root.collectors, bad);
  const namespace = env.OTELCOL_NAMESPACE || optString(root, 'collector_namespace', bad);
  if (!namespace && collectors.length === 0) {
    bad('collector_namespace', 'required when collectors are discovered from pods', 'set collector_namespace (or OTELCOL_NAMESPACE), or list collectors under `collectors`');
  }
  const collectorSelector = parseLabelSelector(root.collector_selector, file, 'collector_selector');

  const promConfig = root.config === undefined || root.config === null ? {} : asObject(root.config, 'config', bad);
  const global = promConfig.global === undefined || promConfig.global === null ? {} : asObject(promConfig.global, 'config.global', bad);
  // a zero duration means unset, as in Prometheus
  const globalInterval = durationField(global, 'scrape_interval', 'config.global.', bad) || DEFAULT_SCRAPE_INTERVAL_MS;
  const globalTimeoutSet = durationField(global, 'scrape_timeout', 'config.global.', bad) || undefined;
  const globalScheme = nameValidationField(global, 'config.global.', bad) ?? 'utf8';
  if (globalTimeoutSet !== undefined && globalTimeoutSet > globalInterval) {
    bad('config.global.scrape_timeout', `global scrape timeout ${formatDuration(globalTimeoutSet)} is greater than scrape interval ${formatDuration(globalInterval)}`, 'lower scrape_timeout');
  }
  checkScrapeOptions(global, 'config.global', bad);
  const scrapeConfigs = parseScrapeConfigs(promConfig.scrape_configs, {
    // Prometheus's global timeout, when not set, is the default one or the global interval if that is shorter
    interval: globalInterval, timeout: globalTimeoutSet ?? Math.min(DEFAULT_SCRAPE_TIMEOUT_MS, globalInterval), scheme: globalScheme, raw: global,
  }, bad, file, namespace);
  if (scrapeConfigs.length === 0 && !prometheusCrEnabled) bad('config.scrape_configs', 'at least one scrape config is required', 'add a job under config.scrape_configs, or set prometheus_cr.enabled: true');

  const insecureEnv = env.ALLOW_INSECURE_AUTH_SECRETS;
  return {
    collectorNamespace: namespace,
    collectorSelector,
    kubeConfigFilePath: optString(root, 'kube_config_file_path', bad),
    prometheusCrEnabled,
    prometheusCr,
    listenAddr: optString(root, 'listen_addr', bad) ?? ':8080',
    allocationStrategy: strategy,
    allocationFallbackStrategy: fallback,
    filterStrategy: filter,
    allowInsecureAuthSecrets: insecureEnv === 'true' || (optBool(root, 'allow_insecure_auth_secrets', '', bad) ?? false),
    collectorNotReadyGracePeriodMs: graceMs!,
    https,
    collectors,
    global,
    scrapeConfigs,
  };
}

type Bad = (path: string, problem: string, fix: string) => never;

const CR_SUPPORTED = new Set(['enabled', 'scrape_interval', 'evaluation_interval', 'allow_namespaces', 'deny_namespaces',
  'service_monitor_selector', 'service_monitor_namespace_selector', 'pod_monitor_selector', 'pod_monitor_namespace_selector',
  'probe_selector', 'probe_namespace_selector', 'scrape_config_selector', 'scrape_config_namespace_selector', 'scrape_classes',
  'scrape_protocols', 'deny_fs_access_through_sms', 'secret_namespaces']);

/** upstream's `defaultScrapeProtocolsCR` */
export const DEFAULT_CR_SCRAPE_PROTOCOLS = ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4'];
const SCRAPE_PROTOCOLS = ['PrometheusProto', 'OpenMetricsText0.0.1', 'OpenMetricsText1.0.0', 'PrometheusText0.0.4', 'PrometheusText1.0.0'];

function parsePrometheusCr(o: Obj, enabled: boolean, file: string, bad: Bad): PrometheusCrConfig {
  const selector = (key: string) => (o[key] === undefined || o[key] === null ? null : parseLabelSelector(o[key], file, `prometheus_cr.${key}`));
  const names = (key: string): string[] => {
    const v = o[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((n) => typeof n !== 'string')) return bad(`prometheus_cr.${key}`, 'must be a list of namespace names', `write ${key}: [ns]`);
    return v as string[];
  };
  const allow = names('allow_namespaces');
  const deny = names('deny_namespaces');
  if (allow.length > 0 && deny.length > 0) bad('prometheus_cr.deny_namespaces', 'cannot be set together with allow_namespaces', 'keep one of the two');
  const interval = durationField(o, 'scrape_interval', 'prometheus_cr.', bad) ?? 30_000;
  durationField(o, 'evaluation_interval', 'prometheus_cr.', bad);
  let protocols = DEFAULT_CR_SCRAPE_PROTOCOLS;
  if (o.scrape_protocols !== undefined && o.scrape_protocols !== null) {
    const v = o.scrape_protocols;
    if (!Array.isArray(v) || v.some((p) => !SCRAPE_PROTOCOLS.includes(p))) {
      bad('prometheus_cr.scrape_protocols', `must be a list of ${SCRAPE_PROTOCOLS.join(', ')}`, 'e.g. scrape_protocols: [OpenMetricsText1.0.0, PrometheusText0.0.4]');
    }
    if ((v as string[]).length > 0) protocols = v as string[];
  }
  const unsupported = Object.keys(o).filter((k) => !CR_SUPPORTED.has(k) && o[k] !== null && o[k] !== undefined && o[k] !== false);
  return {
    enabled,
    scrapeIntervalMs: interval,
    serviceMonitors: { selector: selector('service_monitor_selector'), namespaceSelector: selector('service_monitor_namespace_selector') },
    podMonitors: { selector: selector('pod_monitor_selector'), namespaceSelector: selector('pod_monitor_namespace_selector') },
    probes: { selector: selector('probe_selector'), namespaceSelector: selector('probe_namespace_selector') },
    scrapeConfigs: { selector: selector('scrape_config_selector'), namespaceSelector: selector('scrape_config_namespace_selector') },
    namespaces: { allow, deny },
    scrapeClasses: validatedScrapeClasses(o.scrape_classes, file),
    scrapeProtocols: protocols,
    denyFsAccess: optBool(o, 'deny_fs_access_through_sms', 'prometheus_cr.', bad) ?? false,
    secretNamespaces: names('secret_namespaces'),
    unsupported,
  };
}

/** `scrape_classes`, their relabel rules checked as the operator's ConfigGenerator checks them at start. */
function validatedScrapeClasses(raw: unknown, file: string): ScrapeClasses {
  const classes = parseScrapeClasses(raw, file, 'prometheus_cr.scrape_classes');
  Array.from(classes.byName.values()).forEach((c, i) => {
    for (const key of ['relabelings', 'metricRelabelings']) parseRelabelRules(relabelConfigs(c[key]), file, `prometheus_cr.scrape_classes[${i}].${key}`);
  });
  return classes;
}

/**
 * Scrape configs generated at run time (from Prometheus CRs) as jobs, with `intervalMs` as their default scrape
 * interval. Each config is parsed on its own: one that fails is reported to `onError` and left out.
 * `ownNamespace` is what `kubernetes_sd_configs` `namespaces.own_namespace` means (the collector namespace).
 */
export function parseGeneratedScrapeConfigs(configs: readonly unknown[], intervalMs: number, scheme: NameValidationScheme, source: string,
  onError: (jobName: string, err: Error) => void, ownNamespace?: string): ScrapeJob[] {
  const bad: Bad = (path, problem, fix) => {
    throw new InvalidInputError(source, path, problem, fix);
  };
  const out: ScrapeJob[] = [];
  for (const sc of configs) {
    try {
      out.push(...parseScrapeConfigs([sc], { interval: intervalMs, timeout: undefined, scheme, raw: {} }, bad, source, ownNamespace));
    } catch (err) {
      onError(String((sc as Obj)?.job_name ?? ''), err as Error);
    }
  }
  return out;
}

function asObject(v: unknown, path: string, bad: Bad): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) bad(path, 'must be a mapping', 'write key: value pairs');
  return v as Obj;
}

function optString(o: Obj, key: string, bad: Bad, prefix = ''): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') bad(`${prefix}${key}`, `must be a string, got ${JSON.stringify(v)}`, 'quote the value');
  return v as string;
}

function optBool(o: Obj, key: string, prefix: string, bad: Bad): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') bad(`${prefix}${key}`, `must be true or false, got ${JSON.stringify(v)}`, 'write true or false');
  return v as boolean;
}

function durationField(o: Obj, key: string, prefix: string, bad: Bad): number | undefined {
  const text = optString(o, key, bad, prefix);
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) bad(`${prefix}${key}`, `${JSON.stringify(text)} is not a duration`, 'e.g. 30s, 1m or 1m30s');
  return ms;
}

function parseCollectors(raw: unknown, bad: Bad): Collector[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return bad('collectors', 'must be a list', 'write collectors: [{name: collector-0}]');
  const seen = new Set<string>();
  return raw.map((c, i) => {
    const path = `collectors[${i}]`;
    const entry: Obj = typeof c === 'string' ? { name: c } : asObject(c, path, bad);
    for (const key of Object.keys(entry)) if (key !== 'name' && key !== 'node_name') bad(`${path}.${key}`, 'unknown key', 'use name and node_name');
    const name = optString(entry, 'name', bad, `${path}.`);
    if (!name) bad(`${path}.name`, 'required', 'set the collector pod name');
    if (seen.has(name!)) bad(`${path}.name`, `duplicate collector ${JSON.stringify(name)}`, 'give each collector a unique name');
    seen.add(name!);
    const nodeName = optString(entry, 'node_name', bad, `${path}.`);
    return nodeName ? { name: name!, nodeName } : { name: name! };
  });
}

const SD_SUFFIX = '_sd_configs';
const SUPPORTED_SD = new Set(['file_sd_configs', 'kubernetes_sd_configs', 'http_sd_configs']);

/** `metric_name_validation_scheme`, which also decides which label names relabel rules accept. */
function nameValidationField(o: Obj, prefix: string, bad: Bad): NameValidationScheme | undefined {
  const v = optString(o, 'metric_name_validation_scheme', bad, prefix);
  if (v === undefined || v === '') return undefined;
  if (!(NAME_VALIDATION_SCHEMES as readonly string[]).includes(v)) {
    bad(`${prefix}metric_name_validation_scheme`, `unknown name validation scheme ${JSON.stringify(v)}`, `use one of ${NAME_VALIDATION_SCHEMES.join(', ')}`);
  }
  return v as NameValidationScheme;
}

interface GlobalScrapeDefaults {
  readonly interval: number;
  readonly timeout: number | undefined;
  readonly scheme: NameValidationScheme;
  /** `config.global` as written (limits, protocols and histogram settings the jobs inherit) */
  readonly raw: Readonly<Obj>;
}

function parseScrapeConfigs(raw: unknown, global: GlobalScrapeDefaults, bad: Bad, file: string, ownNamespace: string | undefined): ScrapeJob[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return bad('config.scrape_configs', 'must be a list', 'write each job as a list item');
  const names = new Set<string>();
  return raw.map((entry, i) => {
    const path = `config.scrape_configs[${i}]`;
    const sc = asObject(entry, path, bad);
    const jobName = optString(sc, 'job_name', bad, `${path}.`);
    if (!jobName) bad(`${path}.job_name`, 'required', 'name the job');
    if (names.has(jobName!)) bad(`${path}.job_name`, `found multiple scrape configs with job name ${JSON.stringify(jobName)}`, 'make job names unique');
    names.add(jobName!);
    const interval = durationField(sc, 'scrape_interval', `${path}.`, bad) || global.interval;
    let timeout = durationField(sc, 'scrape_timeout', `${path}.`, bad);
    if (!timeout) timeout = Math.min(global.timeout ?? DEFAULT_SCRAPE_TIMEOUT_MS, interval);
    if (timeout > interval) bad(`${path}.scrape_timeout`, `scrape timeout ${formatDuration(timeout)} is greater than scrape interval ${formatDuration(interval)}`, 'lower scrape_timeout');
    const metricsPath = optString(sc, 'metrics_path', bad, `${path}.`) ?? '/metrics';
    const scheme = optString(sc, 'scheme', bad, `${path}.`) ?? 'http';
    if (scheme !== 'http' && scheme !== 'https') bad(`${path}.scheme`, `unknown scheme ${JSON.stringify(scheme)}`, 'use http or https');
    const nameScheme = nameValidationField(sc, `${path}.`, bad) ?? global.scheme;
    checkScrapeOptions(sc, path, bad);
    const relabelRules = parseRelabelRules(sc.relabel_configs, file, `${path}.relabel_configs`, nameScheme);
    const metricRules = parseRelabelRules(sc.metric_relabel_configs, file, `${path}.metric_relabel_configs`, nameScheme);

    const seedLabels: Array<[string, string]> = [
      ['job', jobName!],
      ['__scrape_interval__', formatDuration(interval)],
      ['__scrape_timeout__', formatDuration(timeout)],
      ['__metrics_path__', metricsPath],
      ['__scheme__', scheme],
    ];
    if (sc.params !== undefined && sc.params !== null) {
      const params = asObject(sc.params, `${path}.params`, bad);
      for (const [name, values] of Object.entries(params)) {
        if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) bad(`${path}.params.${name}`, 'must be a list of strings', `write ${name}: [value]`);
        if ((values as string[]).length > 0) seedLabels.push([`__param_${name}`, (values as string[])[0]]);
      }
    }

    const staticGroups = parseStaticConfigs(sc.static_configs, `${path}.static_configs`, bad);
    const fileSD = parseFileSD(sc.file_sd_configs, `${path}.file_sd_configs`, bad);
    const kubernetesSD = parseKubernetesSDConfigs(sc.kubernetes_sd_configs, file, `${path}.kubernetes_sd_configs`, ownNamespace);
    const httpSD = parseHttpSDConfigs(sc.http_sd_configs, file, `${path}.http_sd_configs`);
    const unsupportedSD = Object.keys(sc).filter((k) => k.endsWith(SD_SUFFIX) && !SUPPORTED_SD.has(k) && sc[k] !== null);

    const served = servedScrapeConfig(sc, global.raw, {
      jobName: jobName!, intervalMs: interval, timeoutMs: timeout, nameScheme,
      rules: relabelRules.map(servedRelabelRule), metricRules: metricRules.map(servedRelabelRule),
    });
    return { jobName: jobName!, served, relabelRules, seedLabels, staticGroups, fileSD, kubernetesSD, httpSD, unsupportedSD };
  });
}

const ESCAPING_SCHEMES = ['allow-utf-8', 'underscores', 'dots', 'values'];

/** Options Prometheus rejects at load time that the served config writes out (HTTP client, `body_size_limit`, protocols, escaping). */
function checkScrapeOptions(sc: Obj, path: string, bad: Bad): void {
  checkHttpClient(sc, path, bad);
  for (const key of ['kubernetes_sd_configs', 'http_sd_configs']) {
    const list = sc[key];
    if (Array.isArray(list)) list.forEach((c, i) => c !== null && typeof c === 'object' && checkHttpClient(c as Obj, `${path}.${key}[${i}]`, bad));
  }
  const size = sc.body_size_limit;
  if (size !== undefined && size !== null && size !== 0 && size !== '0' && bytesOf(size) === 0) {
    bad(`${path}.body_size_limit`, `${JSON.stringify(size)} is not a size`, 'write a number with a unit, e.g. 10MB or 512KiB');
  }
  for (const key of ['scrape_protocols', 'fallback_scrape_protocol']) {
    const v = sc[key];
    if (v === undefined || v === null) continue;
    const list = key === 'scrape_protocols' ? v : [v];
    if (!Array.isArray(list) || list.some((p) => !SCRAPE_PROTOCOLS.includes(p))) {
      bad(`${path}.${key}`, `must be ${key === 'scrape_protocols' ? 'a list of' : 'one of'} ${SCRAPE_PROTOCOLS.join(', ')}`, 'e.g. PrometheusText0.0.4');
    }
  }
  const escaping = sc.metric_name_escaping_scheme;
  if (escaping !== undefined && escaping !== null && escaping !== '' && !ESCAPING_SCHEMES.includes(escaping as string)) {
    bad(`${path}.metric_name_escaping_scheme`, `unknown escaping scheme ${JSON.stringify(escaping)}`, `use one of ${ESCAPING_SCHEMES.join(', ')}`);
  }
}

function parseStaticConfigs(raw: unknown, path: string, bad: Bad): TargetGroup[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return bad(path, 'must be a list', 'write - targets: [host:port]');
  return raw.map((g, i) => parseTargetGroup(g, `${path}[${i}]`, bad, String(i)));
}

/** A `{targets: [...], labels: {...}}` group, as in static configs and file SD files. */
export function parseTargetGroup(raw: unknown, path: string, bad: Bad, source: string): TargetGroup {
  const g = asObject(raw, path, bad);
  for (const key of Object.keys(g)) if (key !== 'targets' && key !== 'labels') bad(`${path}.${key}`, 'unknown key', 'use targets and labels');
  const targets = g.targets ?? [];
  if (!Array.isArray(targets) || targets.some((t) => typeof t !== 'string' || t === '')) bad(`${path}.targets`, 'must be a list of host:port strings', 'write targets: [host:port]');
  const labels: Record<string, string> = {};
  if (g.labels !== undefined && g.labels !== null) {
    for (const [name, value] of Object.entries(asObject(g.labels, `${path}.labels`, bad))) {
      // label sets are checked with Prometheus 3's default (UTF-8) scheme, whatever the job's scheme
      if (!isValidLabelNameIn(name, 'utf8')) bad(`${path}.labels.${name}`, `${JSON.stringify(name)} is not a valid label name`, 'use a non-empty label name');
      if (typeof value !== 'string') bad(`${path}.labels.${name}`, 'must be a string', 'quote the value');
      labels[name] = value as string;
    }
  }
  return { targets: (targets as string[]).map((t): Labels => ({ __address__: t })), labels, source };
}

function parseFileSD(raw: unknown, path: string, bad: Bad): FileSDConfig[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return bad(path, 'must be a list', 'write - files: [targets/*.json]');
  return raw.map((entry, i) => {
    const p = `${path}[${i}]`;
    const o = asObject(entry, p, bad);
    const files = o.files;
    if (!Array.isArray(files) || files.length === 0 || files.some((f) => typeof f !== 'string' || !/\.(json|ya?ml)$/.test(f))) {
      bad(`${p}.files`, 'must be a non-empty list of .json, .yml or .yaml paths', 'e.g. files: [targets/*.json]');
    }
    const refresh = durationField(o, 'refresh_interval', `${p}.`, bad) ?? 5 * 60_000;
    return { files: files as string[], refreshIntervalMs: refresh };
  });
}

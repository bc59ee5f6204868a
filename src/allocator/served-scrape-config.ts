import { formatDuration, parseDuration } from './duration';

/**
 * A scrape config as upstream's allocator serves it on `/scrape_configs`: what Prometheus's `ScrapeConfig` struct
 * (module v0.313.2) holds after `UnmarshalYAML` and `Validate(global)`, marshalled with yaml.v2. So: every default
 * written out (`honor_timestamps`, `enable_compression`, `follow_redirects`, `enable_http2`, `scrape_protocols`,
 * the histogram and name-validation fields, …), the global section's values where the job sets none, keys
 * Prometheus does not know dropped (its loader is not strict), `omitempty` fields left out when zero,
 * `bearer_token`/`bearer_token_file` turned into `authorization`, durations and byte sizes in Prometheus's
 * canonical text. Discovery mechanisms this allocator does not model (consul_sd_configs, …) pass through as
 * written. Pure: the config reader has validated the values it reads here.
 */

type Obj = Record<string, unknown>;

/** `DefaultScrapeProtocols` */
const DEFAULT_SCRAPE_PROTOCOLS = ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4'];
/** `DefaultProtoFirstScrapeProtocols`, the default when native histograms are scraped */
const PROTO_FIRST_SCRAPE_PROTOCOLS = ['PrometheusProto', ...DEFAULT_SCRAPE_PROTOCOLS];

/** Limits (`uint`, `omitempty`) a job inherits from the global section when it sets none (or 0). */
const INHERITED_LIMITS = ['sample_limit', 'target_limit', 'label_limit', 'label_name_length_limit', 'label_value_length_limit', 'keep_dropped_targets'];
/** Scrape config keys of `omitempty` scalars copied as written when set (non-zero). */
const PLAIN_OPTIONAL = ['fallback_scrape_protocol', 'native_histogram_bucket_limit', 'native_histogram_min_bucket_factor', 'params'];

/**
 * The served form of one scrape config; `globals` is `config.global` as written. `interval`/`timeout` are the job's effective values (ms), `scheme` its
 * effective metric name validation scheme, `rules`/`metricRules` the relabel rules as Prometheus marshals them.
 */
export function servedScrapeConfig(sc: Readonly<Obj>, globals: Readonly<Obj>, effective: {
  readonly jobName: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly nameScheme: string;
  readonly rules?: readonly Obj[];
  readonly metricRules?: readonly Obj[];
}): Obj {
  const out: Obj = {
    job_name: effective.jobName,
    honor_timestamps: boolOr(sc.honor_timestamps, true),
    track_timestamps_staleness: boolOr(sc.track_timestamps_staleness, false),
    scrape_interval: formatDuration(effective.intervalMs),
    scrape_timeout: formatDuration(effective.timeoutMs),
    // an empty path given is kept empty (and, being omitempty, not written)
    metrics_path: typeof sc.metrics_path === 'string' ? sc.metrics_path : '/metrics',
    scheme: nonEmpty(sc.scheme) ?? 'http',
    enable_compression: boolOr(sc.enable_compression, true),
  };
  if (sc.honor_labels === true) out.honor_labels = true;
  if (out.metrics_path === '') delete out.metrics_path;
  for (const key of PLAIN_OPTIONAL) if (isSet(sc[key])) out[key] = sc[key];
  for (const key of INHERITED_LIMITS) {
    const v = isSet(sc[key]) ? sc[key] : globals[key];
    if (isSet(v)) out[key] = v;
  }
  const bodySize = bytesOf(sc.body_size_limit) || bytesOf(globals.body_size_limit);
  if (bodySize > 0) out.body_size_limit = formatBase2Bytes(bodySize);
  const failureLog = nonEmpty(sc.scrape_failure_log_file) ?? nonEmpty(globals.scrape_failure_log_file);
  if (failureLog) out.scrape_failure_log_file = failureLog;

  // pointers in Prometheus's struct: always written once Validate has filled them
  const nativeHistograms = boolOr(sc.scrape_native_histograms, boolOr(globals.scrape_native_histograms, false));
  out.scrape_native_histograms = nativeHistograms;
  out.extra_scrape_metrics = boolOr(sc.extra_scrape_metrics, boolOr(globals.extra_scrape_metrics, false));
  out.always_scrape_classic_histograms = boolOr(sc.always_scrape_classic_histograms, boolOr(globals.always_scrape_classic_histograms, false));
  out.convert_classic_histograms_to_nhcb = boolOr(sc.convert_classic_histograms_to_nhcb, boolOr(globals.convert_classic_histograms_to_nhcb, false));
  out.scrape_protocols = listOr(sc.scrape_protocols) ?? listOr(globals.scrape_protocols) ?? (nativeHistograms ? PROTO_FIRST_SCRAPE_PROTOCOLS : DEFAULT_SCRAPE_PROTOCOLS);

  out.metric_name_validation_scheme = effective.nameScheme;
  out.metric_name_escaping_scheme = escapingScheme(sc, globals, effective.nameScheme);

  Object.assign(out, servedHttpClient(sc));
  for (const [key, value] of Object.entries(sc)) {
    if (!key.endsWith('_sd_configs') || !Array.isArray(value) || value.length === 0) continue;
    const serve = SD_SERVERS[key];
    out[key] = serve ? value.map((c) => serve((c ?? {}) as Obj)) : value;
  }
  if (Array.isArray(sc.static_configs) && sc.static_configs.length > 0) out.static_configs = sc.static_configs.map(servedStaticGroup);
  if (effective.rules && effective.rules.length > 0) out.relabel_configs = effective.rules;
  if (effective.metricRules && effective.metricRules.length > 0) out.metric_relabel_configs = effective.metricRules;
  return out;
}

/** Prometheus's escaping scheme rules: the job's, else from its own validation scheme when set, else the global's. */
function escapingScheme(sc: Readonly<Obj>, globals: Readonly<Obj>, nameScheme: string): string {
  const own = nonEmpty(sc.metric_name_escaping_scheme);
  if (own) return own;
  if (!nonEmpty(sc.metric_name_validation_scheme)) {
    const global = nonEmpty(globals.metric_name_escaping_scheme);
    if (global) return global;
    return nonEmpty(globals.metric_name_validation_scheme) === 'legacy' ? 'underscores' : 'allow-utf-8';
  }
  return nameScheme === 'legacy' ? 'underscores' : 'allow-utf-8';
}

/**
 * prometheus/common's `HTTPClientConfig` (inlined in scrape configs and most SD configs), as marshalled after
 * `Validate`: `bearer_token(_file)` become `authorization` with type Bearer, which is also the default type.
 */
export function servedHttpClient(c: Readonly<Obj>): Obj {
  const out: Obj = {};
  const basic = obj(c.basic_auth);
  if (basic) out.basic_auth = pick(basic, ['username', 'username_file', 'username_ref', 'password', 'password_file', 'password_ref']);
  let auth = obj(c.authorization);
  if (!auth && nonEmpty(c.bearer_token)) auth = { credentials: c.bearer_token };
  if (!auth && nonEmpty(c.bearer_token_file)) auth = { credentials_file: c.bearer_token_file };
  if (auth) out.authorization = { ...pick(auth, ['credentials', 'credentials_file', 'credentials_ref']), type: nonEmpty(auth.type) ?? 'Bearer' };
  const oauth2 = obj(c.oauth2);
  if (oauth2) {
    const o = pick(oauth2, ['client_id', 'client_secret', 'client_secret_file', 'client_secret_ref', 'client_certificate_key_id',
      'client_certificate_key', 'client_certificate_key_file', 'client_certificate_key_ref', 'grant_type', 'signature_algorithm',
      'iss', 'audience', 'claims', 'scopes', 'token_url', 'endpoint_params', 'proxy_url', 'no_proxy', 'proxy_connect_header']);
    if (oauth2.proxy_from_environment === true) o.proxy_from_environment = true;
    const tls = servedTls(oauth2.tls_config);
    if (tls) o.tls_config = tls;
    out.oauth2 = o;
  }
  const tls = servedTls(c.tls_config);
  if (tls) out.tls_config = tls;
  out.follow_redirects = boolOr(c.follow_redirects, true);
  out.enable_http2 = boolOr(c.enable_http2, true);
  Object.assign(out, pick(c, ['proxy_url', 'no_proxy', 'proxy_connect_header', 'http_headers']));
  if (c.proxy_from_environment === true) out.proxy_from_environment = true;
  return out;
}

/** `TLSConfig`: left out when all zero; `insecure_skip_verify` written whenever anything else is. */
function servedTls(raw: unknown): Obj | undefined {
  const t = obj(raw);
  if (!t) return undefined;
  const out = pick(t, ['ca', 'cert', 'key', 'ca_file', 'cert_file', 'key_file', 'ca_ref', 'cert_ref', 'key_ref', 'server_name', 'min_version', 'max_version']);
  const skip = t.insecure_skip_verify === true;
  if (Object.keys(out).length === 0 && !skip) return undefined;
  out.insecure_skip_verify = skip;
  return out;
}

const SD_SERVERS: Record<string, (c: Obj) => Obj> = {
  kubernetes_sd_configs: (c) => {
    const out: Obj = { role: c.role, kubeconfig_file: nonEmpty(c.kubeconfig_file) ?? '', ...servedHttpClient(c) };
    if (nonEmpty(c.api_server)) out.api_server = c.api_server;
    const ns = obj(c.namespaces);
    const names = ns && Array.isArray(ns.names) ? ns.names : [];
    if (ns && (names.length > 0 || ns.own_namespace === true)) out.namespaces = { names, own_namespace: ns.own_namespace === true };
    if (Array.isArray(c.selectors) && c.selectors.length > 0) {
      out.selectors = c.selectors.map((s) => pick(s as Obj, ['role', 'label', 'field']));
    }
    const attach = obj(c.attach_metadata);
    const flags = ['node', 'namespace', 'deployment', 'job', 'cronjob'];
    if (attach && flags.some((f) => attach[f] === true)) out.attach_metadata = Object.fromEntries(flags.map((f) => [f, attach[f] === true]));
    return out;
  },
  file_sd_configs: (c) => withRefresh({ files: c.files }, c.refresh_interval, '5m'),
  http_sd_configs: (c) => withRefresh({ ...servedHttpClient(c), url: c.url }, c.refresh_interval, '1m'),
};

/** `targetgroup.Group`: targets, and labels when there are any. */
function servedStaticGroup(raw: unknown): Obj {
  const g = obj(raw) ?? {};
  const out: Obj = { targets: Array.isArray(g.targets) ? g.targets : [] };
  const labels = obj(g.labels);
  if (labels && Object.keys(labels).length > 0) out.labels = labels;
  return out;
}

/** `units.Base2Bytes` text: `<n><unit>` terms, KB and KiB both 1024 (Prometheus's `body_size_limit`). */
const BYTE_UNITS: Record<string, number> = { B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4, P: 1024 ** 5, E: 1024 ** 6 };

/** Bytes of a Base2Bytes text (`10MB`, `512KiB`, `1.5GB`, `1GiB512MiB`), 0 when absent or not one (`units.ParseUnit`). */
export function bytesOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || v === '') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)([KMGTPE]i?)?B/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let end = 0;
  const families = new Set<boolean>();
  while ((m = re.exec(v)) !== null) {
    total += Number(m[1]) * BYTE_UNITS[m[2]?.[0] ?? 'B'];
    // KiB-style and KB-style units are two tables in units.ParseBase2Bytes: one text uses one of them
    if (m[2]) families.add(m[2].endsWith('i'));
    end = re.lastIndex;
  }
  return end === v.length && families.size < 2 ? Math.trunc(total) : 0;
}

/** `Base2Bytes.String()`: each non-zero 1024-power term, largest first (`10MiB`, `1GiB512MiB`, `100B`). */
export function formatBase2Bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  const parts: string[] = [];
  let rest = n;
  for (let i = 0; rest > 0 || i === 0; i++) {
    const r = rest % 1024;
    if (r !== 0 || (i === 0 && n === 0)) parts.unshift(`${r}${units[i]}`);
    rest = Math.floor(rest / 1024);
    if (rest === 0) break;
  }
  return parts.join('');
}

/** `refresh_interval`: the default when absent, as written (canonical) when set, left out when zero (omitempty). */
function withRefresh(out: Obj, v: unknown, fallback: string): Obj {
  const ms = typeof v === 'string' ? parseDuration(v) : undefined;
  if (ms === undefined) out.refresh_interval = fallback;
  else if (ms > 0) out.refresh_interval = formatDuration(ms);
  return out;
}

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function pick(o: Readonly<Obj>, keys: readonly string[]): Obj {
  const out: Obj = {};
  for (const k of keys) if (isSet(o[k])) out[k] = o[k];
  return out;
}

/** Non-zero as yaml.v2's `omitempty` sees it. */
function isSet(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as Obj).length > 0;
  return true;
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function boolOr(v: unknown, fallback: boolean): boolean {
  return typeof v === 'boolean' ? v : fallback;
}

function listOr(v: unknown): unknown[] | undefined {
  return Array.isArray(v) && v.length > 0 ? v : undefined;
}

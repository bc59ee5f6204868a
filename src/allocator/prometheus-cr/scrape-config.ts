/**
 * The scrape config of a ScrapeConfig CR (monitoring.coreos.com/v1alpha1), as the Prometheus Operator's
 * `generateScrapeConfig` (pkg/prometheus/promcfg.go, v0.85.0) writes it for upstream's unsharded synthetic
 * Prometheus: job `scrapeConfig/<ns>/<name>`, the spec's fields in the operator's order, credentials and TLS
 * material inlined from Secrets and ConfigMaps, the scrape class merged in, and no `$(SHARD)` rules (the operator
 * adds them to ScrapeConfigs only when Prometheus has more than one shard). Pure.
 */
import {
  addLimits, honor, initRelabelings, KeyRef, MonitorRejected, need, ObjectStore, relabelConfigs, resolveScrapeClass, secretOrConfigMap,
} from './generate';
import { mergeAuthorization, mergeTlsConfig, NO_SCRAPE_CLASSES, ScrapeClasses } from './scrape-class';

type Json = Record<string, any>;

/** The service discovery kinds this allocator runs, with their Prometheus keys. */
const SERVED_SD: Record<string, string> = {
  staticConfigs: 'static_configs', fileSDConfigs: 'file_sd_configs', httpSDConfigs: 'http_sd_configs', kubernetesSDConfigs: 'kubernetes_sd_configs',
};

/**
 * The ScrapeConfig SD kinds the operator can generate but this allocator cannot run (it discovers targets with
 * static, file, HTTP and Kubernetes SD only); a ScrapeConfig that uses one is left out with a warning rather than
 * served with no targets.
 */
export const REFUSED_SD = ['consulSDConfigs', 'dnsSDConfigs', 'ec2SDConfigs', 'azureSDConfigs', 'gceSDConfigs', 'openstackSDConfigs',
  'digitalOceanSDConfigs', 'kumaSDConfigs', 'eurekaSDConfigs', 'dockerSDConfigs', 'linodeSDConfigs', 'hetznerSDConfigs', 'nomadSDConfigs',
  'dockerSwarmSDConfigs', 'puppetDBSDConfigs', 'lightSailSDConfigs', 'ovhcloudSDConfigs', 'scalewaySDConfigs', 'ionosSDConfigs'] as const;

const set = (v: unknown): boolean => v !== undefined && v !== null;

/** Every SafeTLSConfig field that is set (`addSafeTLStoYaml`), CA/cert from a Secret or ConfigMap, inlined. */
function safeTls(store: ObjectStore, ns: string, tls: Json | undefined, what: string): Json | undefined {
  if (!tls) return undefined;
  const t: Json = {};
  if (set(tls.insecureSkipVerify)) t.insecure_skip_verify = tls.insecureSkipVerify;
  const ca = secretOrConfigMap(store, ns, tls.ca, `${what}.ca`);
  if (ca !== undefined) t.ca = ca;
  const cert = secretOrConfigMap(store, ns, tls.cert, `${what}.cert`);
  if (cert !== undefined) t.cert = cert;
  if (tls.keySecret) t.key = need(store.secretKey(ns, tls.keySecret), `${what}.keySecret`, ns, tls.keySecret);
  if (tls.serverName) t.server_name = tls.serverName;
  if (set(tls.minVersion)) t.min_version = tls.minVersion;
  if (set(tls.maxVersion)) t.max_version = tls.maxVersion;
  // a scrape class may add files (`addTLStoYaml`)
  if (tls.caFile) t.ca_file = tls.caFile;
  if (tls.certFile) t.cert_file = tls.certFile;
  if (tls.keyFile) t.key_file = tls.keyFile;
  return t;
}

function secretKey(store: ObjectStore, ns: string, ref: KeyRef | undefined, what: string): string {
  return need(store.secretKey(ns, ref ?? {}), what, ns, ref ?? {});
}

/** basic_auth, authorization, OAuth2 and proxy settings of `o`, in the operator's order, onto `cfg`. */
function addBasicAuth(cfg: Json, store: ObjectStore, ns: string, b: Json | undefined, what: string): void {
  if (!b) return;
  cfg.basic_auth = { username: secretKey(store, ns, b.username, `${what}.basicAuth.username`), password: secretKey(store, ns, b.password, `${what}.basicAuth.password`) };
}

function addAuthorization(cfg: Json, store: ObjectStore, ns: string, a: Json | undefined, what: string): void {
  if (!a) return;
  const auth: Json = { type: a.type ? String(a.type).trim() : 'Bearer' };
  if (a.credentials) auth.credentials = secretKey(store, ns, a.credentials, `${what}.authorization.credentials`);
  if (a.credentialsFile) auth.credentials_file = a.credentialsFile;
  cfg.authorization = auth;
}

function addProxy(cfg: Json, store: ObjectStore, ns: string, p: Json): void {
  if (set(p.proxyUrl)) cfg.proxy_url = p.proxyUrl;
  if (set(p.noProxy)) cfg.no_proxy = p.noProxy;
  if (set(p.proxyFromEnvironment)) cfg.proxy_from_environment = p.proxyFromEnvironment;
  if (set(p.proxyConnectHeader)) {
    const headers: Json = {};
    for (const k of Object.keys(p.proxyConnectHeader).sort()) {
      headers[k] = ((p.proxyConnectHeader[k] ?? []) as KeyRef[]).map((ref) => store.secretKey(ns, ref) ?? '');
    }
    cfg.proxy_connect_header = headers;
  }
}

function addOAuth2(cfg: Json, store: ObjectStore, ns: string, o: Json | undefined, what: string): void {
  if (!o) return;
  const oauth: Json = {
    client_id: secretOrConfigMap(store, ns, o.clientId, `${what}.oauth2.clientId`) ?? '',
    client_secret: secretKey(store, ns, o.clientSecret, `${what}.oauth2.clientSecret`),
    token_url: o.tokenUrl,
  };
  if (Array.isArray(o.scopes) && o.scopes.length > 0) oauth.scopes = o.scopes;
  if (o.endpointParams && Object.keys(o.endpointParams).length > 0) oauth.endpoint_params = o.endpointParams;
  addProxy(oauth, store, ns, o);
  const tls = safeTls(store, ns, o.tlsConfig, `${what}.oauth2.tlsConfig`);
  if (tls) oauth.tls_config = tls;
  cfg.oauth2 = oauth;
}

function httpSDConfig(c: Json, store: ObjectStore, ns: string, what: string): Json {
  const out: Json = {};
  addBasicAuth(out, store, ns, c.basicAuth, what);
  addAuthorization(out, store, ns, c.authorization, what);
  const tls = safeTls(store, ns, c.tlsConfig, `${what}.tlsConfig`);
  if (tls) out.tls_config = tls;
  addProxy(out, store, ns, c);
  addOAuth2(out, store, ns, c.oauth2, what);
  out.url = c.url;
  if (set(c.refreshInterval)) out.refresh_interval = c.refreshInterval;
  if (set(c.followRedirects)) out.follow_redirects = c.followRedirects;
  if (set(c.enableHTTP2)) out.enable_http2 = c.enableHTTP2;
  return out;
}

/** `nameEscapingScheme` values as Prometheus spells them (`appendNameEscapingScheme`). */
const ESCAPING: Record<string, string> = { AllowUTF8: 'allow-utf-8', Underscores: 'underscores', Dots: 'dots', Values: 'values' };

const ATTACH_ROLES = new Set(['pod', 'endpoints', 'endpointslice']);

function kubernetesSDConfig(c: Json, store: ObjectStore, ns: string, what: string, warn: (msg: string) => void): Json {
  const out: Json = {};
  if (set(c.apiServer)) out.api_server = c.apiServer;
  out.role = String(c.role ?? '').toLowerCase();
  addBasicAuth(out, store, ns, c.basicAuth, what);
  addAuthorization(out, store, ns, c.authorization, what);
  addOAuth2(out, store, ns, c.oauth2, what);
  addProxy(out, store, ns, c);
  if (set(c.followRedirects)) out.follow_redirects = c.followRedirects;
  if (set(c.enableHTTP2)) out.enable_http2 = c.enableHTTP2;
  const tls = safeTls(store, ns, c.tlsConfig, `${what}.tlsConfig`);
  if (tls) out.tls_config = tls;
  if (c.namespaces) {
    const namespaces: Json = { names: c.namespaces.names ?? [] };
    if (set(c.namespaces.ownNamespace)) namespaces.own_namespace = c.namespaces.ownNamespace;
    out.namespaces = namespaces;
  }
  if (Array.isArray(c.selectors) && c.selectors.length > 0) {
    out.selectors = (c.selectors as Json[]).map((s) => {
      const sel: Json = { role: String(s.role ?? '').toLowerCase() };
      if (set(s.label)) sel.label = s.label;
      if (set(s.field)) sel.field = s.field;
      return sel;
    });
  }
  if (c.attachMetadata) {
    if (ATTACH_ROLES.has(out.role)) out.attach_metadata = c.attachMetadata;
    else warn(`${what}: ignoring attachMetadata not supported by Prometheus for role: ${c.role}`);
  }
  return out;
}

/**
 * `generateScrapeConfig` of the Prometheus Operator for one ScrapeConfig, for every SD kind this allocator runs;
 * `warn` hears what the operator only logs (attachMetadata on a role without it). Throws
 * {@link MonitorRejected} for what the operator's resource selector rejects (missing Secret keys, an unknown
 * scrape class).
 */
export function generateScrapeConfig(sc: Json, store: ObjectStore, classes: ScrapeClasses = NO_SCRAPE_CLASSES, warn: (msg: string) => void = () => undefined): Json {
  const ns: string = sc.metadata?.namespace ?? '';
  const name: string = sc.metadata?.name ?? '';
  const spec: Json = sc.spec ?? {};
  const cls = resolveScrapeClass(classes, spec.scrapeClass);
  const cfg: Json = { job_name: `scrapeConfig/${ns}/${name}` };
  const r = [...initRelabelings(), ...relabelConfigs(cls.relabelings)];
  if (set(spec.jobName)) r.push({ target_label: 'job', action: 'replace', replacement: spec.jobName });
  if (set(spec.honorTimestamps)) cfg.honor_timestamps = spec.honorTimestamps;
  if (set(spec.trackTimestampsStaleness)) cfg.track_timestamps_staleness = spec.trackTimestampsStaleness;
  if (set(spec.honorLabels)) honor(cfg, { honorLabels: spec.honorLabels });
  if (set(spec.metricsPath)) cfg.metrics_path = spec.metricsPath;
  if (spec.params && Object.keys(spec.params).length > 0) cfg.params = spec.params;
  if (set(spec.enableCompression)) cfg.enable_compression = spec.enableCompression;
  if (set(spec.enableHTTP2)) cfg.enable_http2 = spec.enableHTTP2;
  if (set(spec.scrapeInterval)) cfg.scrape_interval = spec.scrapeInterval;
  if (set(spec.scrapeTimeout)) cfg.scrape_timeout = spec.scrapeTimeout;
  if (set(spec.scheme)) cfg.scheme = String(spec.scheme).toLowerCase();
  addProxy(cfg, store, ns, spec);
  addBasicAuth(cfg, store, ns, spec.basicAuth, 'spec');
  addAuthorization(cfg, store, ns, mergeAuthorization(spec.authorization, cls), 'spec');
  addOAuth2(cfg, store, ns, spec.oauth2, 'spec');
  const tls = safeTls(store, ns, mergeTlsConfig(spec.tlsConfig, cls), 'spec.tlsConfig');
  if (tls) cfg.tls_config = tls;
  addLimits(cfg, spec, cls);
  if (Array.isArray(spec.staticConfigs) && spec.staticConfigs.length > 0) {
    cfg.static_configs = (spec.staticConfigs as Json[]).map((c) => {
      const group: Json = { targets: c.targets ?? [] };
      if (c.labels && Object.keys(c.labels).length > 0) group.labels = c.labels;
      return group;
    });
  }
  if (Array.isArray(spec.fileSDConfigs) && spec.fileSDConfigs.length > 0) {
    cfg.file_sd_configs = (spec.fileSDConfigs as Json[]).map((c) => (set(c.refreshInterval) ? { files: c.files ?? [], refresh_interval: c.refreshInterval } : { files: c.files ?? [] }));
  }
  if (Array.isArray(spec.httpSDConfigs) && spec.httpSDConfigs.length > 0) {
    cfg.http_sd_configs = (spec.httpSDConfigs as Json[]).map((c, i) => httpSDConfig(c, store, ns, `spec.httpSDConfigs[${i}]`));
  }
  if (Array.isArray(spec.kubernetesSDConfigs) && spec.kubernetesSDConfigs.length > 0) {
    cfg.kubernetes_sd_configs = (spec.kubernetesSDConfigs as Json[]).map((c, i) => kubernetesSDConfig(c, store, ns, `spec.kubernetesSDConfigs[${i}]`, warn));
  }
  r.push(...relabelConfigs(spec.relabelings));
  cfg.relabel_configs = r;
  const metric = relabelConfigs([...(cls.metricRelabelings ?? []), ...(spec.metricRelabelings ?? [])]);
  if (metric.length > 0) cfg.metric_relabel_configs = metric;
  if (set(spec.nameValidationScheme)) cfg.metric_name_validation_scheme = String(spec.nameValidationScheme).toLowerCase();
  const escaping = ESCAPING[String(spec.nameEscapingScheme)];
  if (escaping) cfg.metric_name_escaping_scheme = escaping;
  return cfg;
}

/**
 * The job of a ScrapeConfig this allocator can serve: one whose targets come from static, file, HTTP or
 * Kubernetes SD only. Any other SD kind leaves it out with a {@link MonitorRejected} naming the field.
 */
export function scrapeConfigScrapeConfigs(sc: Json, store: ObjectStore, classes: ScrapeClasses = NO_SCRAPE_CLASSES, warn?: (msg: string) => void): Json[] {
  const spec: Json = sc.spec ?? {};
  const refused = REFUSED_SD.filter((k) => Array.isArray(spec[k]) && spec[k].length > 0);
  if (refused.length > 0) {
    throw new MonitorRejected(`spec.${refused.join(', spec.')}: this allocator discovers targets with ${Object.keys(SERVED_SD).join(', ')} only; `
      + 'list the targets in staticConfigs, a file (fileSDConfigs) or an HTTP SD endpoint (httpSDConfigs), or use upstream\'s allocator for this ScrapeConfig');
  }
  const remote = ((spec.kubernetesSDConfigs ?? []) as Json[]).findIndex((c) => set(c.apiServer));
  if (remote >= 0) {
    throw new MonitorRejected(`spec.kubernetesSDConfigs[${remote}].apiServer: this allocator discovers in its own cluster only, `
      + 'so it would find the wrong targets; remove apiServer or use upstream\'s allocator for this ScrapeConfig');
  }
  return [generateScrapeConfig(sc, store, classes, warn)];
}

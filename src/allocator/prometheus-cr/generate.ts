/**
 * Scrape configs from ServiceMonitors, PodMonitors and Probes (monitoring.coreos.com/v1) as the Prometheus Operator's
 * ConfigGenerator writes them (pkg/prometheus/promcfg.go) for the synthetic Prometheus upstream's allocator
 * builds: the endpointslice role for ServiceMonitors, credentials and TLS material inlined from Secrets (and
 * ConfigMaps for CAs and certificates), one job per endpoint named `serviceMonitor/<ns>/<name>/<i>` or
 * `podMonitor/<ns>/<name>/<i>`, and the operator's relabel rules (job name kept in `__tmp_prometheus_job_name`,
 * label selectors as keep/drop rules, port filters, namespace/service/pod/container/endpoint labels, the
 * `$(SHARD)` rules the allocator's filter neutralises), with the resource's scrape class merged in (see
 * scrape-class.ts). Pure: Secrets and ConfigMaps come through {@link ObjectStore}.
 */
import { sanitizeLabelName } from '../kubernetes/meta';
import { mergeAttachMetadata, mergeAuthorization, mergeTlsConfig, NO_SCRAPE_CLASSES, scrapeClassFor, ScrapeClasses } from './scrape-class';

type Json = Record<string, any>;

/** A key of a Secret or ConfigMap in the monitor's namespace. */
export interface KeyRef {
  readonly name?: string;
  readonly key?: string;
}

/** Reads Secret keys (decoded) of a namespace; undefined when the Secret or the key is absent. */
export interface ObjectStore {
  secretKey(namespace: string, ref: KeyRef): string | undefined;
  /** ConfigMap keys (`data`, else `binaryData` decoded); without it a ConfigMap reference leaves the resource out */
  configMapKey?(namespace: string, ref: KeyRef): string | undefined;
}

/** Why a monitor was left out (as the operator's resource selector rejects it), for a warning. */
export class MonitorRejected extends Error {}

const SHARD_HASH = '__tmp_hash';
const DISABLE_SHARDING = '__tmp_disable_sharding';

export function initRelabelings(): Json[] {
  return [{ source_labels: ['job'], target_label: '__tmp_prometheus_job_name' }];
}

/** matchLabels (sorted) and matchExpressions of a label selector as keep/drop rules on `<prefix>label_*`. */
function selectorRelabelings(selector: Json | undefined, prefix: string): Json[] {
  const out: Json[] = [];
  const labels: Record<string, string> = selector?.matchLabels ?? {};
  for (const k of Object.keys(labels).sort()) {
    out.push({ action: 'keep', source_labels: [`${prefix}label_${sanitizeLabelName(k)}`, `${prefix}labelpresent_${sanitizeLabelName(k)}`], regex: `(${labels[k]});true` });
  }
  for (const exp of (selector?.matchExpressions ?? []) as Json[]) {
    const key = sanitizeLabelName(String(exp.key ?? ''));
    const values = ((exp.values ?? []) as string[]).join('|');
    switch (exp.operator) {
      case 'In': out.push({ action: 'keep', source_labels: [`${prefix}label_${key}`, `${prefix}labelpresent_${key}`], regex: `(${values});true` }); break;
      case 'NotIn': out.push({ action: 'drop', source_labels: [`${prefix}label_${key}`, `${prefix}labelpresent_${key}`], regex: `(${values});true` }); break;
      case 'Exists': out.push({ action: 'keep', source_labels: [`${prefix}labelpresent_${key}`], regex: 'true' }); break;
      case 'DoesNotExist': out.push({ action: 'drop', source_labels: [`${prefix}labelpresent_${key}`], regex: 'true' }); break;
    }
  }
  return out;
}

/** The monitor's `relabelings`/`metricRelabelings` as Prometheus rules (set fields only, action lower-cased). */
export function relabelConfigs(rules: Json[] | undefined): Json[] {
  return (rules ?? []).map((c) => {
    const r: Json = {};
    if (Array.isArray(c.sourceLabels) && c.sourceLabels.length > 0) r.source_labels = c.sourceLabels;
    if (c.separator !== undefined && c.separator !== null) r.separator = c.separator;
    if (c.targetLabel) r.target_label = c.targetLabel;
    if (c.regex) r.regex = c.regex;
    if (c.modulus) r.modulus = c.modulus;
    if (c.replacement !== undefined && c.replacement !== null) r.replacement = c.replacement;
    if (c.action) r.action = String(c.action).toLowerCase();
    return r;
  });
}

/** The operator's `$(SHARD)` rules on `label` (`__address__`, or `__param_target` for probes). */
function shardingRelabelings(label = '__address__'): Json[] {
  return [
    { source_labels: [label, SHARD_HASH], target_label: SHARD_HASH, regex: '(.+);', replacement: '$1', action: 'replace' },
    { source_labels: [SHARD_HASH], target_label: SHARD_HASH, modulus: 1, action: 'hashmod' },
    { source_labels: [SHARD_HASH, DISABLE_SHARDING], regex: '$(SHARD);|.+;.+', action: 'keep' },
  ];
}

/** `kubernetes_sd_configs` of a monitor: its namespace unless the selector says `any` or lists names. */
function k8sSDConfig(namespaceSelector: Json | undefined, namespace: string, role: string): Json {
  const sd: Json = { role };
  if (!namespaceSelector?.any) {
    const names: string[] = Array.isArray(namespaceSelector?.matchNames) && namespaceSelector!.matchNames.length > 0 ? namespaceSelector!.matchNames : [namespace];
    sd.namespaces = { names };
  }
  return sd;
}

export function need(value: string | undefined, what: string, namespace: string, ref: KeyRef): string {
  if (value === undefined) throw new MonitorRejected(`${what}: key ${JSON.stringify(ref.key ?? '')} of ${namespace}/${ref.name ?? ''} not found`);
  return value;
}

/** A SecretOrConfigMap (`{secret: ref}` or `{configMap: ref}`). */
export function secretOrConfigMap(store: ObjectStore, namespace: string, v: Json | undefined, what: string): string | undefined {
  if (v?.secret?.name) return need(store.secretKey(namespace, v.secret), what, namespace, v.secret);
  if (v?.configMap?.name) {
    if (!store.configMapKey) throw new MonitorRejected(`${what}: ConfigMaps are not read here; put the value in a Secret`);
    return need(store.configMapKey(namespace, v.configMap), `${what} (ConfigMap)`, namespace, v.configMap);
  }
  return undefined;
}

/** The scrape class a resource uses (see {@link scrapeClassFor}); a class name that does not exist leaves it out. */
export function resolveScrapeClass(classes: ScrapeClasses, name: string | undefined): Json {
  const cls = scrapeClassFor(classes, name);
  if (!cls) throw new MonitorRejected(`spec.scrapeClass: scrapeClass ${JSON.stringify(name)} not found in prometheus_cr.scrape_classes`);
  return cls;
}

/** TLS, bearer token, basic auth, authorization, OAuth2 and HTTP flags of an endpoint, inlined. */
function addHttpConfig(cfg: Json, ep: Json, namespace: string, store: ObjectStore): void {
  if (ep.followRedirects !== undefined && ep.followRedirects !== null) cfg.follow_redirects = ep.followRedirects;
  if (ep.enableHttp2 !== undefined && ep.enableHttp2 !== null) cfg.enable_http2 = ep.enableHttp2;
  if (ep.proxyUrl) cfg.proxy_url = ep.proxyUrl;
  if (ep.noProxy) cfg.no_proxy = ep.noProxy;
  if (ep.oauth2) {
    const o = ep.oauth2;
    const oauth: Json = {
      client_id: secretOrConfigMap(store, namespace, o.clientId, 'oauth2.clientId') ?? '',
      client_secret: need(store.secretKey(namespace, o.clientSecret ?? {}), 'oauth2.clientSecret', namespace, o.clientSecret ?? {}),
      token_url: o.tokenUrl,
    };
    if (Array.isArray(o.scopes) && o.scopes.length > 0) oauth.scopes = o.scopes;
    if (o.endpointParams) oauth.endpoint_params = o.endpointParams;
    cfg.oauth2 = oauth;
  }
  const tls = ep.tlsConfig;
  if (tls && Object.keys(tls).length > 0) {
    const t: Json = { insecure_skip_verify: !!tls.insecureSkipVerify };
    if (tls.caFile) t.ca_file = tls.caFile;
    const ca = secretOrConfigMap(store, namespace, tls.ca, 'tlsConfig.ca');
    if (ca !== undefined) t.ca = ca;
    if (tls.certFile) t.cert_file = tls.certFile;
    const cert = secretOrConfigMap(store, namespace, tls.cert, 'tlsConfig.cert');
    if (cert !== undefined) t.cert = cert;
    if (tls.keyFile) t.key_file = tls.keyFile;
    if (tls.keySecret?.name) t.key = need(store.secretKey(namespace, tls.keySecret), 'tlsConfig.keySecret', namespace, tls.keySecret);
    if (tls.serverName) t.server_name = tls.serverName;
    if (tls.minVersion) t.min_version = tls.minVersion;
    if (tls.maxVersion) t.max_version = tls.maxVersion;
    cfg.tls_config = t;
  }
  if (ep.bearerTokenFile) cfg.bearer_token_file = ep.bearerTokenFile;
  if (ep.bearerTokenSecret?.name) cfg.bearer_token = need(store.secretKey(namespace, ep.bearerTokenSecret), 'bearerTokenSecret', namespace, ep.bearerTokenSecret);
  if (ep.basicAuth) {
    const b = ep.basicAuth;
    cfg.basic_auth = {
      username: need(store.secretKey(namespace, b.username ?? {}), 'basicAuth.username', namespace, b.username ?? {}),
      password: need(store.secretKey(namespace, b.password ?? {}), 'basicAuth.password', namespace, b.password ?? {}),
    };
  }
  if (ep.authorization) {
    const a = ep.authorization;
    const auth: Json = { type: a.type ? String(a.type) : 'Bearer' };
    if (a.credentials?.name) auth.credentials = need(store.secretKey(namespace, a.credentials), 'authorization.credentials', namespace, a.credentials);
    if (a.credentialsFile) auth.credentials_file = a.credentialsFile;
    cfg.authorization = auth;
  }
}

function addEndpointBasics(cfg: Json, ep: Json): void {
  if (ep.interval) cfg.scrape_interval = ep.interval;
  if (ep.scrapeTimeout) cfg.scrape_timeout = ep.scrapeTimeout;
  if (ep.path) cfg.metrics_path = ep.path;
  if (ep.params) cfg.params = ep.params;
  if (ep.scheme) cfg.scheme = String(ep.scheme).toLowerCase();
}

export function addLimits(cfg: Json, spec: Json, cls: Json = {}): void {
  const limits: Array<[string, string]> = [['sampleLimit', 'sample_limit'], ['targetLimit', 'target_limit'], ['labelLimit', 'label_limit'],
    ['labelNameLengthLimit', 'label_name_length_limit'], ['labelValueLengthLimit', 'label_value_length_limit'], ['keepDroppedTargets', 'keep_dropped_targets']];
  for (const [from, to] of limits) if (spec[from]) cfg[to] = spec[from];
  if (Array.isArray(spec.scrapeProtocols) && spec.scrapeProtocols.length > 0) cfg.scrape_protocols = spec.scrapeProtocols;
  const fallback = spec.fallbackScrapeProtocol ?? cls.fallbackScrapeProtocol;
  if (fallback) cfg.fallback_scrape_protocol = fallback;
  if (spec.bodySizeLimit) cfg.body_size_limit = spec.bodySizeLimit;
  // native histograms, as the operator writes them for Prometheus 3
  if (spec.nativeHistogramBucketLimit !== undefined && spec.nativeHistogramBucketLimit !== null) cfg.native_histogram_bucket_limit = spec.nativeHistogramBucketLimit;
  if (spec.nativeHistogramMinBucketFactor !== undefined && spec.nativeHistogramMinBucketFactor !== null) cfg.native_histogram_min_bucket_factor = Number(spec.nativeHistogramMinBucketFactor);
  if (typeof spec.scrapeClassicHistograms === 'boolean') cfg.always_scrape_classic_histograms = spec.scrapeClassicHistograms;
  if (typeof spec.convertClassicHistogramsToNHCB === 'boolean') cfg.convert_classic_histograms_to_nhcb = spec.convertClassicHistogramsToNHCB;
}

export function honor(cfg: Json, ep: Json): void {
  cfg.honor_labels = !!ep.honorLabels;
  if (ep.honorTimestamps !== undefined && ep.honorTimestamps !== null) cfg.honor_timestamps = ep.honorTimestamps;
  if (ep.trackTimestampsStaleness !== undefined && ep.trackTimestampsStaleness !== null) cfg.track_timestamps_staleness = ep.trackTimestampsStaleness;
}

/**
 * The head of a monitor endpoint's job: name, honor flags, the SD config (with the monitor's or its class's
 * `attach_metadata`), endpoint basics and HTTP client (the class's TLS and authorization merged in).
 */
function startJob(jobName: string, ep: Json, spec: Json, ns: string, role: string, store: ObjectStore, cls: Json): Json {
  if (spec.selectorMechanism === 'RoleSelector') throw new MonitorRejected('spec.selectorMechanism RoleSelector is not supported by this allocator; use RelabelConfig (the default)');
  const cfg: Json = { job_name: jobName };
  honor(cfg, ep);
  const sd = k8sSDConfig(spec.namespaceSelector, ns, role);
  const attach = mergeAttachMetadata(spec.attachMetadata, cls);
  if (attach) sd.attach_metadata = { node: attach.node === true };
  cfg.kubernetes_sd_configs = [sd];
  addEndpointBasics(cfg, ep);
  addHttpConfig(cfg, { ...ep, tlsConfig: mergeTlsConfig(ep.tlsConfig, cls), authorization: mergeAuthorization(ep.authorization, cls) }, ns, store);
  return cfg;
}

/** `targetLabels`/`podTargetLabels`: the object's label copied onto the target when set. */
function copiedLabels(labels: string[] | undefined, prefix: string): Json[] {
  return (labels ?? []).map((l) => ({ source_labels: [`${prefix}${sanitizeLabelName(l)}`], target_label: sanitizeLabelName(l), regex: '(.+)', replacement: '${1}' }));
}

/**
 * The tail of a job: the endpoint label, the class's then the monitor's relabelings, sharding, limits and the
 * class's then the monitor's metric relabelings.
 */
function finishJob(cfg: Json, r: Json[], ep: Json, spec: Json, cls: Json): Json {
  const targetPort = ep.targetPort === undefined || ep.targetPort === null ? '' : String(ep.targetPort);
  if (ep.port) r.push({ target_label: 'endpoint', replacement: ep.port });
  else if (targetPort !== '') r.push({ target_label: 'endpoint', replacement: targetPort });
  r.push(...relabelConfigs(cls.relabelings), ...relabelConfigs(ep.relabelings), ...shardingRelabelings());
  cfg.relabel_configs = r;
  addLimits(cfg, spec, cls);
  const metric = relabelConfigs([...(cls.metricRelabelings ?? []), ...(ep.metricRelabelings ?? [])]);
  if (metric.length > 0) cfg.metric_relabel_configs = metric;
  return cfg;
}

/** One scrape config per `spec.endpoints[i]` of a ServiceMonitor (endpointslice role, as upstream's allocator). */
export function serviceMonitorScrapeConfigs(sm: Json, store: ObjectStore, classes: ScrapeClasses = NO_SCRAPE_CLASSES): Json[] {
  const ns: string = sm.metadata?.namespace ?? '';
  const name: string = sm.metadata?.name ?? '';
  const spec: Json = sm.spec ?? {};
  const cls = resolveScrapeClass(classes, spec.scrapeClass);
  return ((spec.endpoints ?? []) as Json[]).map((ep, i) => {
    const cfg = startJob(`serviceMonitor/${ns}/${name}/${i}`, ep, spec, ns, 'endpointslice', store, cls);
    const r = initRelabelings();
    if ((spec.selectorMechanism ?? 'RelabelConfig') === 'RelabelConfig') r.push(...selectorRelabelings(spec.selector, '__meta_kubernetes_service_'));
    if (ep.port) r.push({ action: 'keep', source_labels: ['__meta_kubernetes_endpointslice_port_name'], regex: ep.port });
    else if (typeof ep.targetPort === 'string' && ep.targetPort !== '') r.push({ action: 'keep', source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: ep.targetPort });
    else if (typeof ep.targetPort === 'number' && ep.targetPort !== 0) r.push({ action: 'keep', source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: String(ep.targetPort) });
    const kindName = ['__meta_kubernetes_endpointslice_address_target_kind', '__meta_kubernetes_endpointslice_address_target_name'];
    r.push(
      { source_labels: kindName, separator: ';', regex: 'Node;(.*)', replacement: '${1}', target_label: 'node' },
      { source_labels: kindName, separator: ';', regex: 'Pod;(.*)', replacement: '${1}', target_label: 'pod' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_service_name'], target_label: 'service' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
    );
    if (ep.filterRunning ?? true) r.push({ action: 'drop', source_labels: ['__meta_kubernetes_pod_phase'], regex: '(Failed|Succeeded)' });
    r.push(...copiedLabels(spec.targetLabels, '__meta_kubernetes_service_label_'), ...copiedLabels(spec.podTargetLabels, '__meta_kubernetes_pod_label_'));
    r.push({ source_labels: ['__meta_kubernetes_service_name'], target_label: 'job', replacement: '${1}' });
    if (spec.jobLabel) r.push({ source_labels: [`__meta_kubernetes_service_label_${sanitizeLabelName(spec.jobLabel)}`], target_label: 'job', regex: '(.+)', replacement: '${1}' });
    return finishJob(cfg, r, ep, spec, cls);
  });
}

/** One scrape config per `spec.podMetricsEndpoints[i]` of a PodMonitor (pod role). */
export function podMonitorScrapeConfigs(pm: Json, store: ObjectStore, classes: ScrapeClasses = NO_SCRAPE_CLASSES): Json[] {
  const ns: string = pm.metadata?.namespace ?? '';
  const name: string = pm.metadata?.name ?? '';
  const spec: Json = pm.spec ?? {};
  const cls = resolveScrapeClass(classes, spec.scrapeClass);
  return ((spec.podMetricsEndpoints ?? []) as Json[]).map((ep, i) => {
    const cfg = startJob(`podMonitor/${ns}/${name}/${i}`, ep, spec, ns, 'pod', store, cls);
    const r = initRelabelings();
    if (ep.filterRunning ?? true) r.push({ action: 'drop', source_labels: ['__meta_kubernetes_pod_phase'], regex: '(Failed|Succeeded)' });
    if ((spec.selectorMechanism ?? 'RelabelConfig') === 'RelabelConfig') r.push(...selectorRelabelings(spec.selector, '__meta_kubernetes_pod_'));
    if (ep.port) r.push({ action: 'keep', source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: ep.port });
    else if (ep.portNumber) r.push({ action: 'keep', source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: String(ep.portNumber) });
    else if (typeof ep.targetPort === 'string' && ep.targetPort !== '') r.push({ action: 'keep', source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: ep.targetPort });
    else if (typeof ep.targetPort === 'number' && ep.targetPort !== 0) r.push({ action: 'keep', source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: String(ep.targetPort) });
    r.push(
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
    );
    r.push(...copiedLabels(spec.podTargetLabels, '__meta_kubernetes_pod_label_'));
    r.push({ target_label: 'job', replacement: `${ns}/${name}` });
    if (spec.jobLabel) r.push({ source_labels: [`__meta_kubernetes_pod_label_${sanitizeLabelName(spec.jobLabel)}`], target_label: 'job', regex: '(.+)', replacement: '${1}' });
    return finishJob(cfg, r, ep, spec, cls);
  });
}

/**
 * The scrape config of a Probe (a blackbox-style prober scraped once per target): static targets (which win
 * over ingress ones, as the operator documents) or the ingresses its selector picks, each target handed to the
 * prober as `__param_target`, the prober's URL as `__address__`, sharded on `__param_target`.
 */
export function probeScrapeConfigs(probe: Json, store: ObjectStore, classes: ScrapeClasses = NO_SCRAPE_CLASSES): Json[] {
  const ns: string = probe.metadata?.namespace ?? '';
  const name: string = probe.metadata?.name ?? '';
  const spec: Json = probe.spec ?? {};
  const cls = resolveScrapeClass(classes, spec.scrapeClass);
  const prober: Json = spec.prober ?? {};
  const statics: Json | undefined = spec.targets?.staticConfig;
  const ingress: Json | undefined = spec.targets?.ingress;
  if (!prober.url) throw new MonitorRejected('spec.prober.url is required');
  if (!(Array.isArray(statics?.static) && statics!.static.length > 0) && !ingress) throw new MonitorRejected('spec.targets: no static targets and no ingress selector');
  const cfg: Json = { job_name: `probe/${ns}/${name}`, honor_timestamps: true, metrics_path: prober.path || '/probe' };
  if (spec.interval) cfg.scrape_interval = spec.interval;
  if (spec.scrapeTimeout) cfg.scrape_timeout = spec.scrapeTimeout;
  if (prober.scheme) cfg.scheme = String(prober.scheme).toLowerCase();
  const params: Json = {};
  if (spec.module) params.module = [spec.module];
  for (const p of (spec.params ?? []) as Json[]) if (!(spec.module && p.name === 'module')) params[p.name] = p.values ?? [];
  if (Object.keys(params).length > 0) cfg.params = params;
  addLimits(cfg, spec, cls);
  const r = initRelabelings();
  if (spec.jobName) r.push({ target_label: 'job', replacement: spec.jobName });
  if (prober.proxyUrl) cfg.proxy_url = prober.proxyUrl;
  const toProber = [
    { source_labels: ['__param_target'], target_label: 'instance' },
    { target_label: '__address__', replacement: prober.url },
  ];
  if (Array.isArray(statics?.static) && statics!.static.length > 0) {
    cfg.static_configs = [{ targets: statics!.static, labels: { ...(statics!.labels ?? {}), namespace: statics!.labels?.namespace ?? ns } }];
    r.push({ source_labels: ['__address__'], target_label: '__param_target' }, ...toProber, ...relabelConfigs(cls.relabelings), ...relabelConfigs(statics!.relabelingConfigs));
  } else {
    r.push(...selectorRelabelings(ingress!.selector, '__meta_kubernetes_ingress_'));
    cfg.kubernetes_sd_configs = [k8sSDConfig(ingress!.namespaceSelector, ns, 'ingress')];
    r.push(
      { source_labels: ['__meta_kubernetes_ingress_scheme', '__address__', '__meta_kubernetes_ingress_path'], separator: ';', regex: '(.+);(.+);(.+)', target_label: '__param_target', replacement: '${1}://${2}${3}', action: 'replace' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_ingress_name'], target_label: 'ingress' },
      { source_labels: ['__address__'], separator: ';', regex: '(.*)', target_label: '__tmp_ingress_address', replacement: '$1', action: 'replace' },
      ...toProber,
      ...relabelConfigs(cls.relabelings),
      ...relabelConfigs(ingress!.relabelingConfigs),
    );
  }
  r.push(...shardingRelabelings('__param_target'));
  cfg.relabel_configs = r;
  addHttpConfig(cfg, {
    tlsConfig: mergeTlsConfig(spec.tlsConfig, cls), bearerTokenSecret: spec.bearerTokenSecret, basicAuth: spec.basicAuth, oauth2: spec.oauth2,
    authorization: mergeAuthorization(spec.authorization, cls),
  }, ns, store);
  const metric = relabelConfigs([...(cls.metricRelabelings ?? []), ...(spec.metricRelabelings ?? [])]);
  if (metric.length > 0) cfg.metric_relabel_configs = metric;
  return [cfg];
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseAllocatorConfig } from '../../src/allocator/config';
import { Hasher, loadHasher } from '../../src/allocator/hasher';
import { AllocatorMetrics } from '../../src/allocator/metrics';
import { denyFileAccess } from '../../src/allocator/prometheus-cr/deny-fs';
import { MonitorRejected, ObjectStore, podMonitorScrapeConfigs, probeScrapeConfigs, serviceMonitorScrapeConfigs } from '../../src/allocator/prometheus-cr/generate';
import { parseScrapeClasses } from '../../src/allocator/prometheus-cr/scrape-class';
import { generateScrapeConfig, scrapeConfigScrapeConfigs } from '../../src/allocator/prometheus-cr/scrape-config';
import { AllocatorService } from '../../src/allocator/service';
import { FakeKubeApi } from '../operator/fake-api';

/**
 * Expected outputs are the Prometheus Operator v0.85.0 golden files (pkg/prometheus/testdata/ScrapeConfigSpecConfig_*.golden,
 * the `scrape_configs` entry), for the inputs of its TestScrapeConfigSpecConfig, with its test store's Secrets
 * and ConfigMap.
 */
const secrets: Record<string, Record<string, string>> = {
  'default/foo': { 'proxy-header': 'value', token: 'value', username: 'scrape-bob', password: 'scrape-alice', 'username-sd': 'http-sd-bob', 'password-sd': 'http-sd-alice' },
  'default/auth': { 'scrape-key': 'scrape-secret', 'http-sd-key': 'http-sd-secret' },
  'default/oauth2': { client_secret: 'client-secret' },
  'default/tls': { ca: 'ca', ca2: 'ca2', cert: 'cert', 'private-key': 'private-key' },
};
const configMaps: Record<string, Record<string, string>> = { 'default/oauth2': { client_id: 'client-id' } };
const store: ObjectStore = {
  secretKey: (ns, ref) => secrets[`${ns}/${ref.name}`]?.[ref.key ?? ''],
  configMapKey: (ns, ref) => configMaps[`${ns}/${ref.name}`]?.[ref.key ?? ''],
};
const sc = (spec: object) => ({ apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'ScrapeConfig', metadata: { name: 'testscrapeconfig1', namespace: 'default' }, spec });
const golden = (text: string) => parseYaml(`job_name: scrapeConfig/default/testscrapeconfig1\n${text}relabel_configs:\n- source_labels: [job]\n  target_label: __tmp_prometheus_job_name\n`);
const ref = (name: string, key: string) => ({ name, key });

describe('ScrapeConfig → scrape config, as the Prometheus Operator\'s generateScrapeConfig writes it (v0.85.0 goldens)', () => {
  const cases: Array<[string, object, string]> = [
    ['Empty', {}, ''],
    ['Static', { staticConfigs: [{ targets: ['http://localhost:9100'], labels: { label1: 'value1' } }] },
      'static_configs:\n- targets: [http://localhost:9100]\n  labels: {label1: value1}\n'],
    ['FileSD', { fileSDConfigs: [{ files: ['/tmp/myfile.json'], refreshInterval: '5m' }] }, 'file_sd_configs:\n- files: [/tmp/myfile.json]\n  refresh_interval: 5m\n'],
    ['HTTPSD', { httpSDConfigs: [{ url: 'http://localhost:9100/sd.json', refreshInterval: '5m', proxyUrl: 'http://no-proxy.com', noProxy: '0.0.0.0', proxyFromEnvironment: false,
      proxyConnectHeader: { header: [ref('foo', 'proxy-header')] } }] },
    'http_sd_configs:\n- proxy_url: http://no-proxy.com\n  no_proxy: 0.0.0.0\n  proxy_from_environment: false\n  proxy_connect_header: {header: [value]}\n  url: http://localhost:9100/sd.json\n  refresh_interval: 5m\n'],
    ['MetricPath', { metricsPath: '/metrics' }, 'metrics_path: /metrics\n'],
    ['HonorTimeStamp', { honorTimestamps: true }, 'honor_timestamps: true\n'],
    ['TrackTimestampsStaleness', { trackTimestampsStaleness: true }, 'track_timestamps_staleness: true\n'],
    ['HonorLabels', { honorLabels: true }, 'honor_labels: true\n'],
    ['BasicAuth', { basicAuth: { username: ref('foo', 'username'), password: ref('foo', 'password') },
      httpSDConfigs: [{ url: 'http://localhost:9100/sd.json', basicAuth: { username: ref('foo', 'username-sd'), password: ref('foo', 'password-sd') } }] },
    'basic_auth: {username: scrape-bob, password: scrape-alice}\nhttp_sd_configs:\n- basic_auth: {username: http-sd-bob, password: http-sd-alice}\n  url: http://localhost:9100/sd.json\n'],
    ['Authorization', { authorization: { credentials: ref('auth', 'scrape-key') },
      httpSDConfigs: [{ url: 'http://localhost:9100/sd.json', authorization: { credentials: ref('auth', 'http-sd-key') } }] },
    'authorization: {type: Bearer, credentials: scrape-secret}\nhttp_sd_configs:\n- authorization: {type: Bearer, credentials: http-sd-secret}\n  url: http://localhost:9100/sd.json\n'],
    ['Inline_TLSConfig', { tlsConfig: { ca: { secret: ref('tls', 'ca') }, cert: { secret: ref('tls', 'cert') }, keySecret: ref('tls', 'private-key') },
      httpSDConfigs: [{ url: 'http://localhost:9100/sd.json', tlsConfig: { insecureSkipVerify: false, ca: { secret: ref('tls', 'ca2') } } }] },
    'tls_config: {ca: ca, cert: cert, key: private-key}\nhttp_sd_configs:\n- tls_config: {insecure_skip_verify: false, ca: ca2}\n  url: http://localhost:9100/sd.json\n'],
    ['Scheme', { scheme: 'HTTPS' }, 'scheme: https\n'],
    ['Limits', { sampleLimit: 10000, targetLimit: 1000, labelLimit: 50, labelNameLengthLimit: 40, labelValueLengthLimit: 30 },
      'sample_limit: 10000\ntarget_limit: 1000\nlabel_limit: 50\nlabel_name_length_limit: 40\nlabel_value_length_limit: 30\n'],
    ['Params', { metricsPath: '/federate', params: { 'match[]': ['{job="prometheus"}', '{__name__=~"job:.*"}'] } },
      'metrics_path: /federate\nparams:\n  match[]: [\'{job="prometheus"}\', \'{__name__=~"job:.*"}\']\n'],
    ['ScrapeInterval', { scrapeInterval: '15s' }, 'scrape_interval: 15s\n'],
    ['ScrapeTimeout', { scrapeTimeout: '10s' }, 'scrape_timeout: 10s\n'],
    ['ScrapeProtocols', { scrapeProtocols: ['PrometheusProto', 'OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText0.0.4'] },
      'scrape_protocols: [PrometheusProto, OpenMetricsText1.0.0, OpenMetricsText0.0.1, PrometheusText0.0.4]\n'],
    ['ScrapeFallbackProtocol', { fallbackScrapeProtocol: 'OpenMetricsText1.0.0' }, 'fallback_scrape_protocol: OpenMetricsText1.0.0\n'],
    ['ProxySettings', { proxyUrl: 'http://no-proxy.com', noProxy: '0.0.0.0', proxyFromEnvironment: false, proxyConnectHeader: { header: [ref('foo', 'proxy-header')] } },
      'proxy_url: http://no-proxy.com\nno_proxy: 0.0.0.0\nproxy_from_environment: false\nproxy_connect_header: {header: [value]}\n'],
    ['WithOAuth', { oauth2: { clientId: { configMap: ref('oauth2', 'client_id') }, clientSecret: ref('oauth2', 'client_secret'), tokenUrl: 'http://test.url',
      scopes: ['scope 1', 'scope 2'], endpointParams: { param1: 'value1', param2: 'value2' } } },
    'oauth2:\n  client_id: client-id\n  client_secret: client-secret\n  token_url: http://test.url\n  scopes: [scope 1, scope 2]\n  endpoint_params: {param1: value1, param2: value2}\n'],
    ['K8SSD', { kubernetesSDConfigs: [{ role: 'Node', proxyUrl: 'http://no-proxy.com', noProxy: '0.0.0.0', proxyFromEnvironment: true,
      proxyConnectHeader: { header: [ref('foo', 'proxy-header')] }, followRedirects: true, enableHTTP2: true }] },
    'kubernetes_sd_configs:\n- role: node\n  proxy_url: http://no-proxy.com\n  no_proxy: 0.0.0.0\n  proxy_from_environment: true\n  proxy_connect_header: {header: [value]}\n  follow_redirects: true\n  enable_http2: true\n'],
    ['K8SSD_with_Selectors', { kubernetesSDConfigs: [{ role: 'Node', selectors: [{ role: 'Pod', label: 'component=executor' }] }] },
      'kubernetes_sd_configs:\n- role: node\n  selectors:\n  - role: pod\n    label: component=executor\n'],
    ['K8SSD_with_NamespaceDiscovery_and_OwnNamespace', { kubernetesSDConfigs: [{ role: 'Pod', namespaces: { names: ['ns1', 'ns2'], ownNamespace: true } }] },
      'kubernetes_sd_configs:\n- role: pod\n  namespaces:\n    names: [ns1, ns2]\n    own_namespace: true\n'],
    ['K8SSD_with_AttachMetadata', { kubernetesSDConfigs: [{ role: 'Pod', attachMetadata: { node: true } }] },
      'kubernetes_sd_configs:\n- role: pod\n  attach_metadata: {node: true}\n'],
    ['K8SSD_with_Unsupported_Role_AttachMetadata', { kubernetesSDConfigs: [{ role: 'Service', attachMetadata: { node: true } }] }, 'kubernetes_sd_configs:\n- role: service\n'],
  ];

  test.each(cases)('%s', (_name, spec, expected) => {
    expect(generateScrapeConfig(sc(spec), store)).toEqual(golden(expected));
  });

  test('jobName, relabelings and metricRelabelings (WithJobNameAndRelabelConfig, NonEmptyMetricRelabelConfig)', () => {
    const cfg = generateScrapeConfig(sc({
      jobName: 'explicit-test-scrape-config5',
      relabelings: [{ action: 'Replace', regex: '(.+)(?::d+)', replacement: '$1:9537', sourceLabels: ['__address__'], targetLabel: '__address__' }],
      metricRelabelings: [{ regex: 'noisy_labels.*', action: 'labeldrop' }],
    }), store);
    expect(cfg.relabel_configs).toEqual([
      { source_labels: ['job'], target_label: '__tmp_prometheus_job_name' },
      { target_label: 'job', action: 'replace', replacement: 'explicit-test-scrape-config5' },
      { source_labels: ['__address__'], target_label: '__address__', regex: '(.+)(?::d+)', replacement: '$1:9537', action: 'replace' },
    ]);
    expect(cfg.metric_relabel_configs).toEqual([{ regex: 'noisy_labels.*', action: 'labeldrop' }]);
  });

  test('attachMetadata on a role without it is dropped with the operator\'s warning', () => {
    const warnings: string[] = [];
    generateScrapeConfig(sc({ kubernetesSDConfigs: [{ role: 'Service', attachMetadata: { node: true } }] }), store, undefined, (m) => warnings.push(m));
    expect(warnings).toEqual(['spec.kubernetesSDConfigs[0]: ignoring attachMetadata not supported by Prometheus for role: Service']);
  });

  test('a missing Secret or ConfigMap key leaves the ScrapeConfig out, naming the field', () => {
    expect(() => generateScrapeConfig(sc({ basicAuth: { username: ref('foo', 'username'), password: ref('foo', 'nope') } }), store))
      .toThrow(new MonitorRejected('spec.basicAuth.password: key "nope" of default/foo not found'));
    expect(() => generateScrapeConfig(sc({ tlsConfig: { ca: { configMap: ref('oauth2', 'ca') } } }), store))
      .toThrow(new MonitorRejected('spec.tlsConfig.ca (ConfigMap): key "ca" of default/oauth2 not found'));
  });

  test('SD kinds the allocator cannot run (Consul, DNS, EC2, …) leave the ScrapeConfig out with the reason; static, file, HTTP and kubernetes SD are served', () => {
    expect(() => scrapeConfigScrapeConfigs(sc({ staticConfigs: [{ targets: ['a:1'] }], consulSDConfigs: [{ server: 'c:8500' }], dnsSDConfigs: [{ names: ['x'] }] }), store))
      .toThrow(/^spec\.consulSDConfigs, spec\.dnsSDConfigs: this allocator discovers targets with staticConfigs, fileSDConfigs, httpSDConfigs, kubernetesSDConfigs only/);
    const [cfg] = scrapeConfigScrapeConfigs(sc({ staticConfigs: [{ targets: ['a:1'] }], fileSDConfigs: [{ files: ['/sd/*.json'] }], httpSDConfigs: [{ url: 'http://sd/x' }],
      kubernetesSDConfigs: [{ role: 'Pod' }] }), store);
    expect(Object.keys(cfg)).toEqual(['job_name', 'static_configs', 'file_sd_configs', 'http_sd_configs', 'kubernetes_sd_configs', 'relabel_configs']);
    expect(() => scrapeConfigScrapeConfigs(sc({ kubernetesSDConfigs: [{ role: 'Pod' }, { role: 'Node', apiServer: 'https://other:6443' }] }), store))
      .toThrow(/^spec\.kubernetesSDConfigs\[1\]\.apiServer: this allocator discovers in its own cluster only/);
    // unsharded: no $(SHARD) rules (the operator adds them to ScrapeConfigs only with more than one shard)
    expect(cfg.relabel_configs).toHaveLength(1);
  });
});

describe('scrape classes (prometheus_cr.scrape_classes)', () => {
  const classes = parseScrapeClasses([
    { name: 'default', default: true, authorization: { credentialsFile: '/etc/secret/credentials/default' },
      relabelings: [{ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_app_name'], targetLabel: 'app' }],
      metricRelabelings: [{ action: 'drop', sourceLabels: ['__name__'], regex: 'debug_.*' }], attachMetadata: { node: true } },
    { name: 'not-default', authorization: { credentialsFile: '/etc/secret/credentials/non-default' }, fallbackScrapeProtocol: 'PrometheusText0.0.4',
      tlsConfig: { caFile: '/etc/ca.crt', certFile: '/etc/tls.crt', keyFile: '/etc/tls.key' },
      relabelings: [{ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' }] },
  ], 'ta.yaml', 'prometheus_cr.scrape_classes');
  const sm = (extra: object = {}, ep: object = {}) => ({ metadata: { name: 'defaultServiceMonitor', namespace: 'default' },
    spec: { selector: { matchLabels: { group: 'group1' } }, endpoints: [{ port: 'web', ...ep }], ...extra } });

  test('the default class: authorization, relabelings after the endpoint label and before the sharding rules, metric relabelings first, attach_metadata', () => {
    const [cfg] = serviceMonitorScrapeConfigs(sm({}, { metricRelabelings: [{ action: 'keep', sourceLabels: ['__name__'], regex: 'up' }] }), store, classes);
    // serviceMonitorObjectWithDefaultScrapeClassAuthz / ...WithRelabelings / ...WithAttachMetadata
    expect(cfg.authorization).toEqual({ type: 'Bearer', credentials_file: '/etc/secret/credentials/default' });
    const rules = cfg.relabel_configs as any[];
    const endpoint = rules.findIndex((r) => r.target_label === 'endpoint');
    expect(rules[endpoint + 1]).toEqual({ source_labels: ['__meta_kubernetes_pod_app_name'], target_label: 'app', action: 'replace' });
    expect(rules[endpoint + 2].target_label).toBe('__tmp_hash');
    expect(cfg.metric_relabel_configs).toEqual([{ source_labels: ['__name__'], regex: 'debug_.*', action: 'drop' }, { source_labels: ['__name__'], regex: 'up', action: 'keep' }]);
    expect(cfg.kubernetes_sd_configs).toEqual([{ role: 'endpointslice', namespaces: { names: ['default'] }, attach_metadata: { node: true } }]);
  });

  test('a named class instead of the default; the monitor\'s own authorization and TLS references win, the class fills the files it lacks', () => {
    const [cfg] = serviceMonitorScrapeConfigs(sm({ scrapeClass: 'not-default', attachMetadata: { node: false } }), store, classes);
    expect(cfg.authorization).toEqual({ type: 'Bearer', credentials_file: '/etc/secret/credentials/non-default' });
    expect(cfg.tls_config).toEqual({ insecure_skip_verify: false, ca_file: '/etc/ca.crt', cert_file: '/etc/tls.crt', key_file: '/etc/tls.key' });
    expect(cfg.fallback_scrape_protocol).toBe('PrometheusText0.0.4');
    expect(cfg.kubernetes_sd_configs[0].attach_metadata).toEqual({ node: false });
    // serviceMonitorObjectWithNonDefaultScrapeClassAndExistingTLSConfig: the CA from the monitor's Secret, cert and key files from the class
    const [own] = serviceMonitorScrapeConfigs(sm({ scrapeClass: 'not-default' }, {
      authorization: { credentials: ref('auth', 'scrape-key') }, tlsConfig: { ca: { secret: ref('tls', 'ca') } },
    }), store, classes);
    expect(own.authorization).toEqual({ type: 'Bearer', credentials: 'scrape-secret' });
    expect(own.tls_config).toEqual({ insecure_skip_verify: false, ca: 'ca', cert_file: '/etc/tls.crt', key_file: '/etc/tls.key' });
  });

  test('PodMonitors, Probes and ScrapeConfigs take the class too; an unknown class leaves the resource out', () => {
    const [pm] = podMonitorScrapeConfigs({ metadata: { name: 'pm', namespace: 'default' }, spec: { podMetricsEndpoints: [{ port: 'web' }] } }, store, classes);
    expect(pm.authorization.credentials_file).toBe('/etc/secret/credentials/default');
    expect(pm.kubernetes_sd_configs[0].attach_metadata).toEqual({ node: true });
    const [probe] = probeScrapeConfigs({ metadata: { name: 'p', namespace: 'default' }, spec: { scrapeClass: 'not-default', prober: { url: 'bb:9115' },
      targets: { staticConfig: { static: ['a.example'] } } } }, store, classes);
    expect(probe.authorization.credentials_file).toBe('/etc/secret/credentials/non-default');
    expect((probe.relabel_configs as any[]).some((r) => r.target_label === 'node')).toBe(true);
    // ScrapeConfigWithDefaultScrapeClassAuthz / ...NonDefault... / ...UserDefinedAuthz
    expect(generateScrapeConfig(sc({}), store, classes).authorization).toEqual({ type: 'Bearer', credentials_file: '/etc/secret/credentials/default' });
    expect(generateScrapeConfig(sc({ scrapeClass: 'not-default' }), store, classes).authorization).toEqual({ type: 'Bearer', credentials_file: '/etc/secret/credentials/non-default' });
    expect(generateScrapeConfig(sc({ scrapeClass: 'not-default', authorization: { credentials: ref('foo', 'token') } }), store, classes).authorization)
      .toEqual({ type: 'Bearer', credentials: 'value' });
    expect(generateScrapeConfig(sc({}), store, classes).relabel_configs[1]).toEqual({ source_labels: ['__meta_kubernetes_pod_app_name'], target_label: 'app', action: 'replace' });
    expect(() => serviceMonitorScrapeConfigs(sm({ scrapeClass: 'nope' }), store, classes))
      .toThrow(new MonitorRejected('spec.scrapeClass: scrapeClass "nope" not found in prometheus_cr.scrape_classes'));
  });

  test('config errors: two defaults, a class without a name, an unknown key', () => {
    const cfg = (classesYaml: string) => () => parseAllocatorConfig(`collectors: [c]\nprometheus_cr:\n  enabled: true\n  scrape_classes: ${classesYaml}\n`, 'ta.yaml');
    expect(cfg('[{name: a, default: true}, {name: b, default: true}]')).toThrow(/prometheus_cr.scrape_classes\[1\].default: multiple default scrape classes defined/);
    expect(cfg('[{default: true}]')).toThrow(/prometheus_cr.scrape_classes\[0\].name: required/);
    expect(cfg('[{name: a, tlsconfig: {}}]')).toThrow(/prometheus_cr.scrape_classes\[0\].tlsconfig: unknown key/);
    expect(cfg('[{name: a, relabelings: [{action: Replace, regex: "(a", targetLabel: x}]}]')).toThrow(/prometheus_cr.scrape_classes\[0\].relabelings\[0\].regex/);
  });
});

describe('the other prometheus_cr options of upstream\'s allocator config', () => {
  test('defaults: ScrapeConfigs selected by nothing, all four text protocols, file access allowed', () => {
    const { prometheusCr } = parseAllocatorConfig('collectors: [c]\nprometheus_cr: {enabled: true}\n', 'ta.yaml');
    expect(prometheusCr.scrapeConfigs).toEqual({ selector: null, namespaceSelector: null });
    expect(prometheusCr.scrapeProtocols).toEqual(['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4']);
    expect(prometheusCr.denyFsAccess).toBe(false);
    expect(prometheusCr.unsupported).toEqual([]);
  });

  test('every key upstream writes is taken, none reported as unsupported', () => {
    const { prometheusCr } = parseAllocatorConfig(`collectors: [c]
prometheus_cr:
  enabled: true
  scrape_interval: 15s
  evaluation_interval: 30s
  scrape_protocols: [PrometheusProto, OpenMetricsText1.0.0]
  scrape_config_selector: {matchlabels: {team: a}}
  scrape_config_namespace_selector: {}
  deny_fs_access_through_sms: true
  secret_namespaces: [monitoring]
  allow_namespaces: [apps]
  scrape_classes: [{name: x}]
`, 'ta.yaml');
    expect(prometheusCr.scrapeConfigs.selector).toEqual({ matchLabels: { team: 'a' }, matchExpressions: [] });
    expect(prometheusCr.scrapeProtocols).toEqual(['PrometheusProto', 'OpenMetricsText1.0.0']);
    expect(prometheusCr.denyFsAccess).toBe(true);
    expect(prometheusCr.secretNamespaces).toEqual(['monitoring']);
    expect(prometheusCr.unsupported).toEqual([]);
  });

  test('bad values are refused with the key and the fix', () => {
    const bad = (line: string) => () => parseAllocatorConfig(`collectors: [c]\nprometheus_cr:\n  enabled: true\n  ${line}\n`, 'ta.yaml');
    expect(bad('scrape_protocols: [Protobuf]')).toThrow(/prometheus_cr.scrape_protocols: must be a list of PrometheusProto/);
    expect(bad('deny_fs_access_through_sms: "yes"')).toThrow(/prometheus_cr.deny_fs_access_through_sms: must be true or false/);
    expect(bad('evaluation_interval: soon')).toThrow(/prometheus_cr.evaluation_interval: "soon" is not a duration/);
  });

  test('deny_fs_access_through_sms drops the jobs that read files (upstream\'s filterScrapeConfigs cases), keeps the others', () => {
    const dropped: string[] = [];
    const kept = denyFileAccess([
      { job_name: 'safe', basic_auth: { username: 'user', password: 'password' } },
      { job_name: 'unsafe-credentials', authorization: { type: 'Bearer', credentials_file: '/var/run/secrets/kubernetes.io/serviceaccount/token' } },
      { job_name: 'unsafe-bearer', bearer_token_file: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
      { job_name: 'tls-ca_file', tls_config: { ca_file: '/path/to/ca.crt' } },
      { job_name: 'tls-cert_file', tls_config: { cert_file: '/path/to/cert.crt' } },
      { job_name: 'tls-key_file', tls_config: { key_file: '/path/to/key.key', ca: 'inline' } },
      { job_name: 'empty-tls', tls_config: {}, authorization: { type: 'Bearer', credentials: 'x' } },
    ], (job, fields) => dropped.push(`${job}: ${fields.join(',')}`));
    expect(kept.map((c) => c.job_name)).toEqual(['safe', 'empty-tls']);
    expect(dropped).toEqual([
      'unsafe-credentials: authorization.credentials_file', 'unsafe-bearer: bearer_token_file',
      'tls-ca_file: tls_config.ca_file', 'tls-cert_file: tls_config.cert_file', 'tls-key_file: tls_config.key_file',
    ]);
  });
});

describe('ScrapeConfigs in the running allocator', () => {
  let hasher: Hasher;
  beforeAll(async () => {
    hasher = await loadHasher();
  });
  test('a selected ScrapeConfig with static targets becomes a job with those targets; a change reloads it, a refused one is left out with a warning', async () => {
    const api = new FakeKubeApi();
    api.served = async (_v, kind) => ({ name: `${kind.toLowerCase()}s`, namespaced: kind !== 'Namespace' });
    api.seed({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'mon' }, data: { pass: Buffer.from('hunter2').toString('base64') } } as any);
    const staticSc = (targets: string[]) => ({ apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'ScrapeConfig', metadata: { name: 'static', namespace: 'mon', labels: { team: 'a' } },
      spec: { staticConfigs: [{ targets, labels: { env: 'prod' } }], basicAuth: { username: { name: 'creds', key: 'pass' }, password: { name: 'creds', key: 'pass' } } } });
    api.seed(staticSc(['10.0.0.1:9100', '10.0.0.2:9100']) as any);
    api.seed({ apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'ScrapeConfig', metadata: { name: 'consul', namespace: 'mon', labels: { team: 'a' } },
      spec: { consulSDConfigs: [{ server: 'consul:8500' }] } } as any);
    api.seed({ apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'ScrapeConfig', metadata: { name: 'other-team', namespace: 'mon', labels: { team: 'b' } },
      spec: { staticConfigs: [{ targets: ['10.0.0.9:1'] }] } } as any);
    const config = parseAllocatorConfig('collectors: [c-0]\nprometheus_cr: {enabled: true, scrape_config_selector: {matchLabels: {team: a}}}\n', 'ta.yaml');
    const warnings: string[] = [];
    const service = new AllocatorService(config, hasher, {
      configDir: '.', log: { info: () => {}, warn: (m) => warnings.push(m) }, metrics: new AllocatorMetrics(), kube: api, debounceMs: 5, collectorDebounceMs: 5,
    });
    await service.start();
    try {
      expect(service.jobs.map((j) => j.jobName)).toEqual(['scrapeConfig/mon/static']);
      const job = service.jobs[0];
      expect(job.served.basic_auth).toEqual({ username: 'hunter2', password: 'hunter2' });
      expect(job.served.scrape_protocols).toEqual(['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4']);
      expect(job.served.scrape_interval).toBe('30s');
      const targets = service.allocator.targetsFor('scrapeConfig/mon/static', 'c-0');
      expect(targets.map((t) => t.targetURL).sort()).toEqual(['10.0.0.1:9100', '10.0.0.2:9100']);
      expect(warnings.filter((w) => w.includes('ScrapeConfig mon/consul left out: spec.consulSDConfigs: this allocator discovers targets with'))).toHaveLength(1);

      api.seed(staticSc(['10.0.0.3:9100']) as any);
      await new Promise((r) => setTimeout(r, 150));
      expect(service.allocator.targetsFor('scrapeConfig/mon/static', 'c-0').map((t) => t.targetURL)).toEqual(['10.0.0.3:9100']);
    } finally {
      await service.stop();
    }
  });

  test('a ScrapeConfig\'s fileSDConfigs are read (paths on the allocator\'s file system) and stop with it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-file-sd-'));
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify([{ targets: ['10.9.0.1:80', '10.9.0.2:80'], labels: { rack: 'r1' } }]));
    const api = new FakeKubeApi();
    api.served = async (_v, kind) => ({ name: `${kind.toLowerCase()}s`, namespaced: kind !== 'Namespace' });
    const fileSc = { apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'ScrapeConfig', metadata: { name: 'files', namespace: 'mon', labels: { team: 'a' } },
      spec: { fileSDConfigs: [{ files: [path.join(dir, '*.json')] }] } };
    api.seed(fileSc as any);
    const config = parseAllocatorConfig('collectors: [c-0]\nprometheus_cr: {enabled: true, scrape_config_selector: {}}\n', 'ta.yaml');
    const service = new AllocatorService(config, hasher, {
      configDir: '.', log: { info: () => {}, warn: () => {} }, metrics: new AllocatorMetrics(), kube: api, debounceMs: 5, collectorDebounceMs: 5,
    });
    await service.start();
    const urls = () => service.allocator.targetsFor('scrapeConfig/mon/files', 'c-0').map((t) => t.targetURL).sort();
    const until = async (want: string[]) => {
      for (let i = 0; i < 100 && JSON.stringify(urls()) !== JSON.stringify(want); i++) await new Promise((r) => setTimeout(r, 50));
      return urls();
    };
    try {
      expect(await until(['10.9.0.1:80', '10.9.0.2:80'])).toEqual(['10.9.0.1:80', '10.9.0.2:80']);
      expect(service.allocator.targetsFor('scrapeConfig/mon/files', 'c-0')[0].labels.__meta_filepath).toBe(path.join(dir, 'a.json'));
      fs.writeFileSync(path.join(dir, 'b.json'), JSON.stringify([{ targets: ['10.9.0.3:80'] }]));
      expect(await until(['10.9.0.1:80', '10.9.0.2:80', '10.9.0.3:80'])).toHaveLength(3);
      await api.delete({ apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'ScrapeConfig', namespace: 'mon', name: 'files' });
      expect(await until([])).toEqual([]);
      expect(service.jobs).toEqual([]);
    } finally {
      await service.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Secrets are watched in secret_namespaces (default: the collector namespace) only; one elsewhere is read by GET at each generation', async () => {
    const api = new FakeKubeApi();
    api.served = async (_v, kind) => ({ name: `${kind.toLowerCase()}s`, namespaced: kind !== 'Namespace' });
    const secret = (ns: string, pass: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: ns }, data: { pass: Buffer.from(pass).toString('base64') } });
    api.seed(secret('obs', 'own') as any);
    api.seed(secret('apps', 'foreign') as any);
    const scIn = (ns: string, targets = ['10.0.0.1:1']) => ({ apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'ScrapeConfig', metadata: { name: 's', namespace: ns },
      spec: { staticConfigs: [{ targets }], authorization: { credentials: { name: 'creds', key: 'pass' } } } });
    api.seed(scIn('obs') as any);
    api.seed(scIn('apps') as any);
    const config = parseAllocatorConfig('collectors: [c-0]\ncollector_namespace: obs\nprometheus_cr: {enabled: true, scrape_config_selector: {}}\n', 'ta.yaml');
    const service = new AllocatorService(config, hasher, {
      configDir: '.', log: { info: () => {}, warn: () => {} }, metrics: new AllocatorMetrics(), kube: api, debounceMs: 5, collectorDebounceMs: 5,
    });
    await service.start();
    try {
      const creds = () => Object.fromEntries(service.jobs.map((j) => [j.jobName, (j.served.authorization as any).credentials]));
      expect(creds()).toEqual({ 'scrapeConfig/apps/s': 'foreign', 'scrapeConfig/obs/s': 'own' });
      expect(api.calls.filter((c) => c.kind === 'Secret').map((c) => `${c.verb} ${c.namespace}`).sort()).toEqual(['get apps', 'list obs', 'watch obs']);
      // a change in a foreign namespace shows at the next generation (here: the ScrapeConfig changes)
      api.seed(secret('apps', 'rotated') as any);
      api.seed(scIn('apps', ['10.0.0.2:1']) as any);
      for (let i = 0; i < 100 && creds()['scrapeConfig/apps/s'] !== 'rotated'; i++) await new Promise((r) => setTimeout(r, 20));
      expect(creds()['scrapeConfig/apps/s']).toBe('rotated');
    } finally {
      await service.stop();
    }
  });

  test('with allow_namespaces the resources are listed and watched in those namespaces only (namespaced RBAC suffices)', async () => {
    const api = new FakeKubeApi();
    api.served = async (_v, kind) => ({ name: `${kind.toLowerCase()}s`, namespaced: kind !== 'Namespace' });
    for (const ns of ['apps', 'other']) {
      api.seed({ apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'ScrapeConfig', metadata: { name: 's', namespace: ns }, spec: { staticConfigs: [{ targets: ['10.0.0.1:1'] }] } } as any);
    }
    const config = parseAllocatorConfig('collectors: [c-0]\nprometheus_cr: {enabled: true, scrape_config_selector: {}, allow_namespaces: [apps]}\n', 'ta.yaml');
    const service = new AllocatorService(config, hasher, {
      configDir: '.', log: { info: () => {}, warn: () => {} }, metrics: new AllocatorMetrics(), kube: api, debounceMs: 5, collectorDebounceMs: 5,
    });
    await service.start();
    try {
      expect(service.jobs.map((j) => j.jobName)).toEqual(['scrapeConfig/apps/s']);
      expect(api.calls.filter((c) => c.kind === 'ScrapeConfig').map((c) => `${c.verb} ${c.namespace}`).sort()).toEqual(['list apps', 'watch apps']);
    } finally {
      await service.stop();
    }
  });

  test('kubernetesSDConfigs namespaces.ownNamespace is the collector namespace', async () => {
    const api = new FakeKubeApi();
    api.served = async (_v, kind) => ({ name: `${kind.toLowerCase()}s`, namespaced: kind !== 'Namespace' });
    api.seed({ apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'ScrapeConfig', metadata: { name: 'own', namespace: 'apps' },
      spec: { kubernetesSDConfigs: [{ role: 'Pod', namespaces: { names: ['apps'], ownNamespace: true } }] } } as any);
    for (const [name, ns, ip] of [['a', 'apps', '10.0.0.1'], ['b', 'obs', '10.0.0.2'], ['c', 'other', '10.0.0.3']]) {
      api.seed({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns }, spec: { nodeName: 'n', containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80 }] }] },
        status: { phase: 'Running', podIP: ip } } as any);
    }
    const config = parseAllocatorConfig('collectors: [c-0]\ncollector_namespace: obs\nprometheus_cr: {enabled: true, scrape_config_selector: {}}\n', 'ta.yaml');
    const warnings: string[] = [];
    const service = new AllocatorService(config, hasher, {
      configDir: '.', log: { info: () => {}, warn: (m) => warnings.push(m) }, metrics: new AllocatorMetrics(), kube: api, debounceMs: 5, collectorDebounceMs: 5,
    });
    await service.start();
    try {
      const urls = () => service.allocator.targetsFor('scrapeConfig/apps/own', 'c-0').map((t) => t.targetURL).sort();
      for (let i = 0; i < 100 && urls().length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect({ urls: urls(), warnings }).toEqual({ urls: ['10.0.0.1:80', '10.0.0.2:80'], warnings: [] });
    } finally {
      await service.stop();
    }
  });
});

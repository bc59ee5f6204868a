import { InvalidInputError } from '../../src/common/errors';
import { parseAllocatorConfig } from '../../src/allocator/config';
import { scrapeConfigsBody } from '../../src/allocator/scrape-configs';

const base = `
collectors: [collector-0, {name: collector-1, node_name: node-a}]
config:
  scrape_configs:
  - job_name: app
    static_configs:
    - targets: ['10.0.0.1:8080']
`;

function errorOf(text: string, env = {}): InvalidInputError {
  try {
    parseAllocatorConfig(text, 'targetallocator.yaml', env);
  } catch (err) {
    return err as InvalidInputError;
  }
  throw new Error('expected an error');
}

describe('targetallocator.yaml', () => {
  test('defaults as upstream: listen :8080, consistent-hashing, relabel-config, https off, secrets redacted', () => {
    const c = parseAllocatorConfig(base, 'ta.yaml');
    expect(c.listenAddr).toBe(':8080');
    expect(c.allocationStrategy).toBe('consistent-hashing');
    expect(c.allocationFallbackStrategy).toBe('');
    expect(c.filterStrategy).toBe('relabel-config');
    expect(c.https).toEqual({ enabled: false, listenAddr: ':8443', caFilePath: '', tlsCertFilePath: '', tlsKeyFilePath: '' });
    expect(c.allowInsecureAuthSecrets).toBe(false);
    expect(c.collectorNotReadyGracePeriodMs).toBe(30_000);
    expect(c.collectors).toEqual([{ name: 'collector-0' }, { name: 'collector-1', nodeName: 'node-a' }]);
  });

  test('scrape config defaults from Prometheus and the seed labels', () => {
    const c = parseAllocatorConfig(`${base}
  - job_name: other
    scrape_interval: 90s
    params: {module: [http_2xx, x]}
  global:
    scrape_interval: 30s
`, 'ta.yaml');
    const [app, other] = c.scrapeConfigs;
    expect(app.seedLabels).toEqual([['job', 'app'], ['__scrape_interval__', '30s'], ['__scrape_timeout__', '10s'], ['__metrics_path__', '/metrics'], ['__scheme__', 'http']]);
    expect(other.seedLabels).toContainEqual(['__scrape_interval__', '1m30s']);
    expect(other.seedLabels).toContainEqual(['__param_module', 'http_2xx']);
    expect(app.staticGroups).toEqual([{ targets: [{ __address__: '10.0.0.1:8080' }], labels: {}, source: '0' }]);
    expect(app.served).toMatchObject({ job_name: 'app', scrape_interval: '30s', scrape_timeout: '10s', metrics_path: '/metrics', scheme: 'http', honor_timestamps: true });
  });

  test('scrape timeout defaults to the interval when the interval is shorter', () => {
    const c = parseAllocatorConfig(base.replace('job_name: app', 'job_name: app\n    scrape_interval: 5s'), 'ta.yaml');
    expect(c.scrapeConfigs[0].served.scrape_timeout).toBe('5s');
  });

  test('env overrides: OTELCOL_NAMESPACE and ALLOW_INSECURE_AUTH_SECRETS', () => {
    const c = parseAllocatorConfig(base, 'ta.yaml', { OTELCOL_NAMESPACE: 'obs', ALLOW_INSECURE_AUTH_SECRETS: 'true' });
    expect(c.collectorNamespace).toBe('obs');
    expect(c.allowInsecureAuthSecrets).toBe(true);
  });

  const invalid: Array<[string, string, string]> = [
    ['unknown key', `${base}\nallocation_stratgy: x\n`, 'allocation_stratgy: unknown key'],
    ['unknown strategy', `${base}\nallocation_strategy: random\n`, 'allocation_strategy: unknown strategy "random"'],
    ['unknown filter', `${base}\nfilter_strategy: none\n`, 'filter_strategy: unknown filter strategy'],
    ['bad relabel rule', base.replace("- targets: ['10.0.0.1:8080']", "- targets: ['10.0.0.1:8080']\n    relabel_configs: [{action: hashmod, target_label: x, source_labels: [a]}]").replace('    static_configs:\n', '    static_configs:\n'),
      'relabel_configs[0].modulus: hashmod requires a non-zero modulus'],
    ['duplicate job', `${base}  - job_name: app\n`, 'config.scrape_configs[1].job_name: found multiple scrape configs with job name "app"'],
    ['timeout above interval', base.replace('job_name: app', 'job_name: app\n    scrape_interval: 5s\n    scrape_timeout: 10s'), 'scrape timeout 10s is greater than scrape interval 5s'],
    ['no scrape configs', 'collectors: [a]\n', 'config.scrape_configs: at least one scrape config is required'],
    ['https without files', `${base}\nhttps: {enabled: true}\n`, 'https.ca_file_path: required when https.enabled is true'],
    ['no collectors and no namespace', base.replace(/^collectors:.*$/m, ''), 'collector_namespace: required when collectors are discovered from pods'],
    ['bad collector selector', `${base}\ncollector_selector: {matchExpressions: [{key: a, operator: Has}]}\n`, 'collector_selector.matchExpressions[0].operator: unknown operator "Has"'],
    ['allow and deny namespaces', `${base}\nprometheus_cr: {enabled: true, allow_namespaces: [a], deny_namespaces: [b]}\n`, 'prometheus_cr.deny_namespaces: cannot be set together with allow_namespaces'],
    ['bad CR selector', `${base}\nprometheus_cr: {enabled: true, service_monitor_selector: {matchLabels: [a]}}\n`, 'prometheus_cr.service_monitor_selector.matchLabels: must be a mapping'],
    ['bad kubernetes SD role', base.replace('    static_configs:', '    kubernetes_sd_configs: [{role: pods}]\n    static_configs:'),
      'config.scrape_configs[0].kubernetes_sd_configs[0].role: unknown Kubernetes SD role "pods" (use one of pod, service, endpoints, endpointslice, node, ingress)'],
    ['selector of another role', base.replace('    static_configs:', '    kubernetes_sd_configs: [{role: service, selectors: [{role: node, label: a=b}]}]\n    static_configs:'),
      'kubernetes_sd_configs[0].selectors[0].role: "node" is not allowed for role service (use one of service)'],
    ['own namespace unknown', base.replace('    static_configs:', '    kubernetes_sd_configs: [{role: pod, namespaces: {own_namespace: true}}]\n    static_configs:'),
      'namespaces.own_namespace: the allocator\'s own namespace is not known'],
    ['bad duration', `${base}\ncollector_not_ready_grace_period: soon\n`, 'collector_not_ready_grace_period: "soon" is not a duration'],
    ['bad static label', base.replace("- targets: ['10.0.0.1:8080']", "- targets: ['10.0.0.1:8080']\n      labels: {'': x}"), 'static_configs[0].labels.: "" is not a valid label name'],
    ['YAML syntax', 'collectors: [a\n', 'not valid YAML'],
    ['bad body size', base.replace('job_name: app', 'job_name: app\n    body_size_limit: 10kb'), 'config.scrape_configs[0].body_size_limit: "10kb" is not a size'],
    ['bad scrape protocol', base.replace('job_name: app', 'job_name: app\n    scrape_protocols: [PrometheusText]'), 'config.scrape_configs[0].scrape_protocols: must be a list of PrometheusProto'],
    ['bad fallback protocol', base.replace('job_name: app', 'job_name: app\n    fallback_scrape_protocol: text'), 'config.scrape_configs[0].fallback_scrape_protocol: must be one of PrometheusProto'],
    ['two kinds of credentials', base.replace('job_name: app', 'job_name: app\n    basic_auth: {username: u}\n    authorization: {credentials: c}'),
      'config.scrape_configs[0]: at most one of basic_auth, oauth2 & authorization must be configured'],
    ['client key without certificate', base.replace('job_name: app', 'job_name: app\n    tls_config: {key_file: /k}'),
      'config.scrape_configs[0].tls_config: a client key needs a certificate'],
    ['no_proxy without proxy_url', base.replace('job_name: app', 'job_name: app\n    no_proxy: localhost'), 'config.scrape_configs[0].no_proxy: needs proxy_url'],
    ['bad SD client', base.replace('job_name: app', 'job_name: app\n    http_sd_configs: [{url: "http://x", bearer_token: a, bearer_token_file: /b}]'),
      'config.scrape_configs[0].http_sd_configs[0].bearer_token_file: at most one of bearer_token & bearer_token_file must be configured'],
    ['bad escaping scheme', base.replace('job_name: app', 'job_name: app\n    metric_name_escaping_scheme: dashes'), 'config.scrape_configs[0].metric_name_escaping_scheme: unknown escaping scheme "dashes"'],
  ];
  test.each(invalid)('%s fails with the key path and the reason', (_n, text, message) => {
    const err = errorOf(text);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toContain('targetallocator.yaml: ');
    expect(err.message).toContain(message);
  });
});

describe('/scrape_configs body', () => {
  const text = `${base}
  - job_name: secret
    basic_auth: {username: u, password: p}
    tls_config: {key: k, cert_file: /c}
    proxy_url: http://proxy:3128
    proxy_connect_header: {Proxy-Authorization: [pa]}
    http_headers: {X-Token: {secrets: [t1, t2], values: [v]}}
    kubernetes_sd_configs: [{role: pod, basic_auth: {username: u, password: sdp}}]
    relabel_configs:
    - {action: keepequal, source_labels: [a], target_label: b}
    - {action: keep, source_labels: [a], regex: x}
  - job_name: authorization
    authorization: {credentials: c}
  - job_name: oauth2
    oauth2: {client_id: i, client_secret: s, token_url: 'https://t', tls_config: {key: ok, cert_file: /oc}}
`;
  test('secrets are redacted when asked, and served otherwise', () => {
    const jobs = parseAllocatorConfig(text, 'ta.yaml').scrapeConfigs;
    const body = scrapeConfigsBody(jobs, true) as Record<string, Record<string, Record<string, unknown>>>;
    const redacted = body.secret;
    expect(redacted.basic_auth).toEqual({ username: 'u', password: '<secret>' });
    expect(body.authorization.authorization).toEqual({ credentials: '<secret>', type: 'Bearer' });
    expect(redacted.tls_config).toEqual({ key: '<secret>', cert_file: '/c', insecure_skip_verify: false });
    expect(body.oauth2.oauth2).toEqual({ client_id: 'i', client_secret: '<secret>', token_url: 'https://t', tls_config: { key: '<secret>', cert_file: '/oc', insecure_skip_verify: false } });
    expect(redacted.proxy_connect_header).toEqual({ 'Proxy-Authorization': ['<secret>'] });
    expect(redacted.http_headers).toEqual({ 'X-Token': { secrets: ['<secret>', '<secret>'], values: ['v'] } });
    expect(redacted.kubernetes_sd_configs).toEqual([{
      basic_auth: { password: '<secret>', username: 'u' }, role: 'pod', kubeconfig_file: '', enable_http2: true, follow_redirects: true,
    }]);
    const plain = scrapeConfigsBody(jobs, false).secret as Record<string, Record<string, unknown>>;
    expect(plain.basic_auth).toEqual({ username: 'u', password: 'p' });
    expect(plain.proxy_connect_header).toEqual({ 'Proxy-Authorization': ['pa'] });
  });

  test('keepequal/dropequal rules are served without regex (prometheus#12534); others keep it', () => {
    const jobs = parseAllocatorConfig(text, 'ta.yaml').scrapeConfigs;
    const rules = (scrapeConfigsBody(jobs, true).secret as Record<string, unknown>).relabel_configs as Array<Record<string, unknown>>;
    expect(rules[0]).toEqual({ action: 'keepequal', replacement: '$1', separator: ';', source_labels: ['a'], target_label: 'b' });
    expect(rules[1].regex).toBe('x');
  });

  test('rules are served as Prometheus marshals them: defaults written, action lower-cased, keys sorted', () => {
    const jobs = parseAllocatorConfig(`${base}    relabel_configs:
    - {target_label: team, source_labels: [t]}
    - {action: DROP, regex: x, source_labels: [a, b], separator: '|'}
    - {action: hashmod, source_labels: [__address__], target_label: __tmp_hash, modulus: 4}
    metric_relabel_configs:
    - {action: labeldrop, regex: 'go_.*'}
    - {target_label: cleared, replacement:, regex:}
`, 'ta.yaml').scrapeConfigs;
    const job = scrapeConfigsBody(jobs, true).app as Record<string, unknown>;
    expect(job.relabel_configs).toEqual([
      { action: 'replace', replacement: '$1', separator: ';', source_labels: ['t'], target_label: 'team' },
      { action: 'drop', regex: 'x', replacement: '$1', separator: '|', source_labels: ['a', 'b'] },
      { action: 'hashmod', modulus: 4, replacement: '$1', separator: ';', source_labels: ['__address__'], target_label: '__tmp_hash' },
    ]);
    expect(job.metric_relabel_configs).toEqual([
      { action: 'labeldrop', regex: 'go_.*', replacement: '$1', separator: ';' },
      { action: 'replace', regex: null, separator: ';', target_label: 'cleared' },
    ]);
    expect(Object.keys((job.relabel_configs as object[])[0])).toEqual(['action', 'replacement', 'separator', 'source_labels', 'target_label']);
    const keys = Object.keys(job);
    expect(keys).toEqual([...keys].sort());
  });
});

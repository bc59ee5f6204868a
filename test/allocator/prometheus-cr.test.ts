import { parseAllocatorConfig } from '../../src/allocator/config';
import { Hasher, loadHasher } from '../../src/allocator/hasher';
import { parseLabelSelector } from '../../src/allocator/label-selector';
import { AllocatorMetrics } from '../../src/allocator/metrics';
import { MonitorRejected, ObjectStore, podMonitorScrapeConfigs, probeScrapeConfigs, serviceMonitorScrapeConfigs } from '../../src/allocator/prometheus-cr/generate';
import { selectMonitors } from '../../src/allocator/prometheus-cr/select';
import { scrapeConfigsBody } from '../../src/allocator/scrape-configs';
import { createApiHandler } from '../../src/allocator/server';
import { AllocatorService } from '../../src/allocator/service';
import * as http from 'node:http';
import { KubeObject } from '../../src/kube';
import { FakeKubeApi } from '../operator/fake-api';

const secrets: Record<string, Record<string, string>> = { 'apps/auth': { user: 'alice', pass: 's3cret', token: 'tok', ca: 'CA PEM', key: 'KEY PEM' } };
const store: ObjectStore = { secretKey: (ns, ref) => secrets[`${ns}/${ref.name}`]?.[ref.key ?? ''] };
const SHARDING = [
  { source_labels: ['__address__', '__tmp_hash'], target_label: '__tmp_hash', regex: '(.+);', replacement: '$1', action: 'replace' },
  { source_labels: ['__tmp_hash'], target_label: '__tmp_hash', modulus: 1, action: 'hashmod' },
  { source_labels: ['__tmp_hash', '__tmp_disable_sharding'], regex: '$(SHARD);|.+;.+', action: 'keep' },
];

describe('ServiceMonitor → scrape configs, as the Prometheus Operator generates them', () => {
  const sm = {
    apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'web', namespace: 'apps' },
    spec: {
      selector: { matchLabels: { app: 'web', 'app.kubernetes.io/part-of': 'shop' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db', 'cache'] }] },
      jobLabel: 'team', targetLabels: ['tier'],
      endpoints: [
        { port: 'metrics', interval: '15s', path: '/m', relabelings: [{ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node_name', action: 'Replace' }],
          metricRelabelings: [{ sourceLabels: ['__name__'], regex: 'go_.*', action: 'drop' }] },
        { targetPort: 8443, scheme: 'https', tlsConfig: { insecureSkipVerify: true, ca: { secret: { name: 'auth', key: 'ca' } }, keySecret: { name: 'auth', key: 'key' }, serverName: 'web' },
          basicAuth: { username: { name: 'auth', key: 'user' }, password: { name: 'auth', key: 'pass' } } },
      ],
    },
  };

  test('one job per endpoint: name, endpointslice role in the monitor\'s namespace, and every relabel rule in order', () => {
    const [first, second] = serviceMonitorScrapeConfigs(sm, store);
    expect(first).toEqual({
      job_name: 'serviceMonitor/apps/web/0',
      honor_labels: false,
      kubernetes_sd_configs: [{ role: 'endpointslice', namespaces: { names: ['apps'] } }],
      scrape_interval: '15s',
      metrics_path: '/m',
      relabel_configs: [
        { source_labels: ['job'], target_label: '__tmp_prometheus_job_name' },
        { action: 'keep', source_labels: ['__meta_kubernetes_service_label_app', '__meta_kubernetes_service_labelpresent_app'], regex: '(web);true' },
        { action: 'keep', source_labels: ['__meta_kubernetes_service_label_app_kubernetes_io_part_of', '__meta_kubernetes_service_labelpresent_app_kubernetes_io_part_of'], regex: '(shop);true' },
        { action: 'drop', source_labels: ['__meta_kubernetes_service_label_tier', '__meta_kubernetes_service_labelpresent_tier'], regex: '(db|cache);true' },
        { action: 'keep', source_labels: ['__meta_kubernetes_endpointslice_port_name'], regex: 'metrics' },
        { source_labels: ['__meta_kubernetes_endpointslice_address_target_kind', '__meta_kubernetes_endpointslice_address_target_name'], separator: ';', regex: 'Node;(.*)', replacement: '${1}', target_label: 'node' },
        { source_labels: ['__meta_kubernetes_endpointslice_address_target_kind', '__meta_kubernetes_endpointslice_address_target_name'], separator: ';', regex: 'Pod;(.*)', replacement: '${1}', target_label: 'pod' },
        { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
        { source_labels: ['__meta_kubernetes_service_name'], target_label: 'service' },
        { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
        { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
        { action: 'drop', source_labels: ['__meta_kubernetes_pod_phase'], regex: '(Failed|Succeeded)' },
        { source_labels: ['__meta_kubernetes_service_label_tier'], target_label: 'tier', regex: '(.+)', replacement: '${1}' },
        { source_labels: ['__meta_kubernetes_service_name'], target_label: 'job', replacement: '${1}' },
        { source_labels: ['__meta_kubernetes_service_label_team'], target_label: 'job', regex: '(.+)', replacement: '${1}' },
        { target_label: 'endpoint', replacement: 'metrics' },
        { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node_name', action: 'replace' },
        ...SHARDING,
      ],
      metric_relabel_configs: [{ source_labels: ['__name__'], regex: 'go_.*', action: 'drop' }],
    });
    expect(second.job_name).toBe('serviceMonitor/apps/web/1');
    expect(second.relabel_configs[4]).toEqual({ action: 'keep', source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: '8443' });
    expect(second.relabel_configs.at(-4)).toEqual({ target_label: 'endpoint', replacement: '8443' });
  });

  test('TLS material and credentials are inlined from Secrets, and redacted on plain HTTP', () => {
    const second = serviceMonitorScrapeConfigs(sm, store)[1];
    expect(second.scheme).toBe('https');
    expect(second.tls_config).toEqual({ insecure_skip_verify: true, ca: 'CA PEM', key: 'KEY PEM', server_name: 'web' });
    expect(second.basic_auth).toEqual({ username: 'alice', password: 's3cret' });
    // a client key needs a certificate for Prometheus (and the Prometheus Operator), so one is added to load it
    const withCert = { ...second, tls_config: { ...second.tls_config, cert: 'CERT PEM' } };
    const config = parseAllocatorConfig(`collectors: [c]\nconfig: {scrape_configs: [${JSON.stringify(withCert)}]}\n`, 'ta.yaml');
    const served = scrapeConfigsBody(config.scrapeConfigs, true)['serviceMonitor/apps/web/1'] as any;
    expect(served.basic_auth).toEqual({ username: 'alice', password: '<secret>' });
    expect(served.tls_config.key).toBe('<secret>');
    expect(served.tls_config.ca).toBe('CA PEM');
  });

  test('namespaceSelector: any watches every namespace, matchNames those', () => {
    const any = serviceMonitorScrapeConfigs({ ...sm, spec: { ...sm.spec, namespaceSelector: { any: true } } }, store)[0];
    expect(any.kubernetes_sd_configs).toEqual([{ role: 'endpointslice' }]);
    const names = serviceMonitorScrapeConfigs({ ...sm, spec: { ...sm.spec, namespaceSelector: { matchNames: ['a', 'b'] } } }, store)[0];
    expect(names.kubernetes_sd_configs).toEqual([{ role: 'endpointslice', namespaces: { names: ['a', 'b'] } }]);
  });

  test('a missing Secret key leaves the monitor out with the reason; a ConfigMap CA is read from the ConfigMap', () => {
    const bad = { ...sm, spec: { ...sm.spec, endpoints: [{ port: 'm', bearerTokenSecret: { name: 'auth', key: 'nope' } }] } };
    expect(() => serviceMonitorScrapeConfigs(bad, store)).toThrow(new MonitorRejected('bearerTokenSecret: key "nope" of apps/auth not found'));
    const cm = { ...sm, spec: { ...sm.spec, endpoints: [{ port: 'm', tlsConfig: { ca: { configMap: { name: 'x', key: 'ca' } } } }] } };
    expect(() => serviceMonitorScrapeConfigs(cm, store)).toThrow(/ConfigMaps are not read here/);
    const withConfigMaps: ObjectStore = { ...store, configMapKey: (ns, ref) => (ns === 'apps' && ref.name === 'x' && ref.key === 'ca' ? 'CM CA' : undefined) };
    expect(serviceMonitorScrapeConfigs(cm, withConfigMaps)[0].tls_config).toEqual({ insecure_skip_verify: false, ca: 'CM CA' });
    const missing = { ...sm, spec: { ...sm.spec, endpoints: [{ port: 'm', tlsConfig: { ca: { configMap: { name: 'y', key: 'ca' } } } }] } };
    expect(() => serviceMonitorScrapeConfigs(missing, withConfigMaps)).toThrow(new MonitorRejected('tlsConfig.ca (ConfigMap): key "ca" of apps/y not found'));
  });
});

describe('PodMonitor → scrape configs', () => {
  test('pod role, running filter before the selector rules, job <ns>/<name>, authorization from a Secret', () => {
    const [cfg] = podMonitorScrapeConfigs({
      metadata: { name: 'pm', namespace: 'apps' },
      spec: { selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, podTargetLabels: ['version'],
        podMetricsEndpoints: [{ port: 'http-metrics', honorLabels: true, authorization: { credentials: { name: 'auth', key: 'token' } } }] },
    }, store);
    expect(cfg.job_name).toBe('podMonitor/apps/pm/0');
    expect(cfg.honor_labels).toBe(true);
    expect(cfg.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['apps'] } }]);
    expect(cfg.authorization).toEqual({ type: 'Bearer', credentials: 'tok' });
    expect(cfg.relabel_configs).toEqual([
      { source_labels: ['job'], target_label: '__tmp_prometheus_job_name' },
      { action: 'drop', source_labels: ['__meta_kubernetes_pod_phase'], regex: '(Failed|Succeeded)' },
      { action: 'keep', source_labels: ['__meta_kubernetes_pod_labelpresent_app'], regex: 'true' },
      { action: 'keep', source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'http-metrics' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { source_labels: ['__meta_kubernetes_pod_label_version'], target_label: 'version', regex: '(.+)', replacement: '${1}' },
      { target_label: 'job', replacement: 'apps/pm' },
      { target_label: 'endpoint', replacement: 'http-metrics' },
      ...SHARDING,
    ]);
  });
});

describe('Probe → scrape config', () => {
  const sharding = (label: string) => [{ ...SHARDING[0], source_labels: [label, '__tmp_hash'] }, SHARDING[1], SHARDING[2]];

  test('static targets go to the prober as __param_target; namespace label added; module as a param', () => {
    const [cfg] = probeScrapeConfigs({
      metadata: { name: 'sites', namespace: 'mon' },
      spec: { jobName: 'blackbox', module: 'http_2xx', interval: '30s', prober: { url: 'blackbox:9115' },
        targets: { staticConfig: { static: ['https://a.example', 'https://b.example'], labels: { env: 'prod' } } } },
    }, store);
    expect(cfg).toEqual({
      job_name: 'probe/mon/sites', honor_timestamps: true, metrics_path: '/probe', scrape_interval: '30s', params: { module: ['http_2xx'] },
      static_configs: [{ targets: ['https://a.example', 'https://b.example'], labels: { env: 'prod', namespace: 'mon' } }],
      relabel_configs: [
        { source_labels: ['job'], target_label: '__tmp_prometheus_job_name' },
        { target_label: 'job', replacement: 'blackbox' },
        { source_labels: ['__address__'], target_label: '__param_target' },
        { source_labels: ['__param_target'], target_label: 'instance' },
        { target_label: '__address__', replacement: 'blackbox:9115' },
        ...sharding('__param_target'),
      ],
    });
  });

  test('ingress targets: selector rules, the ingress role, the URL built from scheme, host and path', () => {
    const [cfg] = probeScrapeConfigs({
      metadata: { name: 'ing', namespace: 'mon' },
      spec: { prober: { url: 'bb:9115', path: '/p' }, targets: { ingress: { selector: { matchLabels: { probe: 'yes' } }, namespaceSelector: { any: true } } } },
    }, store);
    expect(cfg.kubernetes_sd_configs).toEqual([{ role: 'ingress' }]);
    expect(cfg.metrics_path).toBe('/p');
    expect(cfg.relabel_configs.slice(1, 4)).toEqual([
      { action: 'keep', source_labels: ['__meta_kubernetes_ingress_label_probe', '__meta_kubernetes_ingress_labelpresent_probe'], regex: '(yes);true' },
      { source_labels: ['__meta_kubernetes_ingress_scheme', '__address__', '__meta_kubernetes_ingress_path'], separator: ';', regex: '(.+);(.+);(.+)', target_label: '__param_target', replacement: '${1}://${2}${3}', action: 'replace' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
    ]);
  });

  test('a probe without a prober URL or targets is left out', () => {
    expect(() => probeScrapeConfigs({ metadata: { name: 'x', namespace: 'm' }, spec: { targets: { staticConfig: { static: ['a'] } } } }, store)).toThrow('spec.prober.url is required');
    expect(() => probeScrapeConfigs({ metadata: { name: 'x', namespace: 'm' }, spec: { prober: { url: 'b' } } }, store)).toThrow('no static targets');
  });
});

describe('monitor selection', () => {
  const m = (ns: string, name: string, labels: Record<string, string> = {}) => ({ metadata: { namespace: ns, name, labels } });
  const monitors = [m('b', 'x', { team: 'a' }), m('a', 'y', { team: 'a' }), m('a', 'z', { team: 'b' }), m('c', 'w', { team: 'a' })];
  const nsLabels = (ns: string) => ({ a: { env: 'prod' }, b: { env: 'dev' }, c: { env: 'prod' } } as Record<string, Record<string, string>>)[ns];
  const sel = (raw: unknown) => parseLabelSelector(raw, 'f', 'p');
  const none = { allow: [], deny: [] };

  test('a null selector selects nothing, {} everything, sorted by namespace and name', () => {
    expect(selectMonitors(monitors, { selector: null, namespaceSelector: null }, nsLabels, none)).toEqual([]);
    expect(selectMonitors(monitors, { selector: sel({}), namespaceSelector: null }, nsLabels, none).map((x) => `${x.metadata.namespace}/${x.metadata.name}`))
      .toEqual(['a/y', 'a/z', 'b/x', 'c/w']);
  });

  test('monitor labels, namespace labels, allow and deny lists', () => {
    const s = { selector: sel({ matchLabels: { team: 'a' } }), namespaceSelector: sel({ matchLabels: { env: 'prod' } }) };
    expect(selectMonitors(monitors, s, nsLabels, none).map((x) => x.metadata.name)).toEqual(['y', 'w']);
    expect(selectMonitors(monitors, s, nsLabels, { allow: ['c'], deny: [] }).map((x) => x.metadata.name)).toEqual(['w']);
    expect(selectMonitors(monitors, s, nsLabels, { allow: [], deny: ['c'] }).map((x) => x.metadata.name)).toEqual(['y']);
  });
});

describe('prometheus_cr in the running allocator', () => {
  let hasher: Hasher;
  beforeAll(async () => {
    hasher = await loadHasher();
  });
  const flush = () => new Promise((r) => setTimeout(r, 150));

  test('a selected Probe with static targets becomes a job whose targets are the probed URLs', async () => {
    const api = new FakeKubeApi();
    api.served = async (_v, kind) => ({ name: `${kind.toLowerCase()}s`, namespaced: kind !== 'Namespace' });
    api.seed({ apiVersion: 'monitoring.coreos.com/v1', kind: 'Probe', metadata: { name: 'sites', namespace: 'mon' },
      spec: { module: 'http_2xx', prober: { url: 'bb:9115' }, targets: { staticConfig: { static: ['https://a.example', 'https://b.example'] } } } } as any);
    const config = parseAllocatorConfig('collectors: [c-0]\nprometheus_cr: {enabled: true, probe_selector: {}}\n', 'ta.yaml');
    const service = new AllocatorService(config, hasher, {
      configDir: '.', log: { info: () => {}, warn: () => {} }, metrics: new AllocatorMetrics(), kube: api, debounceMs: 5, collectorDebounceMs: 5,
    });
    await service.start();
    try {
      expect(service.jobs.map((j) => j.jobName)).toEqual(['probe/mon/sites']);
      const targets = service.allocator.targetsFor('probe/mon/sites', 'c-0');
      expect(targets.map((t) => t.targetURL).sort()).toEqual(['https://a.example', 'https://b.example']);
      expect(targets[0].ownLabels.__address__).toMatch(/^https:\/\/[ab]\.example$/);
    } finally {
      await service.stop();
    }
  });

  test('selected ServiceMonitors become jobs with targets from EndpointSlices; changes and deletions reload them', async () => {
    const api = new FakeKubeApi();
    api.served = async (_v, kind) => ({ name: `${kind.toLowerCase()}s`, namespaced: kind !== 'Namespace' });
    api.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', labels: { monitored: 'yes' } } } as KubeObject);
    api.seed({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'apps', labels: { app: 'web' } }, spec: { ports: [{ name: 'metrics', port: 9090 }] } } as any);
    api.seed({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-abc', namespace: 'apps', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4', endpoints: [{ addresses: ['10.1.0.1'], conditions: { ready: true } }, { addresses: ['10.1.0.2'], conditions: { ready: true } }],
      ports: [{ name: 'metrics', port: 9090, protocol: 'TCP' }, { name: 'other', port: 1, protocol: 'TCP' }],
    } as any);
    api.seed({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'web', namespace: 'apps', labels: { team: 'a' } },
      spec: { selector: { matchLabels: { app: 'web' } }, endpoints: [{ port: 'metrics' }] } } as any);
    api.seed({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'ignored', namespace: 'apps', labels: { team: 'b' } },
      spec: { selector: {}, endpoints: [{ port: 'metrics' }] } } as any);
    const config = parseAllocatorConfig(`
collectors: [c-0]
prometheus_cr:
  enabled: true
  scrape_interval: 20s
  service_monitor_selector: {matchlabels: {team: a}, matchexpressions: []}
  service_monitor_namespace_selector: {matchLabels: {monitored: 'yes'}}
  pod_monitor_selector: null
`, 'ta.yaml');
    const logs: string[] = [];
    const service = new AllocatorService(config, hasher, {
      configDir: '.', log: { info: (x) => logs.push(x), warn: (x) => logs.push(x) }, metrics: new AllocatorMetrics(), kube: api, debounceMs: 5, collectorDebounceMs: 5,
    });
    await service.start();
    const server = http.createServer(createApiHandler(service, true));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const scrapeJobs = async () => {
      const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/scrape_configs`);
      return Object.keys(await res.json() as object);
    };
    try {
      await flush();
      expect(service.jobs.map((j) => j.jobName)).toEqual(['serviceMonitor/apps/web/0']);
      expect(await scrapeJobs()).toEqual(['serviceMonitor/apps/web/0']);
      const job = service.jobs[0];
      expect(job.served.scrape_interval).toBe('20s');
      const targets = service.allocator.targetsFor('serviceMonitor/apps/web/0', 'c-0');
      expect(targets.map((t) => t.targetURL).sort()).toEqual(['10.1.0.1:9090', '10.1.0.2:9090']);
      expect(targets[0].ownLabels.__meta_kubernetes_endpointslice_port_name).toBe('metrics');

      // a second endpoint: a new job; the first keeps its object
      api.seed({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'web', namespace: 'apps', labels: { team: 'a' } },
        spec: { selector: { matchLabels: { app: 'web' } }, endpoints: [{ port: 'metrics' }, { port: 'other' }] } } as any);
      await flush();
      expect(service.jobs.map((j) => j.jobName)).toEqual(['serviceMonitor/apps/web/0', 'serviceMonitor/apps/web/1']);
      expect(service.jobs[0]).toBe(job);
      // /scrape_configs follows the new job set (its cached body is dropped)
      expect(await scrapeJobs()).toEqual(['serviceMonitor/apps/web/0', 'serviceMonitor/apps/web/1']);
      expect({ logs, targets: service.allocator.targetsFor('serviceMonitor/apps/web/1', 'c-0').map((t) => t.targetURL).sort() }).toEqual({ logs, targets: ['10.1.0.1:1', '10.1.0.2:1'] });

      // the namespace stops matching: the jobs and their targets go
      api.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', labels: { monitored: 'no' } } } as KubeObject);
      await flush();
      expect(service.jobs).toEqual([]);
      expect(service.allocator.targets).toHaveLength(0);
      expect(await scrapeJobs()).toEqual([]);
    } finally {
      server.close();
      await service.stop();
    }
  });
});

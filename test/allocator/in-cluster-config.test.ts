import { Chart, Testing } from 'cdk8s';
import { parseAllocatorConfig } from '../../src/allocator/config';
import { OtelCollector } from '../../src/constructs';
import { storedCollector } from '../targetallocator/helpers';

/** The ConfigMap's targetallocator.yaml for a collector with the allocator enabled, as `render` writes it. */
function renderedConfig(spec: Record<string, unknown> = {}, receiverConfig: Record<string, unknown> = { scrape_configs: [{ job_name: 'pods', kubernetes_sd_configs: [{ role: 'pod' }] }] }, mode = 'statefulset'): string {
  const chart = new Chart(Testing.app(), 'c');
  const collector = storedCollector({
    apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'agg' },
    spec: {
      mode, targetAllocator: { enabled: true, ...spec },
      config: { receivers: { prometheus: { config: receiverConfig } }, exporters: { debug: {} }, service: { pipelines: { metrics: { receivers: ['prometheus'], exporters: ['debug'] } } } },
    },
  });
  const ta = OtelCollector.fromCustomResource(chart, 'c', collector).targetAllocator!;
  const cm = ta.toJson().find((m: any) => m.kind === 'ConfigMap')!;
  return (cm as any).data['targetallocator.yaml'];
}

describe('the allocator reads the ConfigMap the TargetAllocator construct writes, verbatim', () => {
  const env = { OTELCOL_NAMESPACE: 'obs' };

  test('collector selector (lower-cased Go field names), namespace from OTELCOL_NAMESPACE, kubernetes_sd_configs', () => {
    const text = renderedConfig();
    expect(text).toContain('matchlabels:');
    const c = parseAllocatorConfig(text, '/conf/targetallocator.yaml', env);
    expect(c.collectors).toEqual([]);
    expect(c.collectorNamespace).toBe('obs');
    expect(c.collectorSelector.matchLabels).toEqual({
      'app.kubernetes.io/component': 'opentelemetry-collector', 'app.kubernetes.io/instance': expect.stringMatching(/\.agg$/),
      'app.kubernetes.io/managed-by': 'opentelemetry-operator', 'app.kubernetes.io/part-of': 'opentelemetry',
    });
    expect(c.scrapeConfigs[0].kubernetesSD).toEqual([{ role: 'pod', namespaces: [], selectors: [], attachMetadata: { node: false, namespace: false, deployment: false, job: false, cronjob: false }, ignored: [] }]);
    expect(c.scrapeConfigs[0].unsupportedSD).toEqual([]);
  });

  test('prometheus_cr with every selector, mTLS, grace period and the strategies are accepted as written', () => {
    const text = renderedConfig({
      allocationStrategy: 'per-node', collectorNotReadyGracePeriod: '45s', filterStrategy: 'relabel-config',
      prometheusCR: { enabled: true, scrapeInterval: '15s', serviceMonitorSelector: { matchLabels: { team: 'a' } }, podMonitorSelector: {} },
    }, undefined, 'daemonset'); // per-node is the daemonset strategy (the webhook refuses it elsewhere)
    const c = parseAllocatorConfig(text, '/conf/targetallocator.yaml', env);
    expect(c.prometheusCrEnabled).toBe(true);
    expect(c.allocationStrategy).toBe('per-node');
    expect(c.collectorNotReadyGracePeriodMs).toBe(45_000);
  });

  test('a collector with only prometheus_cr (no scrape configs) still gives a config', () => {
    const text = renderedConfig({ prometheusCR: { enabled: true } }, {});
    expect(parseAllocatorConfig(text, '/conf/targetallocator.yaml', env).scrapeConfigs).toEqual([]);
  });

  test('kubernetes_sd_configs: namespaces (own_namespace is the allocator\'s), selectors per role, ignored client keys', () => {
    const c = parseAllocatorConfig(`
collector_namespace: obs
config:
  scrape_configs:
  - job_name: eps
    kubernetes_sd_configs:
    - role: endpoints
      namespaces: {names: [a, b], own_namespace: true}
      selectors: [{role: service, label: 'app=web'}, {role: pod, field: 'spec.nodeName=n1'}]
      kubeconfig_file: /x
`, 'ta.yaml');
    expect(c.scrapeConfigs[0].kubernetesSD).toEqual([{
      role: 'endpoints', namespaces: ['a', 'b', 'obs'],
      selectors: [{ role: 'service', label: 'app=web' }, { role: 'pod', field: 'spec.nodeName=n1' }],
      attachMetadata: { node: false, namespace: false, deployment: false, job: false, cronjob: false }, ignored: ['kubeconfig_file'],
    }]);
  });
});

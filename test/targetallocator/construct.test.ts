import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { NS, storedCollector } from './helpers';
import { OtelCollector, OtelTargetAllocator, TargetAllocationStrategy } from '../../src/constructs';

const OTLP = { receivers: { otlp: { protocols: { grpc: {} } } }, exporters: { debug: {} }, service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } } };

describe('OtelTargetAllocator construct', () => {
  test('from typed props: objects in the chart namespace, no owner (no TargetAllocator resource exists)', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'monitoring' });
    const ta = new OtelTargetAllocator(chart, 'shared', {
      scrapeConfigs: [{
        jobName: 'kube', scrapeInterval: '15s', kubernetesSdConfigs: [{ role: 'pod', namespaces: ['shop'] }],
        relabelConfigs: [{ sourceLabels: ['__meta_kubernetes_pod_label_app'], action: 'keep', regex: 'cart' }],
        extra: { sample_limit: 1000 },
      }],
      allocationStrategy: TargetAllocationStrategy.LEAST_WEIGHTED,
      prometheusCr: { enabled: true, serviceMonitorSelector: { team: 'a' } },
      enableMetrics: true,
      labels: { app: 'x' },
    });
    expect(ta.serviceName).toBe('shared-targetallocator');
    expect(ta.configMapName).toBe('shared-targetallocator');
    const manifests = Testing.synth(chart);
    expect(manifests.map((m: any) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`).sort()).toEqual([
      'ConfigMap/monitoring/shared-targetallocator', 'Deployment/monitoring/shared-targetallocator',
      'NetworkPolicy/monitoring/shared-targetallocator-networkpolicy', 'Service/monitoring/shared-targetallocator',
      'ServiceAccount/monitoring/shared-targetallocator', 'ServiceMonitor/monitoring/shared-targetallocator',
    ]);
    expect(manifests.every((m: any) => m.metadata.ownerReferences === undefined)).toBe(true);
    const config = parse(manifests.find((m: any) => m.kind === 'ConfigMap').data['targetallocator.yaml']);
    expect(config.allocation_strategy).toBe('least-weighted');
    expect(config.collector_selector).toBeNull();
    expect(config.config.scrape_configs).toEqual([{
      job_name: 'kube', scrape_interval: '15s', kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: ['shop'] } }],
      relabel_configs: [{ source_labels: ['__meta_kubernetes_pod_label_app'], action: 'keep', regex: 'cart' }],
      sample_limit: 1000,
    }]);
    expect(config.prometheus_cr.service_monitor_selector).toEqual({ matchlabels: { team: 'a' }, matchexpressions: [] });
    expect(manifests.find((m: any) => m.kind === 'Deployment').metadata.labels.app).toBe('x');
  });

  test('a collector with targetAllocator.enabled has its own: collector.targetAllocator, the TargetAllocator resource and its objects', () => {
    const chart = new Chart(Testing.app(), 'c');
    const collector = OtelCollector.fromCustomResource(chart, 'agg', {
      apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'agg', namespace: NS },
      spec: {
        mode: 'statefulset', targetAllocator: { enabled: true },
        config: { receivers: { prometheus: { config: { scrape_configs: [{ job_name: 'j' }] } } }, exporters: { debug: {} }, service: { pipelines: { metrics: { receivers: ['prometheus'], exporters: ['debug'] } } } },
      },
    });
    const ta = collector.targetAllocator!;
    expect(ta).toBeInstanceOf(OtelTargetAllocator);
    expect(ta.serviceName).toBe('agg-targetallocator');
    expect(Object.keys(ta.objects)).toContain('TargetAllocator/agg');
    expect(ta.toJson().find((m) => m.kind === 'ConfigMap')!.metadata.namespace).toBe(NS);
    const config = parse(ta.toJson().find((m) => m.kind === 'ConfigMap')!.data['targetallocator.yaml']);
    expect(config.collector_selector.matchlabels['app.kubernetes.io/instance']).toBe(`${NS}.agg`);
    expect(config.config.scrape_configs.map((j: any) => j.job_name)).toEqual(['j']);
    // the collector's prometheus receiver reads its targets from the allocator
    const collectorYaml = parse(Object.values(collector.objects).map((o) => o.toJson()).find((m) => m.kind === 'ConfigMap')!.data['collector.yaml']);
    expect(collectorYaml.receivers.prometheus.target_allocator.endpoint).toBe('http://agg-targetallocator:80');
  });

  test('a collector without one has none', () => {
    const chart = new Chart(Testing.app(), 'c');
    const collector = OtelCollector.fromCustomResource(chart, 'd', { apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'd' }, spec: { mode: 'deployment', config: OTLP } });
    expect(collector.targetAllocator).toBeUndefined();
  });

  test('invalid input leaves the scope untouched', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new OtelTargetAllocator(chart, 'Bad_Name')).toThrow(/metadata.name/);
    expect(() => new OtelTargetAllocator(chart, 'twice', { scrapeConfigs: [{ jobName: 'a' }, { jobName: 'a' }] }))
      .toThrow(/spec.scrapeConfigs\[1\].jobName: job 'a' is defined twice/);
    expect(() => new OtelTargetAllocator(chart, 'clash', { scrapeConfigs: [{ jobName: 'a', extra: { job_name: 'b' } }] }))
      .toThrow(/spec.scrapeConfigs\[0\].extra.job_name: job_name is also set by a typed field/);
    expect(() => OtelCollector.fromCustomResource(chart, 'x', { apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'd' }, spec: { mode: 'deployment', targetAllocator: { enabled: true }, config: OTLP } }))
      .toThrow(/spec.targetAllocator/);
    expect(chart.node.children).toHaveLength(0);
  });

  test('from a custom resource linked to a labelled collector', () => {
    const chart = new Chart(Testing.app(), 'c');
    const collector = storedCollector({
      apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'col', labels: { 'opentelemetry.io/target-allocator': 'shared' } },
      spec: { mode: 'statefulset', config: { receivers: { prometheus: { config: { scrape_configs: [{ job_name: 'from-collector' }] } } }, exporters: { debug: {} }, service: { pipelines: {} } } },
    });
    const ta = OtelTargetAllocator.fromCustomResource(chart, 'ta', { apiVersion: 'opentelemetry.io/v1alpha1', kind: 'TargetAllocator', metadata: { name: 'shared', namespace: NS }, spec: {} }, [collector]);
    const config = parse(ta.toJson().find((m) => m.kind === 'ConfigMap')!.data['targetallocator.yaml']);
    expect(config.config.scrape_configs).toEqual([{ job_name: 'from-collector' }]);
    expect(config.collector_selector.matchlabels['app.kubernetes.io/instance']).toBe(`${NS}.col`);
  });
});

import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { NS, storedCollector } from './helpers';
import { OtelTargetAllocator, TargetAllocationStrategy } from '../../src/constructs';

describe('OtelTargetAllocator construct', () => {
  test('from typed props: objects in the chart namespace, no owner (no TargetAllocator resource exists)', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'monitoring' });
    const ta = new OtelTargetAllocator(chart, 'shared', {
      scrapeConfigs: [{ job_name: 'kube', kubernetes_sd_configs: [{ role: 'pod' }] }],
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
    expect(config.config.scrape_configs[0].job_name).toBe('kube');
    expect(config.prometheus_cr.service_monitor_selector).toEqual({ matchlabels: { team: 'a' }, matchexpressions: [] });
    expect(manifests.find((m: any) => m.kind === 'Deployment').metadata.labels.app).toBe('x');
  });

  test('for a collector: the TargetAllocator resource and its objects', () => {
    const chart = new Chart(Testing.app(), 'c');
    const collector = storedCollector({
      apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'agg' },
      spec: {
        mode: 'statefulset', targetAllocator: { enabled: true },
        config: { receivers: { prometheus: { config: { scrape_configs: [{ job_name: 'j' }] } } }, exporters: { debug: {} }, service: { pipelines: { metrics: { receivers: ['prometheus'], exporters: ['debug'] } } } },
      },
    });
    const ta = OtelTargetAllocator.forCollector(chart, 'ta', collector);
    expect(Object.keys(ta.objects)).toContain('TargetAllocator/agg');
    expect(ta.toJson().find((m) => m.kind === 'ConfigMap')!.metadata.namespace).toBe(NS);
  });

  test('invalid input leaves the scope untouched', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new OtelTargetAllocator(chart, 'Bad_Name')).toThrow(/metadata.name/);
    expect(() => OtelTargetAllocator.forCollector(chart, 'x', storedCollector({ kind: 'OpenTelemetryCollector', metadata: { name: 'd' }, spec: { mode: 'deployment', config: {} } })))
      .toThrow(/spec.targetAllocator.enabled: no target allocator is enabled/);
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

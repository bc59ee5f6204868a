import { Chart, ChartProps, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { CollectorConfig, CollectorMode, OtelCollector, OtelCollectorProps, ResourceOutput } from '../src';

/**
 * A Prometheus scraper: a StatefulSet collector whose own target allocator spreads the scrape targets over its
 * replicas. The allocator is the collector's (`targetAllocator: { enabled: true }`), reached as
 * `collector.targetAllocator`: its Deployment gets more memory here through a JSON patch.
 */
function scraperProps(output?: ResourceOutput): OtelCollectorProps {
  return {
    name: 'scraper',
    namespace: 'observability',
    mode: CollectorMode.STATEFULSET,
    replicas: 3,
    output,
    targetAllocator: { enabled: true },
    config: CollectorConfig.builder()
      .addReceiver('prometheus', {
        config: {
          scrape_configs: [{
            job_name: 'annotated-pods',
            kubernetes_sd_configs: [{ role: 'pod' }],
            relabel_configs: [{ source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], action: 'keep', regex: 'true' }],
          }],
        },
      })
      .addExporter('debug', {})
      .addPipeline('metrics', { receivers: ['prometheus'], exporters: ['debug'] })
      .build(),
  };
}

/** For a cluster without the operator: the collector's objects and its target allocator's. */
export class ScraperChart extends Chart {
  public readonly collector: OtelCollector;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    this.collector = new OtelCollector(this, 'scraper', scraperProps());
    const allocator = this.collector.targetAllocator!;
    allocator.objects[`Deployment/${allocator.serviceName}`].addJsonPatch(
      JsonPatch.add('/spec/template/spec/containers/0/resources', { requests: { memory: '256Mi' }, limits: { memory: '512Mi' } }));
  }
}

/** For a cluster running the operator: the same collector as an OpenTelemetryCollector resource (validated at synth). */
export class ScraperResourceChart extends Chart {
  public readonly collector: OtelCollector;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    this.collector = new OtelCollector(this, 'scraper', scraperProps(ResourceOutput.CUSTOM_RESOURCE));
  }
}

import { Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CollectorConfig, CollectorMode, OtelCollector } from '../src';

/**
 * A StatefulSet collector with a persistent sending queue: each replica keeps its queue on its own volume claim
 * through the file_storage extension, so data survives restarts.
 */
export class StatefulCollectorChart extends Chart {
  public readonly collector: OtelCollector;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    const config = CollectorConfig.fromYaml(`
receivers:
  otlp:
    protocols:
      grpc: {}
extensions:
  file_storage:
    directory: /var/lib/otelcol/queue
  health_check: {}
exporters:
  otlp_http:
    endpoint: https://backend.example.com:4318
    sending_queue:
      storage: file_storage
service:
  extensions: [file_storage, health_check]
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [otlp_http]
`);
    this.collector = new OtelCollector(this, 'stateful', {
      name: 'stateful',
      namespace: 'observability',
      mode: CollectorMode.STATEFULSET,
      replicas: 3,
      config,
      volumeMounts: [{ name: 'queue', mountPath: '/var/lib/otelcol/queue' }],
      volumeClaimTemplates: [{
        metadata: { name: 'queue' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: k8s.Quantity.fromString('1Gi') } } },
      }],
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
    });
  }
}

import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { CollectorConfig, CollectorMode, OtelCollector } from '../src';

/**
 * The seed scenario's gateway: a Deployment receiving OTLP over gRPC and HTTP and printing what it gets.
 * Objects: ConfigMap `gateway-collector-<hash>`, Deployment/Services `gateway-collector*`, PDB, NetworkPolicy.
 */
export class GatewayChart extends Chart {
  public readonly collector: OtelCollector;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    const config = CollectorConfig.builder()
      .addReceiver('otlp', { protocols: { grpc: {}, http: {} } })
      .addProcessor('batch', {})
      .addExporter('debug', { verbosity: 'basic' })
      .addPipeline('traces', { receivers: ['otlp'], processors: ['batch'], exporters: ['debug'] })
      .addPipeline('metrics', { receivers: ['otlp'], processors: ['batch'], exporters: ['debug'] })
      .addPipeline('logs', { receivers: ['otlp'], processors: ['batch'], exporters: ['debug'] })
      .build();
    this.collector = new OtelCollector(this, 'gateway', {
      name: 'gateway',
      namespace: 'observability',
      mode: CollectorMode.DEPLOYMENT,
      replicas: 2,
      config,
    });
  }
}

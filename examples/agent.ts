import { Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CollectorMode, OtelCollector, typedCollectorConfig } from '../src';

/**
 * A node agent: one collector per node reading kubelet stats and container logs, enriching them with pod
 * metadata and forwarding to the gateway. The kubeletstats and k8sattributes components make the construct create
 * the ClusterRole/ClusterRoleBinding they need and give the container K8S_NODE_NAME.
 */
export class AgentChart extends Chart {
  public readonly collector: OtelCollector;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    const config = typedCollectorConfig({
      receivers: {
        kubeletstats: { collection_interval: '20s', auth_type: 'serviceAccount', endpoint: 'https://${env:K8S_NODE_NAME}:10250', insecure_skip_verify: true },
        filelog: { include: ['/var/log/pods/*/*/*.log'], start_at: 'end', include_file_path: true, operators: [{ type: 'container' }] },
      },
      processors: {
        k8sattributes: { extract: { metadata: ['k8s.namespace.name', 'k8s.pod.name', 'k8s.deployment.name', 'k8s.node.name'] } },
        batch: {},
      },
      exporters: {
        otlp_grpc: { endpoint: 'gateway-collector.observability.svc.cluster.local:4317', tls: { insecure: true } },
      },
      service: {
        pipelines: {
          metrics: { receivers: ['kubeletstats'], processors: ['k8sattributes', 'batch'], exporters: ['otlp_grpc'] },
          logs: { receivers: ['filelog'], processors: ['k8sattributes', 'batch'], exporters: ['otlp_grpc'] },
        },
      },
    });
    this.collector = new OtelCollector(this, 'agent', {
      name: 'agent',
      namespace: 'observability',
      mode: CollectorMode.DAEMONSET,
      config,
      volumes: [{ name: 'varlogpods', hostPath: { path: '/var/log/pods' } }],
      volumeMounts: [{ name: 'varlogpods', mountPath: '/var/log/pods', readOnly: true }],
      tolerations: [{ operator: 'Exists' }],
      resources: {
        limits: { memory: k8s.Quantity.fromString('256Mi'), cpu: k8s.Quantity.fromString('500m') },
        requests: { memory: k8s.Quantity.fromString('128Mi'), cpu: k8s.Quantity.fromString('100m') },
      },
    });
  }
}

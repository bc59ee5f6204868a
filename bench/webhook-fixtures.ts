/** The cluster and the reviews of the admission benchmark: a pod of a Deployment asking for a sidecar and Java. */
import type { KubeObject } from '../src/common/kube';

const config = {
  receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } } },
  processors: { batch: {}, memory_limiter: { check_interval: '1s', limit_percentage: 75 } },
  exporters: { otlp: { endpoint: 'gateway.observability:4317' } },
  service: { pipelines: { traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp'] } } },
};

export const BENCH_CLUSTER: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } },
  // uid and resourceVersion, as every object of the operator's informer caches has them
  { apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'sidecar', namespace: 'bench', uid: 'c-uid', resourceVersion: '42' }, spec: { mode: 'sidecar', config } },
  {
    apiVersion: 'opentelemetry.io/v1alpha1', kind: 'Instrumentation', metadata: { name: 'inst', namespace: 'bench' },
    spec: { exporter: { endpoint: 'http://localhost:4318' }, propagators: ['tracecontext', 'baggage'], sampler: { type: 'parentbased_traceidratio', argument: '0.25' } },
  },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'app-7d9f', namespace: 'bench', uid: 'rs-uid', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'app', uid: 'd-uid', controller: true }] } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app', namespace: 'bench', uid: 'd-uid' } },
];

export function podReview(i: number): object {
  return {
    apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
    request: {
      uid: `pod-${i}`, operation: 'CREATE', namespace: 'bench',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      object: {
        apiVersion: 'v1', kind: 'Pod',
        metadata: {
          generateName: 'app-7d9f-', namespace: 'bench', labels: { app: 'app', 'pod-template-hash': '7d9f' },
          annotations: { 'sidecar.opentelemetry.io/inject': 'true', 'instrumentation.opentelemetry.io/inject-java': 'true' },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'app-7d9f', uid: 'rs-uid', controller: true }],
        },
        spec: {
          containers: [{
            name: 'app', image: 'registry.example/app:1.2.3', ports: [{ containerPort: 8080 }],
            env: [{ name: 'JAVA_TOOL_OPTIONS', value: '-Xmx512m' }], resources: { limits: { cpu: '1', memory: '1Gi' } },
          }],
        },
      },
    },
  };
}

export function collectorReview(i: number): object {
  return {
    apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
    request: {
      uid: `col-${i}`, operation: 'CREATE', namespace: 'bench',
      kind: { group: 'opentelemetry.io', version: 'v1beta1', kind: 'OpenTelemetryCollector' },
      object: {
        apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: `c-${i}`, namespace: 'bench' },
        spec: { mode: 'statefulset', replicas: 2, managementState: 'managed', upgradeStrategy: 'automatic', config, ports: [{ name: 'extra', port: 9999 }] },
      },
    },
  };
}

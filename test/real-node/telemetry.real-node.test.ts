/**
 * What only a real node can prove: pods we generate start, and telemetry really flows. On one cluster with a real
 * node (./harness): a gateway collector receives a telemetrygen Job's spans; a sidecar-injected app's spans reach
 * its sidecar; a Java app injected by our webhook sends spans to a collector; our target allocator hands a real
 * collector pod a real target pod to scrape. Every check reads a container's log through the API server.
 */
import { KubeClient, KubeObject } from '../../src/devcluster';
import { DEFAULT_TARGET_ALLOCATOR_IMAGE } from '../../src/targetallocator/model';
import { pushAllocatorImage } from '../../src/devcluster/real-node/retag';
import { namespace, podLog, pods, useRealNodeCluster, waitForLog, waitForRunningPod } from './harness';

const TELEMETRYGEN = 'ghcr.io/open-telemetry/opentelemetry-collector-contrib/telemetrygen:v0.124.1';
const BUSYBOX = 'busybox:1.36';
const JAVA_APP = 'ghcr.io/open-telemetry/opentelemetry-operator/e2e-test-app-java:main';

const cluster = useRealNodeCluster(['pause', 'busybox', 'otelcol', 'telemetrygen', 'operator', 'java-agent', 'java-app']);

/** A collector CR whose traces (and metrics) pipeline ends in a detailed debug exporter. */
function collector(name: string, ns: string, mode: string, extra: Record<string, unknown> = {}, receivers?: Record<string, unknown>): KubeObject {
  const rx = receivers ?? { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } } };
  const names = Object.keys(rx);
  return {
    apiVersion: 'opentelemetry.io/v1beta1',
    kind: 'OpenTelemetryCollector',
    metadata: { name, namespace: ns },
    spec: {
      mode,
      config: {
        receivers: rx,
        exporters: { debug: { verbosity: 'detailed' } },
        service: {
          pipelines: names.includes('otlp')
            ? { traces: { receivers: names, exporters: ['debug'] } }
            : { metrics: { receivers: names, exporters: ['debug'] } },
        },
      },
      ...extra,
    },
  };
}

/** Names of a pod's init and app containers. */
function containerNames(pod: KubeObject): string[] {
  const spec = (pod as { spec?: { initContainers?: { name: string }[]; containers?: { name: string }[] } }).spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.name);
}

/**
 * Waits until our webhook injects `container` into `pod`. The webhook reads collectors and Instrumentations from
 * the operator's informer cache, as upstream's does, so a CR created a moment ago may not be seen yet: a dry-run
 * create (admission runs, nothing is stored) tells when it is.
 */
async function waitUntilInjected(client: KubeClient, pod: KubeObject, container: string): Promise<void> {
  await client.waitFor(`the webhook to inject ${container}`, async () =>
    containerNames(await client.create(pod, { dryRun: true })).includes(container), 60_000, 500);
}

/** The label selector of a collector's pods. */
const collectorPods = (ns: string, name: string) => `app.kubernetes.io/component=opentelemetry-collector,app.kubernetes.io/instance=${ns}.${name}`;

test('a gateway collector receives OTLP traces from a telemetrygen Job and its debug exporter logs them', async () => {
  const { client } = cluster;
  const ns = await namespace(client, 'rn-gateway');
  await client.apply(collector('gateway', ns, 'deployment'));
  await waitForRunningPod(client, ns, collectorPods(ns, 'gateway'));
  await client.apply({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'telemetrygen', namespace: ns },
    spec: {
      backoffLimit: 6,
      template: {
        metadata: { labels: { app: 'telemetrygen' } },
        spec: {
          restartPolicy: 'OnFailure',
          containers: [{
            name: 'telemetrygen',
            image: TELEMETRYGEN,
            // by the Service's name: cluster DNS, then kube-proxy's ClusterIP rules, then the collector pod
            args: ['traces', '--otlp-endpoint=gateway-collector:4317', '--otlp-insecure', '--traces=3', '--service=real-node-gateway'],
          }],
        },
      },
    },
  });
  const log = await waitForLog(client, ns, collectorPods(ns, 'gateway'), 'otc-container',
    (l) => l.includes('service.name: Str(real-node-gateway)') && /Span #\d+/.test(l));
  expect(log).toMatch(/Name\s*: (lets-go|okey-dokey)/);
  const job = await client.get<KubeObject & { status?: { succeeded?: number } }>('batch/v1', 'Job', 'telemetrygen', ns);
  await client.waitFor('the telemetrygen Job to succeed', async () =>
    ((await client.get<typeof job>('batch/v1', 'Job', 'telemetrygen', ns)).status?.succeeded ?? 0) >= 1, 60_000);
});

test('a sidecar-injected app sends its spans to localhost:4317 and the sidecar logs them', async () => {
  const { client } = cluster;
  const ns = await namespace(client, 'rn-sidecar');
  await client.apply(collector('sidecar', ns, 'sidecar'));
  const app: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'app', namespace: ns, labels: { app: 'sidecar-app' }, annotations: { 'sidecar.opentelemetry.io/inject': 'true' } },
    spec: {
      containers: [{
        name: 'app',
        image: TELEMETRYGEN,
        args: ['traces', '--otlp-endpoint=localhost:4317', '--otlp-insecure', '--rate=1', '--duration=10m', '--service=real-node-sidecar'],
      }],
    },
  };
  await waitUntilInjected(client, app, 'otc-container');
  await client.apply(app);
  const [pod] = await pods(client, ns, 'app=sidecar-app');
  expect(containerNames(pod)).toContain('otc-container'); // injected by our webhook
  const log = await waitForLog(client, ns, 'app=sidecar-app', 'otc-container',
    (l) => l.includes('service.name: Str(real-node-sidecar)') && /Span #\d+/.test(l));
  expect(log).toContain('Traces');
});

test('a Java app injected by our webhook (inject-java) sends spans to a collector', async () => {
  const { client } = cluster;
  const ns = await namespace(client, 'rn-java');
  await client.apply(collector('javacol', ns, 'deployment'));
  await waitForRunningPod(client, ns, collectorPods(ns, 'javacol'));
  await client.apply({
    apiVersion: 'opentelemetry.io/v1alpha1',
    kind: 'Instrumentation',
    metadata: { name: 'java', namespace: ns },
    spec: {
      exporter: { endpoint: 'http://javacol-collector:4318' },
      propagators: ['tracecontext', 'baggage'],
      sampler: { type: 'parentbased_traceidratio', argument: '1' },
      java: { env: [{ name: 'OTEL_METRICS_EXPORTER', value: 'none' }, { name: 'OTEL_LOGS_EXPORTER', value: 'none' }] },
    },
  });
  const app: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'java-app', namespace: ns, labels: { app: 'java-app' }, annotations: { 'instrumentation.opentelemetry.io/inject-java': 'true' } },
    spec: { containers: [{ name: 'app', image: JAVA_APP }] },
  };
  await waitUntilInjected(client, app, 'opentelemetry-auto-instrumentation-java');
  await client.apply(app);
  const [pod] = await pods(client, ns, 'app=java-app');
  expect(containerNames(pod)).toContain('opentelemetry-auto-instrumentation-java');
  await waitForRunningPod(client, ns, 'app=java-app', 240_000);
  const log = await waitForLog(client, ns, collectorPods(ns, 'javacol'), 'otc-container',
    (l) => l.includes('telemetry.sdk.language: Str(java)') && l.includes('service.name: Str(java-app)') && /Span #\d+/.test(l), 240_000);
  expect(log).toContain('telemetry.distro.name: Str(opentelemetry-java-instrumentation)');
  const appLog = await podLog(client, ns, 'java-app', 'app');
  expect(appLog).toContain('opentelemetry-javaagent');
});

test('our target allocator serves a real collector pod that scrapes a real target pod', async () => {
  const { client, cp } = cluster;
  const ns = await namespace(client, 'rn-allocator');
  // upstream's allocator image name, served by our image running `cdk8s-otel target-allocator`
  await pushAllocatorImage(cp.realNode!.registry!, DEFAULT_TARGET_ALLOCATOR_IMAGE);
  // the target: busybox httpd serving a static Prometheus text file on :8080/metrics
  await client.apply({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'target', namespace: ns, labels: { app: 'metrics-target' } },
    spec: {
      containers: [{
        name: 'httpd',
        image: BUSYBOX,
        command: ['sh', '-c', 'mkdir -p /www && printf "# TYPE real_node_answer gauge\\nreal_node_answer{source=\\"busybox\\"} 42\\n" > /www/metrics && exec httpd -f -p 8080 -h /www'],
        ports: [{ name: 'metrics', containerPort: 8080 }],
      }],
    },
  });
  // what upstream's e2e gives the allocator: read pods, services, endpoints, namespaces cluster-wide
  await client.apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'rn-allocator-ta' },
    rules: [
      { apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'namespaces', 'nodes', 'configmaps'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors', 'podmonitors', 'scrapeconfigs', 'probes'], verbs: ['get', 'list', 'watch'] },
    ],
  });
  await client.apply({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'rn-allocator-ta' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'rn-allocator-ta' },
    subjects: [{ kind: 'ServiceAccount', name: 'scraper-targetallocator', namespace: ns }],
  });
  await client.apply(collector('scraper', ns, 'statefulset', { targetAllocator: { enabled: true } }, {
    prometheus: {
      config: {
        scrape_configs: [{
          job_name: 'real-node-target',
          scrape_interval: '5s',
          kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [ns] } }],
          relabel_configs: [{ source_labels: ['__meta_kubernetes_pod_label_app'], regex: 'metrics-target', action: 'keep' }],
        }],
      },
    },
  }));
  await waitForRunningPod(client, ns, 'app.kubernetes.io/component=opentelemetry-targetallocator');
  const log = await waitForLog(client, ns, collectorPods(ns, 'scraper'), 'otc-container',
    (l) => l.includes('real_node_answer') && l.includes('Value: 42.000000'), 240_000);
  expect(log).toContain('source: Str(busybox)');
});

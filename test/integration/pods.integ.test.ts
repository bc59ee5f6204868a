/**
 * With kube-controller-manager, kube-scheduler and kwok fake nodes: Deployments become ReplicaSets, Pods
 * are scheduled onto the fake nodes and kwok marks them Running. kwok's pod IPs (10.244.x.x) are fake and
 * are never dialled.
 */
import { renderForTestCluster, synthesizeOtelCollector } from './fixtures';
import { ensureNamespace, KubeClient, KubeObject, useControlPlane } from './harness/control-plane';

const NODES = 2;
const cluster = useControlPlane({ withControllers: true, nodes: NODES }, 'apiserver + etcd + kcm + scheduler + kwok');

interface Pod extends KubeObject {
  spec: { nodeName?: string };
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}

/** Waits until `replicas` pods matching the selector are Running and Ready; returns them. */
async function runningPods(client: KubeClient, namespace: string, labelSelector: string, replicas: number) {
  return client.waitFor(
    `${replicas} Running pod(s) ${labelSelector} in ${namespace}`,
    async () => {
      const pods = await client.list<Pod>('v1', 'Pod', { namespace, labelSelector });
      const running = pods.items.filter(
        (p) =>
          p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      return running.length >= replicas ? running : undefined;
    },
    120_000,
    500,
  );
}

test('kwok keeps the fake nodes Ready', async () => {
  const nodes = await cluster.client.list<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(
    'v1',
    'Node',
  );
  expect(nodes.items.map((n) => n.metadata.name).sort()).toEqual(cluster.cp.nodeNames.slice().sort());
  for (const n of nodes.items) {
    expect(n.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  }
});

test('a plain Deployment gets Running pods on the fake nodes', async () => {
  const client = cluster.client;
  const ns = 'plain-deployment';
  await ensureNamespace(client, ns);
  await client.apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: ns },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'example.invalid/web:1' }] },
      },
    },
  });
  const pods = await runningPods(client, ns, 'app=web', 3);
  for (const p of pods) {
    expect(cluster.cp.nodeNames).toContain(p.spec.nodeName);
    expect(p.status?.podIP).toMatch(/^10\.244\./);
  }
  const deployment = await client.waitFor('Deployment web available', async () => {
    const d = await client.get<KubeObject & { status?: { availableReplicas?: number } }>('apps/v1', 'Deployment', 'web', ns);
    return d.status?.availableReplicas === 3 ? d : undefined;
  });
  expect(deployment.status?.availableReplicas).toBe(3);
});

test('a Deployment rendered from an OpenTelemetryCollector gets Running pods on the fake nodes', async () => {
  const client = cluster.client;
  const ns = 'rendered-collector';
  await ensureNamespace(client, ns);
  const collector: KubeObject = {
    apiVersion: 'opentelemetry.io/v1beta1',
    kind: 'OpenTelemetryCollector',
    metadata: { name: 'simplest', namespace: ns },
    spec: {
      mode: 'deployment',
      replicas: 2,
      config: {
        receivers: { otlp: { protocols: { grpc: {}, http: {} } } },
        exporters: { debug: {} },
        service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
      },
    },
  };
  const objects = renderForTestCluster(collector);
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  expect(deployments).toHaveLength(1);
  for (const o of objects) {
    if (o.kind === 'OpenTelemetryCollector') continue;
    await client.apply({ ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? ns } });
  }
  const d = deployments[0] as KubeObject & { spec: { selector: { matchLabels: Record<string, string> } } };
  const selector = Object.entries(d.spec.selector.matchLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await runningPods(client, ns, selector, 2);
  expect(pods).toHaveLength(2);
  for (const p of pods) expect(cluster.cp.nodeNames).toContain(p.spec.nodeName);
});

test('a Deployment synthesized by the OtelCollector construct (cdk8s, in memory) gets Running pods', async () => {
  const client = cluster.client;
  const ns = 'synthesized-collector';
  await ensureNamespace(client, ns);
  const objects = synthesizeOtelCollector({
    name: 'synth',
    namespace: ns,
    replicas: 3,
    config: {
      receivers: { otlp: { protocols: { grpc: {}, http: {} } } },
      exporters: { debug: {} },
      service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
    },
  });
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  expect(deployments.map((d) => d.metadata.name)).toEqual(['synth-collector']);
  for (const o of objects) await client.apply(o, { fieldManager: 'cdk8s-otel' });
  const d = deployments[0] as KubeObject & { spec: { selector: { matchLabels: Record<string, string> } } };
  const selector = Object.entries(d.spec.selector.matchLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await runningPods(client, ns, selector, 3);
  expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBeGreaterThanOrEqual(1);
  for (const p of pods) expect(cluster.cp.nodeNames).toContain(p.spec.nodeName);
  // The ServiceAccount and ConfigMap the pods reference were created alongside.
  const podSpec = (await client.get<KubeObject & { spec: { serviceAccountName?: string } }>('v1', 'Pod', pods[0].metadata.name!, ns)).spec;
  expect(await client.tryGet('v1', 'ServiceAccount', podSpec.serviceAccountName!, ns)).toBeDefined();
});

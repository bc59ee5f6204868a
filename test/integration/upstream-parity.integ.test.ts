/**
 * Issue 14: the objects whose shape changed to match upstream's operator (startupProbe from health_check,
 * otc-container first, the target allocator's default PodDisruptionBudget and NetworkPolicy selector, the
 * generated TargetAllocator CR's labels) are accepted by the real API server, and keep that shape after its
 * defaulting (server-side apply, dry run). The CRs go through the server first, as the operator reads them.
 */
import { parse } from 'yaml';
import { TARGET_ALLOCATOR_SAMPLE } from '../targetallocator/upstream-samples';
import { installCrds, renderForTestCluster } from './fixtures';
import { ensureNamespace, KubeObject, useControlPlane } from './harness/control-plane';

const cluster = useControlPlane({}, 'apiserver + etcd');
beforeAll(() => installCrds(cluster.client));

const NS = 'issue-14';

/** Stores the CR, renders it as the operator would, and dry-runs every rendered object; returns what the server made of them. */
async function renderAndDryRun(cr: KubeObject): Promise<KubeObject[]> {
  const client = cluster.client;
  await ensureNamespace(client, NS);
  // as chainsaw applies an e2e step (a create keeps `spec:` null acceptable, as upstream's samples write it)
  const stored = await client.createOrMergePatch({ ...cr, metadata: { ...cr.metadata, namespace: NS } });
  const out: KubeObject[] = [];
  for (const o of renderForTestCluster(stored)) out.push(await client.apply(o, { fieldManager: 'cdk8s-otel', dryRun: true }));
  return out;
}

const find = (objs: KubeObject[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind} ${name} not rendered; got ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o as any;
};

test('collector: startupProbe from health_check with its own timings, otc-container before additionalContainers', async () => {
  const objs = await renderAndDryRun(parse(`
apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata: {name: probes}
spec:
  mode: deployment
  startupProbe: {failureThreshold: 30, periodSeconds: 10}
  additionalContainers: [{name: helper, image: busybox}]
  config:
    extensions: {health_check: {}}
    receivers: {otlp: {protocols: {grpc: {}}}}
    exporters: {debug: {}}
    service: {extensions: [health_check], pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
`));
  const pod = find(objs, 'Deployment', 'probes-collector').spec.template.spec;
  expect(pod.containers.map((c: any) => c.name)).toEqual(['otc-container', 'helper']);
  expect(pod.containers[0].startupProbe).toMatchObject({ httpGet: { path: '/', port: 13133 }, failureThreshold: 30, periodSeconds: 10 });
  expect(pod.containers[0].env.map((e: any) => e.name)).not.toContain('SHARD');
});

test('standalone TargetAllocator as in upstream\'s config/samples: default PDB and the NetworkPolicy selector', async () => {
  const objs = await renderAndDryRun(parse(TARGET_ALLOCATOR_SAMPLE));
  const pdb = find(objs, 'PodDisruptionBudget', 'targetallocator-sample-targetallocator');
  expect(pdb.spec.maxUnavailable).toBe(1);
  expect(pdb.spec.selector.matchLabels['app.kubernetes.io/name']).toBe('targetallocator');
  expect(find(objs, 'NetworkPolicy', 'targetallocator-sample-targetallocator-networkpolicy').spec.podSelector.matchLabels).toEqual({
    'app.kubernetes.io/managed-by': 'opentelemetry-operator',
    'app.kubernetes.io/instance': `${NS}.targetallocator-sample`,
    'app.kubernetes.io/part-of': 'opentelemetry',
    'app.kubernetes.io/component': 'opentelemetry-targetallocator',
  });
});

test('collector with a target allocator: the generated TargetAllocator CR is labelled managed-by the operator', async () => {
  const objs = await renderAndDryRun(parse(`
apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata: {name: with-ta}
spec:
  mode: statefulset
  targetAllocator: {enabled: true}
  config:
    receivers: {prometheus: {config: {scrape_configs: [{job_name: j, static_configs: [{targets: ['a:1']}]}]}}}
    exporters: {debug: {}}
    service: {pipelines: {metrics: {receivers: [prometheus], exporters: [debug]}}}
`));
  expect(find(objs, 'TargetAllocator', 'with-ta').metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'opentelemetry-operator' });
  expect(find(objs, 'PodDisruptionBudget', 'with-ta-targetallocator').spec.maxUnavailable).toBe(1);
  expect(find(objs, 'StatefulSet', 'with-ta-collector').spec.template.spec.containers[0].env.map((e: any) => e.name)).not.toContain('SHARD');
});

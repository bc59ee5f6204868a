/**
 * The runtime operator (`cdk8s-otel operator`, a real process) against a real control plane with the controller
 * manager (garbage collection, ReplicaSets) and kwok nodes (pods Running). One control plane for every case.
 * Proves: the upstream versioned-configmaps flow (names, rollout, retention), no write on a no-op resync nor
 * after a restart (the API server's own apiserver_request_total), adoption of objects upstream's operator wrote,
 * scale, delete with garbage collection and the RBAC finalizer, a kill mid-reconcile converging without orphans
 * or duplicates, and leader election between two replicas.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { reconcileObjects } from '../../src/render';
import { installCrds, UPSTREAM_E2E } from './fixtures';
import { ensureNamespace, KubeClient, KubeObject, useControlPlane } from './harness/control-plane';
import { httpGet, OperatorProcess, startOperator } from './operator-process';

/** collectors of the scale case (`OPERATOR_COLLECTORS=500` for the 500 figures) */
const SCALE = Number(process.env.OPERATOR_COLLECTORS ?? 50);
// a kwok node takes 110 pods: room for one pod per collector of the scale case and the other cases' pods
const cluster = useControlPlane({ withControllers: true, nodes: Math.max(2, Math.ceil(SCALE / 100) + 1) }, 'apiserver + etcd + kcm + scheduler + kwok');
const figures: Record<string, string> = {};

beforeAll(async () => {
  await installCrds(cluster.client);
}, 120_000);

afterAll(() => {
  process.stdout.write(`[integration] operator figures:\n${Object.entries(figures).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`);
});

type Obj = KubeObject & { spec?: any; status?: any };

function e2eDocs(rel: string): Obj[] {
  return parseAllDocuments(fs.readFileSync(path.join(UPSTREAM_E2E, rel), 'utf8')).map((d) => d.toJSON()).filter(Boolean);
}

function inNs(obj: Obj, namespace: string): Obj {
  return { ...obj, metadata: { ...obj.metadata, namespace } };
}

function collector(name: string, namespace: string, extra: Record<string, unknown> = {}): Obj {
  return {
    apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name, namespace },
    spec: {
      mode: 'deployment',
      config: {
        receivers: { otlp: { protocols: { grpc: {} } } },
        exporters: { debug: {} },
        service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
      },
      ...extra,
    },
  };
}

const get = (client: KubeClient, apiVersion: string, kind: string, name: string, namespace?: string) =>
  client.tryGet<Obj>(apiVersion, kind, name, namespace);

async function runningPods(client: KubeClient, namespace: string, selector: string, n: number): Promise<Obj[]> {
  return client.waitFor(`${n} Running pod(s) ${selector} in ${namespace}`, async () => {
    const pods = (await client.list<Obj>('v1', 'Pod', { namespace, labelSelector: selector })).items
      .filter((p) => !p.metadata.deletionTimestamp);
    const running = pods.filter((p) => p.status?.phase === 'Running');
    return running.length === n && pods.length === n ? running : undefined;
  }, 120_000, 300);
}

/** Write requests the API server counted for the kinds the operator writes, by verb (nothing else writes them in a quiet cluster). */
async function apiWrites(client: KubeClient): Promise<Record<string, number>> {
  const text = await client.request<string>('GET', '/metrics');
  const resources = new Set(['configmaps', 'services', 'serviceaccounts', 'deployments', 'poddisruptionbudgets', 'networkpolicies',
    'opentelemetrycollectors', 'targetallocators', 'clusterroles', 'clusterrolebindings', 'events']);
  const out: Record<string, number> = {};
  for (const line of String(text).split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (!resources.has(labels.resource) || !['POST', 'PUT', 'PATCH', 'APPLY', 'DELETE'].includes(labels.verb)) continue;
    out[labels.verb] = (out[labels.verb] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return out;
}

function delta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const verb of ['POST', 'PUT', 'PATCH', 'APPLY', 'DELETE']) out[verb] = (after[verb] ?? 0) - (before[verb] ?? 0);
  return out;
}

async function operatorMetric(op: OperatorProcess, name: string, filter = ''): Promise<number> {
  const { body } = await httpGet(op.metricsPort, '/metrics');
  return body.split('\n').filter((l) => l.startsWith(name) && l.includes(filter))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/**
 * Waits until nothing is written any more: the API server's write counters for our kinds stand still for
 * `quietMs` and the operator's queues are empty (reconciles may go on: resyncs that write nothing).
 */
async function quiet(client: KubeClient, op: OperatorProcess, quietMs = 3000, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let since = Date.now();
  for (;;) {
    const writes = JSON.stringify(await apiWrites(client));
    const depth = await operatorMetric(op, 'workqueue_depth');
    if (writes !== last || depth > 0) {
      last = writes;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
    if (Date.now() > deadline) throw new Error('the cluster never went quiet');
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('operator', () => {
  let op: OperatorProcess | undefined;
  afterEach(async () => {
    await op?.stop('SIGKILL');
    op = undefined;
  });

  test('versioned-configmaps: ConfigMap simple-collector-5723ff27 and Running pods; the update gives -dfcfaead and rolls the pods; the next drops the oldest', async () => {
    const { client } = cluster;
    const ns = 'op-versioned';
    await ensureNamespace(client, ns);
    op = await startOperator(cluster.cp.kubeconfigPath);
    figures['operator start-to-ready (spawn to /readyz 200)'] = `${op.readyMs} ms`;
    const running = await op.waitForLog('operator running', (l) => l.msg === 'operator running');
    figures['operator start-to-ready inside the process (Manager.start to caches synced)'] = `${running.readyMs} ms`;
    const [install] = e2eDocs('e2e/versioned-configmaps/00-install.yaml');
    await client.createOrMergePatch(inNs(install, ns));
    await client.waitFor('ConfigMap simple-collector-5723ff27', () => get(client, 'v1', 'ConfigMap', 'simple-collector-5723ff27', ns));
    const selector = 'app.kubernetes.io/instance=op-versioned.simple';
    const [pod0] = await runningPods(client, ns, selector, 1);
    const cr = await client.waitFor('status 1/1', async () => {
      const c = await get(client, 'opentelemetry.io/v1beta1', 'OpenTelemetryCollector', 'simple', ns);
      return c?.status?.scale?.statusReplicas === '1/1' ? c : undefined;
    });
    expect(cr.status.version).toBe('0.158.0');
    expect(cr.status.image).toBe('ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector:0.158.0');
    expect(cr.status.scale.selector).toContain('app.kubernetes.io/instance=op-versioned.simple');
    expect(cr.status.conditions).toEqual([expect.objectContaining({ type: 'Ready', status: 'True', reason: 'Reconciled', observedGeneration: 1 })]);
    const deployment = (await get(client, 'apps/v1', 'Deployment', 'simple-collector', ns))!;
    expect(deployment.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'OpenTelemetryCollector', name: 'simple', uid: cr.metadata.uid, controller: true })]);
    const events = await client.list<Obj>('v1', 'Event', { namespace: ns });
    expect(events.items.some((e) => e.type === 'Normal' && (e as any).involvedObject.name === 'simple' && /created Deployment/.test((e as any).message))).toBe(true);

    const [update] = e2eDocs('e2e/versioned-configmaps/01-update.yaml');
    await client.createOrMergePatch(inNs(update, ns));
    await client.waitFor('ConfigMap simple-collector-dfcfaead', () => get(client, 'v1', 'ConfigMap', 'simple-collector-dfcfaead', ns));
    const [pod1] = await client.waitFor('a new pod', async () => {
      const pods = await runningPods(client, ns, selector, 1);
      return pods[0].metadata.uid !== pod0.metadata.uid ? pods : undefined;
    }, 120_000);
    expect((pod1.metadata.annotations ?? {})['opentelemetry-operator-config/sha256']).not.toEqual((pod0.metadata.annotations ?? {})['opentelemetry-operator-config/sha256']);
    // configVersions 1: the previous one is kept
    expect(await get(client, 'v1', 'ConfigMap', 'simple-collector-5723ff27', ns)).toBeDefined();

    const [update2] = e2eDocs('e2e/versioned-configmaps/02-update.yaml');
    await client.createOrMergePatch(inNs(update2, ns));
    await client.waitFor('oldest ConfigMap deleted', async () => (await get(client, 'v1', 'ConfigMap', 'simple-collector-5723ff27', ns)) === undefined)
      .catch((e) => {
        throw new Error(`${(e as Error).message}\noperator log:\n${op!.output().slice(-6000)}`);
      });
    expect(await get(client, 'v1', 'ConfigMap', 'simple-collector-dfcfaead', ns)).toBeDefined();
  }, 300_000);

  test(`${SCALE} collectors: no write on 3 no-op resyncs nor after a restart (apiserver_request_total by verb)`, async () => {
    const { client } = cluster;
    const ns = 'op-fifty';
    await ensureNamespace(client, ns);
    const n = SCALE;
    // a resync renders every collector again: keep the period above what that takes on a loaded 2-core machine
    const period = `${Math.max(4, Math.ceil(n / 50) * 4)}s`;
    op = await startOperator(cluster.cp.kubeconfigPath, ['--sync-period', period]);
    const t0 = Date.now();
    for (let i = 0; i < n; i++) await client.create(collector(`c${i}`, ns));
    await client.waitFor(`${n} Deployments`, async () => {
      const d = await client.list<Obj>('apps/v1', 'Deployment', { namespace: ns });
      return d.items.length === n;
    }, 600_000, 250);
    figures[`reconcile time for ${n} collectors (create to all Deployments written)`] = `${Date.now() - t0} ms`;
    const sum = await operatorMetric(op, 'controller_runtime_reconcile_time_seconds_sum', 'opentelemetrycollector');
    const count = await operatorMetric(op, 'controller_runtime_reconcile_time_seconds_count', 'opentelemetrycollector');
    figures['mean reconcile duration while creating'] = `${((sum / count) * 1000).toFixed(1)} ms over ${count} reconciles`;
    await client.waitFor(`${n} collectors 1/1`, async () => {
      const list = await client.list<Obj>('opentelemetry.io/v1beta1', 'OpenTelemetryCollector', { namespace: ns });
      return list.items.every((c) => c.status?.scale?.statusReplicas === '1/1');
    }, 600_000, 1000);
    figures[`${n} collectors created to all 1/1`] = `${Date.now() - t0} ms`;
    await quiet(client, op, 5000);

    const before = await apiWrites(client);
    const reconcilesBefore = await operatorMetric(op, 'controller_runtime_reconcile_total', 'controller="opentelemetrycollector"');
    await new Promise((r) => setTimeout(r, 3 * parseInt(period, 10) * 1000 + 1000)); // three resyncs
    const reconciled = await operatorMetric(op, 'controller_runtime_reconcile_total', 'controller="opentelemetrycollector"') - reconcilesBefore;
    expect(reconciled).toBeGreaterThanOrEqual(3 * n);
    await op.stop('SIGTERM');
    op = await startOperator(cluster.cp.kubeconfigPath, ['--sync-period', period]);
    const pass = await op.waitForLog('first reconcile pass', (l) => l.msg === 'first reconcile pass done', 300_000);
    figures[`restart with ${n} collectors: start to first reconcile pass done (inside the process)`] = `${pass.ms} ms`;
    await quiet(client, op, 3000);
    const after = await apiWrites(client);
    const writes = delta(before, after);
    figures[`writes on 3 no-op resyncs + restart with ${n} collectors`] = JSON.stringify(writes);
    expect(writes).toEqual({ POST: 0, PUT: 0, PATCH: 0, APPLY: 0, DELETE: 0 });
  }, 900_000);

  test('adoption: objects upstream wrote (update, field manager "manager") are kept, pods not rolled', async () => {
    const { client } = cluster;
    const ns = 'op-adopt';
    await ensureNamespace(client, ns);
    const cr = await client.create<Obj>(collector('legacy', ns));
    // what upstream's operator would have written for it, with controller-runtime's create (operation Update)
    const objects = reconcileObjects([cr], { namespace: ns, prometheusCrdsAvailable: false });
    for (const o of objects) {
      const owned = { ...o, metadata: { ...o.metadata, ownerReferences: [{ apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', name: 'legacy', uid: cr.metadata.uid, controller: true, blockOwnerDeletion: true }] } };
      await client.request('POST', `${await client.resourcePath(o.apiVersion, o.kind, ns)}?fieldManager=manager`, owned);
    }
    const [pod] = await runningPods(client, ns, 'app.kubernetes.io/instance=op-adopt.legacy', 1);
    const deployment = await client.waitFor('Deployment available', async () => {
      const d = await get(client, 'apps/v1', 'Deployment', 'legacy-collector', ns);
      return d?.status?.availableReplicas === 1 && d.status.observedGeneration === d.metadata.generation ? d : undefined;
    });
    await new Promise((r) => setTimeout(r, 2000));
    const before = await apiWrites(client);
    op = await startOperator(cluster.cp.kubeconfigPath);
    await client.waitFor('collector status written', async () =>
      (await get(client, 'opentelemetry.io/v1beta1', 'OpenTelemetryCollector', 'legacy', ns))?.status?.conditions?.[0]?.reason === 'Reconciled');
    await quiet(client, op, 3000);
    const after = await get(client, 'apps/v1', 'Deployment', 'legacy-collector', ns);
    expect(after!.metadata.uid).toBe(deployment.metadata.uid);
    expect(after!.metadata.generation).toBe(deployment.metadata.generation);
    const [podAfter] = await runningPods(client, ns, 'app.kubernetes.io/instance=op-adopt.legacy', 1);
    expect(podAfter.metadata.uid).toBe(pod.metadata.uid);
    // only the status of the CR was written (one PATCH of the status subresource)
    const writes = delta(before, await apiWrites(client));
    figures['writes when adopting an upstream-written collector'] = JSON.stringify(writes);
    expect(writes.APPLY + writes.PUT + writes.POST + writes.DELETE).toBe(0);
  }, 300_000);

  test('scale, then delete: garbage collection of owned objects, finalizer removes the ClusterRole/Binding', async () => {
    const { client } = cluster;
    const ns = 'op-lifecycle';
    await ensureNamespace(client, ns);
    op = await startOperator(cluster.cp.kubeconfigPath);
    const rbac = collector('rbac', ns);
    rbac.spec.config.processors = { k8sattributes: {} };
    rbac.spec.config.service.pipelines.traces.processors = ['k8sattributes'];
    await client.create(rbac);
    const role = await client.waitFor('ClusterRole', () => get(client, 'rbac.authorization.k8s.io/v1', 'ClusterRole', 'rbac-op-lifecycle-cluster-role'));
    expect(role.metadata.labels?.['app.kubernetes.io/instance']).toBe('op-lifecycle.rbac');
    await client.waitFor('ClusterRoleBinding', () => get(client, 'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'rbac-op-lifecycle-collector'));
    const live = (await get(client, 'opentelemetry.io/v1beta1', 'OpenTelemetryCollector', 'rbac', ns))!;
    expect(live.metadata.finalizers).toContain('opentelemetrycollector.opentelemetry.io/finalizer');
    await runningPods(client, ns, 'app.kubernetes.io/instance=op-lifecycle.rbac', 1);

    await client.mergePatch({ apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'rbac', namespace: ns }, spec: { replicas: 2 } });
    await runningPods(client, ns, 'app.kubernetes.io/instance=op-lifecycle.rbac', 2);
    await client.waitFor('status 2/2', async () =>
      (await get(client, 'opentelemetry.io/v1beta1', 'OpenTelemetryCollector', 'rbac', ns))?.status?.scale?.statusReplicas === '2/2');

    await client.delete('opentelemetry.io/v1beta1', 'OpenTelemetryCollector', 'rbac', ns);
    await client.waitFor('collector gone', async () => (await get(client, 'opentelemetry.io/v1beta1', 'OpenTelemetryCollector', 'rbac', ns)) === undefined);
    await client.waitFor('ClusterRole and Binding deleted', async () =>
      (await get(client, 'rbac.authorization.k8s.io/v1', 'ClusterRole', 'rbac-op-lifecycle-cluster-role')) === undefined
      && (await get(client, 'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'rbac-op-lifecycle-collector')) === undefined);
    await client.waitFor('garbage collector removed Deployment, Services, ConfigMaps', async () => {
      const left = [
        ...(await client.list('apps/v1', 'Deployment', { namespace: ns })).items,
        ...(await client.list('v1', 'Service', { namespace: ns })).items,
        ...(await client.list('v1', 'ConfigMap', { namespace: ns, labelSelector: 'app.kubernetes.io/managed-by=opentelemetry-operator' })).items,
      ];
      return left.length === 0;
    }, 120_000);
  }, 300_000);

  test('killed mid-reconcile and restarted: converges with no orphan and no duplicate', async () => {
    const { client } = cluster;
    const ns = 'op-killed';
    await ensureNamespace(client, ns);
    const n = 15;
    for (let i = 0; i < n; i++) await client.create(collector(`k${i}`, ns));
    op = await startOperator(cluster.cp.kubeconfigPath);
    await op.waitForLog('a first reconcile', (l) => l.msg === 'reconciled');
    await op.stop('SIGKILL');
    const partial = (await client.list('apps/v1', 'Deployment', { namespace: ns })).items.length;
    // change every collector while no operator runs: the restarted one must roll them to the new config
    for (let i = 0; i < n; i++) {
      await client.mergePatch({ apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: `k${i}`, namespace: ns }, spec: { config: { exporters: { debug: { verbosity: 'basic' } } } } });
    }
    op = await startOperator(cluster.cp.kubeconfigPath);
    await op.waitForLog('first reconcile pass', (l) => l.msg === 'first reconcile pass done', 180_000);
    await quiet(client, op, 3000);
    const crs = (await client.list<Obj>('opentelemetry.io/v1beta1', 'OpenTelemetryCollector', { namespace: ns })).items;
    const uids = new Set(crs.map((c) => c.metadata.uid));
    const managed = 'app.kubernetes.io/managed-by=opentelemetry-operator';
    const deployments = (await client.list<Obj>('apps/v1', 'Deployment', { namespace: ns, labelSelector: managed })).items;
    const configMaps = (await client.list<Obj>('v1', 'ConfigMap', { namespace: ns, labelSelector: managed })).items;
    const services = (await client.list<Obj>('v1', 'Service', { namespace: ns, labelSelector: managed })).items;
    expect({ partialBeforeKill: partial < n, deployments: deployments.length, services: services.length }).toEqual({ partialBeforeKill: true, deployments: n, services: 3 * n });
    for (const o of [...deployments, ...configMaps, ...services]) expect(uids.has(o.metadata.ownerReferences?.[0]?.uid)).toBe(true);
    // one ConfigMap per collector for the new config, at most one older (created before the kill) kept by configVersions
    for (let i = 0; i < n; i++) {
      const mine = configMaps.filter((c) => c.metadata.name!.startsWith(`k${i}-collector-`));
      expect(mine.length).toBeGreaterThanOrEqual(1);
      expect(mine.length).toBeLessThanOrEqual(2);
      const d = deployments.find((x) => x.metadata.name === `k${i}-collector`)!;
      const volume = d.spec.template.spec.volumes.find((v: any) => v.configMap)?.configMap.name;
      const newest = configMaps.find((c) => c.metadata.name === volume)!;
      expect((newest as any).data['collector.yaml']).toContain('verbosity: basic');
    }
  }, 300_000);

  test('two replicas: one leader at a time; a killed leader is replaced within the lease time', async () => {
    const { client } = cluster;
    const args = ['--enable-leader-election', '--leader-election-namespace', 'default'];
    const a = await startOperator(cluster.cp.kubeconfigPath, args);
    const b = await startOperator(cluster.cp.kubeconfigPath, args);
    try {
      const lease = await client.waitFor('Lease held', async () => {
        const l = await get(client, 'coordination.k8s.io/v1', 'Lease', '9f7554c3.opentelemetry.io', 'default');
        return l?.spec?.holderIdentity ? l : undefined;
      });
      const leaders = () => [a, b].filter((p) => p.logs().some((l) => l.msg === 'became leader'));
      await client.waitFor('one leader logged', async () => leaders().length === 1);
      await new Promise((r) => setTimeout(r, 3000));
      expect(leaders()).toHaveLength(1);
      const [leader] = leaders();
      const follower = leader === a ? b : a;
      expect(follower.logs().some((l) => l.msg === 'first reconcile pass done')).toBe(false);
      // both serve health (every replica serves webhooks and probes)
      expect((await httpGet(follower.healthPort, '/readyz')).status).toBe(200);
      const killedAt = Date.now();
      await leader.stop('SIGKILL');
      await follower.waitForLog('follower takes over', (l) => l.msg === 'became leader', 30_000);
      const handover = Date.now() - killedAt;
      figures['leader handover after SIGKILL'] = `${handover} ms`;
      expect(handover).toBeLessThan(15_000 + 2_000 + 3_000);
      expect(lease.spec.leaseDurationSeconds).toBe(15);
    } finally {
      await a.stop('SIGKILL');
      await b.stop('SIGKILL');
    }
  }, 180_000);

  test('beyond upstream #2078: a sidecar config change restarts the opted-in workloads once, not the others', async () => {
    const { client } = cluster;
    const ns = 'op-sidecar';
    await ensureNamespace(client, ns);
    op = await startOperator(cluster.cp.kubeconfigPath);
    const optedIn = collector('sc', ns, { mode: 'sidecar' });
    await client.create({ ...optedIn, metadata: { ...optedIn.metadata, annotations: { 'sidecar.opentelemetry.io/restart-on-config-change': 'true' } } });
    await client.create(collector('plain', ns, { mode: 'sidecar' }));
    const configOf = async (name: string) => {
      const cm = await client.waitFor(`ConfigMap of ${name}`, async () =>
        (await client.list<Obj>('v1', 'ConfigMap', { namespace: ns, labelSelector: `app.kubernetes.io/instance=${ns}.${name}` })).items[0]);
      return (cm as any).data['collector.yaml'] as string;
    };
    // pods as the sidecar webhook injects them: label and otc-container with the config in OTEL_CONFIG
    const app = (name: string, collectorName: string, config: string): Obj => ({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns },
      spec: {
        replicas: 1, selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { 'app': name, 'sidecar.opentelemetry.io/injected': `${ns}.${collectorName}` } },
          spec: { containers: [{ name: 'app', image: 'app:1' }, { name: 'otc-container', image: 'collector:1', env: [{ name: 'OTEL_CONFIG', value: config }] }] },
        },
      },
    });
    await client.create(app('app', 'sc', await configOf('sc')));
    await client.create(app('other', 'plain', await configOf('plain')));
    await runningPods(client, ns, 'app=app', 1);
    await runningPods(client, ns, 'app=other', 1);
    const scConfigMaps = async () => (await client.list<Obj>('v1', 'ConfigMap', { namespace: ns, labelSelector: `app.kubernetes.io/instance=${ns}.sc` })).items.map((c) => c.metadata.name!);
    const initial = await scConfigMaps();
    for (const name of ['sc', 'plain']) {
      await client.mergePatch({ apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name, namespace: ns }, spec: { config: { exporters: { debug: { verbosity: 'detailed' } } } } });
    }
    const restarted = await client.waitFor('app restarted', async () => {
      const d = await get(client, 'apps/v1', 'Deployment', 'app', ns);
      return d?.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'] ? d : undefined;
    });
    // creation times have a one-second resolution: the new ConfigMap is the one that was not there before
    const [newest] = (await scConfigMaps()).filter((n) => !initial.includes(n));
    expect(restarted.spec.template.metadata.annotations['sidecar.opentelemetry.io/restarted-for-config']).toBe(newest.slice(-8));
    expect(restarted.metadata.generation).toBe(2);
    await quiet(client, op, 4000);
    // without the webhook the new pod still has the old config: the rollout is not started again
    expect((await get(client, 'apps/v1', 'Deployment', 'app', ns))!.metadata.generation).toBe(2);
    expect((await get(client, 'apps/v1', 'Deployment', 'other', ns))!.metadata.generation).toBe(1);
  }, 300_000);

  test('a bad flag is one clear error and exit code 2', async () => {
    const bad = await startOperator(cluster.cp.kubeconfigPath, ['--metrics-addr', 'nonsense'], { waitReady: false });
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toContain('--metrics-addr nonsense: expected [host]:port');
  }, 60_000);
});

/**
 * The runtime operator (a real process) when the API server says no: a 409 Conflict on one of its own writes,
 * provoked by a real concurrent writer, and watches that expire (410 Gone) while objects change. The control
 * plane runs without the watch cache, so watches are served by etcd and a watch resumed from a compacted
 * resourceVersion gets "too old resource version", as on a busy production cluster.
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { AddressInfo } from 'node:net';
import { issueWebhookCertificates } from '../../src/operator/webhooks/certificates';
import { installCrds } from './fixtures';
import { compactEtcd, ensureNamespace, KubeClient, KubeObject, useControlPlane } from './harness/control-plane';
import { httpGet, OperatorProcess, startOperator } from './operator-process';

const cluster = useControlPlane({ apiserverArgs: ['--watch-cache=false'] }, 'apiserver (no watch cache) + etcd');

beforeAll(async () => {
  await installCrds(cluster.client);
}, 120_000);

type Obj = KubeObject & { spec?: any; status?: any };
const COLLECTORS = 'opentelemetry.io/v1beta1';
const FINALIZER = 'opentelemetrycollector.opentelemetry.io/finalizer';

/** A collector whose k8sattributes processor needs cluster RBAC: a ClusterRole/Binding and our finalizer. */
function rbacCollector(name: string, namespace: string): Obj {
  return {
    apiVersion: COLLECTORS, kind: 'OpenTelemetryCollector', metadata: { name, namespace },
    spec: {
      mode: 'deployment',
      config: {
        receivers: { otlp: { protocols: { grpc: {} } } },
        processors: { k8sattributes: {} },
        exporters: { debug: {} },
        service: { pipelines: { traces: { receivers: ['otlp'], processors: ['k8sattributes'], exporters: ['debug'] } } },
      },
    },
  };
}

const get = (client: KubeClient, apiVersion: string, kind: string, name: string, namespace?: string) =>
  client.tryGet<Obj>(apiVersion, kind, name, namespace);

/** The collector reconciled: finalizer, ClusterRole and Binding, `Ready=True`. */
async function reconciled(client: KubeClient, name: string, ns: string): Promise<Obj> {
  await client.waitFor(`ClusterRole of ${name}`, () => get(client, 'rbac.authorization.k8s.io/v1', 'ClusterRole', `${name}-${ns}-cluster-role`));
  await client.waitFor(`ClusterRoleBinding of ${name}`, () => get(client, 'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', `${name}-${ns}-collector`));
  return client.waitFor(`${name} Ready`, async () => {
    const c = await get(client, COLLECTORS, 'OpenTelemetryCollector', name, ns);
    return (c?.metadata.finalizers as string[] | undefined)?.includes(FINALIZER) && c!.status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True') ? c : undefined;
  });
}

async function gone(client: KubeClient, name: string, ns: string): Promise<void> {
  await client.waitFor(`${name} and its cluster RBAC gone`, async () =>
    (await get(client, COLLECTORS, 'OpenTelemetryCollector', name, ns)) === undefined
    && (await get(client, 'rbac.authorization.k8s.io/v1', 'ClusterRole', `${name}-${ns}-cluster-role`)) === undefined
    && (await get(client, 'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', `${name}-${ns}-collector`)) === undefined, 60_000);
}

/** The API server's own count of requests answered with `code` for `resource` (apiserver_request_total). */
async function apiServerAnswers(client: KubeClient, resource: string, code: string): Promise<number> {
  const text = String(await client.request<string>('GET', '/metrics'));
  return text.split('\n').filter((l) => l.startsWith('apiserver_request_total{') && l.includes(`resource="${resource}"`) && l.includes(`code="${code}"`))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

async function operatorMetric(op: OperatorProcess, name: string, filter = ''): Promise<number> {
  const { body } = await httpGet(op.metricsPort, '/metrics');
  return body.split('\n').filter((l) => l.startsWith(name) && l.includes(filter))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/**
 * A validating admission webhook served by the test: the API server calls it for the DELETE of a
 * ClusterRoleBinding labelled with one of `instances`, and `onDelete` runs before the answer (allowed), i.e.
 * between the operator's read of the CR and its later writes in the same reconcile.
 */
async function serveDeleteHook(client: KubeClient, instances: string[], onDelete: (name: string) => Promise<void>) {
  const certs = await issueWebhookCertificates({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const server = https.createServer({ cert: certs.cert, key: certs.key }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => void (async () => {
      const review = JSON.parse(body);
      await onDelete(review.request.name).catch(() => undefined);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true } }));
    })());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const name = 'test-concurrent-writer';
  await client.create({
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name },
    webhooks: [{
      name: 'concurrent-writer.test.cdk8s-otel.io', admissionReviewVersions: ['v1'], sideEffects: 'NoneOnDryRun', failurePolicy: 'Ignore', timeoutSeconds: 10,
      clientConfig: { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`, caBundle: Buffer.from(certs.caCert).toString('base64') },
      rules: [{ operations: ['DELETE'], apiGroups: ['rbac.authorization.k8s.io'], apiVersions: ['v1'], resources: ['clusterrolebindings'] }],
      objectSelector: { matchExpressions: [{ key: 'app.kubernetes.io/instance', operator: 'In', values: instances }] },
    }],
  } as KubeObject);
  return {
    stop: async () => {
      await client.delete('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', name);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A TCP relay to the API server on 127.0.0.1 that the test can cut (every open connection reset) and close to new
 * connections (refused), as an API server restart looks to its clients.
 */
async function serveApiRelay(target: URL) {
  const sockets = new Set<net.Socket>();
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    /** resets every open connection and refuses new ones until `open()` */
    cut: () => {
      refusing = true;
      for (const s of sockets) s.resetAndDestroy();
    },
    open: () => void (refusing = false),
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('operator resilience', () => {
  let op: OperatorProcess | undefined;
  afterEach(async () => {
    await op?.stop('SIGKILL');
    op = undefined;
  });

  test('409 Conflict on its finalizer removal (a concurrent write after its read) is retried: the collector is finalized once, a Warning Event says why', async () => {
    const { client } = cluster;
    const ns = 'op-conflict';
    await ensureNamespace(client, ns);
    op = await startOperator(cluster.cp.kubeconfigPath);
    await client.create(rbacCollector('rbac', ns));
    await reconciled(client, 'rbac', ns);

    // the concurrent writer: while the operator deletes the ClusterRoleBinding (after it read the CR, before it
    // removes the finalizer with the resourceVersion it read), someone annotates the CR
    const deletes: string[] = [];
    const probeInstance = `${ns}.probe`;
    const hook = await serveDeleteHook(client, [`${ns}.rbac`, probeInstance], async (name) => {
      deletes.push(name);
      if (name !== 'rbac-op-conflict-collector') return;
      await client.mergePatch({ apiVersion: COLLECTORS, kind: 'OpenTelemetryCollector', metadata: { name: 'rbac', namespace: ns, annotations: { 'test.cdk8s-otel.io/concurrent-write': '1' } } });
    });
    try {
      // the API server calls a new webhook configuration a moment after it is created: wait until it does
      await client.waitFor('the webhook called', async () => {
        const probe = await client.create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { generateName: 'probe-', labels: { 'app.kubernetes.io/instance': probeInstance } }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [] } as KubeObject);
        await client.delete('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', probe.metadata.name!);
        return deletes.includes(probe.metadata.name!);
      }, 30_000, 500);

      const conflictsBefore = await apiServerAnswers(client, 'opentelemetrycollectors', '409');
      await client.delete(COLLECTORS, 'OpenTelemetryCollector', 'rbac', ns);
      await gone(client, 'rbac', ns);

      // a real 409 from the API server, on the operator's write of the collector
      expect(await apiServerAnswers(client, 'opentelemetrycollectors', '409')).toBeGreaterThan(conflictsBefore);
      const failed = await op.waitForLog('the failed reconcile', (l) => l.msg === 'reconcile failed, requeued with backoff' && String(l.key) === `${ns}/rbac`);
      expect(String(failed.err)).toMatch(/409 Conflict/);
      expect(await operatorMetric(op, 'controller_runtime_reconcile_errors_total', 'controller="opentelemetrycollector"')).toBeGreaterThanOrEqual(1);
      const events = (await client.list<Obj>('v1', 'Event', { namespace: ns })).items.filter((e: any) => e.involvedObject.name === 'rbac');
      expect(events.some((e: any) => e.type === 'Warning' && /409/.test(e.message))).toBe(true);
      // finalized once: the binding was deleted once (a second DELETE would have reached the webhook), nothing re-created
      expect(deletes.filter((n) => n === 'rbac-op-conflict-collector')).toHaveLength(1);
      expect(op.child.exitCode).toBeNull();
      expect((await httpGet(op.healthPort, '/readyz')).status).toBe(200);
    } finally {
      await hook.stop();
    }
  }, 240_000);

  test('watch expiry: watches resumed after etcd compacted get 410 Gone, the informers relist and a collector created and one deleted meanwhile are both handled', async () => {
    const { client } = cluster;
    const ns = 'op-expiry';
    await ensureNamespace(client, ns);
    const watchTimeout = 2;
    op = await startOperator(cluster.cp.kubeconfigPath, ['--watch-timeout', `${watchTimeout}s`]);
    await client.create(rbacCollector('doomed', ns));
    await reconciled(client, 'doomed', ns);
    const expiredBefore = await operatorMetric(op, 'informer_relists_total', 'informer="OpenTelemetryCollector",reason="expired"');

    // the gap: the operator is frozen while the API server ends its watches (their timeout), the cluster changes
    // and etcd compacts away the revisions the watches would resume from
    op.child.kill('SIGSTOP');
    try {
      await new Promise((r) => setTimeout(r, (watchTimeout + 2) * 1000));
      await client.create(rbacCollector('born', ns));
      await client.delete(COLLECTORS, 'OpenTelemetryCollector', 'doomed', ns);
      await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bump', namespace: ns }, data: { at: String(Date.now()) } });
      await compactEtcd(cluster.cp.etcdUrl);
    } finally {
      op.child.kill('SIGCONT');
    }

    const expired = await op.waitForLog('a 410 on the collectors watch', (l) => l.msg === 'watch expired (410 Gone), relisting' && l.kind === 'OpenTelemetryCollector');
    expect(expired.resourceVersion).toBeDefined();
    // nothing missed: the collector created during the gap is reconciled, the one deleted is finalized
    const born = await reconciled(client, 'born', ns);
    expect(await client.waitFor('born Deployment', () => get(client, 'apps/v1', 'Deployment', 'born-collector', ns)))
      .toMatchObject({ metadata: { ownerReferences: [expect.objectContaining({ uid: born.metadata.uid })] } });
    await gone(client, 'doomed', ns);
    expect(await operatorMetric(op, 'informer_relists_total', 'informer="OpenTelemetryCollector",reason="expired"')).toBeGreaterThan(expiredBefore);
    expect(op.child.exitCode).toBeNull();
  }, 240_000);
  test('API server unreachable for a while (connections reset, then refused): the informers resume their watches, no relist, nothing missed', async () => {
    const { client } = cluster;
    const ns = 'op-resume';
    await ensureNamespace(client, ns);
    const relay = await serveApiRelay(new URL(cluster.cp.server));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'op-resume-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, fs.readFileSync(cluster.cp.kubeconfigPath, 'utf8').split(cluster.cp.server).join(`https://127.0.0.1:${relay.port}`));
    try {
      op = await startOperator(kubeconfig, ['--watch-timeout', '300s']);
      await client.create(rbacCollector('before', ns));
      await reconciled(client, 'before', ns);
      const relists = () => operatorMetric(op!, 'informer_relists_total');
      const relistsBefore = await relists();
      // the API server's own count of LISTs of collectors (the watch and GETs of one collector are counted apart)
      const collectorLists = async () => (await client.request<string>('GET', '/metrics')).toString().split('\n')
        .filter((l) => l.startsWith('apiserver_request_total{') && l.includes('resource="opentelemetrycollectors"') && l.includes('verb="LIST"'))
        .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      const listsBefore = await collectorLists();

      relay.cut();
      // the operator's reconnects are refused meanwhile; the cluster changes behind its back
      await op.waitForLog('a watch resumption after the cut', (l) => l.msg === 'watch failed, resuming from the last resourceVersion after backoff' && l.kind === 'OpenTelemetryCollector');
      await client.create(rbacCollector('during', ns));
      await new Promise((r) => setTimeout(r, 1500));
      relay.open();

      // the resumed watch (from the last resourceVersion, which etcd still has) brings the collector created meanwhile
      await reconciled(client, 'during', ns);
      expect(await operatorMetric(op, 'informer_watch_resumes_total', 'informer="OpenTelemetryCollector"')).toBeGreaterThan(0);
      expect(await relists()).toBe(relistsBefore);
      expect(await collectorLists()).toBe(listsBefore);
      expect(op.child.exitCode).toBeNull();
    } finally {
      await op?.stop('SIGKILL');
      op = undefined;
      await relay.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

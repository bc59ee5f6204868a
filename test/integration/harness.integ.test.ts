/**
 * The harness itself against the real API server: the client's verbs, server-side apply semantics,
 * discovery, and that stopping leaves no process and no folder behind.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { ensureNamespace, KubeApiError, KubeObject, startControlPlane, useControlPlane } from './harness/control-plane';

const cluster = useControlPlane({}, 'apiserver + etcd');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('control plane', () => {
  test('serves the pinned Kubernetes version over TLS with the admin client certificate', async () => {
    const version = await cluster.client.request<{ gitVersion: string; major: string; minor: string }>('GET', '/version');
    expect(version.gitVersion).toBe('v1.36.3');
    expect(version.minor).toBe('36');
    expect(await cluster.client.request('GET', '/readyz')).toBe('ok');
    expect(cluster.cp.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  test('writes a kubeconfig that points at the server with the generated certificates', () => {
    const text = fs.readFileSync(cluster.cp.kubeconfigPath, 'utf8');
    expect(text).toContain(`server: ${cluster.cp.server}`);
    expect(text).toContain(`client-certificate: ${cluster.cp.certs.adminCert}`);
    expect(fs.statSync(cluster.cp.certs.adminKey).mode & 0o077).toBe(0);
  });

  test('rejects a client without a certificate for anything but health endpoints', async () => {
    const https = await import('node:https');
    const status = await new Promise<number>((resolve, reject) => {
      https
        .get(`${cluster.cp.server}/api/v1/namespaces`, { ca: fs.readFileSync(cluster.cp.certs.caCert) }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect([401, 403]).toContain(status);
  });
});

describe('KubeClient', () => {
  const ns = 'harness-client';
  beforeAll(() => ensureNamespace(cluster.client, ns));

  test('resolves paths through discovery, for namespaced and cluster-scoped kinds', async () => {
    const c = cluster.client;
    expect(await c.resourcePath('v1', 'ConfigMap', ns, 'x')).toBe(`/api/v1/namespaces/${ns}/configmaps/x`);
    expect(await c.resourcePath('apps/v1', 'Deployment', ns)).toBe(`/apis/apps/v1/namespaces/${ns}/deployments`);
    expect(await c.resourcePath('rbac.authorization.k8s.io/v1', 'ClusterRole', undefined, 'r')).toBe(
      '/apis/rbac.authorization.k8s.io/v1/clusterroles/r',
    );
    await expect(c.resourcePath('v1', 'NoSuchKind')).rejects.toThrow(/does not serve kind NoSuchKind in v1/);
  });

  test('create, get, list and delete', async () => {
    const c = cluster.client;
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'created', namespace: ns, labels: { test: 'crud' } },
      data: { a: '1' },
    };
    const created = await c.create(cm);
    expect(created.metadata.uid).toBeTruthy();
    await expect(c.create(cm)).rejects.toMatchObject({ statusCode: 409, reason: 'AlreadyExists' });
    const got = await c.get('v1', 'ConfigMap', 'created', ns);
    expect(got.data).toEqual({ a: '1' });
    const list = await c.list('v1', 'ConfigMap', { namespace: ns, labelSelector: 'test=crud' });
    expect(list.items.map((i) => i.metadata.name)).toEqual(['created']);
    await c.delete('v1', 'ConfigMap', 'created', ns);
    expect(await c.tryGet('v1', 'ConfigMap', 'created', ns)).toBeUndefined();
    await c.delete('v1', 'ConfigMap', 'created', ns); // deleting what is gone is fine
  });

  test('server-side apply creates, is idempotent, records the field manager and honours force', async () => {
    const c = cluster.client;
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'applied', namespace: ns },
      data: { key: 'value' },
    };
    const first = await c.apply(cm, { fieldManager: 'cdk8s-otel' });
    const again = await c.apply(cm, { fieldManager: 'cdk8s-otel' });
    expect(again.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    const managers = (first.metadata.managedFields as { manager: string; operation: string }[]).map(
      (m) => `${m.manager}/${m.operation}`,
    );
    expect(managers).toContain('cdk8s-otel/Apply');

    // Another manager setting the same field conflicts without force, and wins with it.
    const other = { ...cm, data: { key: 'other' } };
    const conflict = await c.apply(other, { fieldManager: 'someone-else', force: false }).catch((e) => e);
    expect(conflict).toBeInstanceOf(KubeApiError);
    expect((conflict as KubeApiError).statusCode).toBe(409);
    const forced = await c.apply(other, { fieldManager: 'someone-else', force: true });
    expect(forced.data).toEqual({ key: 'other' });
  });

  test('dry-run apply validates without persisting', async () => {
    const c = cluster.client;
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry', namespace: ns } };
    await c.apply(cm, { dryRun: true });
    expect(await c.tryGet('v1', 'ConfigMap', 'dry', ns)).toBeUndefined();
  });
});

describe('lifecycle', () => {
  test('stop() ends every process group and removes the temp folders; a second stop is harmless', async () => {
    const cp = await startControlPlane();
    const pids = cp.processes.map((p) => p.pid);
    expect(pids.every(isAlive)).toBe(true);
    expect(fs.existsSync(cp.dir)).toBe(true);
    await cp.stop();
    await cp.stop();
    expect(pids.filter(isAlive)).toEqual([]);
    expect(fs.existsSync(cp.dir)).toBe(false);
  });

  test('a component that dies is reported through unexpectedExit', async () => {
    const cp = await startControlPlane();
    try {
      const etcd = cp.processes.find((p) => p.name === 'etcd')!;
      process.kill(-etcd.pid, 'SIGKILL');
      await expect(cp.unexpectedExit).resolves.toMatchObject({ name: 'etcd', status: 'SIGKILL' });
    } finally {
      await cp.stop();
    }
  });

  test('when the Node process is SIGKILLed (no handler runs), the reaper kills the components and removes the folders', async () => {
    const script = [
      "require('ts-node').register({ transpileOnly: true });",
      `const { startControlPlane } = require(${JSON.stringify(require.resolve('../../src/devcluster'))});`,
      'startControlPlane().then((cp) => {',
      '  console.log(JSON.stringify({ pids: cp.processes.map((p) => p.pid), dir: cp.dir }));',
      '  setInterval(() => undefined, 1000);',
      '});',
    ].join('\n');
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const info = await new Promise<{ pids: number[]; dir: string }>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line));
      });
      child.on('exit', (code) => reject(new Error(`child exited (${code}) before the control plane was ready`)));
    });
    expect(info.pids.every(isAlive)).toBe(true);
    child.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (info.pids.some(isAlive) || fs.existsSync(info.dir))) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(info.pids.filter(isAlive)).toEqual([]);
    expect(fs.existsSync(info.dir)).toBe(false);
  });

  test('a missing binary fails start-up with a message that says how to build it', async () => {
    const empty = fs.mkdtempSync('/tmp/cdk8s-otel-nobin-');
    try {
      await expect(startControlPlane({ binDir: empty })).rejects.toThrow(/etcd not found.*build-control-plane\.sh/s);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

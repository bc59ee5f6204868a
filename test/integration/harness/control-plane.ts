/**
 * Integration-test side of the dev cluster: one real control plane per test file, started in beforeAll and
 * stopped in afterAll (and by the process-wide hooks of src/devcluster on interrupt or crash).
 */
import { createHash } from 'node:crypto';
import { ControlPlane, ControlPlaneOptions, KubeClient, startControlPlane } from '../../../src/devcluster';

export * from '../../../src/devcluster';

export interface TestCluster {
  /** Available inside tests (after beforeAll). */
  readonly cp: ControlPlane;
  readonly client: KubeClient;
}

/**
 * Registers beforeAll/afterAll that start and stop a control plane, and returns a handle whose fields are
 * set once beforeAll ran. Start-up time goes to stdout.
 */
export function useControlPlane(options: ControlPlaneOptions = {}, label = 'control plane'): TestCluster {
  const handle: { cp?: ControlPlane; client?: KubeClient } = {};
  beforeAll(async () => {
    handle.cp = await startControlPlane({
      ...options,
      keepDir: options.keepDir ?? process.env.CDK8S_OTEL_KEEP_CLUSTER_DIR === '1',
    });
    handle.client = handle.cp.client();
    process.stdout.write(
      `[integration] ${label} (${handle.cp.processes.map((p) => p.name).join(', ')}) ready in ` +
        `${(handle.cp.startupMs / 1000).toFixed(1)} s at ${handle.cp.server}\n`,
    );
  }, (options.startTimeoutMs ?? 120_000) + 30_000);
  afterAll(async () => {
    handle.client?.close();
    await handle.cp?.stop();
  }, 60_000);
  return {
    get cp() {
      if (!handle.cp) throw new Error('control plane not started (beforeAll failed?)');
      return handle.cp;
    },
    get client() {
      if (!handle.client) throw new Error('control plane not started (beforeAll failed?)');
      return handle.client;
    },
  };
}

/**
 * A short, valid namespace name derived from `key` (e.g. an upstream case folder): at most 23 characters,
 * like chainsaw's `chainsaw-<adjective>-<animal>`, so that `namespace.name` labels stay within 63 characters.
 */
export function namespaceName(key: string): string {
  const last = key.split('/').filter(Boolean).pop() ?? 'ns';
  const slug = last.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '').slice(0, 16).replace(/-+$/, '');
  const hash = createHash('sha1').update(key).digest('hex').slice(0, 6);
  return `${slug || 'ns'}-${hash}`;
}

/** Creates a namespace if it does not exist yet. */
export async function ensureNamespace(client: KubeClient, name: string): Promise<void> {
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/**
 * Compacts etcd at its current revision (its JSON gateway), so that a watch resumed from any older
 * resourceVersion gets 410 Gone (with the API server's watch cache off, watches are served by etcd).
 * Returns the revision compacted at.
 */
export async function compactEtcd(etcdUrl: string): Promise<number> {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${etcdUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`etcd ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ header: { revision: string } }>;
  };
  const { header } = await post('/v3/kv/range', { key: Buffer.from('/').toString('base64'), limit: 1, count_only: true });
  await post('/v3/kv/compaction', { revision: header.revision, physical: true });
  return Number(header.revision);
}

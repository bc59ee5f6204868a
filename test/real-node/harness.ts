/**
 * The real-node tests' cluster: one control plane with controllers and a real node (kubelet, containerd,
 * kube-proxy, CoreDNS in a network namespace of our own; src/devcluster/real-node), the local registry filled with
 * the images the tests name, our CRDs, and our operator as a subprocess with its webhooks called by URL. Started in
 * beforeAll, stopped in afterAll (and by src/devcluster's process-wide hooks on interrupt or crash).
 */
import { startControlPlane, ControlPlane, KubeClient, KubeObject } from '../../src/devcluster';
import { installCrds } from '../integration/fixtures';
import { freePort, OperatorProcess, startOperator } from '../integration/operator-process';

export interface RealNodeCluster {
  readonly cp: ControlPlane;
  readonly client: KubeClient;
  readonly operator: OperatorProcess;
}

type Pod = KubeObject & {
  spec?: { containers: { name: string }[]; initContainers?: { name: string; image?: string }[] };
  status?: { phase?: string; podIP?: string; containerStatuses?: { name: string; ready: boolean; state?: Record<string, unknown> }[] };
};

/** Registers beforeAll/afterAll; the handle's fields are set once beforeAll ran. Start-up figures go to stdout. */
export function useRealNodeCluster(images: string[]): RealNodeCluster {
  const h: { cp?: ControlPlane; client?: KubeClient; operator?: OperatorProcess } = {};
  beforeAll(async () => {
    const t0 = Date.now();
    h.cp = await startControlPlane({
      withControllers: true,
      serviceAccountAdmission: true,
      keepDir: process.env.CDK8S_OTEL_KEEP_CLUSTER_DIR === '1',
      realNode: { images },
      startTimeoutMs: 20 * 60_000, // a cold image build happens inside
      log: (m) => process.stdout.write(`[real-node] ${m}\n`),
    });
    h.client = h.cp.client();
    // start-up figure: from the node Ready to a first pod Running (image pull through the mirror, sandbox, CNI)
    const t1 = Date.now();
    await h.client.apply({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'first-pod', namespace: 'default', labels: { app: 'first-pod' } },
      spec: { containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '3600'] }], terminationGracePeriodSeconds: 0 },
    });
    await waitForRunningPod(h.client, 'default', 'app=first-pod', 120_000);
    process.stdout.write(`[real-node] first pod Running ${((Date.now() - t1) / 1000).toFixed(1)} s after the node was Ready\n`);
    await h.client.delete('v1', 'Pod', 'first-pod', 'default');
    await installCrds(h.client);
    h.operator = await startOperator(h.cp.kubeconfigPath, ['--webhook-host', '127.0.0.1', '--webhook-port', String(await freePort())]);
    process.stdout.write(
      `[real-node] cluster with real node ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (control plane + node ` +
        `${(h.cp.startupMs / 1000).toFixed(1)} s, operator ${h.operator.readyMs} ms)\n`,
    );
  }, 25 * 60_000);
  afterAll(async () => {
    await h.operator?.stop();
    if (process.env.CDK8S_OTEL_REAL_NODE_LOG === '1') process.stdout.write(`operator output:\n${h.operator?.output()}\n`);
    h.client?.close();
    await h.cp?.stop();
  }, 120_000);
  const need = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('real-node cluster not started (beforeAll failed?)');
    return v;
  };
  return {
    get cp() {
      return need(h.cp);
    },
    get client() {
      return need(h.client);
    },
    get operator() {
      return need(h.operator);
    },
  };
}

/** A container's log through the API server (which fetches it from the kubelet on the node's address). */
export async function podLog(client: KubeClient, namespace: string, pod: string, container: string): Promise<string> {
  const text = await client.request<unknown>('GET', `/api/v1/namespaces/${namespace}/pods/${pod}/log?container=${encodeURIComponent(container)}`);
  return typeof text === 'string' ? text : JSON.stringify(text);
}

/** Pods of a namespace matching a label selector. */
export async function pods(client: KubeClient, namespace: string, selector: string): Promise<Pod[]> {
  const list = await client.request<{ items: Pod[] }>('GET', `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(selector)}`);
  return list.items;
}

/** Waits until a pod matching `selector` runs with every container ready; returns it. */
export async function waitForRunningPod(client: KubeClient, namespace: string, selector: string, timeoutMs = 180_000): Promise<Pod> {
  let last: Pod[] = [];
  try {
    return await client.waitFor(`a running pod ${selector} in ${namespace}`, async () => {
      last = await pods(client, namespace, selector);
      return last.find((p) => p.status?.phase === 'Running' && (p.status.containerStatuses ?? []).every((c) => c.ready));
    }, timeoutMs, 1000);
  } catch (e) {
    throw new Error(`${(e as Error).message}; pods: ${JSON.stringify(last.map((p) => ({ name: p.metadata.name, status: p.status })))}`);
  }
}

/** Waits until `container`'s log (of a pod matching `selector`) satisfies `test`; returns that log. */
export async function waitForLog(
  client: KubeClient,
  namespace: string,
  selector: string,
  container: string,
  test: (log: string) => boolean,
  timeoutMs = 180_000,
): Promise<string> {
  let log = '';
  try {
    return await client.waitFor(`log of ${container} (${selector})`, async () => {
      for (const p of await pods(client, namespace, selector)) {
        log = await podLog(client, namespace, p.metadata.name!, container);
        if (test(log)) return log;
      }
      return undefined;
    }, timeoutMs, 2000);
  } catch (e) {
    throw new Error(`${(e as Error).message}; last log:\n${log.slice(-3000)}`);
  }
}

/** A namespace for one test. */
export async function namespace(client: KubeClient, name: string): Promise<string> {
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  // the ServiceAccount controller makes `default`; pods are refused until it exists
  await client.waitFor(`ServiceAccount default in ${name}`, async () => !!(await client.tryGet('v1', 'ServiceAccount', 'default', name)));
  return name;
}

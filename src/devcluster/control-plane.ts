/**
 * A real, throw-away Kubernetes control plane on 127.0.0.1: etcd (in /dev/shm, no fsync) and kube-apiserver
 * with generated certificates, optionally kube-controller-manager, kube-scheduler and kwok with fake nodes.
 * Every port is free-picked per run and every process runs in its own process group; `stop()` (and the
 * process-wide hooks in ./processes) leave nothing running. This is the I/O edge used by both the
 * `cdk8s-otel dev-cluster` command and the integration tests.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { BinaryName, requireBinary } from './binaries';
import { ClusterCertificates, writeClusterCertificates } from './certs';
import { KubeClient, KubeObject } from './kube-client';
import { liveProcessGroups, ManagedProcess, Reaper, startProcess, tailFile } from './processes';
import { DEFAULT_NODE_NAME, RealNode, RealNodeOptions, startRealNode } from './real-node/node';
import { kubeconfigYaml } from './real-node/config';
import { NodeNetwork, checkNetworkTools, setUpNodeNetwork } from './real-node/netns';
import { forwardTcp, TcpForward } from './tcp-forward';

export interface ControlPlaneOptions {
  /** Folder holding the binaries. @default KUBEBUILDER_ASSETS, then the build script's cache */
  readonly binDir?: string;
  /** Also run kube-controller-manager and kube-scheduler (Deployments get ReplicaSets, Pods get nodes). @default false */
  readonly withControllers?: boolean;
  /** Run kwok and create this many fake, Ready nodes (pods reach them through the scheduler, or spec.nodeName). @default 0 */
  readonly nodes?: number;
  /**
   * Keep the ServiceAccount admission plugin on, as in a real cluster: pods get the `default` ServiceAccount and its
   * token volume mounted (needs withControllers, whose service account controller makes `default` in each namespace).
   * @default false
   */
  readonly serviceAccountAdmission?: boolean;
  /** A kwok configuration file (e.g. Stage documents replacing kwok's default pod stages). @default kwok's built-in stages */
  readonly kwokConfig?: string;
  /** Parent folder of the run's temp folder. @default os.tmpdir() */
  readonly baseDir?: string;
  /** Keep the temp folder (certificates, kubeconfig, logs) after stop. @default false */
  readonly keepDir?: boolean;
  /** Progress messages. @default none */
  readonly log?: (message: string) => void;
  /** Give up starting after this long. @default 120000 */
  readonly startTimeoutMs?: number;
  /**
   * More kube-apiserver flags, after ours (a later flag wins), e.g. `--watch-cache=false` so that watches are
   * served by etcd and expire with its compaction. @default none
   */
  readonly apiserverArgs?: readonly string[];
  /**
   * Run a real node (kubelet, containerd, kube-proxy in a network namespace of our own; needs withControllers and
   * root): the API server then also serves on the node's veth peer address, advertises it (the `kubernetes`
   * Service gets that endpoint through the lease reconciler) and authorizes kubelets with the Node authorizer.
   * @default none
   */
  readonly realNode?: RealNodeOptions;
}

export interface ControlPlane {
  /** Temp folder with certificates, kubeconfig and one log file per component. */
  readonly dir: string;
  readonly kubeconfigPath: string;
  /** https://127.0.0.1:<port> */
  readonly server: string;
  /** etcd's client URL, http://127.0.0.1:<port> (e.g. to compact it with its JSON gateway) */
  readonly etcdUrl: string;
  readonly certs: ClusterCertificates;
  readonly processes: readonly ManagedProcess[];
  /** Names of the fake nodes kwok manages. */
  readonly nodeNames: readonly string[];
  /** Milliseconds from the call to ready (apiserver /readyz, controllers healthy, nodes Ready). */
  readonly startupMs: number;
  /** The real node, when asked for (ControlPlaneOptions.realNode). */
  readonly realNode?: RealNode;
  /** A new client authenticated as the admin (system:masters). */
  client(): KubeClient;
  /** Resolves when any component exits unexpectedly, with its name and exit status. */
  readonly unexpectedExit: Promise<{ name: string; status: number | string }>;
  /** Stops every component (reverse start order) and removes the temp folder unless keepDir. Idempotent. */
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function get(url: string, options: https.RequestOptions = {}): Promise<{ status: number; body: string }> {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.get(url, { ...options, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** A fake node that kwok takes over (it keeps it Ready and runs pods bound to it). */
export function kwokNode(name: string): KubeObject {
  const resources = { cpu: '32', memory: '256Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
      },
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
    },
    status: { allocatable: resources, capacity: resources },
  };
}

const tempDirsToRemove = new Set<string>();
let exitCleanupInstalled = false;
function removeOnExit(dir: string): void {
  tempDirsToRemove.add(dir);
  if (exitCleanupInstalled) return;
  exitCleanupInstalled = true;
  process.on('exit', () => {
    for (const d of tempDirsToRemove) fs.rmSync(d, { recursive: true, force: true });
  });
}

/** Starts a control plane and waits until it is ready. On any failure it stops what it started and throws. */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  const deadline = started + timeoutMs;
  const nodeCount = options.nodes ?? 0;

  const needed: BinaryName[] = ['etcd', 'kube-apiserver'];
  if (options.withControllers) needed.push('kube-controller-manager', 'kube-scheduler');
  if (nodeCount > 0) needed.push('kwok');
  if (options.realNode) {
    if (!options.withControllers) throw new Error('a real node needs the controllers (withControllers: true)');
    checkNetworkTools();
    needed.push('kubelet', 'kube-proxy');
  }
  const bin = Object.fromEntries(needed.map((n) => [n, requireBinary(n, options.binDir)])) as Record<
    BinaryName,
    string
  >;

  const dir = fs.mkdtempSync(path.join(options.baseDir ?? os.tmpdir(), 'cdk8s-otel-cp-'));
  const shm = '/dev/shm';
  const etcdDir = fs.existsSync(shm)
    ? fs.mkdtempSync(path.join(shm, 'cdk8s-otel-etcd-'))
    : fs.mkdtempSync(path.join(dir, 'etcd-'));
  if (!options.keepDir) removeOnExit(dir);
  removeOnExit(etcdDir);

  const processes: ManagedProcess[] = [];
  const nodeDir = path.join(dir, 'node');
  const reaper = new Reaper(path.join(dir, 'pgids'), options.keepDir ? [etcdDir] : [etcdDir, dir], path.join(nodeDir, 'cleanup.sh'));
  let net: NodeNetwork | undefined;
  let forward: TcpForward | undefined;
  let realNode: RealNode | undefined;
  const ours = new Set<number>();
  const sync = () => reaper.track(liveProcessGroups().filter((g) => ours.has(g)));
  let stopped = false;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      stopped = true;
      await realNode?.stop();
      await forward?.close();
      for (const p of [...processes].reverse()) await p.stop();
      net?.remove();
      reaper.stop();
      fs.rmSync(etcdDir, { recursive: true, force: true });
      tempDirsToRemove.delete(etcdDir);
      if (!options.keepDir) {
        fs.rmSync(dir, { recursive: true, force: true });
        tempDirsToRemove.delete(dir);
      }
    })();
    return stopping;
  };

  let reportExit: (v: { name: string; status: number | string }) => void = () => undefined;
  const unexpectedExit = new Promise<{ name: string; status: number | string }>((r) => (reportExit = r));
  const launch = (name: string, command: string, args: string[]): ManagedProcess => {
    const p = startProcess({ name, command, args, logDir: dir, onChange: sync });
    processes.push(p);
    ours.add(p.pid);
    sync();
    void p.exited.then((status) => {
      if (!stopped) reportExit({ name, status });
    });
    return p;
  };

  /** Polls until `probe` is true; fails early, with the log tail, if `proc` exits. */
  const waitUntil = async (what: string, proc: ManagedProcess | undefined, probe: () => Promise<boolean>) => {
    for (;;) {
      if (proc && !proc.isRunning()) {
        throw new Error(`${proc.name} exited while waiting for ${what}; last log lines:\n${tailFile(proc.logFile)}`);
      }
      try {
        if (await probe()) return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) {
        const logs = proc ? `; last log lines of ${proc.name}:\n${tailFile(proc.logFile)}` : '';
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${logs}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  try {
    if (options.realNode) {
      // the namespace first: its veth address goes into the API server's certificate and flags
      const holder = launch('node-netns', 'unshare', ['--net', '--', 'sleep', 'infinity']);
      await waitUntil('the node namespace', holder, async () => fs.existsSync(`/proc/${holder.pid}/ns/net`));
      net = setUpNodeNetwork(holder.pid);
      log(`node namespace: veth ${net.hostIf} ${net.addresses.hostIp} <-> ${net.addresses.nodeIp}`);
    }
    const nodeName = DEFAULT_NODE_NAME;
    const certs = await writeClusterCertificates(
      dir,
      net
        ? {
          serverIps: [net.addresses.hostIp],
          clients: {
            kubelet: { cn: `system:node:${options.realNode?.nodeName ?? nodeName}`, groups: ['system:nodes'] },
            'kube-proxy': { cn: 'system:kube-proxy' },
            coredns: { cn: 'cdk8s-otel-coredns', groups: ['system:masters'] },
          },
        }
        : {},
    );
    const [etcdPort, etcdPeerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const server = `https://127.0.0.1:${apiPort}`;
    const kubeconfigPath = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfigPath, kubeconfigYaml(server, certs.caCert, certs.adminCert, certs.adminKey, 'admin'), { mode: 0o600 });

    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    const etcd = launch('etcd', bin.etcd, [
      '--name=dev',
      `--data-dir=${etcdDir}`,
      '--unsafe-no-fsync=true',
      '--log-level=warn',
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=dev=${peerUrl}`,
    ]);
    log(`etcd starting on ${etcdUrl}`);
    await waitUntil('etcd /health', etcd, async () => (await get(`${etcdUrl}/health`)).status === 200);

    const apiserver = launch('kube-apiserver', bin['kube-apiserver'], [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      // with a real node, in-cluster clients reach the API server through the `kubernetes` Service
      ...(net
        ? [
          `--advertise-address=${net.addresses.hostIp}`,
          '--endpoint-reconciler-type=lease',
          // the node's name resolves nowhere: logs/exec/port-forward dial its InternalIP (the veth address)
          '--kubelet-preferred-address-types=InternalIP,Hostname',
        ]
        : ['--advertise-address=127.0.0.1', '--endpoint-reconciler-type=none']),
      `--cert-dir=${path.join(dir, 'apiserver-certs')}`,
      `--tls-cert-file=${certs.serverCert}`,
      `--tls-private-key-file=${certs.serverKey}`,
      `--client-ca-file=${certs.caCert}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${certs.serviceAccountPub}`,
      `--service-account-signing-key-file=${certs.serviceAccountKey}`,
      // room for thousands of Services (a /24 is full after ~126 collectors with their two ClusterIP Services each)
      '--service-cluster-ip-range=10.0.0.0/16',
      net ? '--authorization-mode=Node,RBAC' : '--authorization-mode=RBAC',
      ...(options.serviceAccountAdmission ? [] : ['--disable-admission-plugins=ServiceAccount']),
      '--allow-privileged=true',
      '--enable-priority-and-fairness=false',
      '--profiling=false',
      '--v=1',
      ...(options.apiserverArgs ?? []),
    ]);
    log(`kube-apiserver starting on ${server}`);
    const client = () =>
      new KubeClient({ server, caFile: certs.caCert, certFile: certs.adminCert, keyFile: certs.adminKey });
    const probeClient = client();
    try {
      await waitUntil('kube-apiserver /readyz', apiserver, async () => {
        await probeClient.request('GET', '/readyz');
        return true;
      });
      // /readyz can pass a moment before the bootstrap namespaces exist.
      await waitUntil('namespace default', apiserver, async () => !!(await probeClient.tryGet('v1', 'Namespace', 'default')));
      log(`kube-apiserver ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (net) forward = await forwardTcp(net.addresses.hostIp, apiPort, '127.0.0.1');

      const componentArgs = (port: number) => [
        `--kubeconfig=${kubeconfigPath}`,
        `--authentication-kubeconfig=${kubeconfigPath}`,
        `--authorization-kubeconfig=${kubeconfigPath}`,
        '--leader-elect=false',
        '--bind-address=127.0.0.1',
        `--secure-port=${port}`,
      ];
      const healthz = (port: number) => async () =>
        (await get(`https://127.0.0.1:${port}/healthz`, { rejectUnauthorized: false })).status === 200;
      if (options.withControllers) {
        const kcmPort = await freePort();
        const kcm = launch('kube-controller-manager', bin['kube-controller-manager'], [
          ...componentArgs(kcmPort),
          `--cert-dir=${path.join(dir, 'kcm-certs')}`,
          `--root-ca-file=${certs.caCert}`,
          `--service-account-private-key-file=${certs.serviceAccountKey}`,
          '--use-service-account-credentials=false',
          '--controllers=*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-node-route-controller',
          '--v=1',
        ]);
        const schedPort = await freePort();
        const scheduler = launch('kube-scheduler', bin['kube-scheduler'], [
          ...componentArgs(schedPort),
          `--cert-dir=${path.join(dir, 'scheduler-certs')}`,
          '--v=1',
        ]);
        await waitUntil('kube-controller-manager /healthz', kcm, healthz(kcmPort));
        await waitUntil('kube-scheduler /healthz', scheduler, healthz(schedPort));
        log('kube-controller-manager and kube-scheduler healthy');
      }

      const nodeNames: string[] = [];
      if (nodeCount > 0) {
        const kwok = launch('kwok', bin.kwok, [
          `--kubeconfig=${kubeconfigPath}`,
          '--manage-all-nodes=true',
          '--cidr=10.244.0.1/16',
          '--node-ip=10.255.0.1',
          '--node-lease-duration-seconds=40',
          ...(options.kwokConfig ? [`--config=${options.kwokConfig}`] : []),
        ]);
        for (let i = 0; i < nodeCount; i++) {
          const node = kwokNode(`kwok-node-${i}`);
          await probeClient.create(node);
          nodeNames.push(node.metadata!.name!);
        }
        await waitUntil(`${nodeCount} kwok node(s) Ready`, kwok, async () => {
          const nodes = await probeClient.list<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(
            'v1',
            'Node',
          );
          const ready = nodes.items.filter((n) =>
            n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
          );
          return ready.length >= nodeCount;
        });
        log(`kwok manages ${nodeCount} Ready fake node(s)`);
      }

      if (net && options.realNode) {
        fs.mkdirSync(nodeDir, { recursive: true });
        const nodeStart = Date.now();
        realNode = await startRealNode(
          {
            dir: nodeDir,
            net,
            server: `https://${net.addresses.hostIp}:${apiPort}`,
            caCert: certs.caCert,
            kubeletCert: certs.clients.kubelet,
            kubeProxyCert: certs.clients['kube-proxy'],
            dnsCert: certs.clients.coredns,
            bin: {
              kubelet: bin.kubelet,
              'kube-proxy': bin['kube-proxy'],
              coredns: options.realNode.dns === false ? undefined : requireBinary('coredns', options.binDir),
            },
            launch,
            log,
          },
          options.realNode,
        );
        const kubelet = realNode.processes.find((p) => p.name === 'kubelet');
        await waitUntil(`node ${realNode.name} Ready`, kubelet, async () => {
          const node = await probeClient.tryGet<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(
            'v1',
            'Node',
            realNode!.name,
          );
          return !!node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
        });
        nodeNames.push(realNode.name);
        log(`real node ${realNode.name} Ready ${((Date.now() - nodeStart) / 1000).toFixed(1)} s after its start (${realNode.nodeIp})`);
      }

      const startupMs = Date.now() - started;
      log(`control plane ready in ${(startupMs / 1000).toFixed(1)} s (${dir})`);
      return {
        dir,
        kubeconfigPath,
        server,
        etcdUrl,
        certs,
        processes,
        nodeNames,
        startupMs,
        realNode,
        client,
        unexpectedExit,
        stop,
      };
    } finally {
      probeClient.close();
    }
  } catch (e) {
    await stop();
    throw e;
  }
}

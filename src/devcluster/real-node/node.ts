/**
 * A real Kubernetes node for the dev cluster (I/O edge): containerd (Debian's), the kubelet and kube-proxy
 * (built like the control plane), all inside the network namespace of ./netns, with the CNI bridge and the pods.
 * Its InternalIP is the node side of the veth pair, so the API server reaches the kubelet for logs and exec.
 * `stop()` removes containers, mounts, links, the veth and the namespace's processes; see ./cleanup.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as sockets from 'node:net';
import * as path from 'node:path';
import { ManagedProcess, tailFile } from '../processes';
import { cleanupScript, mountsUnder, processesMentioning, removeContainerLogLinks, removeContainers, removeEmptyContainerCgroups, removeRuncContainers, unmountUnder } from './cleanup';
import { CLUSTER_DOMAIN, cniConflist, containerdToml, kubeconfigYaml, kubeletConfigYaml, kubeProxyConfigYaml } from './config';
import { ensureImages, NodeImage, PAUSE_IMAGE } from './images';
import { NodeNetwork } from './netns';
import { LocalRegistry, startRegistry, writeContainerdHostsConfig } from './registry';

export interface RealNodeOptions {
  /** The node's name. @default 'cdk8s-otel-node' */
  readonly nodeName?: string;
  /** The pod sandbox ("pause") image; it must be pullable (mirror) or imported. @default PAUSE_IMAGE (node-images) */
  readonly sandboxImage?: string;
  /**
   * Start the local registry on the veth's root-side address and mirror every registry host the tests name to it
   * (containerd's `config_path`), so pods pull with their usual image names. @default true
   */
  readonly registry?: boolean;
  /** Images to build (cached) and push before the node starts, by ensureImages' names; 'all' for every one. @default none */
  readonly images?: readonly string[] | 'all';
  /** Image archives (docker-archive or OCI tar) imported into containerd before the kubelet starts. @default none */
  readonly importImages?: readonly string[];
  /** Run kube-proxy (ClusterIP Services for pods). @default true */
  readonly kubeProxy?: boolean;
  /**
   * Run CoreDNS in the node's namespace on the node's address (the pods' nameserver: Service and pod names of
   * cluster.local; nothing outside the cluster is resolved). @default true
   */
  readonly dns?: boolean;
}

/** What the control plane hands the node. */
export interface NodeContext {
  /** The node's folder (created). */
  readonly dir: string;
  readonly net: NodeNetwork;
  /** https://<veth root address>:<port> */
  readonly server: string;
  readonly caCert: string;
  readonly kubeletCert: { cert: string; key: string };
  readonly kubeProxyCert: { cert: string; key: string };
  /** CoreDNS's credentials (it lists Services, EndpointSlices, namespaces and pods cluster-wide). */
  readonly dnsCert: { cert: string; key: string };
  readonly bin: { kubelet: string; 'kube-proxy': string; coredns?: string };
  /** Starts a process (registered with the control plane's reaper and exit watch). */
  readonly launch: (name: string, command: string, args: string[]) => ManagedProcess;
  readonly log: (message: string) => void;
}

export interface RealNode {
  readonly name: string;
  readonly dir: string;
  readonly nodeIp: string;
  readonly hostIp: string;
  /** The pods' /24 (routed into the veth from the root namespace). */
  readonly podCidr: string;
  readonly containerdSocket: string;
  readonly processes: readonly ManagedProcess[];
  /** host:port of the local registry (reachable from the root namespace and the node), if started. */
  readonly registry?: string;
  /** The images pushed at start (RealNodeOptions.images). */
  readonly images: readonly NodeImage[];
  /** Imports an image archive into the node's containerd (k8s.io namespace). */
  importImage(archive: string): void;
  /** Stops the node and removes everything it made. Idempotent. */
  stop(): Promise<void>;
}

export const DEFAULT_NODE_NAME = 'cdk8s-otel-node';

async function waitFor(what: string, proc: ManagedProcess, probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!proc.isRunning()) throw new Error(`${proc.name} exited while waiting for ${what}; last log lines:\n${tailFile(proc.logFile)}`);
    if (probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last log lines of ${proc.name}:\n${tailFile(proc.logFile)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A port that was free a moment ago on `host`. */
function freePortOn(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = sockets.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as sockets.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** GET http://127.0.0.1:port/path inside the node's namespace (bash's /dev/tcp): true when the body has `expect`. */
function inNsHttpOk(net: NodeNetwork, port: number, urlPath: string, expect: string): boolean {
  try {
    const script = `exec 3<>/dev/tcp/127.0.0.1/${port} && printf "GET ${urlPath} HTTP/1.0\\r\\n\\r\\n" >&3 && cat <&3`;
    return net.run('bash', ['-c', script]).includes(expect);
  } catch {
    return false;
  }
}

/** CoreDNS for the cluster's names only, on the node's address; readiness on the namespace's loopback. */
export function corefile(listen: string, kubeconfig: string): string {
  return [
    '.:53 {',
    `    bind ${listen}`,
    '    errors',
    '    ready 127.0.0.1:8181',
    `    kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {`,
    `        kubeconfig ${kubeconfig}`,
    '        pods insecure',
    '        fallthrough in-addr.arpa ip6.arpa',
    '        ttl 5',
    '    }',
    '    cache 5',
    '}',
    '',
  ].join('\n');
}

/** Checks that containerd, runc and the CNI plugins are installed; the message says what to install. */
export function checkNodeRuntime(cniBinDir = '/usr/lib/cni'): void {
  for (const [tool, pkg] of [['containerd', 'containerd'], ['ctr', 'containerd'], ['runc', 'runc']]) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      throw new Error(`the real node needs '${tool}' (apt-get install ${pkg})`);
    }
  }
  for (const plugin of ['bridge', 'host-local', 'portmap', 'loopback']) {
    if (!fs.existsSync(path.join(cniBinDir, plugin))) {
      throw new Error(`the real node needs the CNI plugin ${cniBinDir}/${plugin} (apt-get install containernetworking-plugins)`);
    }
  }
}

/** Starts containerd, the kubelet and kube-proxy in the node's namespace; resolves once the kubelet serves. */
export async function startRealNode(ctx: NodeContext, options: RealNodeOptions): Promise<RealNode> {
  checkNodeRuntime();
  const name = options.nodeName ?? DEFAULT_NODE_NAME;
  const { dir, net } = ctx;
  const d = (...p: string[]) => path.join(dir, ...p);
  for (const sub of ['containerd', 'cni/net.d', 'cni/ipam', 'kubelet', 'pod-logs', 'kubelet-certs', 'volume-plugins']) {
    fs.mkdirSync(d(sub), { recursive: true });
  }
  const socket = d('containerd', 'containerd.sock');
  const podLogsDir = d('pod-logs');
  fs.writeFileSync(d('cleanup.sh'), cleanupScript({ dir, socket, podLogsDir, hostIf: net.hostIf, runcRoot: d('containerd/runc') }));

  const processes: ManagedProcess[] = [];
  const launchInNs = (procName: string, command: string, args: string[]) => {
    const w = net.wrap(command, args);
    const p = ctx.launch(procName, w.command, w.args);
    processes.push(p);
    return p;
  };
  const ctr = (...args: string[]) =>
    execFileSync('ctr', ['--address', socket, '--namespace', 'k8s.io', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  let registry: LocalRegistry | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const byName = (n: string) => processes.find((p) => p.name === n);
      await byName('kube-proxy')?.stop();
      await byName('kubelet')?.stop();
      if (byName('containerd')?.isRunning()) removeContainers(socket);
      await byName('containerd')?.stop();
      // shims that outlived containerd (their command line names its socket)
      for (const pid of processesMentioning(socket)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      // containers whose shim died with containerd still run: runc, which keeps their state in our folder, ends them
      removeRuncContainers(d('containerd/runc'));
      removeEmptyContainerCgroups();
      const left = unmountUnder(dir);
      if (left.length) ctx.log(`real node: could not unmount ${left.join(', ')}`);
      removeContainerLogLinks(podLogsDir);
      await registry?.stop();
      net.remove();
      if (!mountsUnder(dir).length) fs.rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    let registryConfigPath: string | undefined;
    let images: NodeImage[] = [];
    if (options.registry ?? true) {
      registry = await startRegistry({ listen: `${net.addresses.hostIp}:${await freePortOn(net.addresses.hostIp)}`, log: ctx.log });
      registryConfigPath = d('certs.d');
      writeContainerdHostsConfig(registryConfigPath, registry.address);
      if (options.images) {
        const t0 = Date.now();
        images = await ensureImages(registry.address, { only: options.images === 'all' ? undefined : [...options.images], log: ctx.log });
        ctx.log(`${images.length} image(s) in the local registry after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
    }
    fs.writeFileSync(d('cni/net.d/10-cdk8s-otel.conflist'), cniConflist({ bridge: 'cni0', ipamDataDir: d('cni/ipam'), podCidr: net.addresses.podCidr }));
    fs.writeFileSync(
      d('containerd/config.toml'),
      containerdToml({
        root: d('containerd/root'),
        state: d('containerd/state'),
        socket,
        cniConfDir: d('cni/net.d'),
        registryConfigPath,
        sandboxImage: options.sandboxImage ?? PAUSE_IMAGE,
        optDir: d('containerd/opt'),
        runcRoot: d('containerd/runc'),
      }),
    );
    const containerd = launchInNs('containerd', 'containerd', ['--config', d('containerd/config.toml'), '--log-level', 'warn']);
    await waitFor('containerd socket', containerd, () => {
      try {
        ctr('version');
        return true;
      } catch {
        return false;
      }
    }, 30_000);
    for (const archive of options.importImages ?? []) ctr('images', 'import', archive);

    const kubeconfig = (file: string, c: { cert: string; key: string }) => {
      fs.writeFileSync(file, kubeconfigYaml(ctx.server, ctx.caCert, c.cert, c.key), { mode: 0o600 });
      return file;
    };
    let clusterDns: string | undefined;
    if (options.dns ?? true) {
      if (!ctx.bin.coredns) throw new Error('coredns not found: bash scripts/build-control-plane.sh coredns');
      fs.writeFileSync(d('Corefile'), corefile(net.addresses.nodeIp, kubeconfig(d('coredns.kubeconfig'), ctx.dnsCert)));
      const dns = launchInNs('coredns', ctx.bin.coredns, ['-conf', d('Corefile')]);
      await waitFor('CoreDNS ready', dns, () => inNsHttpOk(net, 8181, '/ready', 'OK'), 60_000);
      clusterDns = net.addresses.nodeIp;
      ctx.log(`CoreDNS serving ${CLUSTER_DOMAIN} on ${clusterDns}:53`);
    }
    fs.writeFileSync(d('resolv.conf'), '# the real node has no upstream DNS\n');
    fs.writeFileSync(
      d('kubelet-config.yaml'),
      kubeletConfigYaml({
        nodeIp: net.addresses.nodeIp,
        containerdSocket: socket,
        podLogsDir,
        resolvConf: d('resolv.conf'),
        clusterDns,
      }) + `volumePluginDir: ${JSON.stringify(d('volume-plugins'))}\n`,
    );
    const kubelet = launchInNs('kubelet', ctx.bin.kubelet, [
      `--config=${d('kubelet-config.yaml')}`,
      `--kubeconfig=${kubeconfig(d('kubelet.kubeconfig'), ctx.kubeletCert)}`,
      `--root-dir=${d('kubelet')}`,
      `--cert-dir=${d('kubelet-certs')}`,
      `--hostname-override=${name}`,
      `--node-ip=${net.addresses.nodeIp}`,
      '--v=1',
    ]);
    ctx.log(`kubelet starting in the node namespace (${net.addresses.nodeIp})`);
    if (options.kubeProxy ?? true) {
      fs.writeFileSync(
        d('kube-proxy-config.yaml'),
        kubeProxyConfigYaml({ kubeconfig: kubeconfig(d('kube-proxy.kubeconfig'), ctx.kubeProxyCert), nodeName: name, nodeIp: net.addresses.nodeIp }),
      );
      launchInNs('kube-proxy', ctx.bin['kube-proxy'], [`--config=${d('kube-proxy-config.yaml')}`, '--v=1']);
    }
    await waitFor('kubelet /healthz', kubelet, () => inNsHttpOk(net, 10248, '/healthz', 'ok'), 60_000);
    return {
      name,
      dir,
      nodeIp: net.addresses.nodeIp,
      hostIp: net.addresses.hostIp,
      podCidr: net.addresses.podCidr,
      containerdSocket: socket,
      processes,
      registry: registry?.address,
      images,
      importImage: (archive) => void ctr('images', 'import', archive),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

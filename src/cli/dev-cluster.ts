/**
 * `cdk8s-otel dev-cluster`: a real kube-apiserver + etcd on 127.0.0.1 in the foreground, optionally with
 * kube-controller-manager, kube-scheduler and kwok fake nodes, until Ctrl-C.
 */
import { ControlPlane, findBinary, KUBERNETES_VERSION, startControlPlane } from '../devcluster';
import { binariesFor, buildMissingBinaries } from '../devcluster/build';

export interface DevClusterOptions {
  /** Fake kwok nodes to create (0 = no kwok). @default 0 */
  readonly nodes?: number | string;
  /** Run kube-controller-manager and kube-scheduler. @default false */
  readonly withControllers?: boolean;
  /** Run a real node (kubelet + containerd in a network namespace of our own; implies withControllers). @default false */
  readonly realNode?: boolean;
  /** The images (ensureImages ids, comma-separated, or `all`) pushed to the real node's registry. @default DEFAULT_NODE_IMAGES */
  readonly nodeImages?: string;
  /** Folder with the binaries. @default KUBEBUILDER_ASSETS, then the build script's cache */
  readonly binDir?: string;
  /** Keep the temp folder (certificates, kubeconfig, logs) after stopping. @default false */
  readonly keepDir?: boolean;
  /** Where messages go. @default process.stdout / process.stderr */
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
  /** Resolves to stop the cluster (tests); SIGINT/SIGTERM always stop it. */
  readonly until?: Promise<unknown>;
  /** Called once the cluster is ready (tests). */
  readonly onReady?: (cp: ControlPlane) => void;
}

/** The images a real node gets by default: enough for collectors and telemetrygen Jobs. */
export const DEFAULT_NODE_IMAGES = 'pause,busybox,otelcol,telemetrygen';

/**
 * Runs the dev cluster until SIGINT/SIGTERM (or `until`), then stops every component.
 * @returns 0 after a clean stop, 1 if it could not start or a component died, 2 for a bad option.
 */
export async function runDevCluster(opts: DevClusterOptions = {}): Promise<number> {
  const out = opts.out ?? ((l: string) => process.stdout.write(l + '\n'));
  const err = opts.err ?? ((l: string) => process.stderr.write(l + '\n'));
  const nodes = opts.nodes === undefined ? 0 : Number(opts.nodes);
  if (!Number.isInteger(nodes) || nodes < 0 || nodes > 1000) {
    err(`cdk8s-otel dev-cluster: --nodes must be an integer from 0 to 1000, got ${String(opts.nodes)}`);
    return 2;
  }
  const images = (opts.nodeImages ?? DEFAULT_NODE_IMAGES).split(',').map((s) => s.trim()).filter(Boolean);
  if (opts.realNode && !images.length) {
    err('cdk8s-otel dev-cluster: --node-images must name at least one image (e.g. pause,busybox) or be "all"');
    return 2;
  }
  if (opts.realNode && process.getuid?.() !== 0) {
    err('cdk8s-otel dev-cluster: --real-node needs root (network namespace, veth, mounts, containerd); run it as root');
    return 2;
  }
  const withControllers = opts.withControllers || opts.realNode;
  if (nodes > 0 && !withControllers) {
    err('note: without --with-controllers nothing schedules pods; set spec.nodeName to place them on kwok nodes');
  }

  // Install our handlers before starting, so that Ctrl-C during start-up also stops cleanly.
  let stopRequested: (signal: string) => void = () => undefined;
  const stopSignal = new Promise<string>((resolve) => (stopRequested = resolve));
  const onSignal = (signal: NodeJS.Signals) => stopRequested(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // The components are detached and unref'd: without a timer Node would see nothing left to do and exit.
  const keepAlive = setInterval(() => undefined, 60_000);
  let cp: ControlPlane | undefined;
  try {
    // a fresh clone has no binaries yet: build what this cluster needs (with progress) instead of failing
    await buildMissingBinaries(binariesFor({ withControllers, nodes, realNode: opts.realNode }), out, opts.binDir);
    out(`starting Kubernetes ${KUBERNETES_VERSION} control plane on 127.0.0.1 ...`);
    const starting = startControlPlane({
      binDir: opts.binDir,
      withControllers,
      nodes,
      realNode: opts.realNode ? { images: images.includes('all') ? 'all' : images } : undefined,
      keepDir: opts.keepDir,
      log: (m) => out(`  ${m}`),
    });
    const first = await Promise.race([starting, stopSignal]);
    if (typeof first === 'string') {
      // Interrupted during start-up: wait for it, then stop it.
      await starting.then((c) => c.stop()).catch(() => undefined);
      out(`${first}: stopped`);
      return 0;
    }
    cp = first;
    out('');
    out(`control plane ready in ${(cp.startupMs / 1000).toFixed(1)} s`);
    out(`  API server:  ${cp.server}`);
    out(`  kubeconfig:  ${cp.kubeconfigPath}`);
    out(`  logs:        ${cp.dir}/*.log`);
    const kwokNodes = cp.nodeNames.filter((n) => n !== cp!.realNode?.name);
    if (kwokNodes.length) out(`  kwok nodes:  ${kwokNodes.join(', ')}`);
    if (cp.realNode) {
      out(`  real node:   ${cp.realNode.name} at ${cp.realNode.nodeIp} (pods get ${cp.realNode.podCidr} inside its network namespace)`);
      if (cp.realNode.registry) out(`  registry:    http://${cp.realNode.registry} (mirrors ghcr.io, docker.io, ... for the node)`);
      for (const i of cp.realNode.images) out(`    ${i.name}  ${(i.bytes / 1e6).toFixed(1)} MB`);
    }
    out('');
    out(`  export KUBECONFIG=${cp.kubeconfigPath}`);
    // The kubectl built with the server (a distribution's kubectl may be too old for 1.36).
    const kubectl = findBinary('kubectl', opts.binDir) ?? 'kubectl';
    out(`  ${kubectl} get --raw /readyz; ${kubectl} get nodes,namespaces`);
    out('');
    out('Press Ctrl-C to stop.');
    opts.onReady?.(cp);

    const waits: Promise<string | { name: string; status: number | string }>[] = [stopSignal, cp.unexpectedExit];
    if (opts.until) waits.push(opts.until.then(() => 'stop requested'));
    const why = await Promise.race(waits);
    if (typeof why === 'string') {
      out(`${why}: stopping ...`);
      await cp.stop();
      out('stopped');
      return 0;
    }
    err(`cdk8s-otel dev-cluster: ${why.name} exited unexpectedly (${why.status}); logs in ${cp.dir}`);
    await cp.stop();
    return 1;
  } catch (e) {
    err(`cdk8s-otel dev-cluster: ${(e as Error).message}`);
    await cp?.stop();
    return 1;
  } finally {
    clearInterval(keepAlive);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

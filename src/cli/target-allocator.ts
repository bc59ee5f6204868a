import { AllocatorConfig, parseAllocatorConfig } from '../allocator/config';
import { loadHasher } from '../allocator/hasher';
import { Listener, listenHttp, listenMtls, parseListenAddr } from '../allocator/listeners';
import { AllocatorMetrics } from '../allocator/metrics';
import { createApiHandler } from '../allocator/server';
import { AllocatorService, configDirOf } from '../allocator/service';
import type { KubeApi } from '../kube';
import { EXIT_INVALID_INPUT, EXIT_OK, oneLine, readTextFile, reportError } from './io';

export interface TargetAllocatorOptions {
  /** path of the config file (upstream's `--config-file`, `targetallocator.yaml` format) */
  readonly config: string;
  /** overrides `listen_addr`, e.g. `127.0.0.1:8080` or `:0` */
  readonly listen?: string;
  /** kubeconfig outside a cluster (upstream's `--kubeconfig-path`); overrides `kube_config_file_path` */
  readonly kubeconfig?: string;
}

export interface TargetAllocatorIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** environment for upstream's overrides (OTELCOL_NAMESPACE, ALLOW_INSECURE_AUTH_SECRETS); default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** stops the allocator when aborted (tests); SIGINT and SIGTERM always do */
  readonly signal?: AbortSignal;
  /** called once the listeners are bound, with their addresses */
  readonly onListening?: (addresses: { http: string; https?: string }) => void;
  /** batching delay of discovery updates in ms (default 1000) */
  readonly debounceMs?: number;
  /** batching delay of collector pod changes in ms (default 5000, upstream's) */
  readonly collectorDebounceMs?: number;
}

/**
 * `cdk8s-otel target-allocator --config FILE`: runs the target allocator until SIGINT/SIGTERM (or `io.signal`):
 * static, file and Kubernetes discovery, collectors listed or discovered from their pods. Returns the exit code
 * as {@link EXIT_CODES_HELP}: 0 after a clean stop, 1 for an invalid config, no cluster to talk to or a listener
 * that cannot bind, 2 for a config file that does not exist or cannot be read.
 */
export async function runTargetAllocator(opts: TargetAllocatorOptions, io: TargetAllocatorIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const log = {
    info: (msg: string) => io.stdout.write(`${new Date().toISOString()} info ${msg}\n`),
    warn: (msg: string) => io.stderr.write(`${new Date().toISOString()} warn ${msg}\n`),
  };
  const stderr = { stderr: (t: string) => io.stderr.write(t) };
  let config: AllocatorConfig;
  try {
    const text = readTextFile(opts.config);
    config = parseAllocatorConfig(text, opts.config, io.env ?? process.env);
    if (opts.listen) parseListenAddr(opts.listen);
    parseListenAddr(config.listenAddr);
    if (config.https.enabled) parseListenAddr(config.https.listenAddr);
  } catch (err) {
    return reportError('target-allocator', err, stderr);
  }

  let kube: (KubeApi & { close(): void }) | undefined;
  if (config.collectors.length === 0 || config.prometheusCrEnabled || config.scrapeConfigs.some((j) => j.kubernetesSD.length > 0)) {
    try {
      kube = connectKube(opts.kubeconfig ?? config.kubeConfigFilePath);
    } catch (err) {
      const file = opts.kubeconfig ?? config.kubeConfigFilePath;
      const message = (err as NodeJS.ErrnoException).code && file ? `cannot read kubeconfig ${file}: ${(err as Error).message}` : (err as Error).message;
      io.stderr.write(`target-allocator: ${message} (the config needs the Kubernetes API: collector discovery, kubernetes_sd_configs or prometheus_cr)\n`);
      return EXIT_INVALID_INPUT;
    }
  }

  const hasher = await loadHasher();
  const metrics = new AllocatorMetrics(true);
  const service = new AllocatorService(config, hasher, {
    configDir: configDirOf(opts.config), log, metrics, debounceMs: io.debounceMs, collectorDebounceMs: io.collectorDebounceMs, kube,
  });
  const listeners: Listener[] = [];
  let stopping: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => {
    stopping = resolve;
  });
  const onSignal = () => stopping?.();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  io.signal?.addEventListener('abort', onSignal, { once: true });
  try {
    await service.start();
    const plain = await listenHttp(opts.listen ?? config.listenAddr, createApiHandler(service, !config.allowInsecureAuthSecrets));
    listeners.push(plain);
    let secureAddress: string | undefined;
    if (config.https.enabled) {
      const secure = await listenMtls(config.https, createApiHandler(service, false), (err) => log.warn(err.message));
      listeners.push(secure);
      secureAddress = secure.address;
    }
    log.info(`target allocator serving on http://${plain.address}${secureAddress ? ` and https://${secureAddress} (mTLS)` : ''}; ` +
      `strategy ${config.allocationStrategy}, ${config.scrapeConfigs.length} jobs, ${service.allocator.collectors.length} collectors, ` +
      `${service.allocator.targets.length} targets`);
    io.onListening?.({ http: plain.address, https: secureAddress });
    if (io.signal?.aborted) stopping?.();
    await stopped;
    log.info('stopping');
    return EXIT_OK;
  } catch (err) {
    io.stderr.write(`target-allocator: ${oneLine(err instanceof Error ? err.message : String(err))}\n`);
    return EXIT_INVALID_INPUT;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    io.signal?.removeEventListener('abort', onSignal);
    await service.stop();
    kube?.close();
    await Promise.all(listeners.map((l) => l.close()));
  }
}

/**
 * The API server client, loaded only here: @kubernetes/client-node is ESM-only and jest cannot load it, so tests
 * run this command as a subprocess. Upstream reads `kube_config_file_path` (default ~/.kube/config) and falls back
 * to the pod's service account; client-node's defaults do the same ($KUBECONFIG, ~/.kube/config, in-cluster).
 */
function connectKube(kubeconfig: string | undefined): KubeApi & { close(): void } {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { ClientNodeKubeApi, loadKubeConfig } = require('../kube/client-node') as typeof import('../kube/client-node');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return new ClientNodeKubeApi(loadKubeConfig(kubeconfig), 'cdk8s-otel-target-allocator');
}

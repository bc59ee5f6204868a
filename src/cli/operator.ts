/**
 * `cdk8s-otel operator`: the runtime operator, in a cluster (service account) or outside it (`--kubeconfig`).
 * Flags and environment variables are upstream's where they exist. Flag parsing is pure and tested; the run
 * loads the client-node adapter lazily (ESM, not loadable by jest) and runs the manager until SIGINT/SIGTERM.
 */
import * as fs from 'node:fs';
import type { InstrumentationLanguage } from '../apis';
import { parseAddress } from '../operator/http';
import type { ManagerOptions } from '../operator/manager';
import type { WebhookFlags } from '../operator/webhooks/operator-options';
import { parseFipsDisabledComponents } from '../webhook/fips';
import type { FipsDisabledComponents } from '../webhook/fips';
import { EXIT_INVALID_INPUT, EXIT_OK, UsageError } from './io';

/** The flags as commander hands them over (strings and booleans). */
export interface OperatorFlags {
  kubeconfig?: string;
  collectorImage?: string;
  targetAllocatorImage?: string;
  autoInstrumentationJavaImage?: string;
  autoInstrumentationNodejsImage?: string;
  autoInstrumentationPythonImage?: string;
  autoInstrumentationDotnetImage?: string;
  autoInstrumentationGoImage?: string;
  autoInstrumentationApacheHttpdImage?: string;
  autoInstrumentationNginxImage?: string;
  enableGoInstrumentation?: boolean;
  enableNginxInstrumentation?: boolean;
  enableApacheHttpdInstrumentation?: boolean;
  enableJavaInstrumentation?: boolean;
  enableNodejsInstrumentation?: boolean;
  enablePythonInstrumentation?: boolean;
  enableDotnetInstrumentation?: boolean;
  enableMultiInstrumentation?: boolean;
  metricsAddr?: string;
  healthProbeAddr?: string;
  webhookPort?: string;
  webhookHost?: string;
  webhookCertDir?: string;
  webhookCertSecret?: string;
  webhookSecret?: string;
  webhookNamespace?: string;
  webhookService?: string;
  webhookCertValidity?: string;
  enableWebhooks?: boolean;
  enableLeaderElection?: boolean;
  leaderElectionNamespace?: string;
  watchNamespace?: string;
  labelsFilter?: string[];
  annotationsFilter?: string[];
  featureGates?: string;
  fipsDisabledComponents?: string;
  syncPeriod?: string;
  watchTimeout?: string;
  concurrency?: string;
  logLevel?: string;
}

/** Everything the run needs, checked. */
export interface OperatorConfig {
  readonly kubeconfig?: string;
  readonly manager: Omit<ManagerOptions, 'api' | 'log' | 'startWebhooks' | 'onLeadershipLost'>;
  readonly webhook: { readonly enabled: boolean; readonly host?: string; readonly port: number; readonly enabledLanguages: Partial<Record<InstrumentationLanguage, boolean>>; readonly multiInstrumentation: boolean }
    & Omit<WebhookFlags, 'host' | 'port' | 'enabledLanguages' | 'multiInstrumentation'>;
  readonly logLevel: string;
}

const LANGS: Array<[InstrumentationLanguage, string]> = [
  ['java', 'Java'], ['nodejs', 'Nodejs'], ['python', 'Python'], ['dotnet', 'Dotnet'], ['go', 'Go'], ['apacheHttpd', 'ApacheHttpd'], ['nginx', 'Nginx'],
];

/** The watches' server-side timeout: whole seconds, as the API takes it. */
function watchTimeoutSeconds(text: string): number {
  const ms = parseDuration(text, '--watch-timeout');
  if (ms < 1000 || ms % 1000 !== 0) throw new UsageError(`--watch-timeout ${text}: expected whole seconds, at least 1s (e.g. 30s or 5m)`);
  return ms / 1000;
}

/** `90s`, `10m`, `1h30m`, `500ms` → milliseconds (Go's time.ParseDuration units). */
export function parseDuration(text: string, flag: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms']!;
    matched = re.lastIndex;
  }
  if (!text || matched !== text.length || total <= 0) throw new UsageError(`${flag} ${text}: expected a positive duration such as 30s, 10m or 1h`);
  return total;
}

/** Checks the flags and the environment (WATCH_NAMESPACE, RELATED_IMAGE_*, POD_NAMESPACE); throws UsageError naming the flag. */
export function parseOperatorFlags(flags: OperatorFlags, env: NodeJS.ProcessEnv = process.env): OperatorConfig {
  const addr = (value: string | undefined, def: string, flag: string) => {
    try {
      return parseAddress(value ?? def, flag);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  };
  const webhookPort = Number(flags.webhookPort ?? '9443');
  if (!Number.isInteger(webhookPort) || webhookPort < 1 || webhookPort > 65535) {
    throw new UsageError(`--webhook-port ${flags.webhookPort}: expected a port number from 1 to 65535`);
  }
  const concurrency = Number(flags.concurrency ?? '4');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new UsageError(`--concurrency ${flags.concurrency}: expected an integer from 1 to 64`);
  }
  if (flags.kubeconfig && !fs.existsSync(flags.kubeconfig)) {
    throw new UsageError(`--kubeconfig ${flags.kubeconfig}: file not found (dev-cluster prints the path of its kubeconfig)`);
  }
  const logLevel = flags.logLevel ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new UsageError(`--log-level ${logLevel}: expected debug, info, warn or error`);
  for (const [flag, list] of [['--labels-filter', flags.labelsFilter], ['--annotations-filter', flags.annotationsFilter]] as const) {
    for (const re of list ?? []) {
      try {
        new RegExp(re);
      } catch (e) {
        throw new UsageError(`${flag} ${re}: not a regular expression (${(e as Error).message})`);
      }
    }
  }
  const gates = parseFeatureGates(flags.featureGates ?? '');
  const watch = (flags.watchNamespace ?? env.WATCH_NAMESPACE ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const images: Partial<Record<InstrumentationLanguage, string>> = {};
  const enabled: Partial<Record<InstrumentationLanguage, boolean>> = {};
  for (const [lang, cap] of LANGS) {
    const image = flags[`autoInstrumentation${cap}Image` as keyof OperatorFlags] as string | undefined
      ?? env[`RELATED_IMAGE_AUTO_INSTRUMENTATION_${lang === 'apacheHttpd' ? 'APACHE_HTTPD' : lang.toUpperCase()}`];
    if (image) images[lang] = image;
    const on = flags[`enable${cap}Instrumentation` as keyof OperatorFlags] as boolean | undefined;
    if (on !== undefined) enabled[lang] = on;
  }
  const leaderNamespace = flags.leaderElectionNamespace ?? env.POD_NAMESPACE ?? inClusterNamespace();
  if (flags.enableLeaderElection && !leaderNamespace) {
    throw new UsageError('--enable-leader-election: no namespace for the Lease outside a cluster; pass --leader-election-namespace');
  }
  return {
    kubeconfig: flags.kubeconfig,
    logLevel,
    manager: {
      watchNamespaces: watch.length ? watch : undefined,
      renderOptions: {
        defaultImage: flags.collectorImage ?? env.RELATED_IMAGE_COLLECTOR,
        targetAllocatorImage: flags.targetAllocatorImage ?? env.RELATED_IMAGE_TARGET_ALLOCATOR,
        labelsFilter: flags.labelsFilter,
        annotationsFilter: flags.annotationsFilter,
        networkPolicy: gates['operand.networkpolicy'] ?? true,
        fallbackStrategy: gates['operator.targetallocator.fallbackstrategy'] ?? false,
      },
      instrumentationImages: images,
      healthAddr: addr(flags.healthProbeAddr, ':8081', '--health-probe-addr'),
      metricsAddr: addr(flags.metricsAddr, ':8443', '--metrics-addr'),
      leaderElection: flags.enableLeaderElection ? { namespace: leaderNamespace! } : undefined,
      operatorNetworkPolicy: operatorNetworkPolicyFlags(gates, flags, env, webhookPort),
      syncPeriodMs: flags.syncPeriod ? parseDuration(flags.syncPeriod, '--sync-period') : undefined,
      watchTimeoutSeconds: flags.watchTimeout ? watchTimeoutSeconds(flags.watchTimeout) : undefined,
      concurrency,
    },
    webhook: {
      enabled: flags.enableWebhooks ?? true,
      host: flags.webhookHost,
      port: webhookPort,
      enabledLanguages: enabled,
      multiInstrumentation: flags.enableMultiInstrumentation ?? true,
      ...webhookCertificateFlags(flags, env),
      instrumentationImages: images,
      collectorImage: flags.collectorImage ?? env.RELATED_IMAGE_COLLECTOR,
      networkPolicyGate: gates['operand.networkpolicy'] ?? true,
      fipsDisabledComponents: fipsFlag(flags.fipsDisabledComponents ?? env.FIPS_DISABLED_COMPONENTS),
    },
  };
}

/** `--fips-disabled-components` (env FIPS_DISABLED_COMPONENTS, upstream's): a bad entry is a usage error. */
function fipsFlag(value: string | undefined): FipsDisabledComponents | undefined {
  if (value === undefined) return undefined;
  try {
    return parseFipsDisabledComponents(value);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/**
 * Gate `operator.networkpolicy` (beta, on): the operator's own NetworkPolicy in its namespace ($POD_NAMESPACE or the
 * in-cluster one; none known outside a cluster, so none made), letting in the webhook and metrics ports.
 */
function operatorNetworkPolicyFlags(gates: Record<string, boolean>, flags: OperatorFlags, env: NodeJS.ProcessEnv, webhookPort: number) {
  const namespace = env.POD_NAMESPACE ?? inClusterNamespace();
  if (!(gates['operator.networkpolicy'] ?? true) || !namespace) return undefined;
  const metrics = /:(\d+)$/.exec(flags.metricsAddr ?? ':8443');
  return {
    namespace,
    webhookPort: (flags.enableWebhooks ?? true) ? webhookPort : undefined,
    metricsPort: metrics && Number(metrics[1]) > 0 ? Number(metrics[1]) : undefined,
  };
}

/** The webhook certificate flags, checked: cert-manager's directory or Secret (not both), our Secret's name and lifetime. */
function webhookCertificateFlags(flags: OperatorFlags, env: NodeJS.ProcessEnv): Partial<WebhookFlags> {
  if (flags.webhookCertDir && flags.webhookCertSecret) {
    throw new UsageError('--webhook-cert-dir and --webhook-cert-secret: give one (both name cert-manager\'s certificate)');
  }
  if (flags.webhookCertDir && !fs.existsSync(flags.webhookCertDir)) {
    throw new UsageError(`--webhook-cert-dir ${flags.webhookCertDir}: no such directory (mount cert-manager's Secret there)`);
  }
  const validity = flags.webhookCertValidity ? parseDuration(flags.webhookCertValidity, '--webhook-cert-validity') : undefined;
  if (validity !== undefined && validity < 10_000) throw new UsageError(`--webhook-cert-validity ${flags.webhookCertValidity}: at least 10s`);
  return {
    certDir: flags.webhookCertDir,
    certSecret: flags.webhookCertSecret,
    secretName: flags.webhookSecret,
    namespace: flags.webhookNamespace ?? env.POD_NAMESPACE ?? inClusterNamespace(),
    serviceName: flags.webhookService,
    certValidityMs: validity,
  };
}

/** `a=true,-b,+c` or `a=false` → gate states; a gate without a value is on. */
export function parseFeatureGates(text: string): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([+-]?)([A-Za-z0-9._-]+)(?:=(true|false))?$/.exec(part);
    if (!m) throw new UsageError(`--feature-gates ${part}: expected gate, -gate or gate=true|false`);
    out[m[2]] = m[3] ? m[3] === 'true' : m[1] !== '-';
  }
  return out;
}

function inClusterNamespace(): string | undefined {
  try {
    return fs.readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/namespace', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs the operator until SIGINT/SIGTERM (or `until`). Exit code 0 after a clean stop, 1 when it could not start
 * or lost leadership.
 */
export async function runOperator(config: OperatorConfig, io: { stderr: (t: string) => void }, until?: Promise<unknown>): Promise<number> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  // loaded here, never at the top: @kubernetes/client-node is ESM-only and jest cannot load it
  const { ClientNodeKubeApi, loadKubeConfig } = require('../kube/client-node') as typeof import('../kube/client-node');
  const { Manager } = require('../operator/manager') as typeof import('../operator/manager');
  const { jsonLogger } = require('../common/log') as typeof import('../common/log');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const log = jsonLogger(config.logLevel);
  let api: InstanceType<typeof ClientNodeKubeApi>;
  try {
    api = new ClientNodeKubeApi(loadKubeConfig(config.kubeconfig));
  } catch (e) {
    io.stderr(`cdk8s-otel operator: ${(e as Error).message}\n`);
    return EXIT_INVALID_INPUT;
  }
  let stop: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  let exitCode = EXIT_OK;
  const onSignal = (signal: NodeJS.Signals) => stop(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  void until?.then(() => stop('until'));
  const keepAlive = setInterval(() => undefined, 60_000);
  const manager = new Manager({
    ...config.manager, api, log,
    startWebhooks: config.webhook.enabled ? webhookStarter(config, api, log) : undefined,
    onLeadershipLost: () => {
      exitCode = EXIT_INVALID_INPUT;
      stop('leadership lost');
    },
  });
  try {
    const started = manager.start().then(() => 'started');
    const first = await Promise.race([started, stopped]);
    if (first === 'started') log.info({ readyMs: manager.timings.readyMs }, 'operator running');
    const reason = first === 'started' ? await stopped : first;
    log.info({ reason }, 'stopping');
  } catch (e) {
    log.error({ err: (e as Error).message }, 'operator failed');
    io.stderr(`cdk8s-otel operator: ${(e as Error).message}\n`);
    exitCode = EXIT_INVALID_INPUT;
  } finally {
    await manager.stop().catch(() => undefined);
    api.close();
    clearInterval(keepAlive);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return exitCode;
}

/**
 * The webhook room (`src/operator/webhooks/`): the HTTPS server on upstream's paths with look-ups from the caches,
 * its certificates (our own in a Secret, or cert-manager's) and the caBundle injection. Outside a cluster without
 * `--webhook-host` the API server could not reach the server (it calls the Service), so none is started: the
 * operator says so and reconciles without webhooks, as upstream's `make run` does with ENABLE_WEBHOOKS=false.
 */
export function webhookStarter(config: OperatorConfig, api: import('../kube').KubeApi, log: import('../common/log').Logger): ManagerOptions['startWebhooks'] {
  const w = config.webhook;
  if (!w.host && !w.namespace && !w.certDir) {
    log.warn({}, 'webhooks not started: outside a cluster the API server cannot reach them through the Service; '
      + 'pass --webhook-host 127.0.0.1 to have them called by URL (or --enable-webhooks=false to silence this)');
    return undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const room = require('../operator/webhooks') as typeof import('../operator/webhooks');
  return async (cache, metrics) => room.startWebhooks(await room.operatorWebhookOptions({ api, log, cache, metrics, flags: w }));
}

/**
 * From the operator's flags to the webhook runtime: where the API server calls us (by URL with `--webhook-host`,
 * else through upstream's Service), where the certificates come from (our own in a Secret, or cert-manager's
 * Secret or mounted directory), the pod mutators' options (images, enabled languages, native sidecars on
 * Kubernetes ≥ 1.29 as upstream decides) and the request metrics.
 */
import { isIP } from 'node:net';
import type { InstrumentationLanguage } from '../../apis';
import { SERVING_CERT_SECRET } from '../../install';
import type { ClusterLookup } from '../contract';
import type { KubeApi } from '../../kube';
import type { Logger } from '../../common/log';
import type { WebhookRuntimeOptions } from './index';
import { DEFAULT_OPERATOR_NAMESPACE, DEFAULT_WEBHOOK_SERVICE, WebhookEndpoint } from './registration';
import type { CertificateSource } from './serving-secret';
import { EventRecorder } from '../events';
import { readFile } from 'node:fs/promises';
import { isEmptyFipsList } from '../../webhook';
import type { FipsDisabledComponents } from '../../webhook';

/** What the command line says about the webhooks. */
export interface WebhookFlags {
  /** `--webhook-host`: the API server calls `https://<host>:<port>` (an operator outside the cluster) @default - the Service */
  readonly host?: string;
  /** `--webhook-port` @default 9443 */
  readonly port: number;
  /** `--webhook-cert-dir`: cert-manager's Secret mounted here (`tls.crt`, `tls.key`) @default - none */
  readonly certDir?: string;
  /** `--webhook-cert-secret`: cert-manager's Secret, read (never written) @default - none */
  readonly certSecret?: string;
  /** `--webhook-secret`: the Secret holding our own CA and certificate @default the install's SERVING_CERT_SECRET */
  readonly secretName?: string;
  /** `--webhook-namespace`: of the Secret and the Service @default - $POD_NAMESPACE, the in-cluster one, else upstream's (in-cluster) or `default` (with a host) */
  readonly namespace?: string;
  /** `--webhook-service` @default upstream's 'opentelemetry-operator-webhook-service' */
  readonly serviceName?: string;
  /** `--webhook-cert-validity`, ms @default 1 year */
  readonly certValidityMs?: number;
  readonly enabledLanguages?: Partial<Record<InstrumentationLanguage, boolean>>;
  readonly multiInstrumentation?: boolean;
  readonly instrumentationImages?: Partial<Record<InstrumentationLanguage, string>>;
  readonly collectorImage?: string;
  /** the `operand.networkpolicy` gate @default true */
  readonly networkPolicyGate?: boolean;
  /** `--fips-disabled-components`, enforced when the host is in FIPS mode @default - none */
  readonly fipsDisabledComponents?: FipsDisabledComponents;
  /** where the kernel says whether FIPS mode is on @default '/proc/sys/crypto/fips_enabled' */
  readonly fipsModeFile?: string;
}

/**
 * The install's serving-certificate Secret (`opentelemetry-operator-controller-manager-service-cert`, upstream's
 * name): the operator makes and renews it, unless cert-manager's annotation says it is cert-manager's (then it is
 * only read). The install mounts it at controller-runtime's folder, but the operator reads the Secret itself, so a
 * renewal is served at once instead of after the kubelet's volume sync.
 */
export const DEFAULT_WEBHOOK_SECRET = SERVING_CERT_SECRET;

/** The metrics the manager exposes, by the shape the webhook server feeds. */
export interface WebhookMetrics {
  readonly webhookRequests: { inc(labels: { webhook: string; code: string }): void };
  readonly webhookLatency: { observe(labels: { webhook: string }, seconds: number): void };
}

/** Kubernetes ≥ 1.29 has native sidecars (restartPolicy Always init containers); upstream injects them there. */
export async function hasNativeSidecars(api: KubeApi): Promise<boolean> {
  try {
    const version = JSON.parse(await api.getRaw('/version')) as { major?: string; minor?: string };
    const major = parseInt(version.major ?? '', 10);
    const minor = parseInt(version.minor ?? '', 10);
    return major > 1 || (major === 1 && minor >= 29);
  } catch {
    return false;
  }
}

/**
 * Upstream's FIPS-mode detection: `1` in /proc/sys/crypto/fips_enabled; no such file: not FIPS; a file that cannot
 * be read: FIPS (rather deny a component than run a non-compliant one).
 */
export async function isFipsMode(file = '/proc/sys/crypto/fips_enabled'): Promise<boolean> {
  try {
    return (await readFile(file, 'utf8')).trim() === '1';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

export interface OperatorWebhookInput {
  readonly api: KubeApi;
  readonly log: Logger;
  readonly cache: ClusterLookup;
  readonly metrics?: WebhookMetrics;
  readonly flags: WebhookFlags;
  /** the operator's own namespace when known ($POD_NAMESPACE, the service account's) */
  readonly podNamespace?: string;
}

export async function operatorWebhookOptions(input: OperatorWebhookInput): Promise<WebhookRuntimeOptions> {
  const { flags } = input;
  const namespace = flags.namespace ?? input.podNamespace ?? (flags.host ? 'default' : DEFAULT_OPERATOR_NAMESPACE);
  const serviceName = flags.serviceName ?? DEFAULT_WEBHOOK_SERVICE;
  const endpoint: WebhookEndpoint = flags.host
    ? { url: `https://${isIP(flags.host) === 6 ? `[${flags.host}]` : flags.host}:${flags.port}` }
    : { service: { name: serviceName, namespace } };
  const validityMs = flags.certValidityMs ?? 365 * 24 * 3600_000;
  let certificates: CertificateSource;
  if (flags.certDir) certificates = { type: 'directory', dir: flags.certDir };
  else if (flags.certSecret) certificates = { type: 'secret', namespace, secretName: flags.certSecret };
  else {
    const names = flags.host
      ? (isIP(flags.host) ? { dnsNames: ['localhost'], ipAddresses: [flags.host] } : { dnsNames: [flags.host] })
      : { dnsNames: [`${serviceName}.${namespace}.svc`, `${serviceName}.${namespace}.svc.cluster.local`] };
    certificates = { type: 'self-signed', namespace, secretName: flags.secretName ?? DEFAULT_WEBHOOK_SECRET, certificate: { ...names, validityMs } };
  }
  const enabled: { [language: string]: boolean } = {};
  for (const [lang, on] of Object.entries(flags.enabledLanguages ?? {})) enabled[lang === 'apacheHttpd' ? 'apache-httpd' : lang] = on!;
  const metrics = input.metrics;
  // upstream's webhook records through the manager's recorder (`opentelemetry-operator`), the controllers' too
  const recorder = new EventRecorder(input.api, { log: input.log });
  let fipsDisabledComponents: FipsDisabledComponents | undefined;
  if (flags.fipsDisabledComponents && !isEmptyFipsList(flags.fipsDisabledComponents)) {
    const fips = await isFipsMode(flags.fipsModeFile);
    input.log.info({ fips, disabled: flags.fipsDisabledComponents }, fips ? 'FIPS mode: collectors using the FIPS-disabled components are rejected' : 'not in FIPS mode: --fips-disabled-components not enforced');
    if (fips) fipsDisabledComponents = flags.fipsDisabledComponents;
  }
  return {
    api: input.api,
    cache: input.cache,
    log: input.log,
    certificates,
    // our own certificates need the caBundle where the API server reads it; cert-manager's cainjector does that
    // for its own, unless we register by URL ourselves
    injection: certificates.type === 'self-signed' || flags.host ? { endpoint } : undefined,
    port: flags.port,
    listenHost: flags.host && isIP(flags.host) ? flags.host : undefined,
    checkIntervalMs: Math.min(60_000, Math.max(1000, Math.floor(validityMs / 10))),
    pod: {
      nativeSidecars: await hasNativeSidecars(input.api),
      collectorImage: flags.collectorImage,
      enabledLanguages: enabled,
      enableMultiInstrumentation: flags.multiInstrumentation,
      images: flags.instrumentationImages,
      onEvents: (pod, events) => {
        for (const e of events) input.log.info({ pod: `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? pod.metadata.generateName ?? ''}`, reason: e.reason, type: e.type }, e.message);
      },
    },
    customResources: {
      instrumentationImages: flags.instrumentationImages, networkPolicyGate: flags.networkPolicyGate,
      onEvent: (collector, e) => void recorder.record(collector, e.type, e.reason, e.message),
      fipsDisabledComponents,
    },
    onRequest: metrics ? (path, status, seconds) => {
      metrics.webhookRequests.inc({ webhook: path, code: String(status) });
      metrics.webhookLatency.observe({ webhook: path }, seconds);
    } : undefined,
  };
}

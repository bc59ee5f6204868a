/**
 * The operator's webhook server, started by the manager on every replica (leader or not): certificates from the
 * Secret (made, read or renewed), the caBundle where the API server needs it, the HTTPS server on upstream's
 * paths, and a timer that renews and reloads the certificate without a restart.
 */
import type { ClusterLookup } from '../contract';
import type { CustomResourceWebhookOptions } from '../../webhook';
import type { AdmissionReview, PodWebhookOptions } from '../../webhook';
import type { MutationLookup } from '../../instrumentation';
import type { KubeApi } from '../../kube';
import type { Logger } from '../../common/log';
import { operatorCanCreateRbac, subjectAccessReviewer, subjectReviewer } from './access-review';
import { CaInjectionOptions, injectCaBundle } from './ca-injection';
import { certificateSerial, renewalTime } from './certificates';
import { fetchMissingOwners, mutationLookupFromCache, withOwners } from './lookup';
import { POD_PATH, webhookRoutes } from './routes';
import { WebhookServer } from './server';
import { CertificateSource, loadServingCertificates, ServingCertificates } from './serving-secret';

export { WEBHOOK_REGISTRATIONS, webhookRoutes, CONVERT_PATH, POD_PATH } from './routes';
export { WebhookServer } from './server';
export type { WebhookRoute, WebhookServerOptions } from './server';
export * from './registration';
export * from './certificates';
export { loadServingCertificates } from './serving-secret';
export type { CertificateSource, ServingCertificates } from './serving-secret';
export { injectCaBundle } from './ca-injection';
export { mutationLookupFromCache } from './lookup';
export { subjectAccessReviewer, subjectReviewer, operatorCanCreateRbac } from './access-review';

export interface WebhookRuntimeOptions {
  readonly api: KubeApi;
  /** The informer caches (namespaces, collectors, Instrumentations, ReplicaSets, Deployments, Jobs, CronJobs). */
  readonly cache: ClusterLookup;
  readonly log: Logger;
  readonly certificates: CertificateSource;
  /**
   * Where the API server calls us, for the caBundle injection; undefined to inject nothing (cert-manager's
   * cainjector does it). @default - no injection
   */
  readonly injection?: CaInjectionOptions;
  /** @default 9443 */
  readonly port?: number;
  /** @default '0.0.0.0' */
  readonly listenHost?: string;
  /**
   * How often the certificate source is read again (another replica's renewal, cert-manager's rotation, the caBundle
   * wiped by a re-applied install). The certificate is also renewed at its renewal time, whichever comes first.
   * @default 60 s
   */
  readonly checkIntervalMs?: number;
  readonly pod?: PodWebhookOptions;
  readonly customResources?: CustomResourceWebhookOptions;
  /**
   * Deny a collector whose auto-RBAC ClusterRole would grant its service account permissions the requesting user
   * does not hold (SubjectAccessReviews), as upstream. @default true
   */
  readonly privilegeEscalationCheck?: boolean;
  /**
   * Upstream's RBAC warnings (TargetAllocator prometheusCR rules; "RBAC rules are missing" when the operator cannot
   * manage ClusterRoles, asked once at start with SelfSubjectAccessReviews). @default true
   */
  readonly rbacWarnings?: boolean;
  /** Metrics hook: path, HTTP status, seconds. */
  readonly onRequest?: (path: string, status: number, seconds: number) => void;
}

export interface RunningWebhooks {
  readonly port: number;
  /** Serial number of the certificate being served. */
  serial(): string;
  /** Reads the certificate source now, renewing, reloading and re-injecting as needed (what the timer does). */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

export async function startWebhooks(options: WebhookRuntimeOptions): Promise<RunningWebhooks> {
  const log = options.log.child({ component: 'webhooks' });
  let certs: ServingCertificates = await loadServingCertificates(options.api, options.certificates, log);
  if (options.injection && certs.caCert) await injectCaBundle(options.api, certs.caCert, options.injection, log);
  const cached = mutationLookupFromCache(options.cache);
  const rbacWarnings = options.rbacWarnings ?? true;
  let operatorCreatesRbac = true;
  if (rbacWarnings) {
    try {
      operatorCreatesRbac = await operatorCanCreateRbac(options.api);
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'could not ask whether the operator may manage ClusterRoles; assuming it may (no "RBAC rules are missing" warnings)');
    }
    if (!operatorCreatesRbac) log.info({}, 'the operator may not manage ClusterRoles/Bindings: collectors naming a serviceAccount get "RBAC rules are missing" warnings');
  }
  // the owners fetched for a request belong to that request only: concurrent requests never see each other's
  const fetchedFor = new WeakMap<AdmissionReview, MutationLookup>();
  const routes = webhookRoutes({
    lookup: (review) => fetchedFor.get(review) ?? cached, pod: options.pod, customResources: options.customResources,
    accessReviewer: options.privilegeEscalationCheck ?? true ? subjectAccessReviewer(options.api) : undefined,
    subjectReviewer: rbacWarnings ? subjectReviewer(options.api) : undefined, operatorCreatesRbac,
  });
  const pod = routes.get(POD_PATH);
  if (pod?.type === 'admission') {
    routes.set(POD_PATH, {
      type: 'admission',
      handler: async (review) => {
        const fetched = await fetchMissingOwners(options.api, options.cache, review.request?.namespace ?? '', (review.request?.object ?? {}) as Parameters<typeof fetchMissingOwners>[3]);
        fetchedFor.set(review, withOwners(cached, fetched));
        return pod.handler(review);
      },
    });
  }
  const server = new WebhookServer({
    routes,
    cert: certs.cert,
    key: certs.key,
    port: options.port,
    listenHost: options.listenHost,
    log,
    onRequest: options.onRequest,
  });
  const port = await server.listen();
  log.info({ port, serial: certificateSerial(certs.cert) }, 'serving webhooks');

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const checkInterval = options.checkIntervalMs ?? 60_000;
  const refresh = async () => {
    const next = await loadServingCertificates(options.api, options.certificates, log);
    if (next.cert !== certs.cert || next.key !== certs.key) {
      server.setCertificate(next.cert, next.key);
      log.info({ serial: certificateSerial(next.cert) }, 'reloaded the webhook certificate');
    }
    // every time, not only on change: a re-applied install may have wiped the caBundle (no write when current)
    if (options.injection && next.caCert) await injectCaBundle(options.api, next.caCert, options.injection, log);
    certs = next;
  };
  const schedule = () => {
    if (stopped) return;
    let delay = checkInterval;
    try {
      delay = Math.min(delay, Math.max(1000, renewalTime(certs.cert).getTime() - Date.now() + 500));
    } catch {
      // a certificate we cannot parse (cert-manager's, odd): the interval alone
    }
    timer = setTimeout(() => {
      // a request that never answers must not stop the renewals: the next round starts after at most a minute
      let guard: NodeJS.Timeout | undefined;
      const hung = new Promise<void>((_, reject) => {
        guard = setTimeout(() => reject(new Error('no answer from the API server within 60 s')), 60_000);
      });
      Promise.race([refresh(), hung])
        .catch((e: Error) => log.error({ err: e.message }, 'could not refresh the webhook certificate; serving the current one'))
        .finally(() => {
          clearTimeout(guard);
          schedule();
        });
    }, delay);
  };
  schedule();
  return {
    port,
    serial: () => certificateSerial(certs.cert),
    refresh,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await server.close();
    },
  };
}
export { operatorWebhookOptions, hasNativeSidecars, DEFAULT_WEBHOOK_SECRET } from './operator-options';
export type { WebhookFlags, OperatorWebhookInput, WebhookMetrics } from './operator-options';

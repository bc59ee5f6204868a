/**
 * Makes the API server trust and find the webhook server: the caBundle in both webhook configurations and in the
 * collector CRD's conversion (what cert-manager's cainjector does upstream), or, when the operator registers itself
 * by URL (`--webhook-host`), the whole configurations. Reads first and writes only what differs, so a restart
 * with nothing changed sends no write.
 */
import type { KubeObject } from '../../common/kube';
import type { KubeApi } from '../../kube';
import type { Logger } from '../../common/log';
import {
  caBundlePatchOps, COLLECTOR_CRD, conversionPatch, crdCaBundlePatchOps, webhookConfigurations, WebhookConfigurationNames, WebhookEndpoint,
} from './registration';

export interface CaInjectionOptions {
  /** `url`: register (create or update) the configurations ourselves; `service`: patch the caBundle of the installed ones. */
  readonly endpoint: WebhookEndpoint;
  readonly names?: WebhookConfigurationNames;
  /** @default COLLECTOR_CRD */
  readonly crdName?: string;
  /** @default 'cdk8s-otel-operator' */
  readonly fieldManager?: string;
}

const ADMISSION = 'admissionregistration.k8s.io/v1';
/** cert-manager's cainjector fills the caBundle of objects carrying this annotation. */
const CERT_MANAGER_INJECT = 'cert-manager.io/inject-ca-from';

/** What an API server keeps of a webhook we register, to tell whether ours is current (it adds defaults we ignore). */
function essentials(hook: { [key: string]: unknown }): unknown {
  const { name, clientConfig, failurePolicy, rules, matchPolicy, sideEffects, timeoutSeconds, admissionReviewVersions } = hook;
  return { name, clientConfig, failurePolicy, rules, matchPolicy, sideEffects, timeoutSeconds, admissionReviewVersions };
}

/** JSON with sorted keys: equality of API objects regardless of key order (and of the realm that made them). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));
}

/** Returns how many objects were written (0 when everything was current). */
export async function injectCaBundle(api: KubeApi, caBundle: string, options: CaInjectionOptions, log: Logger): Promise<number> {
  const fieldManager = options.fieldManager ?? 'cdk8s-otel-operator';
  const crdName = options.crdName ?? COLLECTOR_CRD;
  let writes = 0;
  for (const desired of webhookConfigurations(options.endpoint, caBundle, options.names)) {
    const ref = { apiVersion: ADMISSION, kind: desired.kind, name: desired.metadata.name! };
    const live = await api.get(ref);
    if ('url' in options.endpoint) {
      const wanted = (desired.webhooks as Array<{ [key: string]: unknown }>).map(essentials);
      const have = ((live?.webhooks as Array<{ [key: string]: unknown }> | undefined) ?? []).map(essentials);
      if (!live || canonical(wanted) !== canonical(have)) {
        await api.apply(desired, { fieldManager, force: true });
        writes++;
        log.info({ [desired.kind]: ref.name, url: options.endpoint.url }, 'registered the webhooks by URL');
      }
      continue;
    }
    if (!live) {
      log.warn({ [desired.kind]: ref.name }, `${desired.kind} ${ref.name} does not exist: the API server will not call these webhooks until the operator's install creates it`);
      continue;
    }
    if (live.metadata.annotations?.[CERT_MANAGER_INJECT]) {
      // patching would fight cert-manager's cainjector, which writes its own CA back
      log.warn({ [desired.kind]: ref.name, [CERT_MANAGER_INJECT]: live.metadata.annotations[CERT_MANAGER_INJECT] },
        `${desired.kind} ${ref.name} gets its caBundle from cert-manager: serve cert-manager's certificate (--webhook-cert-dir or --webhook-cert-secret), or remove the annotation to use the operator's own`);
      continue;
    }
    const ops = caBundlePatchOps(live, caBundle);
    if (ops.length > 0) {
      await api.patch(ref, ops, 'json', { fieldManager });
      writes++;
      log.info({ [desired.kind]: ref.name, webhooks: ops.length / 2 }, 'injected the caBundle');
    }
  }
  writes += await injectIntoCrd(api, caBundle, options.endpoint, crdName, fieldManager, log);
  return writes;
}

async function injectIntoCrd(api: KubeApi, caBundle: string, endpoint: WebhookEndpoint, crdName: string, fieldManager: string, log: Logger): Promise<number> {
  const ref = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: crdName };
  const crd = await api.get(ref);
  if (!crd) {
    log.warn({ crd: crdName }, `CustomResourceDefinition ${crdName} does not exist: no conversion webhook to point at us`);
    return 0;
  }
  if ('url' in endpoint) {
    const wanted = (conversionPatch(endpoint, caBundle) as { spec: { conversion: { webhook: { clientConfig: { url: string; caBundle: string } } } } }).spec.conversion;
    const have = (crd.spec as { conversion?: { strategy?: string; webhook?: { clientConfig?: { url?: string; caBundle?: string } } } }).conversion;
    if (have?.strategy === 'Webhook' && have.webhook?.clientConfig?.url === wanted.webhook.clientConfig.url
      && have.webhook.clientConfig.caBundle === wanted.webhook.clientConfig.caBundle) return 0;
    await api.patch(ref, conversionPatch(endpoint, caBundle), 'merge', { fieldManager });
    log.info({ crd: crdName, url: wanted.webhook.clientConfig.url }, 'pointed the conversion webhook at us');
    return 1;
  }
  if (crd.metadata.annotations?.[CERT_MANAGER_INJECT]) {
    log.warn({ crd: crdName }, `CustomResourceDefinition ${crdName} gets its conversion caBundle from cert-manager: not patched`);
    return 0;
  }
  const ops = crdCaBundlePatchOps(crd as KubeObject, caBundle);
  if (ops.length === 0) return 0;
  await api.patch(ref, ops, 'json', { fieldManager });
  log.info({ crd: crdName }, 'injected the caBundle into the conversion webhook');
  return 1;
}

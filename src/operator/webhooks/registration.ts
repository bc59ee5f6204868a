/**
 * Where the API server finds the webhooks: the Mutating/ValidatingWebhookConfigurations and the collector CRD's
 * conversion, pointing at a Service (in cluster, upstream's install) or at a URL (`--webhook-host`, an operator
 * running outside the cluster, e.g. next to a local kube-apiserver). Pure: objects and patches, no I/O.
 */
import type { KubeObject } from '../../common/kube';
import { CONVERT_PATH, WEBHOOK_REGISTRATIONS, WebhookRegistration } from './routes';

/** Upstream's install names (kustomize namePrefix `opentelemetry-operator-`). */
export const DEFAULT_MUTATING_CONFIGURATION = 'opentelemetry-operator-mutating-webhook-configuration';
export const DEFAULT_VALIDATING_CONFIGURATION = 'opentelemetry-operator-validating-webhook-configuration';
export const DEFAULT_WEBHOOK_SERVICE = 'opentelemetry-operator-webhook-service';
export const DEFAULT_OPERATOR_NAMESPACE = 'opentelemetry-operator-system';
export const COLLECTOR_CRD = 'opentelemetrycollectors.opentelemetry.io';

/** How the API server reaches us. */
export type WebhookEndpoint =
  | { readonly url: string }
  | { readonly service: { readonly name: string; readonly namespace: string; readonly port?: number } };

function clientConfig(endpoint: WebhookEndpoint, path: string, caBundle: string): object {
  const ca = Buffer.from(caBundle).toString('base64');
  if ('url' in endpoint) return { url: `${endpoint.url.replace(/\/$/, '')}${path}`, caBundle: ca };
  return { service: { ...endpoint.service, port: endpoint.service.port ?? 443, path }, caBundle: ca };
}

function webhook(r: WebhookRegistration, endpoint: WebhookEndpoint, caBundle: string): object {
  return {
    name: r.name,
    admissionReviewVersions: ['v1'],
    clientConfig: clientConfig(endpoint, r.path, caBundle),
    failurePolicy: r.failurePolicy,
    // Equivalent: a v1alpha1 collector request is converted to v1beta1 and reaches the v1beta1 webhooks, as upstream relies on
    matchPolicy: 'Equivalent',
    rules: [{ apiGroups: [r.group], apiVersions: [r.version], operations: [...r.operations], resources: [r.resource], scope: '*' }],
    sideEffects: 'None',
    timeoutSeconds: 10,
    ...(r.mutating ? { reinvocationPolicy: 'Never' } : {}),
  };
}

export interface WebhookConfigurationNames {
  /** @default DEFAULT_MUTATING_CONFIGURATION */
  readonly mutating?: string;
  /** @default DEFAULT_VALIDATING_CONFIGURATION */
  readonly validating?: string;
}

/** Both configurations with every upstream webhook pointing at `endpoint` and trusting `caBundle` (PEM). */
export function webhookConfigurations(endpoint: WebhookEndpoint, caBundle: string, names: WebhookConfigurationNames = {}): KubeObject[] {
  const labels = { 'app.kubernetes.io/name': 'opentelemetry-operator', 'app.kubernetes.io/managed-by': 'cdk8s-otel' };
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration',
      metadata: { name: names.mutating ?? DEFAULT_MUTATING_CONFIGURATION, labels },
      webhooks: WEBHOOK_REGISTRATIONS.filter((r) => r.mutating).map((r) => webhook(r, endpoint, caBundle)),
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration',
      metadata: { name: names.validating ?? DEFAULT_VALIDATING_CONFIGURATION, labels },
      webhooks: WEBHOOK_REGISTRATIONS.filter((r) => !r.mutating).map((r) => webhook(r, endpoint, caBundle)),
    },
  ];
}

/** The merge patch that points the collector CRD's conversion at `endpoint` with `caBundle`. */
export function conversionPatch(endpoint: WebhookEndpoint, caBundle: string): object {
  const config = clientConfig(endpoint, CONVERT_PATH, caBundle) as { url?: string; service?: object };
  return {
    spec: {
      conversion: {
        strategy: 'Webhook',
        // a merge patch keeps what it does not name: clear the other way of addressing
        webhook: { conversionReviewVersions: ['v1', 'v1beta1'], clientConfig: { url: null, service: null, ...config } },
      },
    },
  };
}

/**
 * The RFC 6902 operations that set `caBundle` (PEM) on every webhook of a configuration that lacks it or has another,
 * each guarded by a `test` of the webhook's name so a concurrent reorder fails the patch instead of corrupting it.
 * Empty when all are current.
 */
export function caBundlePatchOps(configuration: KubeObject, caBundle: string): object[] {
  const ca = Buffer.from(caBundle).toString('base64');
  const hooks = (configuration.webhooks as Array<{ name: string; clientConfig?: { caBundle?: string } }> | undefined) ?? [];
  return hooks.flatMap((h, i) => (h.clientConfig?.caBundle === ca ? [] : [
    { op: 'test', path: `/webhooks/${i}/name`, value: h.name },
    { op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value: ca },
  ]));
}

/** The RFC 6902 operations that set the CRD's conversion caBundle; empty when current or when conversion is not by webhook. */
export function crdCaBundlePatchOps(crd: KubeObject, caBundle: string): object[] {
  const conversion = (crd.spec as { conversion?: { strategy?: string; webhook?: { clientConfig?: { caBundle?: string } } } } | undefined)?.conversion;
  if (conversion?.strategy !== 'Webhook' || !conversion.webhook?.clientConfig) return [];
  const ca = Buffer.from(caBundle).toString('base64');
  return conversion.webhook.clientConfig.caBundle === ca ? [] : [{ op: 'add', path: '/spec/conversion/webhook/clientConfig/caBundle', value: ca }];
}

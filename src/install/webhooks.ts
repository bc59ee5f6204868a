/**
 * The admission webhooks and, with cert-manager, the Issuer and Certificate behind them. Webhook names, paths,
 * rules and failure policies are upstream's (operator.md §5): the names appear verbatim in the errors users and
 * upstream's e2e tests see. Two departures, both about reach: the pod webhook skips the operator's own namespace
 * (its pods must start when it is down, and are never instrumented), and with watched namespaces every webhook
 * sees only those, since the operator cannot read Instrumentations or collectors elsewhere.
 */
import { GROUP } from '../apis';
import type { KubeObject, ObjectMeta } from '../common/kube';
import {
  CERT_MANAGER_CERTIFICATE, CERT_MANAGER_ISSUER, MUTATING_WEBHOOK_CONFIGURATION, OPERATOR_LABELS, OPERATOR_NAME,
  SERVING_CERT_SECRET, VALIDATING_WEBHOOK_CONFIGURATION, WEBHOOK_SERVICE,
} from './names';

export interface WebhookOptions {
  readonly namespace: string;
  readonly watchNamespaces?: readonly string[];
  readonly certManager: boolean;
}

type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

interface HookDef {
  readonly name: string;
  readonly path: string;
  readonly failurePolicy: 'Fail' | 'Ignore';
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly operations: Operation[];
}

const COLLECTOR = { group: GROUP, version: 'v1beta1', resource: 'opentelemetrycollectors' };
const INSTRUMENTATION = { group: GROUP, version: 'v1alpha1', resource: 'instrumentations' };
const POD = { group: '', version: 'v1', resource: 'pods' };

export const MUTATING_WEBHOOKS: readonly HookDef[] = [
  { name: 'minstrumentation.kb.io', path: '/mutate-opentelemetry-io-v1alpha1-instrumentation', failurePolicy: 'Fail', ...INSTRUMENTATION, operations: ['CREATE', 'UPDATE'] },
  { name: 'mopentelemetrycollectorbeta.kb.io', path: '/mutate-opentelemetry-io-v1beta1-opentelemetrycollector', failurePolicy: 'Fail', ...COLLECTOR, operations: ['CREATE', 'UPDATE'] },
  // Ignore: a pod is admitted uninstrumented rather than not at all when the operator is unreachable
  { name: 'mpod.kb.io', path: '/mutate-v1-pod', failurePolicy: 'Ignore', ...POD, operations: ['CREATE'] },
];

export const VALIDATING_WEBHOOKS: readonly HookDef[] = [
  { name: 'vinstrumentationcreateupdate.kb.io', path: '/validate-opentelemetry-io-v1alpha1-instrumentation', failurePolicy: 'Fail', ...INSTRUMENTATION, operations: ['CREATE', 'UPDATE'] },
  { name: 'vinstrumentationdelete.kb.io', path: '/validate-opentelemetry-io-v1alpha1-instrumentation', failurePolicy: 'Ignore', ...INSTRUMENTATION, operations: ['DELETE'] },
  { name: 'vopentelemetrycollectorcreateupdatebeta.kb.io', path: '/validate-opentelemetry-io-v1beta1-opentelemetrycollector', failurePolicy: 'Fail', ...COLLECTOR, operations: ['CREATE', 'UPDATE'] },
  { name: 'vopentelemetrycollectordeletebeta.kb.io', path: '/validate-opentelemetry-io-v1beta1-opentelemetrycollector', failurePolicy: 'Ignore', ...COLLECTOR, operations: ['DELETE'] },
];

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** `cert-manager.io/inject-ca-from` for the CRD and the webhook configurations, when cert-manager is used. */
export function caInjectionAnnotations(o: { namespace: string; certManager: boolean }): { [key: string]: string } | undefined {
  return o.certManager ? { 'cert-manager.io/inject-ca-from': `${o.namespace}/${CERT_MANAGER_CERTIFICATE}` } : undefined;
}

function namespaceSelector(hook: HookDef, o: WebhookOptions): object | undefined {
  if (o.watchNamespaces) return { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...o.watchNamespaces] }] };
  if (hook.resource === 'pods') return { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: [o.namespace] }] };
  return undefined;
}

function webhook(hook: HookDef, o: WebhookOptions): object {
  const selector = namespaceSelector(hook, o);
  return {
    admissionReviewVersions: ['v1'],
    // caBundle stays empty: the operator (or cert-manager's cainjector) fills it in
    clientConfig: { service: { name: WEBHOOK_SERVICE, namespace: o.namespace, path: hook.path, port: 443 } },
    failurePolicy: hook.failurePolicy,
    name: hook.name,
    ...(selector ? { namespaceSelector: selector } : {}),
    rules: [{ apiGroups: [hook.group], apiVersions: [hook.version], operations: hook.operations, resources: [hook.resource] }],
    sideEffects: 'None',
    timeoutSeconds: 10,
  };
}

function metadata(name: string, o: WebhookOptions): ObjectMeta {
  const annotations = caInjectionAnnotations(o);
  return { name, labels: { ...OPERATOR_LABELS }, ...(annotations ? { annotations } : {}) };
}

export function buildMutatingWebhookConfiguration(o: WebhookOptions): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: metadata(MUTATING_WEBHOOK_CONFIGURATION, o),
    webhooks: MUTATING_WEBHOOKS.map((h) => webhook(h, o)),
  };
}

export function buildValidatingWebhookConfiguration(o: WebhookOptions): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: metadata(VALIDATING_WEBHOOK_CONFIGURATION, o),
    webhooks: VALIDATING_WEBHOOKS.map((h) => webhook(h, o)),
  };
}

/** cert-manager's self-signed Issuer and the serving Certificate, as upstream's config/certmanager. */
export function buildCertManagerObjects(namespace: string): KubeObject[] {
  const labels = { ...OPERATOR_LABELS };
  return [
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: CERT_MANAGER_ISSUER, namespace, labels },
      spec: { selfSigned: {} },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: CERT_MANAGER_CERTIFICATE, namespace, labels },
      spec: {
        dnsNames: [`${WEBHOOK_SERVICE}.${namespace}.svc`, `${WEBHOOK_SERVICE}.${namespace}.svc.cluster.local`],
        issuerRef: { kind: 'Issuer', name: CERT_MANAGER_ISSUER },
        secretName: SERVING_CERT_SECRET,
        subject: { organizationalUnits: [OPERATOR_NAME] },
      },
    },
  ];
}

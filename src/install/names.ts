/**
 * Names and labels of the operator's own objects, as upstream's kustomize install makes them (namePrefix
 * `opentelemetry-operator-`, label `app.kubernetes.io/name: opentelemetry-operator` on everything). Upstream's
 * docs, e2e lookups (`deployment/opentelemetry-operator-controller-manager -n opentelemetry-operator-system`) and
 * a user's `kubectl` habits keep working, and `cdk8s-otel install` applied over an upstream install updates the
 * same objects instead of creating twins. The runtime operator imports these too: it patches the webhook
 * configurations and the collector CRD by these names and keeps its serving certificate in SERVING_CERT_SECRET.
 */

export const OPERATOR_NAMESPACE = 'opentelemetry-operator-system';
export const OPERATOR_NAME = 'opentelemetry-operator';

/** Every object of the install carries this label (kustomize's `labels` in upstream's config/default). */
export const OPERATOR_LABELS: { readonly [key: string]: string } = { 'app.kubernetes.io/name': OPERATOR_NAME };

/**
 * The operator pods' labels and the Deployment's selector. A Deployment's selector cannot change, so these must
 * stay exactly upstream's for an install over an upstream one to be accepted.
 */
export const OPERATOR_SELECTOR_LABELS: { readonly [key: string]: string } = {
  'app.kubernetes.io/name': OPERATOR_NAME,
  'control-plane': 'controller-manager',
};

export const CONTROLLER_MANAGER = `${OPERATOR_NAME}-controller-manager`;
export const MANAGER_CONTAINER = 'manager';
export const MANAGER_ROLE = `${OPERATOR_NAME}-manager-role`;
export const MANAGER_ROLE_BINDING = `${OPERATOR_NAME}-manager-rolebinding`;
export const LEADER_ELECTION_ROLE = `${OPERATOR_NAME}-leader-election-role`;
export const LEADER_ELECTION_ROLE_BINDING = `${OPERATOR_NAME}-leader-election-rolebinding`;
export const METRICS_READER_ROLE = `${OPERATOR_NAME}-metrics-reader`;
export const METRICS_SERVICE = `${CONTROLLER_MANAGER}-metrics-service`;
export const METRICS_MONITOR = `${OPERATOR_NAME}-metrics-monitor`;
export const WEBHOOK_SERVICE = `${OPERATOR_NAME}-webhook-service`;
export const MUTATING_WEBHOOK_CONFIGURATION = `${OPERATOR_NAME}-mutating-webhook-configuration`;
export const VALIDATING_WEBHOOK_CONFIGURATION = `${OPERATOR_NAME}-validating-webhook-configuration`;
/**
 * The webhook server's TLS key pair (`tls.crt`, `tls.key`, `ca.crt`). Without cert-manager the operator makes and
 * renews it and patches its CA into both webhook configurations and the collector CRD's conversion (the install
 * leaves those caBundles empty). A Secret carrying cert-manager's `cert-manager.io/certificate-name` annotation
 * is cert-manager's (`install --cert-manager`, or one left by upstream's install): the operator only reads it.
 */
export const SERVING_CERT_SECRET = `${CONTROLLER_MANAGER}-service-cert`;
/** Where the Secret is mounted, controller-runtime's default certificate folder. */
export const SERVING_CERT_DIR = '/tmp/k8s-webhook-server/serving-certs';
export const CERT_MANAGER_CERTIFICATE = `${OPERATOR_NAME}-serving-cert`;
export const CERT_MANAGER_ISSUER = `${OPERATOR_NAME}-selfsigned-issuer`;

/** Ports as upstream's flags default them (operator.md §6). */
export const WEBHOOK_PORT = 9443;
export const METRICS_PORT = 8443;
export const HEALTH_PROBE_PORT = 8081;

/** The user the operator image runs as (and the Deployment insists on): distroless's `nonroot`. */
export const OPERATOR_UID = 65532;

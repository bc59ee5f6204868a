/**
 * Upstream's webhook paths, each with its handler, and the registrations (name, rules, failure policy) the API
 * server needs to call them: one table, so the server and `registration.ts` cannot disagree.
 */
import type { MutationLookup } from '../../instrumentation';
import {
  collectorDefaultingWebhook, collectorValidatingWebhook, CustomResourceWebhookOptions, instrumentationDefaultingWebhook,
  instrumentationValidatingWebhook, targetAllocatorDefaultingWebhook, targetAllocatorValidatingWebhook,
} from '../../webhook';
import { podMutationWebhook, PodWebhookOptions } from '../../webhook';
import { AccessReviewer, withPrivilegeEscalationCheck } from '../../webhook';
import { SubjectReviewer, withCollectorRbacWarnings, withTargetAllocatorRbacWarnings } from '../../webhook';
import type { AdmissionHandler, AdmissionReview, AsyncAdmissionHandler } from '../../webhook';
import type { WebhookRoute } from './server';

export const CONVERT_PATH = '/convert';
export const POD_PATH = '/mutate-v1-pod';

/** One webhook entry of a Mutating/ValidatingWebhookConfiguration. */
export interface WebhookRegistration {
  /** upstream's name, e.g. `mopentelemetrycollectorbeta.kb.io` */
  readonly name: string;
  readonly path: string;
  readonly mutating: boolean;
  readonly failurePolicy: 'Fail' | 'Ignore';
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly operations: ReadonlyArray<'CREATE' | 'UPDATE' | 'DELETE'>;
}

const OTEL = 'opentelemetry.io';

/**
 * Upstream's registrations (config/webhook/manifests.yaml at be89444). One deliberate difference: upstream registers
 * the TargetAllocator webhooks for v1beta1, a version its TargetAllocator CRD does not serve, so they never run; we
 * register them for the served v1alpha1 under upstream's paths and names.
 */
export const WEBHOOK_REGISTRATIONS: readonly WebhookRegistration[] = [
  { name: 'mopentelemetrycollectorbeta.kb.io', path: '/mutate-opentelemetry-io-v1beta1-opentelemetrycollector', mutating: true, failurePolicy: 'Fail', group: OTEL, version: 'v1beta1', resource: 'opentelemetrycollectors', operations: ['CREATE', 'UPDATE'] },
  { name: 'minstrumentation.kb.io', path: '/mutate-opentelemetry-io-v1alpha1-instrumentation', mutating: true, failurePolicy: 'Fail', group: OTEL, version: 'v1alpha1', resource: 'instrumentations', operations: ['CREATE', 'UPDATE'] },
  { name: 'mtargetallocatorbeta.kb.io', path: '/mutate-opentelemetry-io-v1beta1-targetallocator', mutating: true, failurePolicy: 'Fail', group: OTEL, version: 'v1alpha1', resource: 'targetallocators', operations: ['CREATE', 'UPDATE'] },
  { name: 'mpod.kb.io', path: POD_PATH, mutating: true, failurePolicy: 'Ignore', group: '', version: 'v1', resource: 'pods', operations: ['CREATE'] },
  { name: 'vopentelemetrycollectorcreateupdatebeta.kb.io', path: '/validate-opentelemetry-io-v1beta1-opentelemetrycollector', mutating: false, failurePolicy: 'Fail', group: OTEL, version: 'v1beta1', resource: 'opentelemetrycollectors', operations: ['CREATE', 'UPDATE'] },
  { name: 'vopentelemetrycollectordeletebeta.kb.io', path: '/validate-opentelemetry-io-v1beta1-opentelemetrycollector', mutating: false, failurePolicy: 'Ignore', group: OTEL, version: 'v1beta1', resource: 'opentelemetrycollectors', operations: ['DELETE'] },
  { name: 'vinstrumentationcreateupdate.kb.io', path: '/validate-opentelemetry-io-v1alpha1-instrumentation', mutating: false, failurePolicy: 'Fail', group: OTEL, version: 'v1alpha1', resource: 'instrumentations', operations: ['CREATE', 'UPDATE'] },
  { name: 'vinstrumentationdelete.kb.io', path: '/validate-opentelemetry-io-v1alpha1-instrumentation', mutating: false, failurePolicy: 'Ignore', group: OTEL, version: 'v1alpha1', resource: 'instrumentations', operations: ['DELETE'] },
  { name: 'vtargetallocatorcreateupdatebeta.kb.io', path: '/validate-opentelemetry-io-v1beta1-targetallocator', mutating: false, failurePolicy: 'Fail', group: OTEL, version: 'v1alpha1', resource: 'targetallocators', operations: ['CREATE', 'UPDATE'] },
  { name: 'vtargetallocatordeletebeta.kb.io', path: '/validate-opentelemetry-io-v1beta1-targetallocator', mutating: false, failurePolicy: 'Ignore', group: OTEL, version: 'v1alpha1', resource: 'targetallocators', operations: ['DELETE'] },
];

export interface WebhookRouteOptions {
  /** The cluster as the pod webhook sees it, asked on each request (the informer caches). */
  readonly lookup: (review: AdmissionReview) => MutationLookup;
  readonly pod?: PodWebhookOptions;
  readonly customResources?: CustomResourceWebhookOptions;
  /**
   * Asks the cluster whether the user creating a collector holds the permissions auto-RBAC would grant it
   * (upstream's privilege-escalation check). @default - no check
   */
  readonly accessReviewer?: AccessReviewer;
  /**
   * Asks the cluster what a service account may do, for upstream's RBAC warnings (TargetAllocator prometheusCR,
   * "RBAC rules are missing"). @default - no RBAC warnings
   */
  readonly subjectReviewer?: SubjectReviewer;
  /** the operator may manage ClusterRoles/Bindings: no "RBAC rules are missing" warning @default true */
  readonly operatorCreatesRbac?: boolean;
}

/**
 * Every path the server answers: upstream's, plus the v1alpha1 collector and TargetAllocator paths older installs
 * registered (same handlers: a v1alpha1 object is converted, checked and answered in its own version).
 */
export function webhookRoutes(options: WebhookRouteOptions): Map<string, WebhookRoute> {
  const admission = (handler: AdmissionHandler | AsyncAdmissionHandler): WebhookRoute => ({ type: 'admission', handler });
  const cr = options.customResources ?? {};
  const collectorMutate = admission(collectorDefaultingWebhook(cr));
  let collectorValidating: AdmissionHandler | AsyncAdmissionHandler = options.accessReviewer
    ? withPrivilegeEscalationCheck(collectorValidatingWebhook(cr), options.accessReviewer) : collectorValidatingWebhook(cr);
  let taValidating: AdmissionHandler | AsyncAdmissionHandler = targetAllocatorValidatingWebhook();
  if (options.subjectReviewer) {
    collectorValidating = withCollectorRbacWarnings(collectorValidating, options.subjectReviewer, { operatorCreatesRbac: options.operatorCreatesRbac ?? true });
    taValidating = withTargetAllocatorRbacWarnings(taValidating, options.subjectReviewer);
  }
  const collectorValidate = admission(collectorValidating);
  const taMutate = admission(targetAllocatorDefaultingWebhook());
  const taValidate = admission(taValidating);
  return new Map<string, WebhookRoute>([
    [POD_PATH, admission(podMutationWebhook(options.lookup, options.pod))],
    ['/mutate-opentelemetry-io-v1beta1-opentelemetrycollector', collectorMutate],
    ['/validate-opentelemetry-io-v1beta1-opentelemetrycollector', collectorValidate],
    ['/mutate-opentelemetry-io-v1alpha1-opentelemetrycollector', collectorMutate],
    ['/validate-opentelemetry-io-v1alpha1-opentelemetrycollector', collectorValidate],
    ['/mutate-opentelemetry-io-v1alpha1-instrumentation', admission(instrumentationDefaultingWebhook(cr))],
    ['/validate-opentelemetry-io-v1alpha1-instrumentation', admission(instrumentationValidatingWebhook())],
    ['/mutate-opentelemetry-io-v1beta1-targetallocator', taMutate],
    ['/validate-opentelemetry-io-v1beta1-targetallocator', taValidate],
    ['/mutate-opentelemetry-io-v1alpha1-targetallocator', taMutate],
    ['/validate-opentelemetry-io-v1alpha1-targetallocator', taValidate],
    [CONVERT_PATH, { type: 'conversion' }],
  ]);
}

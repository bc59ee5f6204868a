/**
 * Upstream's RBAC warnings of the collector and TargetAllocator validating webhooks. The request is allowed either
 * way; the warnings tell the user why the collector or allocator will not work:
 *
 * - "RBAC rules are missing: …" when the operator cannot create RBAC itself (no rights on ClusterRoles and
 *   ClusterRoleBindings), `spec.serviceAccount` names an account of the user's, and that account lacks the
 *   cluster rules the config needs (the rules auto-RBAC would grant: k8sattributes, resourcedetection,
 *   k8s_cluster, k8sobjects, k8s_events...). Upstream builds the manifests in the webhook and turns this error
 *   into one warning, its lines joined by newlines.
 * - A TargetAllocator with `prometheusCR.enabled` whose service account lacks the rules the Prometheus CR
 *   discovery needs: one warning per resource.
 *
 * Pure but for the injected {@link SubjectReviewer} (SubjectAccessReviews at run time). Upstream asks with the
 * service account's user name only (no groups), one review per verb × group × resource, and so do we.
 */
import type { KubeObject } from '../common/kube';
import { convertCollectorV1alpha1ToV1beta1 } from '../apis';
import type { OpenTelemetryCollectorV1alpha1 } from '../apis';
import { autoRbacGrant } from './privilege-escalation';
import { AdmissionHandler, AdmissionRequest, AsyncAdmissionHandler, allow, deny } from './review';

/** One SubjectAccessReview's attributes: a resource (`group`, `resource`, `verb`) or a non-resource URL (`path`, `verb`). */
export interface ReviewAttributes {
  readonly verb: string;
  readonly group?: string;
  readonly resource?: string;
  readonly path?: string;
}

/** A PolicyRule, non-resource URLs included. */
export interface ReviewRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
  readonly verbs: readonly string[];
}

export interface SubjectReviewer {
  /** The attributes that `user` is not allowed, asked cluster-wide, in the order given. */
  denied(user: string, attributes: readonly ReviewAttributes[]): Promise<ReviewAttributes[]>;
}

/** Upstream's `targetAllocatorCRPolicyRules` and its namespaced `secrets` rule (asked cluster-wide, as upstream does). */
export const TARGET_ALLOCATOR_PROMETHEUS_CR_RULES: readonly ReviewRule[] = [
  { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors', 'podmonitors'], verbs: ['*'] },
  { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods', 'namespaces'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'list', 'watch'] },
  { nonResourceURLs: ['/metrics'], verbs: ['get'] },
  { nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*'], verbs: ['get'] },
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
];

/** The reviews a rule takes, in upstream's order: per verb, per group, per resource; then the non-resource URLs. */
export function reviewAttributes(rules: readonly ReviewRule[]): ReviewAttributes[] {
  const out: ReviewAttributes[] = [];
  for (const rule of rules) {
    for (const verb of rule.verbs) for (const group of rule.apiGroups ?? []) for (const resource of rule.resources ?? []) out.push({ verb, group, resource });
    for (const verb of rule.verbs) for (const path of rule.nonResourceURLs ?? []) out.push({ verb, path });
  }
  return out;
}

/** `system:serviceaccount:<namespace>:<name>`, the user a service account's requests are made as. */
export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/**
 * Upstream's `WarningsGroupedByResource`: "missing the following rules for <user> - <group>/<resource>: [verbs]"
 * (core group: the resource alone; non-resource: "nonResourceURL: <path>"), one per resource in first-denied order.
 */
export function warningsGroupedByResource(user: string, denied: readonly ReviewAttributes[]): string[] {
  const verbs = new Map<string, string[]>();
  for (const a of denied) {
    const key = a.path !== undefined ? `nonResourceURL: ${a.path}` : a.group ? `${a.group}/${a.resource}` : a.resource ?? '';
    verbs.set(key, [...verbs.get(key) ?? [], a.verb]);
  }
  return [...verbs].map(([key, v]) => `missing the following rules for ${user} - ${key}: [${v.join(',')}]`);
}

/** The warnings for `rules` that the service account `namespace/name` does not hold; none when it holds them all. */
export async function missingRuleWarnings(reviewer: SubjectReviewer, namespace: string, name: string, rules: readonly ReviewRule[]): Promise<string[]> {
  const user = serviceAccountUser(namespace, name);
  return warningsGroupedByResource(user, await reviewer.denied(user, reviewAttributes(rules)));
}

export interface RbacWarningOptions {
  /** The operator may create ClusterRoles and ClusterRoleBindings (auto-RBAC): no "RBAC rules are missing" check. */
  readonly operatorCreatesRbac: boolean;
}

interface PrometheusCrSpec {
  readonly serviceAccount?: string;
  readonly prometheusCR?: { readonly enabled?: boolean };
}

function withNamespace(request: AdmissionRequest, obj: KubeObject): KubeObject {
  return obj.metadata?.namespace || !request.namespace ? obj : { ...obj, metadata: { ...obj.metadata, namespace: request.namespace } };
}

function subjectOf(request: AdmissionRequest): KubeObject | undefined {
  const obj = request.operation === 'DELETE' ? request.oldObject : request.object;
  return obj && typeof obj === 'object' ? withNamespace(request, obj) : undefined;
}

/**
 * Wraps the collector validating webhook: when it allows, adds the TargetAllocator prometheusCR warnings (on every
 * operation, as upstream's `Validate`; a failed review denies: "unable to check rbac rules …") and, on CREATE and
 * UPDATE, the "RBAC rules are missing" warning (a failed review is a warning too, as upstream's build validator has it).
 */
export function withCollectorRbacWarnings(validate: AdmissionHandler | AsyncAdmissionHandler, reviewer: SubjectReviewer, options: RbacWarningOptions): AsyncAdmissionHandler {
  return async (review) => {
    const answer = await validate(review);
    const request = review.request as AdmissionRequest;
    const raw = subjectOf(request);
    if (!answer.response.allowed || !raw) return answer;
    const cr = raw.apiVersion === 'opentelemetry.io/v1alpha1' ? convertCollectorV1alpha1ToV1beta1(raw as unknown as OpenTelemetryCollectorV1alpha1) as unknown as KubeObject : raw;
    const spec = ((cr as { spec?: unknown }).spec ?? {}) as { serviceAccount?: string; targetAllocator?: PrometheusCrSpec & { enabled?: boolean } };
    const namespace = cr.metadata.namespace ?? '';
    const warnings = [...answer.response.warnings ?? []];
    const ta = spec.targetAllocator;
    if (ta?.enabled && ta.prometheusCR?.enabled) {
      const account = ta.serviceAccount || `${cr.metadata.name}-targetallocator`;
      try {
        warnings.push(...await missingRuleWarnings(reviewer, namespace, account, TARGET_ALLOCATOR_PROMETHEUS_CR_RULES));
      } catch (e) {
        return deny(request, `unable to check rbac rules ${(e as Error).message}`, 403, warnings);
      }
    }
    if (!options.operatorCreatesRbac && spec.serviceAccount && (request.operation === 'CREATE' || request.operation === 'UPDATE')) {
      const grant = autoRbacGrant(cr);
      if (grant && grant.rules.length > 0) {
        try {
          const missing = await missingRuleWarnings(reviewer, namespace, spec.serviceAccount, grant.rules);
          if (missing.length > 0) warnings.push(missing.map((w) => `RBAC rules are missing: ${w}`).join('\n'));
        } catch (e) {
          warnings.push(`error checking RBAC rules for serviceAccount ${spec.serviceAccount}: unable to check rbac rules: ${(e as Error).message}`);
        }
      }
    }
    return warnings.length === (answer.response.warnings ?? []).length ? answer : allow(request, warnings);
  };
}

/**
 * Wraps the TargetAllocator validating webhook: a `prometheusCR.enabled` allocator gets a warning per resource its
 * service account (`spec.serviceAccount`, else `<name>-targetallocator`) may not use; a failed review denies.
 */
export function withTargetAllocatorRbacWarnings(validate: AdmissionHandler | AsyncAdmissionHandler, reviewer: SubjectReviewer): AsyncAdmissionHandler {
  return async (review) => {
    const answer = await validate(review);
    const request = review.request as AdmissionRequest;
    const ta = subjectOf(request);
    const spec = ((ta as { spec?: unknown } | undefined)?.spec ?? {}) as PrometheusCrSpec;
    if (!answer.response.allowed || !ta || !spec.prometheusCR?.enabled) return answer;
    const warnings = [...answer.response.warnings ?? []];
    try {
      warnings.push(...await missingRuleWarnings(reviewer, ta.metadata.namespace ?? '', spec.serviceAccount || `${ta.metadata.name}-targetallocator`, TARGET_ALLOCATOR_PROMETHEUS_CR_RULES));
    } catch (e) {
      return deny(request, `unable to check rbac rules ${(e as Error).message}`, 403, warnings);
    }
    return allow(request, warnings);
  };
}

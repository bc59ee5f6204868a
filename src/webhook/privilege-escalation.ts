/**
 * Upstream's privilege-escalation check of the collector validating webhook: the operator creates a ClusterRole
 * with the permissions a collector's config needs (auto-RBAC), so creating a collector must not hand its service
 * account permissions that the requesting user does not hold. The rules the service account already has are not
 * asked for (upstream's "delta"). Pure but for the injected {@link AccessReviewer} (SubjectAccessReviews at run time).
 */
import { describeObject, KubeObject } from '../common/kube';
import { convertCollectorV1alpha1ToV1beta1 } from '../apis';
import type { OpenTelemetryCollectorV1alpha1 } from '../apis';
import { collectorClusterRoleRules } from '../collector';
import type { PolicyRule } from '../collector';
import { collectorModelFromCustomResource } from '../collector';
import { resolveCollector } from '../collector';
import { AdmissionHandler, AdmissionRequest, AsyncAdmissionHandler, deny } from './review';

export type { PolicyRule };

/** Who asks: the request's userInfo, or a service account. */
export interface AccessSubject {
  readonly user: string;
  readonly groups?: readonly string[];
  readonly uid?: string;
  readonly extra?: { readonly [key: string]: readonly string[] };
}

export interface AccessReviewer {
  /** The rules of `rules` that `subject` does not fully hold cluster-wide (empty when it holds them all). */
  missing(subject: AccessSubject, rules: readonly PolicyRule[]): Promise<PolicyRule[]>;
}

/** The cluster-wide rules auto-RBAC would grant the collector's service account, and that account. */
export function autoRbacGrant(cr: KubeObject): { serviceAccount: string; namespace: string; rules: PolicyRule[] } | undefined {
  const obj = cr.apiVersion === 'opentelemetry.io/v1alpha1' ? convertCollectorV1alpha1ToV1beta1(cr as unknown as OpenTelemetryCollectorV1alpha1) : cr;
  try {
    const resolved = resolveCollector(collectorModelFromCustomResource(obj));
    return { serviceAccount: resolved.serviceAccountName, namespace: resolved.namespace, rules: collectorClusterRoleRules(resolved) };
  } catch {
    // a collector that does not resolve is the other checks' business (they reject it)
    return undefined;
  }
}

function describeRules(rules: readonly PolicyRule[]): string {
  return rules.map((r) => `{apiGroups: [${r.apiGroups.map((g) => JSON.stringify(g)).join(', ')}], resources: [${r.resources.join(', ')}], verbs: [${r.verbs.join(', ')}]}`).join(', ');
}

function serviceAccountSubject(namespace: string, name: string): AccessSubject {
  return { user: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'] };
}

/**
 * `validate` (the synchronous checks) and then, for an allowed CREATE or UPDATE whose config needs cluster
 * permissions, the escalation check: the rules the service account lacks must all be held by the requesting user,
 * else the request is denied with upstream's message naming the user and the rules.
 */
export function withPrivilegeEscalationCheck(validate: AdmissionHandler, reviewer: AccessReviewer): AsyncAdmissionHandler {
  return async (review) => {
    const answer = validate(review);
    const request = review.request as AdmissionRequest;
    if (!answer.response.allowed || (request.operation !== 'CREATE' && request.operation !== 'UPDATE') || !request.object) return answer;
    const object = request.object.metadata?.namespace || !request.namespace
      ? request.object : { ...request.object, metadata: { ...request.object.metadata, namespace: request.namespace } };
    const grant = autoRbacGrant(object);
    if (!grant || grant.rules.length === 0) return answer;
    const warnings = answer.response.warnings ?? [];
    try {
      const lacking = await reviewer.missing(serviceAccountSubject(grant.namespace, grant.serviceAccount), grant.rules);
      if (lacking.length === 0) return answer;
      const user = request.userInfo ?? {};
      const notHeld = await reviewer.missing({ user: user.username ?? '', groups: user.groups, uid: (user as { uid?: string }).uid, extra: (user as { extra?: AccessSubject['extra'] }).extra }, lacking);
      if (notHeld.length === 0) return answer;
      return deny(request, `user "${user.username ?? ''}" is not allowed to create a collector whose config would grant permissions they do not hold: ${describeRules(notHeld)}`, 403, warnings);
    } catch (e) {
      // the review itself failed (API server unreachable): say so; failurePolicy Fail makes the client retry
      return deny(request, `${describeObject(object)}: could not check the permissions auto-RBAC would grant: ${(e as Error).message}`, 500, warnings);
    }
  };
}


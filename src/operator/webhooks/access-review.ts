/**
 * {@link AccessReviewer} over the API server: one SubjectAccessReview per (API group, resource, verb) of each rule,
 * cluster-wide (auto-RBAC grants a ClusterRole), all at once. `*` is asked as the API server reads it.
 */
import type { AccessReviewer, AccessSubject, PolicyRule } from '../../webhook';
import type { KubeApi } from '../../kube';

function attributes(rule: PolicyRule): Array<{ group: string; resource: string; verb: string }> {
  const out: Array<{ group: string; resource: string; verb: string }> = [];
  for (const group of rule.apiGroups) for (const resource of rule.resources) for (const verb of rule.verbs) out.push({ group, resource, verb });
  return out;
}

export function subjectAccessReviewer(api: KubeApi): AccessReviewer {
  const allowed = async (subject: AccessSubject, a: { group: string; resource: string; verb: string }): Promise<boolean> => {
    // resources such as nodes/stats name a subresource
    const [resource, subresource] = a.resource.split('/');
    const review = await api.create({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: {},
      spec: {
        user: subject.user,
        ...(subject.groups ? { groups: [...subject.groups] } : {}),
        ...(subject.uid ? { uid: subject.uid } : {}),
        ...(subject.extra ? { extra: subject.extra } : {}),
        resourceAttributes: { group: a.group, resource, ...(subresource ? { subresource } : {}), verb: a.verb },
      },
    });
    return (review as { status?: { allowed?: boolean } }).status?.allowed === true;
  };
  return {
    async missing(subject, rules) {
      const held = await Promise.all(rules.map(async (rule) => (await Promise.all(attributes(rule).map((a) => allowed(subject, a)))).every(Boolean)));
      return rules.filter((_, i) => !held[i]);
    },
  };
}

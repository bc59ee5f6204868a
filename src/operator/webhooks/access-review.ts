/**
 * {@link AccessReviewer} over the API server: one SubjectAccessReview per (API group, resource, verb) of each rule,
 * cluster-wide (auto-RBAC grants a ClusterRole), all at once. `*` is asked as the API server reads it.
 */
import type { AccessReviewer, AccessSubject, PolicyRule, ReviewAttributes, SubjectReviewer } from '../../webhook';
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

/**
 * {@link SubjectReviewer} over the API server, asking as upstream's `rbac.Reviewer` does: the user name alone, the
 * resource as the rule names it (`nodes/metrics` included), all reviews at once.
 */
export function subjectReviewer(api: KubeApi): SubjectReviewer {
  const allowed = async (user: string, a: ReviewAttributes): Promise<boolean> => {
    const review = await api.create({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: {},
      spec: {
        user,
        ...(a.path !== undefined ? { nonResourceAttributes: { path: a.path, verb: a.verb } } : { resourceAttributes: { group: a.group ?? '', resource: a.resource, verb: a.verb } }),
      },
    });
    return (review as { status?: { allowed?: boolean } }).status?.allowed === true;
  };
  return {
    async denied(user, attributes) {
      const held = await Promise.all(attributes.map((a) => allowed(user, a)));
      return attributes.filter((_, i) => !held[i]);
    },
  };
}

/**
 * Whether the operator itself may manage ClusterRoles and ClusterRoleBindings (create, delete, get, list, patch,
 * update: upstream's `CheckRBACPermissions` rules), asked with SelfSubjectAccessReviews (no need to know our own
 * service account): without, upstream makes no auto-RBAC and its webhook warns about what is missing.
 */
export async function operatorCanCreateRbac(api: KubeApi): Promise<boolean> {
  const can = async (resource: string, verb: string) => {
    const review = await api.create({
      apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {},
      spec: { resourceAttributes: { group: 'rbac.authorization.k8s.io', resource, verb } },
    });
    return (review as { status?: { allowed?: boolean } }).status?.allowed === true;
  };
  const verbs = ['create', 'delete', 'get', 'list', 'patch', 'update'];
  const answers = await Promise.all(['clusterrolebindings', 'clusterroles'].flatMap((r) => verbs.map((v) => can(r, v))));
  return answers.every(Boolean);
}

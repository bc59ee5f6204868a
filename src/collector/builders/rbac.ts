import { receiverParser } from '../components/receivers';
import { exporterParser, extensionParser, processorParser } from '../components/others';
import { ComponentParser, componentType, PolicyRule } from '../components/types';
import { clusterRoleBindingName, clusterRoleName } from '../names';
import { clean } from '../ports';
import { ResolvedCollector } from '../resolve';
import { Json } from '../spec';
import { nonEmpty } from './workload';

const SECTIONS: Array<['receivers' | 'exporters' | 'processors' | 'extensions', (t: string) => ComponentParser]> = [
  ['receivers', receiverParser],
  ['exporters', exporterParser],
  ['processors', processorParser],
  ['extensions', extensionParser],
];

/**
 * The cluster-wide permissions the enabled components need (k8sattributes, resourcedetection, kubeletstats,
 * k8s_cluster, k8s_events, k8sobjects, k8s_observer, k8s_leader_elector), in component order, duplicates removed.
 */
export function collectorClusterRoleRules(c: ResolvedCollector): PolicyRule[] {
  const rules: PolicyRule[] = [];
  const seen = new Set<string>();
  for (const [section, parserFor] of SECTIONS) {
    const defs = (c.config[section] ?? {}) as Record<string, unknown>;
    for (const id of c.enabled[section]) {
      const parser = parserFor(componentType(id));
      for (const rule of parser.clusterRoleRules?.(defs[id]) ?? []) {
        const key = JSON.stringify(rule);
        if (seen.has(key)) continue;
        seen.add(key);
        rules.push(rule);
      }
    }
  }
  return rules;
}

/**
 * ClusterRole `<name>-<ns>-cluster-role` and ClusterRoleBinding `<name>-<ns>-collector` granting those rules to the
 * collector's service account. Empty when no component needs cluster permissions or RBAC creation is off.
 */
export function buildCollectorRbac(c: ResolvedCollector): Json[] {
  if (c.options.createRbac === false) return [];
  const rules = collectorClusterRoleRules(c);
  if (rules.length === 0) return [];
  const roleName = clusterRoleName(c.name, c.namespace);
  const bindingName = clusterRoleBindingName(c.name, c.namespace);
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: clean({ name: roleName, labels: c.labelsFor(roleName), annotations: nonEmpty(c.annotations) }),
      rules: rules.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: clean({ name: bindingName, labels: c.labelsFor(bindingName), annotations: nonEmpty(c.annotations) }),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name: c.serviceAccountName, namespace: c.namespace }],
    },
  ];
}

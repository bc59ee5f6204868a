import { receiverParser } from '../components/receivers';
import { exporterParser, extensionParser, processorParser } from '../components/others';
import { ComponentParser, componentType, PolicyRule } from '../components/types';
import { clusterRoleBindingName, clusterRoleName, dnsName, truncateName } from '../../common/naming';
import { ResolvedCollector } from '../resolve';
import { nonEmpty } from './metadata';
import { asRecord, clean, Json } from '../../common/json';

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

const SD_ROLE_RULES: Record<string, PolicyRule> = {
  pod: { apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'list'] },
  node: { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'watch', 'list'] },
  service: { apiGroups: [''], resources: ['services'], verbs: ['get', 'watch', 'list'] },
  endpoints: { apiGroups: [''], resources: ['endpoints', 'services'], verbs: ['get', 'watch', 'list'] },
  ingress: { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'watch', 'list'] },
};

/**
 * Namespaced Roles/RoleBindings for prometheus receivers whose `kubernetes_sd_configs` name namespaces: one pair
 * per (job, namespace), named `<name>-<job>-prometheus-role` / `-role-binding` in the scraped namespace.
 */
export function buildCollectorPrometheusRoles(c: ResolvedCollector): Json[] {
  if (c.options.createRbac === false) return [];
  const receivers = (c.config.receivers ?? {}) as Record<string, unknown>;
  const out: Json[] = [];
  for (const id of c.enabled.receivers.filter((r) => componentType(r) === 'prometheus')) {
    const scrapeConfigs = asRecord(asRecord(receivers[id])?.config)?.scrape_configs;
    if (!Array.isArray(scrapeConfigs)) continue;
    for (const sc of scrapeConfigs) {
      const job = String(asRecord(sc)?.job_name ?? '');
      const sds = asRecord(sc)?.kubernetes_sd_configs;
      for (const sd of Array.isArray(sds) ? sds : []) {
        const rule = SD_ROLE_RULES[String(asRecord(sd)?.role ?? '')];
        const names = asRecord(asRecord(sd)?.namespaces)?.names;
        if (!rule || !Array.isArray(names)) continue;
        const roleName = dnsName(truncateName('%s-%s-role', c.name, `${job}-prometheus`));
        const bindingName = dnsName(truncateName('%s-%s-role-binding', c.name, `${job}-prometheus`));
        for (const ns of names.map(String)) {
          out.push({
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'Role',
            metadata: { name: roleName, namespace: ns, labels: c.labelsFor(roleName) },
            rules: [{ ...rule }],
          }, {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'RoleBinding',
            metadata: { name: bindingName, namespace: ns, labels: c.labelsFor(bindingName) },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
            subjects: [{ kind: 'ServiceAccount', name: c.serviceAccountName, namespace: c.namespace }],
          });
        }
      }
    }
  }
  return out;
}

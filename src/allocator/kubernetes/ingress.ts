import { namespaceMetadata } from './attach-metadata';
import { addObjectMetaLabels, DiscoveredGroup, LabelSet, META, NAMESPACE_LABEL } from './meta';
import { Ingress, ObjectLookup } from './objects';

/** Prometheus's `matchesHostnamePattern`: equal, or `*.rest` matching a host with as many dot-separated parts. */
function matchesHostnamePattern(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  const p = pattern.split('.');
  const h = host.split('.');
  if (p[0] !== '*' || p.length !== h.length) return false;
  return p.every((part, i) => i === 0 || part === h[i]);
}

/**
 * The ingress role's target group (`ingress/<namespace>/<name>`), as Prometheus's ingress.go builds it: group
 * labels name, namespace, class name (when set), labels and annotations; per rule and path a target whose
 * address is the rule's host, with `ingress_scheme` (https when a TLS host pattern matches the host), host and
 * path (a rule without `http` has the path `/`, an empty path reads `/`); with `attach_metadata.namespace`
 * (`lookup.namespace`) the namespace's labels on the group.
 */
export function ingressGroup(ingress: Ingress, lookup: ObjectLookup = {}): DiscoveredGroup {
  const namespace = ingress.metadata?.namespace ?? '';
  const labels: LabelSet = { [NAMESPACE_LABEL]: namespace };
  addObjectMetaLabels(labels, ingress.metadata, 'ingress');
  if (ingress.spec?.ingressClassName !== undefined) labels[`${META}ingress_class_name`] = ingress.spec.ingressClassName;
  Object.assign(labels, namespaceMetadata(lookup, namespace));
  const tlsHosts = (ingress.spec?.tls ?? []).flatMap((t) => t.hosts ?? []);
  const targets: LabelSet[] = [];
  for (const rule of ingress.spec?.rules ?? []) {
    const host = rule.host ?? '';
    const scheme = tlsHosts.some((pattern) => matchesHostnamePattern(pattern, host)) ? 'https' : 'http';
    const paths = rule.http === undefined ? ['/'] : (rule.http.paths ?? []).map((p) => p.path || '/');
    for (const path of paths) {
      targets.push({ __address__: host, [`${META}ingress_scheme`]: scheme, [`${META}ingress_host`]: host, [`${META}ingress_path`]: path });
    }
  }
  return { source: `ingress/${namespace}/${ingress.metadata?.name ?? ''}`, labels, targets };
}

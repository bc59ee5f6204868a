import { addObjectMetaLabels, DiscoveredGroup, joinHostPort, LabelSet, META, sanitizeLabelName } from './meta';
import { Node } from './objects';

/** The address types in the order Prometheus picks the node's scrape address (from k8s.io/kubernetes). */
const ADDRESS_PRIORITY = ['InternalIP', 'InternalDNS', 'ExternalIP', 'ExternalDNS', 'LegacyHostIP', 'Hostname'];

/**
 * The node role's target group (`node/<name>`): group labels `node_provider_id`, name, labels and annotations;
 * one target at the node's address (InternalIP first, see {@link ADDRESS_PRIORITY}) and the kubelet port, with
 * `instance` = the node name and `node_address_<Type>` = the first address of each type. A node without any
 * address gives no group (undefined), as Prometheus logs and skips it.
 */
export function nodeGroup(node: Node): DiscoveredGroup | undefined {
  const name = node.metadata?.name ?? '';
  const labels: LabelSet = { [`${META}node_provider_id`]: node.spec?.providerID ?? '' };
  addObjectMetaLabels(labels, node.metadata, 'node');
  const byType = new Map<string, string[]>();
  for (const a of node.status?.addresses ?? []) {
    const list = byType.get(a.type ?? '') ?? [];
    list.push(a.address ?? '');
    byType.set(a.type ?? '', list);
  }
  const pick = ADDRESS_PRIORITY.find((t) => byType.has(t));
  if (pick === undefined) return undefined;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0;
  const target: LabelSet = { __address__: joinHostPort(byType.get(pick)![0], port), instance: name };
  for (const [type, addresses] of byType) target[sanitizeLabelName(`${META}node_address_${type}`)] = addresses[0];
  return { source: `node/${name}`, labels, targets: [target] };
}

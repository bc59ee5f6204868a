import { addObjectMetaLabels, DiscoveredGroup, LabelSet, META } from './meta';
import { Node } from './objects';
import { KubernetesRole } from './sd-config';

/**
 * `attach_metadata: {node: true}`: Prometheus's `addNodeLabels` adds the node's `__meta_kubernetes_node_name`,
 * `_label_*`, `_labelpresent_*`, `_annotation_*` and `_annotationpresent_*` labels (the node's values win) to
 * the group of a pod (its `spec.nodeName`), and to each endpoints target (the address's `nodeName`, else a
 * `Node` targetRef) and endpointslice target (a `Node` targetRef, else the endpoint's `nodeName`). A node
 * that is not (yet) known adds nothing; other roles are returned as they are. Pure: nodes come from `node`.
 */
export function withNodeMetadata(role: KubernetesRole, group: DiscoveredGroup, nodeName: string | undefined, node: (name: string) => Node | undefined): DiscoveredGroup {
  const merged = (ls: LabelSet, name: string | undefined): LabelSet => {
    const n = name === undefined ? undefined : node(name);
    if (!n) return ls;
    const extra: LabelSet = {};
    addObjectMetaLabels(extra, n.metadata, 'node');
    return { ...ls, ...extra };
  };
  switch (role) {
    case 'pod':
      return { ...group, labels: merged(group.labels, nodeName) };
    case 'endpoints':
      return { ...group, targets: group.targets.map((t) => merged(t, t[`${META}endpoint_node_name`]
        ?? (t[`${META}endpoint_address_target_kind`] === 'Node' ? t[`${META}endpoint_address_target_name`] : undefined))) };
    case 'endpointslice':
      return { ...group, targets: group.targets.map((t) => merged(t, t[`${META}endpointslice_address_target_kind`] === 'Node'
        ? t[`${META}endpointslice_address_target_name`] : t[`${META}endpointslice_endpoint_node_name`])) };
    default:
      return group;
  }
}

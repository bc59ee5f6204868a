import { addLabelsAndAnnotations, addObjectMetaLabels, LabelSet } from './meta';
import { ObjectLookup } from './objects';

/**
 * `attach_metadata` (Prometheus's `AttachMetadataConfig`) as the builders read it: the lookup functions are what
 * switch it on (a config without `attach_metadata.node` has no `lookup.node`), so the builders stay pure.
 */

/**
 * Prometheus's `addNodeLabels`: the node's name, labels and annotations (`node_name`, `node_label_*`,
 * `node_labelpresent_*`, `node_annotation_*`...) when `attach_metadata.node` is on and the node is known;
 * otherwise nothing.
 */
export function nodeMetadata(lookup: ObjectLookup, nodeName: string | undefined): LabelSet {
  const ls: LabelSet = {};
  if (nodeName === undefined || !lookup.node) return ls;
  const node = lookup.node(nodeName);
  if (node) addObjectMetaLabels(ls, node.metadata, 'node');
  return ls;
}

/**
 * Prometheus's `addNamespaceLabels`: the namespace's labels and annotations (`namespace_label_*`,
 * `namespace_annotation_*` and their `…present_`; not its name, which `namespace` already is) when
 * `attach_metadata.namespace` is on and the namespace is known; otherwise nothing.
 */
export function namespaceMetadata(lookup: ObjectLookup, namespace: string): LabelSet {
  const ls: LabelSet = {};
  const ns = lookup.namespace?.(namespace);
  if (ns) addLabelsAndAnnotations(ls, ns.metadata, 'namespace');
  return ls;
}

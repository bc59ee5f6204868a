import { ResolvedCollector } from '../resolve';
import { clean, Json } from '../../common/json';

/** `o` when it has at least one key; undefined otherwise, so an empty map is left out of the object. */
export function nonEmpty<T extends object>(o: T | undefined): T | undefined {
  return o && Object.keys(o).length > 0 ? o : undefined;
}

/**
 * Metadata of a namespaced object the collector owns: the labels for `labelsName` (the object's own name unless
 * upstream labels it after another object, as the ConfigMap is after `<name>-collector`), plus `extraLabels`, and
 * the CR's annotations after the filters.
 */
export function objectMetadata(c: ResolvedCollector, name: string, opts: { labelsName?: string; extraLabels?: Record<string, string> } = {}): Json {
  return clean({
    name,
    namespace: c.namespace,
    labels: { ...c.labelsFor(opts.labelsName ?? name), ...opts.extraLabels },
    annotations: nonEmpty(c.annotations),
  });
}

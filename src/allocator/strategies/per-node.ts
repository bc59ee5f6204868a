import { TargetItem } from '../target';
import { AllocationStrategy, Collector, IncrementalMode } from './strategy';

/**
 * Upstream's `per-node`: a target goes to the collector running on its node (from
 * `__meta_kubernetes_pod_node_name`, `…_node_name`, `…_endpoint_node_name`, or the endpoint slice's target name
 * when its kind is Node). When several collectors share a node, the one with the greatest name wins (upstream:
 * the last map write). Targets without a node go to the fallback strategy if one is set, else stay unassigned;
 * targets on a node without a collector stay unassigned. A load-aware fallback (least-weighted) counts the
 * node-bound targets too, as upstream's shared collector objects do.
 */
export class PerNodeStrategy implements AllocationStrategy {
  public readonly name = 'per-node';
  /** node-bound targets are placed one by one; a fallback that looks at the whole set makes the whole set matter */
  public readonly incremental: IncrementalMode;

  constructor(private readonly fallback?: AllocationStrategy) {
    this.incremental = !fallback || fallback.incremental === 'independent' ? 'independent' : 'whole';
  }

  assign(items: readonly TargetItem[], collectors: readonly Collector[]): void {
    const byNode = new Map<string, string>();
    for (const c of collectors) if (c.nodeName) byNode.set(c.nodeName, c.name);
    const withoutNode: TargetItem[] = [];
    const onNodes: TargetItem[] = [];
    for (const item of items) {
      const node = item.nodeName();
      if (node === '') {
        if (this.fallback) withoutNode.push(item);
        else item.collectorName = undefined;
        continue;
      }
      item.collectorName = byNode.get(node);
      if (item.collectorName !== undefined) onNodes.push(item);
    }
    // upstream's fallback sees each collector's full target count, node-bound targets included
    if (this.fallback && withoutNode.length > 0) this.fallback.assign(withoutNode, collectors, onNodes);
  }
}

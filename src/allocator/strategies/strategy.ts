import { TargetItem } from '../target';

/** A collector that can receive targets: its pod name and the node it runs on. */
export interface Collector {
  /** the collector's id: its pod name (what it sends as `collector_id`) */
  readonly name: string;
  /** the node the collector pod runs on (`spec.nodeName`); needed by per-node */
  readonly nodeName?: string;
}

/**
 * How far an allocation can be updated in place when targets come and go (a change of collectors always re-places
 * every target):
 * - `independent`: a target's collector depends only on that target and the collectors, so only added targets
 *   are placed and the others are not looked at;
 * - `keeps-placed`: placed targets never move, added ones are placed given the current loads;
 * - `whole`: the assignment is a function of the whole target set, so any addition or removal re-places all.
 */
export type IncrementalMode = 'independent' | 'keeps-placed' | 'whole';

/**
 * Places targets on collectors. Pure: no I/O, no clock. `assign` sets `collectorName` on every item, reading the
 * item's previous `collectorName` where the strategy keeps history (least-weighted). `collectors` is sorted by
 * name, has unique names and is never empty.
 */
export interface AllocationStrategy {
  /** the name used in the config file (`allocation_strategy`) and in metrics */
  readonly name: string;
  /** what an update of the targets has to re-place, see {@link IncrementalMode} */
  readonly incremental: IncrementalMode;
  /**
   * `placed` are targets another strategy has already put on these collectors (per-node's node-bound targets when
   * this strategy is its fallback): load-aware strategies count them, as upstream's collectors count every target,
   * and none of them is moved.
   */
  assign(items: readonly TargetItem[], collectors: readonly Collector[], placed?: readonly TargetItem[]): void;
}

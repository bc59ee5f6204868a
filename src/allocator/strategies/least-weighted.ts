import { TargetItem } from '../target';
import { AllocationStrategy, Collector } from './strategy';

/**
 * Upstream's `least-weighted`: a target keeps a collector that still exists; any other target goes, one at a time
 * in input order, to the collector with the fewest targets, ties broken by fewer targets of the same job, then by
 * the smaller name. A new collector therefore only receives future targets (upstream #2477), and the result
 * depends on history, so replicas of the allocator can disagree.
 */
export class LeastWeightedStrategy implements AllocationStrategy {
  public readonly name = 'least-weighted';
  public readonly incremental = 'keeps-placed' as const;

  assign(items: readonly TargetItem[], collectors: readonly Collector[], placed: readonly TargetItem[] = []): void {
    const index = new Map<string, number>();
    collectors.forEach((c, i) => index.set(c.name, i));
    const loads = new Int32Array(collectors.length);
    const perJob: Array<Map<string, number>> = collectors.map(() => new Map());
    /** counts a target on its collector; false when it has none (any more) */
    const count = (item: TargetItem): boolean => {
      const i = item.collectorName === undefined ? undefined : index.get(item.collectorName);
      if (i === undefined) return false;
      loads[i]++;
      perJob[i].set(item.jobName, (perJob[i].get(item.jobName) ?? 0) + 1);
      return true;
    };
    for (const item of placed) count(item);
    const pending = items.filter((item) => !count(item));
    for (const item of pending) {
      let best = 0;
      let bestJob = perJob[0].get(item.jobName) ?? 0;
      for (let c = 1; c < collectors.length; c++) {
        const job = perJob[c].get(item.jobName) ?? 0;
        // collectors are sorted by name, so on a full tie the earlier one (smaller name) stays
        if (loads[c] < loads[best] || (loads[c] === loads[best] && job < bestJob)) {
          best = c;
          bestJob = job;
        }
      }
      item.collectorName = collectors[best].name;
      loads[best]++;
      perJob[best].set(item.jobName, bestJob + 1);
    }
  }
}

import { AllocationStrategy, Collector } from './strategies/strategy';
import { TargetItem } from './target';

/** Called after each (re)allocation with what triggered it and how long the strategy took. */
export type AllocationObserver = (method: 'SetTargets' | 'SetCollectors', seconds: number) => void;

/**
 * The allocation engine (upstream's `allocator.go`): holds the current targets and collectors, asks the strategy
 * to place targets whenever either changes, and indexes the result by job and collector for the HTTP API.
 * - `setTargets` diffs by target id: a target that stays keeps its collector (and takes the fresh labels);
 *   new targets get placed;
 * - `setCollectors` diffs by name; any change re-places every target;
 * - targets that arrive before any collector wait, unassigned, until one appears (upstream #2350).
 * Pure: the clock is injected so the engine does no I/O.
 */
export class Allocator {
  private items: TargetItem[] = [];
  private collectorList: Collector[] = [];
  private byJob = new Map<string, TargetItem[]>();
  private byJobAndCollector = new Map<string, Map<string, TargetItem[]>>();
  private generation = 0;

  constructor(
    public readonly strategy: AllocationStrategy,
    private readonly observe?: AllocationObserver,
    private readonly now: () => number = () => 0,
  ) {}

  /** Increases whenever the assignment may have changed; lets callers cache responses. */
  get version(): number {
    return this.generation;
  }

  setTargets(items: readonly TargetItem[]): void {
    const previous = new Map<string, TargetItem>();
    for (const item of this.items) previous.set(item.hash, item);
    const next = new Map<string, TargetItem>();
    for (const item of items) next.set(item.hash, item);
    for (const [id, item] of next) {
      item.collectorName = previous.get(id)?.collectorName;
    }
    this.items = Array.from(next.values());
    this.allocate('SetTargets');
  }

  setCollectors(collectors: readonly Collector[]): void {
    const sorted = dedupeCollectors(collectors);
    const same = sorted.length === this.collectorList.length && sorted.every((c, i) => c.name === this.collectorList[i].name);
    if (same) {
      // upstream diffs by name only; a node change alone does not re-place targets
      return;
    }
    this.collectorList = sorted;
    this.allocate('SetCollectors');
  }

  get collectors(): readonly Collector[] {
    return this.collectorList;
  }

  get targets(): readonly TargetItem[] {
    return this.items;
  }

  /** Jobs that currently have at least one target (upstream lists only those). */
  jobNames(): string[] {
    return Array.from(this.byJob.keys());
  }

  targetsOfJob(job: string): readonly TargetItem[] {
    return this.byJob.get(job) ?? [];
  }

  targetsFor(job: string, collector: string): readonly TargetItem[] {
    return this.byJobAndCollector.get(job)?.get(collector) ?? [];
  }

  /** Targets per collector name (every known collector appears). */
  loads(): Map<string, number> {
    const out = new Map<string, number>(this.collectorList.map((c) => [c.name, 0]));
    for (const item of this.items) if (item.collectorName !== undefined) out.set(item.collectorName, (out.get(item.collectorName) ?? 0) + 1);
    return out;
  }

  unassignedCount(): number {
    let n = 0;
    for (const item of this.items) if (item.collectorName === undefined) n++;
    return n;
  }

  private allocate(method: 'SetTargets' | 'SetCollectors'): void {
    if (this.collectorList.length === 0) {
      for (const item of this.items) item.collectorName = undefined;
    } else if (this.items.length > 0) {
      const start = this.now();
      this.strategy.assign(this.items, this.collectorList);
      this.observe?.(method, (this.now() - start) / 1000);
    }
    this.reindex();
  }

  private reindex(): void {
    const byJob = new Map<string, TargetItem[]>();
    const byJobAndCollector = new Map<string, Map<string, TargetItem[]>>();
    for (const item of this.items) {
      let list = byJob.get(item.jobName);
      if (!list) {
        list = [];
        byJob.set(item.jobName, list);
        byJobAndCollector.set(item.jobName, new Map());
      }
      list.push(item);
      if (item.collectorName === undefined) continue;
      const perCollector = byJobAndCollector.get(item.jobName)!;
      let mine = perCollector.get(item.collectorName);
      if (!mine) {
        mine = [];
        perCollector.set(item.collectorName, mine);
      }
      mine.push(item);
    }
    this.byJob = byJob;
    this.byJobAndCollector = byJobAndCollector;
    this.generation++;
  }
}

function dedupeCollectors(collectors: readonly Collector[]): Collector[] {
  const byName = new Map<string, Collector>();
  for (const c of collectors) byName.set(c.name, c);
  return Array.from(byName.values()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

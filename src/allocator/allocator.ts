import { AllocationStrategy, Collector } from './strategies/strategy';
import { TargetItem } from './target';

/** Called after each (re)allocation with what triggered it and how long the strategy took. */
export type AllocationObserver = (method: 'SetTargets' | 'SetCollectors', seconds: number) => void;

/** What one call to {@link Allocator.setTargets} changed. */
export interface TargetChanges {
  readonly added: number;
  readonly removed: number;
  /** targets that stayed (same id) but whose discovered labels changed */
  readonly relabelled: number;
  /** targets that changed collector, added and removed ones not counted */
  readonly moved: number;
}

/** The targets of one job on one collector: what one `/jobs/{job}/targets?collector_id=` request serves. */
export interface Bucket {
  readonly job: string;
  readonly collector: string;
  /** in no particular order (a removal moves the last one into its place), as upstream's map serves them */
  readonly items: TargetItem[];
}

interface JobIndex {
  /** targets of the job, unassigned ones included */
  count: number;
  readonly buckets: Map<string, Bucket>;
}

/** Called with the buckets an update changed (emptied ones included), once per update that changed any. */
export type BucketsChanged = (buckets: ReadonlySet<Bucket>) => void;

let updates = 0;

/**
 * The allocation engine (upstream's `allocator.go`): holds the current targets and collectors, places targets
 * with the strategy and indexes the result by job and collector for the HTTP API. Updates apply only what
 * changed:
 * - `setTargets` diffs by target id. An unchanged list is a no-op; a target that stays keeps its collector (and
 *   takes the fresh labels, as upstream refreshes them); added targets are placed, removed ones dropped. Only
 *   when the strategy's assignment depends on the whole set (`incremental` ≠ `independent`) does a change
 *   re-run it over every target, and then only targets whose collector changed are moved in the index;
 * - `setCollectors` diffs by name; any change re-places every target;
 * - targets that arrive before any collector wait, unassigned, until one appears (upstream #2350).
 * The (job, collector) buckets an update touched are reported to listeners, so responses can be prepared then.
 * Pure: the clock is injected so the engine does no I/O.
 */
export class Allocator {
  private readonly byId = new Map<string, TargetItem>();
  /** the list of the last update, as given: the next update is compared with it in order */
  private sequence: readonly TargetItem[] = [];
  private itemList: TargetItem[] | undefined = [];
  private collectorList: Collector[] = [];
  private readonly byJob = new Map<string, JobIndex>();
  private dirty = new Set<Bucket>();
  /** targets per collector name, kept up to date as targets are placed and taken out */
  private readonly load = new Map<string, number>();
  private assigned = 0;
  private generation = 0;
  private lastChanges: TargetChanges = { added: 0, removed: 0, relabelled: 0, moved: 0 };
  private moves = 0;
  private readonly listeners: BucketsChanged[] = [];

  constructor(
    public readonly strategy: AllocationStrategy,
    private readonly observe?: AllocationObserver,
    private readonly now: () => number = () => 0,
  ) {}

  /** Calls `listener` with the buckets each later update changes (emptied ones included). */
  onBucketsChanged(listener: BucketsChanged): void {
    this.listeners.push(listener);
  }

  /** Increases whenever the assignment may have changed; lets callers cache responses. */
  get version(): number {
    return this.generation;
  }

  /** What the last {@link setTargets} changed. */
  get changes(): TargetChanges {
    return this.lastChanges;
  }

  /**
   * Replaces the target list. Equal ids are one target: the last one wins, as upstream's map assignment does.
   * Items are owned by the allocator from here on (it writes their `collectorName`).
   */
  setTargets(items: readonly TargetItem[]): void {
    const update = ++updates;
    const diff: Diff = { added: new Map(), removed: [], relabelled: 0, replaced: 0, repeats: false };
    const walked = this.walk(items, update, diff);
    if (walked) {
      // only the items out of the previous order were looked at; the previous ones stepped over are removed
      for (const item of walked.skipped) if (item.heldBy === this) diff.removed.push(item);
      if (diff.repeats) this.sequence = this.heldOnceEach(items);
      else if (!walked.same) this.sequence = items.slice();
    } else {
      // items the walk admitted before it gave up are held now, and only marked here
      for (const item of items) {
        if (item.heldBy === this) item.seenIn = update;
        else this.admit(item, update, diff);
      }
      for (const item of this.byId.values()) if (item.seenIn !== update) diff.removed.push(item);
      this.sequence = this.heldOnceEach(items);
    }
    const { added, removed, relabelled, replaced } = diff;
    if (replaced > 0) this.itemList = undefined;
    if (added.size === 0 && removed.length === 0 && relabelled === 0) {
      this.lastChanges = { added: 0, removed: 0, relabelled: 0, moved: 0 };
      this.flush();
      return;
    }
    for (const item of removed) {
      item.heldBy = undefined;
      this.byId.delete(item.hash);
      this.unindex(item);
    }
    this.itemList = undefined;
    this.moves = 0;
    for (const item of added.values()) this.indexJob(item);
    if (added.size > 0 || removed.length > 0) {
      if (this.collectorList.length > 0) {
        const start = this.now();
        if (this.strategy.incremental === 'independent') {
          const list = Array.from(added.values());
          this.strategy.assign(list, this.collectorList);
          for (const item of list) this.place(item, undefined);
        } else if (added.size > 0 || this.strategy.incremental === 'whole') {
          this.reassignAll();
        }
        this.observe?.('SetTargets', (this.now() - start) / 1000);
      }
    }
    this.lastChanges = { added: added.size, removed: removed.length, relabelled, moved: this.moves };
    this.generation++;
    this.flush();
  }

  setCollectors(collectors: readonly Collector[]): void {
    const sorted = dedupeCollectors(collectors);
    const same = sorted.length === this.collectorList.length && sorted.every((c, i) => c.name === this.collectorList[i].name);
    if (same) {
      // upstream diffs by name only; a node change alone does not re-place targets
      return;
    }
    this.collectorList = sorted;
    if (this.byId.size > 0) {
      const start = this.now();
      this.reassignAll();
      if (sorted.length > 0) this.observe?.('SetCollectors', (this.now() - start) / 1000);
    }
    this.generation++;
    this.flush();
  }

  get collectors(): readonly Collector[] {
    return this.collectorList;
  }

  /** Every target, in the order they first arrived. */
  get targets(): readonly TargetItem[] {
    this.itemList ??= Array.from(this.byId.values());
    return this.itemList;
  }

  /** Jobs that currently have at least one target (upstream lists only those). */
  jobNames(): string[] {
    return Array.from(this.byJob.keys());
  }

  targetsOfJob(job: string): readonly TargetItem[] {
    return this.targets.filter((t) => t.jobName === job);
  }

  targetsFor(job: string, collector: string): readonly TargetItem[] {
    return this.byJob.get(job)?.buckets.get(collector)?.items ?? [];
  }

  /** The bucket of a job on a collector, if that collector has targets of the job. */
  bucket(job: string, collector: string): Bucket | undefined {
    return this.byJob.get(job)?.buckets.get(collector);
  }

  /** Every non-empty bucket. */
  *buckets(): IterableIterator<Bucket> {
    for (const job of this.byJob.values()) yield* job.buckets.values();
  }

  /** Targets per collector name (every known collector appears). */
  loads(): Map<string, number> {
    return new Map<string, number>(this.collectorList.map((c) => [c.name, this.load.get(c.name) ?? 0]));
  }

  unassignedCount(): number {
    return this.byId.size - this.assigned;
  }

  /**
   * Compares the new list with the previous one in order. Discovery hands unchanged targets over as the very
   * objects already held, in the same order as last time, so a pointer comparison recognises them without
   * touching the objects. The items out of that order are admitted ({@link admit}); the result names the
   * previous ones the walk stepped over. It is undefined when the list is not the previous one with runs added
   * and removed (a held item met out of order or twice, an id repeated in the list, mostly new objects): the
   * caller then diffs the whole list, the items admitted so far being held already.
   */
  private walk(items: readonly TargetItem[], update: number, diff: Diff): Walk | undefined {
    const prev = this.sequence;
    const unmatched: TargetItem[] = [];
    const skipped: TargetItem[] = [];
    let j = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item === prev[j]) {
        j++;
        continue;
      }
      if (item.heldBy !== this) {
        unmatched.push(item);
        continue;
      }
      // held and out of step: the previous items up to it were removed, unless it was stepped over already
      if (item.passedIn === update) return undefined;
      const k = prev.indexOf(item, j + 1);
      if (k < 0) return undefined;
      for (; j < k; j++) {
        prev[j].passedIn = update;
        skipped.push(prev[j]);
      }
      j++;
    }
    for (; j < prev.length; j++) {
      prev[j].passedIn = update;
      skipped.push(prev[j]);
    }
    // mostly new objects (a discovery that rebuilt everything): the whole-list diff looks each up once, not twice
    if (unmatched.length > items.length / 2) return undefined;
    for (const item of unmatched) {
      const old = this.byId.get(item.hash);
      // a new item whose id a held item kept in the list also has: the list repeats an id
      if (old !== undefined && old.heldBy === this && old.passedIn !== update) return undefined;
      this.admit(item, update, diff, old);
    }
    return { skipped, same: unmatched.length === 0 && skipped.length === 0 };
  }

  /** Takes in an item the allocator does not hold: a new target, or a fresh object for one it holds. */
  private admit(item: TargetItem, update: number, diff: Diff, old = this.byId.get(item.hash)): void {
    if (item.heldBy === this) {
      // the same new object met again
      diff.repeats = true;
      return;
    }
    const id = item.hash;
    item.seenIn = update;
    item.heldBy = this;
    if (old === undefined) {
      item.collectorName = undefined;
      this.byId.set(id, item);
      diff.added.set(id, item);
      return;
    }
    if (old.seenIn === update) diff.repeats = true;
    old.heldBy = undefined;
    this.byId.set(id, item);
    diff.replaced++;
    if (diff.added.has(id)) {
      item.collectorName = undefined;
      diff.added.set(id, item);
      return;
    }
    // stays: keeps its collector, serves the fresh labels
    item.collectorName = old.collectorName;
    const bucket = this.bucketOf(item);
    if (bucket && bucket.items[old.slot] === old) {
      bucket.items[old.slot] = item;
      item.slot = old.slot;
    }
    if (!old.hasSameLabels(item)) {
      diff.relabelled++;
      if (bucket) this.dirty.add(bucket);
    }
  }

  /** The held items of `items`, each once, in order. */
  private heldOnceEach(items: readonly TargetItem[]): TargetItem[] {
    const mark = ++updates;
    const out: TargetItem[] = [];
    for (const item of items) {
      if (item.heldBy === this && item.seenIn !== mark) {
        item.seenIn = mark;
        out.push(item);
      }
    }
    return out;
  }

  /** Runs the strategy over every target and moves, in the index, those whose collector changed. */
  private reassignAll(): void {
    const items = this.targets;
    const before = items.map((t) => t.collectorName);
    if (this.collectorList.length === 0) {
      for (const item of items) item.collectorName = undefined;
    } else {
      this.strategy.assign(items, this.collectorList);
    }
    for (let i = 0; i < items.length; i++) {
      if (items[i].collectorName !== before[i]) {
        if (before[i] !== undefined) this.moves++;
        this.place(items[i], before[i]);
      }
    }
  }

  /** Moves an item's index entry from `from` (its previous collector) to its current `collectorName`. */
  private place(item: TargetItem, from: string | undefined): void {
    const job = this.byJob.get(item.jobName)!;
    if (from !== undefined) this.takeOut(job, item, from);
    const to = item.collectorName;
    if (to === undefined) return;
    let bucket = job.buckets.get(to);
    if (!bucket) {
      bucket = { job: item.jobName, collector: to, items: [] };
      job.buckets.set(to, bucket);
    }
    item.slot = bucket.items.length;
    bucket.items.push(item);
    this.dirty.add(bucket);
    this.load.set(to, (this.load.get(to) ?? 0) + 1);
    this.assigned++;
  }

  private bucketOf(item: TargetItem): Bucket | undefined {
    return item.collectorName === undefined ? undefined : this.byJob.get(item.jobName)?.buckets.get(item.collectorName);
  }

  private indexJob(item: TargetItem): void {
    const job = this.byJob.get(item.jobName);
    if (job) job.count++;
    else this.byJob.set(item.jobName, { count: 1, buckets: new Map() });
  }

  private unindex(item: TargetItem): void {
    const job = this.byJob.get(item.jobName)!;
    if (item.collectorName !== undefined) this.takeOut(job, item, item.collectorName);
    if (--job.count === 0) this.byJob.delete(item.jobName);
  }

  private takeOut(job: JobIndex, item: TargetItem, collector: string): void {
    const bucket = job.buckets.get(collector);
    if (!bucket) return;
    const slot = item.slot;
    if (bucket.items[slot] !== item) return;
    const last = bucket.items.pop()!;
    if (last !== item) {
      bucket.items[slot] = last;
      last.slot = slot;
    }
    this.dirty.add(bucket);
    if (bucket.items.length === 0) job.buckets.delete(collector);
    const left = this.load.get(collector)! - 1;
    if (left === 0) this.load.delete(collector);
    else this.load.set(collector, left);
    this.assigned--;
  }

  private flush(): void {
    if (this.dirty.size === 0) return;
    const dirty = this.dirty;
    this.dirty = new Set();
    for (const listener of this.listeners) listener(dirty);
  }
}

/** What an update found, as {@link Allocator.admit} and the removal search fill it in. */
interface Diff {
  readonly added: Map<string, TargetItem>;
  readonly removed: TargetItem[];
  relabelled: number;
  replaced: number;
  /** the list repeats an id */
  repeats: boolean;
}

/** The outcome of walking a new list alongside the previous one. */
interface Walk {
  /** previous items the walk stepped over: gone from the list */
  readonly skipped: readonly TargetItem[];
  /** the list is the previous one, item for item */
  readonly same: boolean;
}

function dedupeCollectors(collectors: readonly Collector[]): Collector[] {
  const byName = new Map<string, Collector>();
  for (const c of collectors) byName.set(c.name, c);
  return Array.from(byName.values()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

import { Hasher } from '../hasher';
import { TargetItem } from '../target';
import { AllocationStrategy, Collector } from './strategy';

/** Default slack over the mean: caps a collector at 5% above the mean (see {@link boundedLoadCap}). */
export const DEFAULT_LOAD_SLACK = 0.05;

/**
 * The most targets one collector may hold: ⌊(1+ε)·n/m⌋, but never less than ⌈n/m⌉ (so everything fits).
 * Hence the peak-to-mean ratio is at most 1+ε whenever ⌊(1+ε)·n/m⌋ ≥ ⌈n/m⌉, and ⌈n/m⌉/(n/m) (the optimum)
 * otherwise.
 */
export function boundedLoadCap(targets: number, collectors: number, slack: number): number {
  return Math.max(Math.ceil(targets / collectors), Math.floor(((1 + slack) * targets) / collectors));
}

// Bound once: a global lookup of `Math` inside the hot loop is ~50x slower in a vm context (as under jest).
const imul = Math.imul;

/** A 32-bit avalanche mix (lowbias32): turns `key xor seed` into a uniform score. */
function score(key: number, seed: number): number {
  let x = key ^ seed;
  x = imul(x ^ (x >>> 16), 0x7feb352d);
  x = imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * `bounded-rendezvous`: rendezvous (highest-random-weight) hashing with a hard load cap. A pure function of the
 * target set and the collector set, so every allocator replica computes the same assignment.
 *
 * 1. Each target scores every collector, score = mix32(key32(URL) xor seed32(name)), and prefers the highest.
 * 2. A collector above the cap ({@link boundedLoadCap}) keeps the targets that score it highest and evicts
 *    the rest (ties: the smaller id stays).
 * 3. Evicted targets, in order of (key32, id), take their highest-scoring collector that is below the cap.
 *
 * Why it balances and moves little: step 1 alone is plain rendezvous hashing, under which a collector joining
 * takes exactly the targets that now score it highest, and a collector leaving hands each of its targets to that
 * target's next choice: no target moves between two collectors that both stay. The cap then bounds the peak at
 * (1+ε)·mean. Only targets evicted by the cap (those on collectors whose rendezvous share exceeds the cap, a few
 * percent of targets for ε=0.05 and 1000 targets per collector) can change hands between survivors, and only
 * when their eviction changes.
 */
export class BoundedRendezvousStrategy implements AllocationStrategy {
  public readonly name = 'bounded-rendezvous';
  private readonly seeds = new Map<string, number>();

  constructor(private readonly hasher: Hasher, private readonly slack: number = DEFAULT_LOAD_SLACK) {
    if (!(slack >= 0)) throw new Error(`bounded-rendezvous: load slack must be ≥ 0, got ${slack}`);
  }

  assign(items: readonly TargetItem[], collectors: readonly Collector[]): void {
    const n = items.length;
    const m = collectors.length;
    if (n === 0) return;
    const seeds = new Int32Array(m);
    for (let c = 0; c < m; c++) seeds[c] = this.seedOf(collectors[c].name);
    const owner = new Int32Array(n);
    const best = new Float64Array(n);
    const load = new Int32Array(m);
    for (let i = 0; i < n; i++) {
      const key = items[i].key32;
      let top = 0;
      let topScore = -1;
      for (let c = 0; c < m; c++) {
        const s = score(key, seeds[c]);
        if (s > topScore) {
          topScore = s;
          top = c;
        }
      }
      owner[i] = top;
      best[i] = topScore;
      load[top]++;
    }

    const cap = boundedLoadCap(n, m, this.slack);
    const over: number[][] = [];
    for (let c = 0; c < m; c++) if (load[c] > cap) over[c] = [];
    const evicted: number[] = [];
    if (over.length > 0) {
      for (let i = 0; i < n; i++) over[owner[i]]?.push(i);
      over.forEach((list, c) => {
        if (!list) return;
        list.sort((a, b) => best[b] - best[a] || compareIds(items[a], items[b]));
        for (let k = cap; k < list.length; k++) evicted.push(list[k]);
        load[c] = cap;
      });
      evicted.sort((a, b) => (items[a].key32 >>> 0) - (items[b].key32 >>> 0) || compareIds(items[a], items[b]));
      for (const i of evicted) {
        const key = items[i].key32;
        let top = -1;
        let topScore = -1;
        for (let c = 0; c < m; c++) {
          if (load[c] >= cap) continue;
          const s = score(key, seeds[c]);
          if (s > topScore) {
            topScore = s;
            top = c;
          }
        }
        owner[i] = top;
        load[top]++;
      }
    }
    for (let i = 0; i < n; i++) items[i].collectorName = collectors[owner[i]].name;
  }

  private seedOf(name: string): number {
    let seed = this.seeds.get(name);
    if (seed === undefined) {
      const h = this.hasher.h64(name);
      seed = (Number(h >> 32n) ^ Number(h & 0xffffffffn)) | 0;
      // pods come and go with new names; keep the cache bounded
      if (this.seeds.size > 100_000) this.seeds.clear();
      this.seeds.set(name, seed);
    }
    return seed;
  }
}

function compareIds(a: TargetItem, b: TargetItem): number {
  return a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0;
}

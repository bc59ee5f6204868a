import { Hasher } from '../hasher';
import { TargetItem } from '../target';
import { AllocationStrategy, Collector } from './strategy';

/** Default relative slack ε over the mean: a collector may hold 5% more than the mean. */
export const DEFAULT_LOAD_SLACK = 0.05;
/** Default slack in standard deviations of the rendezvous load (√mean), which governs small means. */
export const DEFAULT_DEVIATION_SLACK = 1.4;

/**
 * The most targets one collector may hold, with mean μ = n/m: the larger of ⌊(1+ε)·μ⌋ and ⌈μ + k·√μ⌉.
 *
 * Under plain rendezvous hashing a collector's load is Binomial(n, 1/m), with standard deviation ≈ √μ. A cap
 * inside that noise binds on many collectors at once, and every join or leave then reshuffles the evictions of
 * all of them (at μ = 10 and a cap of ⌈μ⌉, a leave moved 80× the minimum). So the cap never goes below k
 * standard deviations above the mean, where it binds on a few percent of collectors only. For μ ≥ (k/ε)² (1000
 * targets per collector with the defaults) the ε term is the larger one and P ≤ 1+ε; below that P ≤ 1 + k/√μ
 * plus rounding, still far below consistent hashing's spread at the same sizes.
 */
export function boundedLoadCap(targets: number, collectors: number, slack = DEFAULT_LOAD_SLACK, deviations = DEFAULT_DEVIATION_SLACK): number {
  const mean = targets / collectors;
  return Math.max(Math.ceil(mean), Math.floor((1 + slack) * mean), Math.ceil(mean + deviations * Math.sqrt(mean) - 1e-9));
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
  public readonly incremental = 'whole' as const;
  private readonly seeds = new Map<string, number>();

  constructor(
    private readonly hasher: Hasher,
    private readonly slack: number = DEFAULT_LOAD_SLACK,
    private readonly deviations: number = DEFAULT_DEVIATION_SLACK,
  ) {
    if (!(slack >= 0) || !(deviations >= 0)) throw new Error(`bounded-rendezvous: slacks must be ≥ 0, got ${slack} and ${deviations}`);
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

    const cap = boundedLoadCap(n, m, this.slack, this.deviations);
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

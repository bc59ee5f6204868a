import { Hasher, loadHasher } from '../../src/allocator/hasher';
import { Labels } from '../../src/allocator/labels';
import { Collector } from '../../src/allocator/strategies';
import { TargetItem } from '../../src/allocator/target';

export { loadHasher };

/** n synthetic targets with distinct addresses, spread over `jobs` jobs. */
export function makeTargets(hasher: Hasher, n: number, opts: { jobs?: number; extra?: (i: number) => Labels } = {}): TargetItem[] {
  const jobs = opts.jobs ?? 1;
  const out: TargetItem[] = [];
  for (let i = 0; i < n; i++) {
    const url = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:${8080 + (i % 3)}`;
    const job = `job-${i % jobs}`;
    out.push(new TargetItem(job, url, { __address__: url, ...(opts.extra?.(i) ?? {}) }, `${job}${url}`, hasher.h64(url)));
  }
  return out;
}

export function makeCollectors(n: number, prefix = 'collector'): Collector[] {
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${i}` }));
}

export function owners(items: readonly TargetItem[]): Map<string, string | undefined> {
  return new Map(items.map((t) => [t.hash, t.collectorName]));
}

/** A deterministic shuffle (LCG), to show results do not depend on input order. */
export function shuffled<T>(list: readonly T[], seed = 42): T[] {
  const out = list.slice();
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

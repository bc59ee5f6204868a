/**
 * Balance and churn figures (spec §7), computed from assignments; used by tests and the benchmark.
 * K targets, N collectors, μ = K/N.
 */

/** Targets per collector, including collectors that received none. */
export function loadsOf(owners: Iterable<string | undefined>, collectorNames: readonly string[]): Map<string, number> {
  const loads = new Map<string, number>(collectorNames.map((n) => [n, 0]));
  for (const o of owners) if (o !== undefined) loads.set(o, (loads.get(o) ?? 0) + 1);
  return loads;
}

/** Peak-to-mean P = max load / μ. */
export function peakToMean(loads: ReadonlyMap<string, number>): number {
  const values = Array.from(loads.values());
  const total = values.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  return Math.max(...values) / (total / values.length);
}

/** Churn of one membership event. */
export interface Churn {
  /** targets present before and after whose collector changed */
  readonly moved: number;
  /** moves between two collectors that both exist before and after */
  readonly crossMoves: number;
  /** the fewest moves any balanced assignment needs: ⌊K/(N+1)⌋ on a join, the leaver's load on a leave */
  readonly minimum: number;
  /** moved / minimum */
  readonly ratio: number;
}

/**
 * Compares two assignments (target id → collector). `joined`/`left` name the collector that appeared or went.
 */
export function churnOf(
  before: ReadonlyMap<string, string | undefined>,
  after: ReadonlyMap<string, string | undefined>,
  event: { joined?: string; left?: string },
  collectorsAfter: number,
): Churn {
  let moved = 0;
  let crossMoves = 0;
  let leaverLoad = 0;
  for (const [id, was] of before) {
    if (event.left !== undefined && was === event.left) leaverLoad++;
    if (!after.has(id)) continue;
    const now = after.get(id);
    if (now === was) continue;
    moved++;
    if (was !== undefined && now !== undefined && was !== event.left && now !== event.joined) crossMoves++;
  }
  const minimum = event.joined !== undefined ? Math.floor(after.size / Math.max(1, collectorsAfter)) : leaverLoad;
  return { moved, crossMoves, minimum, ratio: minimum === 0 ? (moved === 0 ? 1 : Infinity) : moved / minimum };
}

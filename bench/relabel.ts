/**
 * Relabel regexes: the time of one match of patterns that take exponential time in a backtracking engine (the
 * hand-written translation to JavaScript regexes took 1.3 s for `(a+)+b` on 28 a's, doubling with each one), and
 * the throughput of the relabel filter on upstream's benchmark shape.
 */
import { performance } from 'node:perf_hooks';
import { Hasher, loadHasher } from '../src/allocator/hasher';
import { compileAnchored } from '../src/allocator/re2';
import { TargetBuilder } from '../src/allocator/target';
import { jobSettings, makeGroups } from './allocator';
import type { BenchContext } from './main';

interface RegexRow { pattern: string; input: string; length: number; ms: number; matched: boolean }

const PATHOLOGICAL: Array<[string, (n: number) => string, string]> = [
  ['(a+)+b', (n) => `${'a'.repeat(n)}c`, "n a's + c"],
  ['(a|a)*b', (n) => `${'a'.repeat(n)}c`, "n a's + c"],
  ['(a|aa)+', (n) => `${'a'.repeat(n)}c`, "n a's + c"],
  ['(x+x+)+y', (n) => 'x'.repeat(n), "n x's"],
  ['(.*a){12}', (n) => `${'a'.repeat(11)}${'b'.repeat(n)}`, "11 a's + n b's"],
];

/** One match each, best of 3, at two lengths: the time grows with the input, not exponentially. */
function regexRows(): RegexRow[] {
  const rows: RegexRow[] = [];
  for (const [pattern, make, input] of PATHOLOGICAL) {
    const re = compileAnchored(pattern, true);
    for (const n of [28, 10_000]) {
      const text = make(n);
      let best = Infinity;
      let matched = false;
      for (let r = 0; r < 3; r++) {
        const start = performance.now();
        matched = re.exec(text) !== null;
        best = Math.min(best, performance.now() - start);
      }
      rows.push({ pattern, input, length: n, ms: best, matched });
    }
  }
  return rows;
}

/** Targets per second through the relabel filter and ids (six rules per job, one a 27-label labelmap), best of 3. */
function relabelThroughput(hasher: Hasher, n: number): number {
  const groups = makeGroups(n);
  const builder = new TargetBuilder(hasher);
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const start = performance.now();
    for (const [job, g] of groups) builder.build(jobSettings(job), g, true);
    best = Math.min(best, performance.now() - start);
  }
  return (n / best) * 1000;
}

export async function runRelabelBench(ctx: BenchContext): Promise<unknown> {
  const hasher = await loadHasher();
  ctx.log('\n### relabel regexes (RE2 via re2js; one match, best of 3)\n');
  ctx.log('| pattern | input | n | time (ms) | matched |');
  ctx.log('|---|---|---:|---:|---|');
  const regexes = regexRows();
  for (const r of regexes) ctx.log(`| \`${r.pattern.replace(/\|/g, '\\|')}\` | ${r.input} | ${r.length} | ${r.ms.toFixed(3)} | ${r.matched} |`);
  const n = ctx.quick ? 10_000 : 100_000;
  const targetsPerSecond = relabelThroughput(hasher, n);
  ctx.log(`\nrelabel throughput (filter + ids, 6 rules per job, ${n} targets, best of 3): ${targetsPerSecond.toFixed(0)} targets/s`);
  return { regexes, relabel: { targets: n, targetsPerSecond } };
}

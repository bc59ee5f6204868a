/**
 * Reload: what a discovery refresh costs when nothing or little changed (issue 12, item 4). Upstream's benchmark
 * shape (5 targets per group, 20 groups per job, ~40 labels, six relabel rules) on 100 collectors with
 * consistent-hashing. Per row, best of 3:
 * - `process`: the target builder over every group (unchanged groups reuse their items; changed ones relabel);
 * - `setTargets`: the allocator's update with that list (the goal: ≤ 600 ms unchanged, ≤ 100 ms for a
 *   1% change at 800k);
 * - unchanged with fresh objects: a discovery that rebuilds every item (equal labels), for the diff's cost.
 */
import { performance } from 'node:perf_hooks';
import { Allocator } from '../src/allocator/allocator';
import { loadHasher } from '../src/allocator/hasher';
import { createStrategy } from '../src/allocator/strategies';
import { TargetBuilder, TargetGroup, TargetItem } from '../src/allocator/target';
import { jobSettings, makeGroups } from './allocator';
import type { BenchContext } from './main';

interface ReloadRow { targets: number; change: string; processMs: number; setTargetsMs: number; setTargetsCpuMs: number; added: number; removed: number; moved: number }

const collectors = Array.from({ length: 100 }, (_, i) => ({ name: `collector-${String(i).padStart(4, '0')}` }));

/** The same groups with every `step`-th group replaced by one of new addresses (1% of groups for step 100). */
function changedGroups(jobs: Map<string, TargetGroup[]>, step: number, salt: number): Map<string, TargetGroup[]> {
  const out = new Map<string, TargetGroup[]>();
  let g = 0;
  for (const [job, groups] of jobs) {
    out.set(job, groups.map((group) => {
      if (g++ % step !== 0) return group;
      return { ...group, targets: group.targets.map((t) => ({ ...t, __address__: `${t.__address__.split(':')[0]}:${9000 + salt}` })) };
    }));
  }
  return out;
}

export async function runReloadBench(ctx: BenchContext): Promise<unknown> {
  const hasher = await loadHasher();
  const sizes = ctx.quick ? [100_000] : [100_000, 800_000];
  ctx.log('\n### reload (consistent-hashing, 100 collectors; ms, best of 3)\n');
  ctx.log('| targets | change | process (ms) | setTargets (ms) | setTargets CPU (ms) | added | removed | moved |');
  ctx.log('|---:|---|---:|---:|---:|---:|---:|---:|');
  const rows: ReloadRow[] = [];
  for (const n of sizes) {
    const base = makeGroups(n);
    const settings = new Map(Array.from(base.keys(), (job) => [job, jobSettings(job)]));
    const builder = new TargetBuilder(hasher);
    const build = (jobs: Map<string, TargetGroup[]>) => {
      const items: TargetItem[] = [];
      for (const [job, groups] of jobs) for (const item of builder.build(settings.get(job)!, groups, true)) items.push(item);
      return items;
    };
    const allocator = new Allocator(createStrategy('consistent-hashing', hasher));
    allocator.setCollectors(collectors);
    allocator.setTargets(build(base));
    const measure = (change: string, next: (run: number) => Map<string, TargetGroup[]> | TargetItem[]) => {
      let best = { processMs: Infinity, setTargetsMs: Infinity, setTargetsCpuMs: Infinity, added: 0, removed: 0, moved: 0 };
      for (let run = 0; run < 3; run++) {
        const input = next(run);
        const start = performance.now();
        const items = Array.isArray(input) ? input : build(input);
        const built = performance.now();
        // CPU time (user + system) as well as wall time: on a loaded machine the wall time includes waiting for a core
        const cpu = process.cpuUsage();
        allocator.setTargets(items);
        const used = process.cpuUsage(cpu);
        const done = performance.now();
        if (done - built < best.setTargetsMs) {
          best = {
            processMs: Array.isArray(input) ? 0 : built - start, setTargetsMs: done - built,
            setTargetsCpuMs: (used.user + used.system) / 1000, ...allocator.changes,
          };
        }
      }
      const row = { targets: n, change, ...best };
      rows.push(row);
      ctx.log(`| ${n} | ${change} | ${row.processMs.toFixed(0)} | ${row.setTargetsMs.toFixed(1)} | ${row.setTargetsCpuMs.toFixed(1)} | ${row.added} | ${row.removed} | ${row.moved} |`);
    };
    measure('none', () => base);
    measure('1% of groups replaced', (run) => changedGroups(base, 100, run + 1));
    if (n > 100_000) continue; // a fresh copy of every item at 800k does not fit next to the rest
    allocator.setTargets(build(base));
    const current = allocator.targets;
    measure('none, fresh objects', () => {
      // new objects with equal labels, as a discovery that rebuilds everything hands over (one group copy per group)
      const groupCopies = new Map<object, { labels: Record<string, string>; sortedNames: readonly string[] }>();
      return current.map((t) => {
        let group = groupCopies.get(t.group);
        if (!group) {
          group = { labels: { ...t.group.labels }, sortedNames: t.group.sortedNames };
          groupCopies.set(t.group, group);
        }
        return new TargetItem(t.jobName, t.targetURL, { ...t.ownLabels }, t.hash, t.keyHash, group);
      });
    });
  }
  return { reload: rows };
}

import { Allocator } from '../../src/allocator/allocator';
import { Hasher } from '../../src/allocator/hasher';
import { createStrategy, LeastWeightedStrategy } from '../../src/allocator/strategies';
import { TargetItem } from '../../src/allocator/target';
import { parseAllocatorConfig } from '../../src/allocator/config';
import { AllocatorMetrics } from '../../src/allocator/metrics';
import { AllocatorService } from '../../src/allocator/service';
import { loadHasher, makeCollectors, makeTargets, owners } from './helpers';

let hasher: Hasher;
beforeAll(async () => {
  hasher = await loadHasher();
});

const fresh = (items: readonly TargetItem[]) => items.map((t) => new TargetItem(t.jobName, t.targetURL, t.ownLabels, t.hash, t.keyHash));

describe('allocation engine', () => {
  test('targets that arrive before any collector wait unassigned, then get placed (upstream #2350)', () => {
    const a = new Allocator(createStrategy('consistent-hashing', hasher));
    a.setTargets(makeTargets(hasher, 50, { jobs: 2 }));
    expect(a.unassignedCount()).toBe(50);
    expect(a.jobNames().sort()).toEqual(['job-0', 'job-1']);
    a.setCollectors(makeCollectors(3));
    expect(a.unassignedCount()).toBe(0);
    const perCollector = makeCollectors(3).map((c) => a.targetsFor('job-0', c.name).length + a.targetsFor('job-1', c.name).length);
    expect(perCollector.reduce((x, y) => x + y)).toBe(50);
  });

  test('a target that stays keeps its collector and takes the fresh labels; only new ones are placed', () => {
    const a = new Allocator(new LeastWeightedStrategy());
    a.setCollectors(makeCollectors(2));
    const first = makeTargets(hasher, 10);
    a.setTargets(first);
    const before = new Map(a.targets.map((t) => [t.hash, t.collectorName]));
    a.setCollectors(makeCollectors(3)); // least-weighted: nothing moves
    const next = fresh(first).concat(makeTargets(hasher, 13).slice(10));
    a.setTargets(next);
    for (const t of a.targets.slice(0, 10)) expect(t.collectorName).toBe(before.get(t.hash));
    // the three new targets go to the empty collector first
    expect(a.targets.slice(10).map((t) => t.collectorName)).toEqual(['collector-2', 'collector-2', 'collector-2']);
    expect(a.targets[0]).toBe(next[0]);
  });

  test('a collector set that only changes order or repeats a name does not re-allocate', () => {
    let calls = 0;
    const a = new Allocator(createStrategy('consistent-hashing', hasher), () => calls++);
    a.setTargets(makeTargets(hasher, 5));
    a.setCollectors(makeCollectors(3));
    const version = a.version;
    a.setCollectors([...makeCollectors(3)].reverse().concat(makeCollectors(1)));
    expect(a.version).toBe(version);
    expect(calls).toBe(1);
    expect(a.loads().size).toBe(3);
  });

  test('jobs without targets are not listed; removed targets disappear from every index', () => {
    const a = new Allocator(createStrategy('bounded-rendezvous', hasher));
    a.setCollectors(makeCollectors(2));
    a.setTargets(makeTargets(hasher, 4, { jobs: 2 }));
    a.setTargets(makeTargets(hasher, 4, { jobs: 2 }).filter((t) => t.jobName === 'job-0'));
    expect(a.jobNames()).toEqual(['job-0']);
    expect(makeCollectors(2).map((c) => a.targetsFor('job-1', c.name).length)).toEqual([0, 0]);
    expect(a.targetsOfJob('job-0')).toHaveLength(2);
  });
});

describe('incremental target updates', () => {
  /** What the allocator holds, checked against the list it was given: ids, the index and the loads agree. */
  const expectHolds = (a: Allocator, given: readonly TargetItem[], collectors: number) => {
    const last = new Map<string, TargetItem>();
    for (const t of given) last.set(t.hash, t);
    // compared by id and identity: printing items would print the allocator they point to
    expect(a.targets.map((t) => t.hash).sort()).toEqual(Array.from(last.keys()).sort());
    expect(a.targets.filter((t) => t !== last.get(t.hash)).map((t) => t.hash)).toEqual([]);
    let indexed = 0;
    const wrong: string[] = [];
    for (const job of a.jobNames()) {
      for (const c of makeCollectors(collectors)) {
        for (const t of a.targetsFor(job, c.name)) {
          if (t !== last.get(t.hash) || t.collectorName !== c.name || t.jobName !== job) wrong.push(`${t.hash} in ${job}/${c.name}`);
          indexed++;
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(indexed).toBe(last.size);
    expect(Array.from(a.loads().values()).reduce((x, y) => x + y, 0)).toBe(last.size);
    expect(a.jobNames().sort()).toEqual(Array.from(new Set(Array.from(last.values(), (t) => t.jobName))).sort());
  };

  test.each(['consistent-hashing', 'least-weighted', 'bounded-rendezvous'] as const)(
    '%s: removed, added, replaced, reordered and repeated items are all found by the in-order walk', (strategy) => {
      const pool = makeTargets(hasher, 400, { jobs: 7 });
      const a = new Allocator(createStrategy(strategy, hasher));
      a.setCollectors(makeCollectors(5));
      let current = pool.slice(0, 200);
      a.setTargets(current);
      expectHolds(a, current, 5);
      let seed = 7;
      const rand = (n: number) => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed % n;
      };
      for (let round = 0; round < 60; round++) {
        const next = current.slice();
        const edits = 1 + rand(8);
        for (let e = 0; e < edits; e++) {
          const at = rand(next.length + 1);
          switch (rand(7)) {
            case 0: next.splice(at, 1 + rand(20)); break; // a run removed
            case 1: next.splice(at, 0, ...pool.slice(200 + rand(150), 200 + rand(150) + 1 + rand(10))); break; // added (maybe already there: repeated)
            case 2: if (next.length > 0) next.push(next[rand(next.length)]); break; // the same object twice
            case 3: if (next.length > 0) next.splice(at, 0, next.splice(rand(next.length), 1)[0]); break; // moved
            case 4: if (at < next.length) next[at] = fresh([next[at]])[0]; break; // replaced by an equal item
            case 5: next.reverse(); break;
            default: next.splice(at, 1 + rand(40)); next.unshift(...pool.slice(rand(200), rand(200) + 1 + rand(30)));
          }
        }
        a.setTargets(next);
        expectHolds(a, next, 5);
        current = next;
      }
      // unchanged: a no-op that keeps every collector
      const version = a.version;
      const before = owners(a.targets);
      a.setTargets(current.slice());
      expect(a.version).toBe(version);
      expect(owners(a.targets)).toEqual(before);
    });

  test('a target that stays keeps its collector whatever else changes around it', () => {
    const pool = makeTargets(hasher, 300, { jobs: 3 });
    const a = new Allocator(createStrategy('consistent-hashing', hasher));
    a.setCollectors(makeCollectors(4));
    a.setTargets(pool.slice(0, 200));
    const before = owners(pool.slice(0, 200));
    const next = pool.slice(100, 300);
    a.setTargets(next);
    expect(a.changes).toEqual({ added: 100, removed: 100, relabelled: 0, moved: 0 });
    for (const t of pool.slice(100, 200)) expect(t.collectorName).toBe(before.get(t.hash));
    a.setCollectors(makeCollectors(5));
    expect(a.changes.removed).toBe(100); // setCollectors does not touch the target diff
    a.setTargets(next.slice().reverse());
    expect(a.changes).toEqual({ added: 0, removed: 0, relabelled: 0, moved: 0 });
  });
});

describe('allocator service metrics', () => {
  test('targets_remaining counts the targets kept by the filter before equal ids are merged, as upstream records it', async () => {
    const config = parseAllocatorConfig(`
collectors: [c-0]
config:
  scrape_configs:
  - job_name: app
    static_configs:
    - targets: ['a:1', 'a:1', 'b:1', 'c:1']
    relabel_configs:
    - {source_labels: [__address__], regex: 'c:1', action: drop}
`, 'ta.yaml');
    const metrics = new AllocatorMetrics();
    const service = new AllocatorService(config, hasher, { configDir: '.', log: { info: () => {}, warn: () => {} }, metrics });
    await service.start();
    try {
      const text = await metrics.registry.metrics();
      expect(text).toContain('opentelemetry_allocator_targets_remaining 3');
      expect(text).toContain('opentelemetry_allocator_targets{job_name="app"} 4');
      expect(service.allocator.targets).toHaveLength(2);
    } finally {
      await service.stop();
    }
  });
});

describe('incremental updates', () => {
  const relabelledCopy = (t: TargetItem, extra: Record<string, string>) =>
    new TargetItem(t.jobName, t.targetURL, { ...t.ownLabels, ...extra }, t.hash, t.keyHash);
  /** every bucket as job/collector → ids, to compare two allocators' indexes */
  const index = (a: Allocator) => new Map(Array.from(a.buckets(), (b) => [`${b.job}/${b.collector}`, b.items.map((t) => t.hash).sort()]));

  test('an unchanged list is a no-op: no strategy run, no new version, no changed bucket', () => {
    let runs = 0;
    const changed: number[] = [];
    const a = new Allocator(createStrategy('consistent-hashing', hasher), () => runs++);
    a.onBucketsChanged((b) => changed.push(b.size));
    a.setCollectors(makeCollectors(4));
    const items = makeTargets(hasher, 200, { jobs: 5 });
    a.setTargets(items);
    expect([runs, changed.length]).toEqual([1, 1]);
    const version = a.version;
    a.setTargets(items);
    a.setTargets(items.slice().reverse());
    a.setTargets(fresh(items)); // new objects, same ids and labels: what a discovery refresh produces
    expect([runs, changed.length, a.version]).toEqual([1, 1, version]);
    expect(a.changes).toEqual({ added: 0, removed: 0, relabelled: 0, moved: 0 });
  });

  test('a 1% change places only the added targets; the others keep their collector; only touched buckets change', () => {
    const placed: number[] = [];
    const strategy = createStrategy('consistent-hashing', hasher);
    const spy = { name: strategy.name, incremental: strategy.incremental, assign: (items: readonly TargetItem[], c: readonly { name: string }[]) => {
      placed.push(items.length);
      strategy.assign(items, c);
    } };
    let touched: string[] = [];
    const a = new Allocator(spy);
    a.onBucketsChanged((b) => {
      touched = Array.from(b, (x) => `${x.job}/${x.collector}`);
    });
    a.setCollectors(makeCollectors(10));
    const all = makeTargets(hasher, 1010, { jobs: 20 });
    a.setTargets(all.slice(0, 1000));
    const before = owners(a.targets);
    const next = all.slice(10, 1010); // 10 removed, 10 added
    a.setTargets(next);
    expect(placed).toEqual([1000, 10]);
    expect(a.changes).toEqual({ added: 10, removed: 10, relabelled: 0, moved: 0 });
    for (const t of all.slice(10, 1000)) expect(t.collectorName).toBe(before.get(t.hash));
    const expected = new Set([...all.slice(0, 10), ...all.slice(1000)].map((t) => `${t.jobName}/${t.collectorName ?? before.get(t.hash)}`));
    expect(new Set(touched)).toEqual(expected);
    // bit for bit what a fresh allocation of the same list gives
    const scratch = new Allocator(createStrategy('consistent-hashing', hasher));
    scratch.setCollectors(makeCollectors(10));
    scratch.setTargets(fresh(next));
    expect(index(a)).toEqual(index(scratch));
  });

  test('a target whose discovered labels change keeps its id and collector and serves the new labels', () => {
    let touched = 0;
    const a = new Allocator(createStrategy('consistent-hashing', hasher));
    a.onBucketsChanged((b) => {
      touched = b.size;
    });
    a.setCollectors(makeCollectors(3));
    const items = makeTargets(hasher, 30);
    a.setTargets(items);
    const changed = relabelledCopy(items[7], { __meta_kubernetes_pod_name: 'new-pod' });
    const version = a.version;
    a.setTargets([...items.slice(0, 7), changed, ...items.slice(8)]);
    expect(a.changes).toEqual({ added: 0, removed: 0, relabelled: 1, moved: 0 });
    expect(a.version).toBe(version + 1);
    expect(touched).toBe(1);
    expect(changed.collectorName).toBe(items[7].collectorName);
    expect(a.targetsFor('job-0', changed.collectorName!).find((t) => t.hash === changed.hash)?.labels.__meta_kubernetes_pod_name).toBe('new-pod');
  });

  test('equal ids in one list: the last one wins, in the first one\'s place', () => {
    const a = new Allocator(createStrategy('consistent-hashing', hasher));
    a.setCollectors(makeCollectors(2));
    const items = makeTargets(hasher, 3);
    const later = relabelledCopy(items[0], { x: 'later' });
    a.setTargets([items[0], items[1], later, items[2]]);
    expect(a.targets.map((t) => t.ownLabels.x)).toEqual(['later', undefined, undefined]);
    expect(a.targets).toHaveLength(3);
  });

  test.each(['consistent-hashing', 'bounded-rendezvous', 'per-node'])('%s: after a series of updates the result equals a fresh allocation', (name) => {
    const node = (i: number) => ({ __meta_kubernetes_pod_node_name: `node-${i % 4}` });
    const all = makeTargets(hasher, 600, { jobs: 7, extra: node });
    const collectors = makeCollectors(5).map((c, i) => ({ ...c, nodeName: `node-${i}` }));
    const a = new Allocator(createStrategy(name, hasher));
    a.setCollectors(collectors);
    let current: TargetItem[] = [];
    for (const [from, to] of [[0, 300], [50, 350], [40, 360], [200, 600], [0, 600]]) {
      current = fresh(all.slice(from, to));
      a.setTargets(current);
    }
    a.setCollectors(collectors.slice(1));
    a.setTargets(current.slice(100));
    const scratch = new Allocator(createStrategy(name, hasher));
    scratch.setCollectors(collectors.slice(1));
    scratch.setTargets(fresh(current.slice(100)));
    expect(index(a)).toEqual(index(scratch));
    expect(a.unassignedCount()).toBe(scratch.unassignedCount());
  });
});

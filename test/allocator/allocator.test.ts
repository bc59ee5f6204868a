import { Allocator } from '../../src/allocator/allocator';
import { Hasher } from '../../src/allocator/hasher';
import { createStrategy, LeastWeightedStrategy } from '../../src/allocator/strategies';
import { TargetItem } from '../../src/allocator/target';
import { parseAllocatorConfig } from '../../src/allocator/config';
import { AllocatorMetrics } from '../../src/allocator/metrics';
import { AllocatorService } from '../../src/allocator/service';
import { loadHasher, makeCollectors, makeTargets } from './helpers';

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
      service.stop();
    }
  });
});

import { churnOf, loadsOf, peakToMean } from '../../src/allocator/balance';
import { Hasher } from '../../src/allocator/hasher';
import {
  boundedLoadCap, BoundedRendezvousStrategy, ConsistentHashingStrategy, createStrategy, LeastWeightedStrategy, PerNodeStrategy,
} from '../../src/allocator/strategies';
import { PARTITION_COUNT } from '../../src/allocator/strategies/consistent-hashing';
import { TargetItem } from '../../src/allocator/target';
import { loadHasher, makeCollectors, makeTargets, owners, shuffled } from './helpers';

let hasher: Hasher;
beforeAll(async () => {
  hasher = await loadHasher();
});

function copy(items: readonly TargetItem[]): TargetItem[] {
  return items.map((t) => new TargetItem(t.jobName, t.targetURL, t.labels, t.hash, t.keyHash));
}

describe('consistent-hashing (upstream buraksezer/consistent v1.0.0 ring)', () => {
  test('partition counts are capped at ceil(1061/N x 1.1) and every partition has an owner', () => {
    for (const n of [1, 2, 7, 15, 100]) {
      const owners = new ConsistentHashingStrategy(hasher).partitionOwners(makeCollectors(n));
      expect(owners.filter((o) => o !== undefined)).toHaveLength(PARTITION_COUNT);
      const counts = loadsOf(owners, makeCollectors(n).map((c) => c.name));
      expect(Math.max(...counts.values())).toBeLessThanOrEqual(Math.ceil((PARTITION_COUNT / n) * 1.1));
    }
  });

  test('a target goes where its URL hash partition is owned; job and labels do not matter', () => {
    const s = new ConsistentHashingStrategy(hasher);
    const a = new TargetItem('a', '10.0.0.1:80', { __address__: '10.0.0.1:80' }, 'a', hasher.h64('10.0.0.1:80'));
    const b = new TargetItem('b', '10.0.0.1:80', { __address__: '10.0.0.1:80', x: 'y' }, 'b', hasher.h64('10.0.0.1:80'));
    s.assign([a, b], makeCollectors(5));
    expect(a.collectorName).toBe(b.collectorName);
    expect(a.collectorName).toBe(s.partitionOwners(makeCollectors(5))[Number(hasher.h64('10.0.0.1:80') % 1061n)]);
  });

  test('upstream TestNumRemapped bound: 10k targets, 15 -> 16 collectors, moves <= 2x the minimum', () => {
    const items = makeTargets(hasher, 10_000);
    const s = new ConsistentHashingStrategy(hasher);
    s.assign(items, makeCollectors(15));
    const before = owners(items);
    s.assign(items, makeCollectors(16));
    const churn = churnOf(before, owners(items), { joined: 'collector-15' }, 16);
    expect(churn.minimum).toBe(625);
    expect(churn.ratio).toBeLessThanOrEqual(2);
    // the ring rebuild moves targets between collectors that both stay (what bounded-rendezvous avoids)
    expect(churn.crossMoves).toBeGreaterThan(0);
  });

  test('upstream balance bound: every collector within 1.5x the mean (10k targets, 15 collectors)', () => {
    const items = makeTargets(hasher, 10_000);
    new ConsistentHashingStrategy(hasher).assign(items, makeCollectors(15));
    expect(peakToMean(loadsOf(items.map((t) => t.collectorName), makeCollectors(15).map((c) => c.name)))).toBeLessThanOrEqual(1.5);
  });
});

describe('least-weighted (upstream semantics)', () => {
  test('fresh allocation is balanced to within one target', () => {
    const items = makeTargets(hasher, 1003, { jobs: 3 });
    new LeastWeightedStrategy().assign(items, makeCollectors(10));
    const loads = [...loadsOf(items.map((t) => t.collectorName), makeCollectors(10).map((c) => c.name)).values()];
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
  });

  test('a target whose collector still exists stays, even on the most loaded collector', () => {
    const items = makeTargets(hasher, 4);
    for (const t of items) t.collectorName = 'b';
    new LeastWeightedStrategy().assign(items, [{ name: 'a' }, { name: 'b' }]);
    expect(items.map((t) => t.collectorName)).toEqual(['b', 'b', 'b', 'b']);
  });

  test('ties go to fewer targets of the same job, then to the smaller name', () => {
    const items = makeTargets(hasher, 3, { jobs: 2 }); // job-0, job-1, job-0
    new LeastWeightedStrategy().assign(items, [{ name: 'b' }, { name: 'a' }].sort((x, y) => x.name.localeCompare(y.name)));
    expect(items.map((t) => t.collectorName)).toEqual(['a', 'b', 'b']);
  });

  test('a joining collector receives nothing (upstream #2477); only a leaver\'s targets move, to the least loaded', () => {
    const items = makeTargets(hasher, 1000);
    const s = new LeastWeightedStrategy();
    s.assign(items, makeCollectors(10));
    const before = owners(items);
    s.assign(items, makeCollectors(11));
    expect(churnOf(before, owners(items), { joined: 'collector-10' }, 11).moved).toBe(0);
    const remaining = makeCollectors(10).filter((c) => c.name !== 'collector-3');
    s.assign(items, remaining);
    const churn = churnOf(before, owners(items), { left: 'collector-3' }, 9);
    expect(churn.moved).toBe(100);
    expect(churn.crossMoves).toBe(0);
    const loads = [...loadsOf(items.map((t) => t.collectorName), remaining.map((c) => c.name)).values()];
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
  });
});

describe('per-node', () => {
  const node = (i: number) => ({ __meta_kubernetes_pod_node_name: `node-${i % 3}` });
  test('targets go to the collector on their node; no collector on the node leaves them unassigned', () => {
    const items = makeTargets(hasher, 9, { extra: node });
    new PerNodeStrategy().assign(items, [{ name: 'c0', nodeName: 'node-0' }, { name: 'c1', nodeName: 'node-1' }]);
    expect(items.map((t) => t.collectorName)).toEqual(['c0', 'c1', undefined, 'c0', 'c1', undefined, 'c0', 'c1', undefined]);
  });

  test('node label precedence and the endpoint slice Node target', () => {
    const mk = (labels: Record<string, string>) => new TargetItem('j', 'x:1', { __address__: 'x:1', ...labels }, 'id', 0n);
    expect(mk({ __meta_kubernetes_node_name: 'n2', __meta_kubernetes_endpoint_node_name: 'n3' }).nodeName()).toBe('n2');
    expect(mk({ __meta_kubernetes_endpointslice_address_target_kind: 'Node', __meta_kubernetes_endpointslice_address_target_name: 'n4' }).nodeName()).toBe('n4');
    expect(mk({ __meta_kubernetes_endpointslice_address_target_kind: 'Pod', __meta_kubernetes_endpointslice_address_target_name: 'p' }).nodeName()).toBe('');
  });

  test('targets without a node: unassigned, or placed by the fallback strategy', () => {
    const items = makeTargets(hasher, 100);
    new PerNodeStrategy().assign(items, makeCollectors(3));
    expect(items.every((t) => t.collectorName === undefined)).toBe(true);
    const withFallback = createStrategy('per-node', hasher, 'consistent-hashing');
    withFallback.assign(items, makeCollectors(3));
    const expected = copy(items);
    new ConsistentHashingStrategy(hasher).assign(expected, makeCollectors(3));
    expect(items.map((t) => t.collectorName)).toEqual(expected.map((t) => t.collectorName));
  });

  test('a least-weighted fallback counts the node-bound targets (upstream collectors count every target)', () => {
    // 4 targets on node-0 (c0), none on node-1 (c1), 2 without a node: both go to c1, the less loaded one
    const onNode = makeTargets(hasher, 4, { extra: () => ({ __meta_kubernetes_pod_node_name: 'node-0' }) });
    const noNode = makeTargets(hasher, 6).slice(4);
    const all = [...onNode, ...noNode];
    createStrategy('per-node', hasher, 'least-weighted').assign(all, [{ name: 'c0', nodeName: 'node-0' }, { name: 'c1', nodeName: 'node-1' }]);
    expect(all.map((t) => t.collectorName)).toEqual(['c0', 'c0', 'c0', 'c0', 'c1', 'c1']);
  });

  test('several collectors on one node: the greatest name wins (upstream: the last map write)', () => {
    const items = makeTargets(hasher, 2, { extra: () => ({ __meta_kubernetes_pod_node_name: 'n' }) });
    new PerNodeStrategy().assign(items, [{ name: 'a', nodeName: 'n' }, { name: 'b', nodeName: 'n' }]);
    expect(items.map((t) => t.collectorName)).toEqual(['b', 'b']);
  });
});

describe('bounded-rendezvous (the new strategy): exact counts', () => {
  const K = 100_000;
  const N = 100;
  let items: TargetItem[];
  let base: Map<string, string | undefined>;
  const s = () => new BoundedRendezvousStrategy(hasher);

  beforeAll(() => {
    items = makeTargets(hasher, K, { jobs: 20 });
    s().assign(items, makeCollectors(N));
    base = owners(items);
  });

  test('cap: floor(1.05 mean) from 1000 targets per collector up, ceil(mean + 1.4 sqrt(mean)) below', () => {
    expect(boundedLoadCap(100_000, 100)).toBe(1050);
    expect(boundedLoadCap(100_000, 101)).toBe(1039);
    expect(boundedLoadCap(10_000, 100)).toBe(114);
    expect(boundedLoadCap(10, 3)).toBe(6);
    expect(boundedLoadCap(10, 3, 0.05, 0)).toBe(4); // never below ceil(mean)
  });

  test('100 targets per collector (10k on 100): P <= 1.15 and R <= 1.2 on join and leave', () => {
    const few = makeTargets(hasher, 10_000);
    s().assign(few, makeCollectors(100));
    const before = owners(few);
    const loads = loadsOf(before.values(), makeCollectors(100).map((c) => c.name));
    expect(peakToMean(loads)).toBeLessThanOrEqual(1.15);
    expect(Math.max(...loads.values())).toBe(114); // exactly the cap ceil(100 + 1.4 * 10)
    const joined = copy(few);
    s().assign(joined, makeCollectors(101));
    const j = churnOf(before, owners(joined), { joined: 'collector-100' }, 101);
    expect(j.ratio).toBeLessThanOrEqual(1.2);
    // the assignment is a pure function, so the exact counts are fixed: a change in them is a change in behaviour
    expect([j.moved, j.minimum, j.crossMoves]).toEqual([111, 99, 9]);
    const left = copy(few);
    s().assign(left, makeCollectors(100).filter((c) => c.name !== 'collector-40'));
    const l = churnOf(before, owners(left), { left: 'collector-40' }, 99);
    expect(l.ratio).toBeLessThanOrEqual(1.2);
    expect([l.moved, l.minimum, l.crossMoves]).toEqual([114, 100, 14]);
  });

  test(`${K} targets on ${N} collectors: peak-to-mean P <= 1.05`, () => {
    const loads = loadsOf(base.values(), makeCollectors(N).map((c) => c.name));
    expect(Math.max(...loads.values())).toBeLessThanOrEqual(1050);
    expect([Math.max(...loads.values()), Math.min(...loads.values())]).toEqual([1050, 934]);
    expect(peakToMean(loads)).toBeLessThanOrEqual(1.05);
    expect([...loads.values()].reduce((a, b) => a + b)).toBe(K);
  });

  test('a collector joins: R <= 1.2, and at most 5% of the moves are between collectors that both stay', () => {
    const after = copy(items);
    s().assign(after, makeCollectors(N + 1));
    const churn = churnOf(base, owners(after), { joined: `collector-${N}` }, N + 1);
    expect(churn.minimum).toBe(990);
    expect(churn.ratio).toBeLessThanOrEqual(1.2);
    expect(churn.crossMoves).toBeLessThanOrEqual(0.05 * churn.moved);
    expect([churn.moved, churn.crossMoves]).toEqual([1068, 29]);
    // the same join computed from a shuffled target list gives the same owners, hence the same counts
    const shuffledAfter = shuffled(copy(items));
    s().assign(shuffledAfter, makeCollectors(N + 1));
    const sameOwners = owners(after);
    expect(shuffledAfter.filter((t) => sameOwners.get(t.hash) !== t.collectorName)).toHaveLength(0);
    expect(peakToMean(loadsOf(owners(after).values(), makeCollectors(N + 1).map((c) => c.name)))).toBeLessThanOrEqual(1.05);
  });

  test('a collector leaves: R <= 1.2, and at most 5% of the moves are between collectors that both stay', () => {
    const after = copy(items);
    const remaining = makeCollectors(N).filter((c) => c.name !== 'collector-17');
    s().assign(after, remaining);
    const churn = churnOf(base, owners(after), { left: 'collector-17' }, N - 1);
    expect(churn.ratio).toBeLessThanOrEqual(1.2);
    expect(churn.crossMoves).toBeLessThanOrEqual(0.05 * churn.moved);
    expect([churn.moved, churn.minimum, churn.crossMoves]).toEqual([1019, 995, 24]);
  });

  test('without the cap binding (large slack) it is plain rendezvous: zero cross-moves on join and leave', () => {
    const loose = () => new BoundedRendezvousStrategy(hasher, 1);
    const few = makeTargets(hasher, 20_000);
    loose().assign(few, makeCollectors(50));
    const before = owners(few);
    const joined = copy(few);
    loose().assign(joined, makeCollectors(51));
    const j = churnOf(before, owners(joined), { joined: 'collector-50' }, 51);
    expect(j.crossMoves).toBe(0);
    expect(j.moved).toBe([...owners(joined).values()].filter((o) => o === 'collector-50').length);
    const left = copy(few);
    loose().assign(left, makeCollectors(50).filter((c) => c.name !== 'collector-9'));
    const l = churnOf(before, owners(left), { left: 'collector-9' }, 49);
    expect(l.crossMoves).toBe(0);
    expect(l.moved).toBe(l.minimum);
  });

  test('a pure function of (targets, collectors): input order and history do not matter', () => {
    const reordered = shuffled(copy(items));
    s().assign(reordered, shuffled(makeCollectors(N)).sort((a, b) => (a.name < b.name ? -1 : 1)));
    expect(reordered.filter((t) => base.get(t.hash) !== t.collectorName)).toHaveLength(0);
    const replica = copy(items);
    const r = s();
    r.assign(replica, makeCollectors(N + 5));
    r.assign(replica, makeCollectors(N));
    expect(replica.filter((t) => base.get(t.hash) !== t.collectorName)).toHaveLength(0);
  });

  test('adding one target moves at most a handful of others', () => {
    const extra = makeTargets(hasher, K + 1, { jobs: 20 });
    s().assign(extra, makeCollectors(N));
    let moved = 0;
    for (const t of extra) if (base.has(t.hash) && base.get(t.hash) !== t.collectorName) moved++;
    expect(moved).toBeLessThanOrEqual(3);
  });
});

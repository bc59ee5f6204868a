import { CollectorPod, collectorsFromPods, CollectorWatcher, nextGraceExpiry } from '../../src/allocator/collector-pods';
import { parseLabelSelector } from '../../src/allocator/label-selector';
import { Collector } from '../../src/allocator/strategies/strategy';
import { KubeObject } from '../../src/kube';
import { FakeKubeApi } from '../operator/fake-api';

const NOW = Date.parse('2026-01-01T00:10:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

function pod(name: string, opts: { node?: string; phase?: string; started?: number; ready?: boolean; readySince?: number; labels?: Record<string, string>; ns?: string } = {}): CollectorPod & KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: opts.ns ?? 'obs', labels: opts.labels ?? { app: 'col' } },
    spec: { nodeName: opts.node === undefined ? 'node-a' : opts.node || undefined },
    status: {
      phase: opts.phase ?? 'Running',
      startTime: ago(opts.started ?? 600),
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True', lastTransitionTime: ago(opts.readySince ?? 600) }],
    },
  } as any;
}

describe('collectorsFromPods (upstream\'s rules)', () => {
  test('running, ready, bound pods are the collectors, by name, with their node', () => {
    expect(collectorsFromPods([pod('c-1', { node: 'n2' }), pod('c-0')], NOW, 30_000)).toEqual([
      { name: 'c-0', nodeName: 'node-a' }, { name: 'c-1', nodeName: 'n2' },
    ]);
  });

  test('a pod not bound to a node is never a collector, even with the grace period off', () => {
    expect(collectorsFromPods([pod('c-0', { node: '' })], NOW, 0)).toEqual([]);
  });

  test('not Running: kept within the grace period after startTime, dropped after it', () => {
    expect(collectorsFromPods([pod('c-0', { phase: 'Pending', started: 10 })], NOW, 30_000)).toHaveLength(1);
    expect(collectorsFromPods([pod('c-0', { phase: 'Pending', started: 31 })], NOW, 30_000)).toHaveLength(0);
  });

  test('not Ready: kept within the grace period after the transition, dropped after it', () => {
    expect(collectorsFromPods([pod('c-0', { ready: false, readySince: 29 })], NOW, 30_000)).toHaveLength(1);
    expect(collectorsFromPods([pod('c-0', { ready: false, readySince: 31 })], NOW, 30_000)).toHaveLength(0);
  });

  test('grace period 0 turns the readiness checks off', () => {
    expect(collectorsFromPods([pod('c-0', { phase: 'Failed', ready: false })], NOW, 0)).toHaveLength(1);
  });

  test('the next moment the set can change by itself is when a grace period runs out', () => {
    expect(nextGraceExpiry([pod('a', { ready: false, readySince: 10 }), pod('b', { phase: 'Pending', started: 5 })], NOW, 30_000)).toBe(NOW + 20_001);
    expect(nextGraceExpiry([pod('a')], NOW, 30_000)).toBeUndefined();
    expect(nextGraceExpiry([pod('a', { ready: false })], NOW, 0)).toBeUndefined();
  });
});

describe('CollectorWatcher', () => {
  const flush = () => new Promise((r) => setTimeout(r, 30));

  test('follows pods joining and leaving, only in its namespace and matching its selector', async () => {
    const api = new FakeKubeApi();
    api.seed(pod('c-0'));
    api.seed(pod('other', { labels: { app: 'x' } }));
    api.seed(pod('elsewhere', { ns: 'default' }));
    const seen: Collector[][] = [];
    const w = new CollectorWatcher(api, {
      namespace: 'obs', selector: parseLabelSelector({ matchLabels: { app: 'col' } }, 'f', 'p'), graceMs: 30_000, debounceMs: 5,
      onChange: (c) => seen.push(c), now: () => NOW,
    });
    await w.start();
    expect(seen).toEqual([[{ name: 'c-0', nodeName: 'node-a' }]]);
    expect(api.calls.filter((c) => c.verb === 'list')).toEqual([{ verb: 'list', kind: 'Pod', namespace: 'obs' }]);

    api.seed(pod('c-1', { node: 'node-b' }));
    await flush();
    expect(seen.at(-1)).toEqual([{ name: 'c-0', nodeName: 'node-a' }, { name: 'c-1', nodeName: 'node-b' }]);

    await api.delete({ apiVersion: 'v1', kind: 'Pod', namespace: 'obs', name: 'c-0' });
    await flush();
    expect(seen.at(-1)).toEqual([{ name: 'c-1', nodeName: 'node-b' }]);

    // an update that changes nothing about the set is not reported again
    const count = seen.length;
    api.seed({ ...pod('c-1', { node: 'node-b' }), metadata: { ...pod('c-1').metadata, annotations: { x: 'y' } } } as any);
    await flush();
    expect(seen).toHaveLength(count);
    await w.stop();
  });

  test('a collector that stays not Ready is dropped when its grace period runs out, without another event', async () => {
    const api = new FakeKubeApi();
    let now = NOW;
    api.seed(pod('c-0'));
    api.seed(pod('c-1', { ready: false, readySince: 0 }));
    const seen: string[][] = [];
    const w = new CollectorWatcher(api, {
      namespace: 'obs', selector: parseLabelSelector(null, 'f', 'p'), graceMs: 50, debounceMs: 5,
      onChange: (c) => seen.push(c.map((x) => x.name)), now: () => now,
    });
    await w.start();
    expect(seen).toEqual([['c-0', 'c-1']]);
    now += 60;
    await new Promise((r) => setTimeout(r, 120));
    expect(seen).toEqual([['c-0', 'c-1'], ['c-0']]);
    await w.stop();
  });
});

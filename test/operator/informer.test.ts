import { InformerCache } from '../../src/operator/cache';
import { Informer, InformerEventType } from '../../src/kube';
import { FakeKubeApi } from './fake-api';

const cm = (name: string, namespace = 'a') => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } });
const until = async (p: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!p()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('Informer', () => {
  test('lists, then follows the watch; the cache answers get and list per namespace', async () => {
    const api = new FakeKubeApi();
    api.seed(cm('one'));
    api.seed(cm('other', 'b'));
    const inf = new Informer(api, { apiVersion: 'v1', kind: 'ConfigMap' });
    const events: Array<[InformerEventType, string]> = [];
    inf.on((t, o) => events.push([t, o.metadata.name!]));
    await inf.start();
    expect(inf.hasSynced).toBe(true);
    api.seed(cm('two'));
    await until(() => inf.get('a', 'two') !== undefined);
    await api.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'a', name: 'one' });
    await until(() => inf.get('a', 'one') === undefined);
    expect(inf.list('a').map((o) => o.metadata.name)).toEqual(['two']);
    expect(events).toEqual([['add', 'one'], ['add', 'other'], ['add', 'two'], ['delete', 'one']]);
    await inf.stop();
  });

  test('an index follows adds, updates that move an object, deletes and relists', async () => {
    const api = new FakeKubeApi();
    const owned = (name: string, owner: string) => ({ ...cm(name), metadata: { ...cm(name).metadata, labels: { owner } } });
    api.seed(owned('x', 'o1'));
    api.seed(owned('y', 'o1'));
    api.seed(owned('z', 'o2'));
    const inf = new Informer(api, { apiVersion: 'v1', kind: 'ConfigMap' });
    inf.addIndex('owner', (o) => (o.metadata.labels?.owner ? [o.metadata.labels.owner] : []));
    await inf.start();
    const names = (v: string) => inf.byIndex('owner', v).map((o) => o.metadata.name).sort();
    expect([names('o1'), names('o2')]).toEqual([['x', 'y'], ['z']]);
    api.seed(owned('y', 'o2'));
    await until(() => names('o2').length === 2);
    expect([names('o1'), names('o2')]).toEqual([['x'], ['y', 'z']]);
    await api.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'a', name: 'z' });
    await until(() => names('o2').length === 1);
    // deleted while the watch was down: the relist takes it out of the index too
    api.objects.delete('ConfigMap/a/x');
    api.expireWatches();
    await until(() => inf.stats.expired === 1 && names('o1').length === 0);
    expect(names('o2')).toEqual(['y']);
    expect(inf.list('a').map((o) => o.metadata.name)).toEqual(['y']);
    expect(() => inf.byIndex('nope', 'o1')).toThrow('informer ConfigMap: no index nope');
    await inf.stop();
  });

  test('410 Gone: relists, and reports objects deleted while the watch was down', async () => {
    const api = new FakeKubeApi();
    api.seed(cm('keep'));
    api.seed(cm('gone'));
    const inf = new Informer(api, { apiVersion: 'v1', kind: 'ConfigMap' });
    const deleted: string[] = [];
    inf.on((t, o) => t === 'delete' && deleted.push(o.metadata.name!));
    await inf.start();
    // deleted without the watch seeing it, then the watch expires
    api.objects.delete('ConfigMap/a/gone');
    api.expireWatches();
    await until(() => inf.stats.expired === 1 && inf.stats.lists === 2);
    await until(() => deleted.includes('gone'));
    expect(inf.list().map((o) => o.metadata.name)).toEqual(['keep']);
    await inf.stop();
  });

  test('a broken watch and a refused reconnect (an API server restart) resume from the last resourceVersion: no relist', async () => {
    const api = new FakeKubeApi();
    api.seed(cm('x'));
    const inf = new Informer(api, { apiVersion: 'v1', kind: 'ConfigMap', backoffMs: 10 });
    const events: Array<[InformerEventType, string]> = [];
    inf.on((t, o) => events.push([t, o.metadata.name!]));
    await inf.start();
    const seen = api.seed(cm('y')).metadata.resourceVersion;
    await until(() => inf.get('a', 'y') !== undefined);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    api.failures.push({ verb: 'watch', kind: 'ConfigMap', error: refused });
    api.failures.push({ verb: 'watch', kind: 'ConfigMap', error: Object.assign(new Error('Service Unavailable'), { statusCode: 503 }) });
    api.breakWatches(new Error('socket hang up'));
    await until(() => api.watchVersions.length === 4);
    api.seed(cm('z'));
    await until(() => inf.get('a', 'z') !== undefined);
    expect(inf.stats).toMatchObject({ lists: 1, expired: 0, errors: 0, resumes: 3 });
    expect(api.watchVersions.slice(1)).toEqual([seen, seen, seen]);
    expect(events).toEqual([['add', 'x'], ['add', 'y'], ['add', 'z']]);
    await inf.stop();
  });

  test('410 Gone when a watch is opened (not as an event) relists; a 403 relists as an error', async () => {
    const api = new FakeKubeApi();
    api.seed(cm('x'));
    const inf = new Informer(api, { apiVersion: 'v1', kind: 'ConfigMap', backoffMs: 10 });
    await inf.start();
    api.failures.push({ verb: 'watch', kind: 'ConfigMap', error: Object.assign(new Error('Gone'), { statusCode: 410 }) });
    api.breakWatches(new Error('socket hang up'));
    await until(() => inf.stats.lists === 2);
    expect(inf.stats).toMatchObject({ expired: 1, errors: 0, resumes: 1 });
    api.failures.push({ verb: 'watch', kind: 'ConfigMap', error: Object.assign(new Error('Forbidden'), { statusCode: 403 }) });
    api.breakWatches(new Error('socket hang up'));
    await until(() => inf.stats.lists === 3);
    expect(inf.stats).toMatchObject({ expired: 1, errors: 1, resumes: 2 });
    await inf.stop();
  });

  test('a failing list is retried with backoff until it works', async () => {
    const api = new FakeKubeApi();
    api.seed(cm('x'));
    api.failures.push({ verb: 'list', kind: 'ConfigMap', error: new Error('connection refused' ) });
    const inf = new Informer(api, { apiVersion: 'v1', kind: 'ConfigMap', backoffMs: 10 });
    await inf.start();
    expect(inf.stats.errors).toBe(1);
    expect(inf.get('a', 'x')).toBeDefined();
    await inf.stop();
  });

  test('several namespaces: one list+watch each, one cache', async () => {
    const api = new FakeKubeApi();
    api.seed(cm('in-a', 'a'));
    api.seed(cm('in-b', 'b'));
    api.seed(cm('in-c', 'c'));
    const inf = new Informer(api, { apiVersion: 'v1', kind: 'ConfigMap', namespaces: ['a', 'b'] });
    await inf.start();
    expect(inf.list().map((o) => o.metadata.name).sort()).toEqual(['in-a', 'in-b']);
    const cache = new InformerCache([inf]);
    expect(cache.get('v1', 'ConfigMap', 'b', 'in-b')?.metadata.name).toBe('in-b');
    expect(cache.list('ConfigMap', 'a')).toHaveLength(1);
    expect(cache.list('Secret')).toEqual([]);
    await inf.stop();
  });

  test('resync hands every cached object to the handlers again', async () => {
    const api = new FakeKubeApi();
    api.seed(cm('x'));
    const inf = new Informer(api, { apiVersion: 'v1', kind: 'ConfigMap', resyncMs: 20 });
    let resyncs = 0;
    inf.on((t) => t === 'resync' && resyncs++);
    await inf.start();
    await until(() => resyncs >= 2);
    await inf.stop();
  });
});

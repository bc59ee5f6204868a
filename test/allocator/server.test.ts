import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { Allocator } from '../../src/allocator/allocator';
import { ScrapeJob } from '../../src/allocator/config';
import { Hasher } from '../../src/allocator/hasher';
import { AllocatorMetrics } from '../../src/allocator/metrics';
import { bodiesOf, targetGroupsJson } from '../../src/allocator/bodies';
import { ApiState, createApiHandler, queryEscape, queryUnescape } from '../../src/allocator/server';
import { createStrategy } from '../../src/allocator/strategies';
import { TargetItem } from '../../src/allocator/target';
import { loadHasher } from './helpers';

let hasher: Hasher;
beforeAll(async () => {
  hasher = await loadHasher();
});

function request(port: number, method: string, path: string): Promise<{ status: number; body: string; type?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function serve(state: ApiState, fn: (port: number) => Promise<void>): Promise<void> {
  const server = http.createServer(createApiHandler(state, true));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    await fn((server.address() as AddressInfo).port);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

describe('HTTP API details', () => {
  test('Go QueryEscape/QueryUnescape', () => {
    expect(queryEscape('serviceMonitor/ns/app/0')).toBe('serviceMonitor%2Fns%2Fapp%2F0');
    expect(queryEscape("a b!'()*~._-")).toBe('a+b%21%27%28%29%2A~._-');
    expect(queryUnescape('a+b%2Fc')).toBe('a b/c');
    expect(queryUnescape('%zz')).toBeUndefined();
  });

  test('readiness, methods, job names with spaces and slashes', async () => {
    const allocator = new Allocator(createStrategy('consistent-hashing', hasher));
    allocator.setCollectors([{ name: 'c-0' }]);
    const job = 'my job/1';
    allocator.setTargets([new TargetItem(job, 'a:1', { __address__: 'a:1' }, 'id', hasher.h64('a:1'))]);
    const state = { allocator, jobs: [], ready: false, metrics: new AllocatorMetrics() };
    await serve(state, async (port) => {
      expect((await request(port, 'GET', '/readyz')).status).toBe(503);
      expect((await request(port, 'GET', '/scrape_configs')).status).toBe(503);
      expect((await request(port, 'GET', '/livez')).status).toBe(200);
      expect((await request(port, 'POST', '/jobs')).status).toBe(404); // gin: GET routes only, others are unknown
      const jobs = JSON.parse((await request(port, 'GET', '/jobs')).body);
      expect(jobs).toEqual({ [job]: { _link: '/jobs/my+job%2F1/targets' } });
      const r = await request(port, 'GET', `${jobs[job]._link}?collector_id=c-0`);
      expect(r.body).toBe('[{"targets":["a:1"],"labels":{"__address__":"a:1"}}]\n');
      expect((await request(port, 'GET', '/jobs/%zz/targets?collector_id=c-0')).status).toBe(500);
    });
  });

  test('the per-collector response follows re-allocation (no stale cache)', async () => {
    const allocator = new Allocator(createStrategy('least-weighted', hasher));
    allocator.setCollectors([{ name: 'c-0' }]);
    allocator.setTargets([new TargetItem('j', 'a:1', { __address__: 'a:1' }, 'id', hasher.h64('a:1'))]);
    await serve({ allocator, jobs: [], ready: true, metrics: new AllocatorMetrics() }, async (port) => {
      expect(JSON.parse((await request(port, 'GET', '/jobs/j/targets?collector_id=c-0')).body)).toHaveLength(1);
      allocator.setCollectors([{ name: 'c-1' }]);
      expect(JSON.parse((await request(port, 'GET', '/jobs/j/targets?collector_id=c-0')).body)).toHaveLength(0);
      expect(JSON.parse((await request(port, 'GET', '/jobs/j/targets?collector_id=c-1')).body)).toHaveLength(1);
    });
  });

  test('upstream status codes and shapes: unknown job, unknown or empty collector_id, debug view, /jobs order', async () => {
    const allocator = new Allocator(createStrategy('least-weighted', hasher));
    allocator.setCollectors([{ name: 'c-b' }, { name: 'c-a' }]);
    allocator.setTargets([
      new TargetItem('zeta', 'a:1', { __address__: 'a:1' }, 'id1', hasher.h64('a:1')),
      new TargetItem('alpha', 'b:1', { __address__: 'b:1' }, 'id2', hasher.h64('b:1')),
    ]);
    await serve({ allocator, jobs: [], ready: true, metrics: new AllocatorMetrics() }, async (port) => {
      const unknownJob = await request(port, 'GET', '/jobs/nope/targets?collector_id=c-a');
      expect([unknownJob.status, unknownJob.type, unknownJob.body]).toEqual([200, 'application/json', '[]\n']);
      expect((await request(port, 'GET', '/jobs/zeta/targets?collector_id=nobody')).body).toBe('[]\n');
      // an empty collector_id is still a collector id (upstream checks len(q) == 0): `[]`, not the debug view
      expect((await request(port, 'GET', '/jobs/zeta/targets?collector_id=')).body).toBe('[]\n');
      const jobs = await request(port, 'GET', '/jobs');
      expect(jobs.type).toBe('application/json');
      expect(Object.keys(JSON.parse(jobs.body))).toEqual(['alpha', 'zeta']);
      const debug = JSON.parse((await request(port, 'GET', '/jobs/zeta/targets')).body);
      expect(Object.keys(debug)).toEqual(['c-a', 'c-b']);
      const owner = allocator.targetsFor('zeta', 'c-a').length === 1 ? 'c-a' : 'c-b';
      const other = owner === 'c-a' ? 'c-b' : 'c-a';
      expect(debug[owner]).toEqual({ _link: `/debug/jobs/zeta/targets?collector_id=${owner}`, targets: [{ targets: ['a:1'], labels: { __address__: 'a:1' } }] });
      expect(debug[other]).toEqual({ _link: `/debug/jobs/zeta/targets?collector_id=${other}`, targets: [] });
      const livez = await request(port, 'GET', '/livez');
      expect([livez.status, livez.body]).toEqual([200, '']);
      expect((await request(port, 'GET', '/nowhere')).status).toBe(404);
    });
  });

  test('bodies are kept between changes: an update forgets only the buckets it touched', () => {
    const allocator = new Allocator(createStrategy('consistent-hashing', hasher));
    allocator.setCollectors([{ name: 'c-0' }, { name: 'c-1' }]);
    const item = (job: string, url: string, extra: Record<string, string> = {}) =>
      new TargetItem(job, url, { __address__: url, ...extra }, `${job}${url}`, hasher.h64(url));
    const items = [item('a', 'x:1'), item('a', 'x:2'), item('a', 'x:3'), item('b', 'y:1')];
    allocator.setTargets(items);
    const bodies = bodiesOf(allocator);
    expect(bodiesOf(allocator)).toBe(bodies); // one set of bodies per allocator, shared by the listeners
    const before = new Map(['a', 'b'].flatMap((j) => ['c-0', 'c-1'].map((c) => [`${j}/${c}`, bodies.body(j, c)])));
    const all = (j: string) => ['c-0', 'c-1'].flatMap((c) => JSON.parse(bodies.body(j, c).toString()));
    expect(all('a').map((g: { targets: string[] }) => g.targets[0]).sort()).toEqual(['x:1', 'x:2', 'x:3']);
    expect(bodies.body('nope', 'c-0').toString()).toBe('[]\n');
    // relabel y:1 (same id, new discovered labels): only b's bucket is prepared again
    allocator.setTargets([...items.slice(0, 3), item('b', 'y:1', { __meta_x: 'new' })]);
    const owner = items[3].collectorName!;
    expect(JSON.parse(bodies.body('b', owner).toString())[0].labels.__meta_x).toBe('new');
    for (const c of ['c-0', 'c-1']) expect(bodies.body('a', c)).toBe(before.get(`a/${c}`));
    // remove every target of job b: its body goes back to []
    allocator.setTargets(items.slice(0, 3));
    expect(bodies.body('b', owner).toString()).toBe('[]\n');
    expect(bodies.size).toBe(['c-0', 'c-1'].reduce((n, c) => n + (bodies.body('a', c).toString() === '[]\n' ? 0 : bodies.body('a', c).length), 0));
  });

  test('a change that touches every bucket makes no body; each first request afterwards makes its one', () => {
    const allocator = new Allocator(createStrategy('consistent-hashing', hasher));
    allocator.setCollectors([{ name: 'c-0' }, { name: 'c-1' }]);
    const items = Array.from({ length: 200 }, (_, i) => {
      const url = `10.0.${i >> 8}.${i & 255}:80`;
      return new TargetItem(`job-${i % 4}`, url, { __address__: url, __meta_i: String(i) }, `job-${i % 4}${url}`, hasher.h64(url));
    });
    allocator.setTargets(items);
    const bodies = bodiesOf(allocator);
    const pairs = ['job-0', 'job-1', 'job-2', 'job-3'].flatMap((j) => ['c-0', 'c-1', 'c-2'].map((c) => [j, c] as const));
    const expected = (j: string, c: string) => {
      const list = allocator.targetsFor(j, c);
      return list.length === 0 ? '[]\n' : `${targetGroupsJson(list)}\n`;
    };
    expect(bodies.bodiesMade).toBe(0); // nothing is made before it is asked for
    for (const [j, c] of pairs) expect(bodies.body(j, c).toString()).toBe(expected(j, c));
    const made = bodies.bodiesMade;
    expect(made).toBe(8);
    for (const [j, c] of pairs) bodies.body(j, c);
    expect(bodies.bodiesMade).toBe(made); // asked again: a look-up
    allocator.setCollectors([{ name: 'c-0' }, { name: 'c-1' }, { name: 'c-2' }]); // a collector joins: targets move
    expect(bodies.bodiesMade).toBe(made);
    expect(allocator.loads().get('c-2')).toBeGreaterThan(0);
    const moved = pairs.filter(([j, c]) => bodies.body(j, c).toString() !== expected(j, c));
    expect(moved).toEqual([]); // every body follows the new allocation, none is stale
    expect(bodies.bodiesMade).toBeGreaterThan(made);
    expect(bodies.bodiesMade).toBeLessThanOrEqual(made + 12);
    expect(bodies.size).toBe(pairs.reduce((n, [j, c]) => n + (expected(j, c) === '[]\n' ? 0 : Buffer.byteLength(expected(j, c))), 0));
  });

  test('collector_id with escapes or further parameters is read as gin reads it', async () => {
    const allocator = new Allocator(createStrategy('consistent-hashing', hasher));
    allocator.setCollectors([{ name: 'c 0' }]);
    allocator.setTargets([new TargetItem('j', 'a:1', { __address__: 'a:1' }, 'id', hasher.h64('a:1'))]);
    await serve({ allocator, jobs: [], ready: true, metrics: new AllocatorMetrics() }, async (port) => {
      for (const query of ['collector_id=c+0', 'collector_id=c%200', 'x=1&collector_id=c+0', 'collector_id=c+0&collector_id=other']) {
        expect([query, JSON.parse((await request(port, 'GET', `/jobs/j/targets?${query}`)).body)]).toHaveProperty('1.length', 1);
      }
      expect((await request(port, 'GET', '/jobs/j/targets?collector_id=c')).body).toBe('[]\n');
    });
  });
});

describe('issue 14 #12: Go map order in the JSON bodies', () => {
  const job = (jobName: string): ScrapeJob => ({
    jobName, served: { job_name: jobName, scrape_interval: '30s' }, relabelRules: [], seedLabels: [], staticGroups: [], fileSD: [], kubernetesSD: [], unsupportedSD: [],
  });
  test('/scrape_configs and /jobs list jobs sorted as strings, not in config order (integer-like names too)', async () => {
    const names = ['zeta', 'alpha', '9', '10'];
    const allocator = new Allocator(createStrategy('consistent-hashing', hasher));
    allocator.setCollectors([{ name: 'c-0' }]);
    allocator.setTargets(names.map((n, i) => new TargetItem(n, `a:${i + 1}`, { __address__: `a:${i + 1}` }, `id${i}`, hasher.h64(`a:${i + 1}`))));
    await serve({ allocator, jobs: names.map(job), ready: true, metrics: new AllocatorMetrics() }, async (port) => {
      const configs = (await request(port, 'GET', '/scrape_configs')).body;
      expect(configs).toBe('{"10":{"job_name":"10","scrape_interval":"30s"},"9":{"job_name":"9","scrape_interval":"30s"},'
        + '"alpha":{"job_name":"alpha","scrape_interval":"30s"},"zeta":{"job_name":"zeta","scrape_interval":"30s"}}');
      expect((await request(port, 'GET', '/jobs')).body).toBe('{"10":{"_link":"/jobs/10/targets"},"9":{"_link":"/jobs/9/targets"},'
        + '"alpha":{"_link":"/jobs/alpha/targets"},"zeta":{"_link":"/jobs/zeta/targets"}}\n');
    });
  });
});

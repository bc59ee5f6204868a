import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { Allocator } from '../../src/allocator/allocator';
import { Hasher } from '../../src/allocator/hasher';
import { AllocatorMetrics } from '../../src/allocator/metrics';
import { ApiState, createApiHandler, queryEscape, queryUnescape } from '../../src/allocator/server';
import { createStrategy } from '../../src/allocator/strategies';
import { TargetItem } from '../../src/allocator/target';
import { loadHasher } from './helpers';

let hasher: Hasher;
beforeAll(async () => {
  hasher = await loadHasher();
});

function request(port: number, method: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
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
      expect((await request(port, 'POST', '/jobs')).status).toBe(405);
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
});

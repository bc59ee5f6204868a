/**
 * `/jobs/{job}/targets?collector_id=` throughput (issue 12, item 5): 100k targets of upstream's benchmark shape
 * (1000 jobs) on 100 collectors; a sequential keep-alive client asks each (job, collector) pair once. The client
 * runs in a worker thread on a raw socket, so the server's event loop serves requests only. Reported: requests/s,
 * client-side latency p50/p99, the server's event-loop delay and the GC pauses during the run.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Allocator } from '../src/allocator/allocator';
import { bodiesOf } from '../src/allocator/bodies';
import { loadHasher } from '../src/allocator/hasher';
import { AllocatorMetrics } from '../src/allocator/metrics';
import { ApiState, createApiHandler, queryEscape } from '../src/allocator/server';
import { createStrategy } from '../src/allocator/strategies';
import { TargetBuilder, TargetItem } from '../src/allocator/target';
import { jobSettings, makeGroups } from './allocator';
import type { BenchContext } from './main';

/** A sequential HTTP/1.1 keep-alive client on one socket: the next request goes out when a response is complete. */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { performance } = require('node:perf_hooks');
const { port, paths } = workerData;
const times = new Float64Array(paths.length);
let i = 0, sent = 0, first = 0, buf = Buffer.alloc(0), bytes = 0;
const sock = net.connect(port, '127.0.0.1');
sock.setNoDelay(true);
const send = () => { sent = performance.now(); sock.write('GET ' + paths[i] + ' HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n'); };
sock.on('connect', () => { first = performance.now(); send(); });
sock.on('error', (err) => parentPort.postMessage({ error: err.message }));
sock.on('data', (chunk) => {
  buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
  for (;;) {
    const end = buf.indexOf('\\r\\n\\r\\n');
    if (end < 0) return;
    const head = buf.toString('latin1', 0, end);
    const len = Number((/content-length: *(\\d+)/i.exec(head) || [0, 0])[1]);
    if (buf.length < end + 4 + len) return;
    if (!head.startsWith('HTTP/1.1 200')) { parentPort.postMessage({ error: head.split('\\r\\n')[0] + ' for ' + paths[i] }); sock.destroy(); return; }
    bytes += len;
    buf = buf.subarray(end + 4 + len);
    times[i++] = performance.now() - sent;
    if (i === paths.length) { const wall = performance.now() - first; sock.end(); parentPort.postMessage({ times, bytes, wall }); return; }
    send();
  }
});
`;

interface ClientResult { times: Float64Array; bytes: number; wall: number }

function runClient(port: number, paths: string[]): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT, { eval: true, workerData: { port, paths } });
    worker.once('message', (m: ClientResult & { error?: string }) => {
      void worker.terminate();
      if (m.error) reject(new Error(m.error));
      else resolve(m);
    });
    worker.once('error', reject);
  });
}

export interface HttpRow {
  targets: number; collectors: number; requests: number; requestsPerSecond: number; p50Ms: number; p99Ms: number;
  maxMs: number; loopDelayP50Ms: number; loopDelayP99Ms: number; loopDelayMaxMs: number; gcPauses: number;
  gcTotalMs: number; gcMaxMs: number; prepareMs: number; bodyBytesPerTarget: number; loadAverage: string;
}

type HandlerFactory = (state: ApiState, redact: boolean) => http.RequestListener;

/** Serves `allocator` with `handler` and runs the client over every (job, collector) pair. */
export async function measureHttp(allocator: Allocator, handler: HandlerFactory = createApiHandler): Promise<Omit<HttpRow, 'targets' | 'prepareMs' | 'bodyBytesPerTarget'>> {
  const server = http.createServer({ keepAliveTimeout: 65_000 }, handler({ allocator, jobs: [], ready: true, metrics: new AllocatorMetrics() }, true));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const collectors = allocator.collectors.map((c) => c.name);
  const paths = allocator.jobNames().flatMap((job) => collectors.map((c) => `/jobs/${queryEscape(job)}/targets?collector_id=${c}`));
  try {
    await runClient(port, paths.slice(0, 5000)); // warm-up
    const loop = monitorEventLoopDelay({ resolution: 1 });
    const gcs: number[] = [];
    const gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) gcs.push(e.duration);
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    loop.enable();
    const result = await runClient(port, paths);
    loop.disable();
    gcObserver.disconnect();
    const sorted = Array.from(result.times).sort((a, b) => a - b);
    const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
    return {
      collectors: collectors.length, requests: paths.length, requestsPerSecond: (paths.length / result.wall) * 1000,
      p50Ms: pick(0.5), p99Ms: pick(0.99), maxMs: sorted[sorted.length - 1],
      loopDelayP50Ms: loop.percentile(50) / 1e6, loopDelayP99Ms: loop.percentile(99) / 1e6, loopDelayMaxMs: loop.max / 1e6,
      gcPauses: gcs.length, gcTotalMs: gcs.reduce((a, b) => a + b, 0), gcMaxMs: Math.max(0, ...gcs),
      loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** 100k targets of the benchmark shape on 100 collectors (consistent-hashing). */
export async function httpAllocator(n: number): Promise<Allocator> {
  const hasher = await loadHasher();
  const builder = new TargetBuilder(hasher);
  const items: TargetItem[] = [];
  for (const [job, groups] of makeGroups(n)) for (const item of builder.build(jobSettings(job), groups, true)) items.push(item);
  const allocator = new Allocator(createStrategy('consistent-hashing', hasher));
  allocator.setCollectors(Array.from({ length: 100 }, (_, i) => ({ name: `collector-${String(i).padStart(4, '0')}` })));
  allocator.setTargets(items);
  return allocator;
}

export async function runHttpBench(ctx: BenchContext): Promise<unknown> {
  const n = ctx.quick ? 10_000 : 100_000;
  const allocator = await httpAllocator(n);
  const start = performance.now();
  const bodies = bodiesOf(allocator);
  const prepareMs = performance.now() - start;
  const row: HttpRow = { targets: n, prepareMs, bodyBytesPerTarget: bodies.size / n, ...await measureHttp(allocator) };
  ctx.log('\n### /jobs/{job}/targets?collector_id= (sequential keep-alive client in a worker thread, each (job, collector) pair once)\n');
  ctx.log('| targets | collectors | requests | requests/s | p50 (ms) | p99 (ms) | max (ms) | loop delay p50/p99/max (ms) | GC pauses (n, total ms, max ms) | prepare all bodies (ms) | body bytes/target | load average |');
  ctx.log('|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---|');
  const f = (x: number, d = 2) => x.toFixed(d);
  ctx.log(`| ${row.targets} | ${row.collectors} | ${row.requests} | ${f(row.requestsPerSecond, 0)} | ${f(row.p50Ms, 3)} | ${f(row.p99Ms, 3)} | ${f(row.maxMs)} | ` +
    `${f(row.loopDelayP50Ms)}/${f(row.loopDelayP99Ms)}/${f(row.loopDelayMaxMs)} | ${row.gcPauses}, ${f(row.gcTotalMs, 1)}, ${f(row.gcMaxMs)} | ${f(row.prepareMs, 0)} | ${f(row.bodyBytesPerTarget, 0)} | ${row.loadAverage} |`);
  return { http: row };
}

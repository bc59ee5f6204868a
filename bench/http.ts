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
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { Allocator } from '../src/allocator/allocator';
import { bodiesOf, ResponseBodies } from '../src/allocator/bodies';
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
  pass: string; targets: number; collectors: number; requests: number; requestsPerSecond: number; p50Ms: number;
  p99Ms: number; maxMs: number; loopDelayP50Ms: number; loopDelayP99Ms: number; loopDelayMaxMs: number;
  gcPauses: number; gcTotalMs: number; gcMaxMs: number; bodiesMade: number; loadAverage: string;
}

type HandlerFactory = (state: ApiState, redact: boolean) => http.RequestListener;
type Pass = Omit<HttpRow, 'pass' | 'targets' | 'bodiesMade'>;

/** Runs the client over every (job, collector) pair of `allocator` against a listening server. */
async function clientPass(port: number, allocator: Allocator, warmUp: boolean): Promise<Pass> {
  const collectors = allocator.collectors.map((c) => c.name);
  const paths = allocator.jobNames().flatMap((job) => collectors.map((c) => `/jobs/${queryEscape(job)}/targets?collector_id=${c}`));
  if (warmUp) await runClient(port, paths.slice(0, 5000));
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
    gcPauses: gcs.length, gcTotalMs: gcs.reduce((a, b) => a + b, 0), gcMaxMs: Math.max(0, ...gcs), loadAverage: loadAverage(),
  };
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

async function listen(allocator: Allocator, handler: HandlerFactory): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer({ keepAliveTimeout: 65_000 }, handler({ allocator, jobs: [], ready: true, metrics: new AllocatorMetrics() }, true));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port };
}

async function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
}

/** 100k targets of the benchmark shape on 100 collectors (consistent-hashing). */
export async function httpAllocator(n: number): Promise<Allocator> {
  const hasher = await loadHasher();
  const builder = new TargetBuilder(hasher);
  const items: TargetItem[] = [];
  for (const [job, groups] of makeGroups(n)) for (const item of builder.build(jobSettings(job), groups, true)) items.push(item);
  const allocator = new Allocator(createStrategy('consistent-hashing', hasher));
  allocator.setCollectors(collectorsNamed(100));
  allocator.setTargets(items);
  return allocator;
}

function collectorsNamed(n: number, prefix = 'collector'): Array<{ name: string }> {
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${String(i).padStart(4, '0')}` }));
}

interface ReallocationEvent {
  event: string; moved: number; setCollectorsMs: number; setCollectorsCpuMs: number; loopDelayP99Ms: number;
  loopDelayMaxMs: number; loadAverage: string;
}

/**
 * Changes the collectors and times the re-allocation (wall and CPU: it runs on the loop, so it is the longest the
 * loop is held) while the loop-delay monitor ticks every millisecond around it.
 */
async function reallocate(event: string, allocator: Allocator, collectors: Array<{ name: string }>): Promise<ReallocationEvent> {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  await new Promise((r) => setTimeout(r, 50));
  const owners = allocator.targets.map((t) => t.collectorName);
  const start = performance.now();
  const cpu = process.cpuUsage();
  allocator.setCollectors(collectors);
  const used = process.cpuUsage(cpu);
  const wallMs = performance.now() - start;
  await new Promise((r) => setTimeout(r, 50));
  loop.disable();
  return {
    event, moved: allocator.targets.filter((t, i) => t.collectorName !== owners[i]).length, setCollectorsMs: wallMs,
    setCollectorsCpuMs: (used.user + used.system) / 1000, loopDelayP99Ms: loop.percentile(99) / 1e6,
    loopDelayMaxMs: loop.max / 1e6, loadAverage: loadAverage(),
  };
}

/** A full garbage collection, so heap figures hold live objects only (the bench runs without --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * Passes of the client over every pair: `cold` (each request makes its body), `warm` (every request a look-up:
 * the goal), `after join` (a 101st collector joined: the first request for each changed bucket makes its body)
 * and `after rollout` (every collector renamed: every body is made again on request). Each re-allocation is
 * timed with the loop's delay around it; memory per target is read after the warm pass.
 */
export async function runHttpBench(ctx: BenchContext): Promise<unknown> {
  const n = ctx.quick ? 10_000 : 100_000;
  const allocator = await httpAllocator(n);
  const f = (x: number, d = 2) => x.toFixed(d);
  // making every body at once, as bodies were prepared before they were made on request (the loop is held throughout)
  const eager = new ResponseBodies(allocator);
  const eagerStart = performance.now();
  for (const job of allocator.jobNames()) for (const c of allocator.collectors) eager.body(job, c.name);
  const eagerMs = performance.now() - eagerStart;
  const eagerBytes = eager.size;
  collectGarbage();
  const memBefore = process.memoryUsage();
  const bodies = bodiesOf(allocator);
  const { server, port } = await listen(allocator, createApiHandler);
  const rows: HttpRow[] = [];
  const pass = async (name: string) => {
    const made = bodies.bodiesMade;
    rows.push({ pass: name, targets: n, ...await clientPass(port, allocator, false), bodiesMade: bodies.bodiesMade - made });
  };
  const events: ReallocationEvent[] = [];
  let memory: Record<string, number>;
  try {
    await pass('cold');
    await pass('warm');
    collectGarbage();
    const memAfter = process.memoryUsage();
    memory = {
      bodyBytesPerTarget: bodies.size / n,
      heapBytesPerTarget: (memAfter.heapUsed - memBefore.heapUsed) / n,
      externalBytesPerTarget: (memAfter.external - memBefore.external) / n,
      arrayBufferBytesPerTarget: (memAfter.arrayBuffers - memBefore.arrayBuffers) / n,
    };
    events.push(await reallocate('a collector joins (100 → 101)', allocator, collectorsNamed(101)));
    await pass('after join');
    await pass('warm after join');
    events.push(await reallocate('every collector replaced (a rollout renames all 101)', allocator, collectorsNamed(101, 'rolled')));
    await pass('after rollout');
  } finally {
    await close(server);
  }
  ctx.log('\n### /jobs/{job}/targets?collector_id= (sequential keep-alive client in a worker thread, each (job, collector) pair once per pass)\n');
  ctx.log('| pass | targets | collectors | requests | bodies made | requests/s | p50 (ms) | p99 (ms) | max (ms) | loop delay p50/p99/max (ms) | GC pauses (n, total ms, max ms) | load average |');
  ctx.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|');
  for (const row of rows) {
    ctx.log(`| ${row.pass} | ${row.targets} | ${row.collectors} | ${row.requests} | ${row.bodiesMade} | ${f(row.requestsPerSecond, 0)} | ${f(row.p50Ms, 3)} | ${f(row.p99Ms, 3)} | ${f(row.maxMs)} | ` +
      `${f(row.loopDelayP50Ms)}/${f(row.loopDelayP99Ms)}/${f(row.loopDelayMaxMs)} | ${row.gcPauses}, ${f(row.gcTotalMs, 1)}, ${f(row.gcMaxMs)} | ${row.loadAverage} |`);
  }
  ctx.log('\n| re-allocation | targets moved | setCollectors wall (ms) | CPU (ms) | loop delay p99/max (ms) | load average |');
  ctx.log('|---|---:|---:|---:|---|---|');
  for (const e of events) {
    ctx.log(`| ${e.event} | ${e.moved} | ${f(e.setCollectorsMs, 1)} | ${f(e.setCollectorsCpuMs, 1)} | ${f(e.loopDelayP99Ms)}/${f(e.loopDelayMaxMs)} | ${e.loadAverage} |`);
  }
  ctx.log('');
  ctx.log(`memory after the warm pass, per target: bodies ${f(memory.bodyBytesPerTarget, 0)} B, heap ${f(memory.heapBytesPerTarget, 0)} B, ` +
    `external ${f(memory.externalBytesPerTarget, 0)} B (array buffers ${f(memory.arrayBufferBytesPerTarget, 0)} B)`);
  ctx.log(`making every body at once (what preparing them all on a change cost the loop): ${f(eagerMs, 0)} ms, ${f(eagerBytes / n, 0)} B/target`);
  return { http: rows, events, memory, eager: { ms: eagerMs, bytesPerTarget: eagerBytes / n } };
}

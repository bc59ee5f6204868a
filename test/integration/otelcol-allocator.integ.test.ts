/**
 * Wire compatibility of our target allocator with a REAL OpenTelemetry Collector: the contrib prometheus
 * receiver (built by scripts/build-otelcol.sh from tools/otelcol) polls `runTargetAllocator` through its
 * `target_allocator:` block, turns our `/scrape_configs` into scrape jobs and our `/jobs/{job}/targets` into
 * HTTP SD, and must then scrape a metrics server that only the allocator told it about.
 *
 * A recording proxy sits between the collector and the allocator, so the test sees exactly which URLs the
 * collector asked for and what we answered. Everything listens on 127.0.0.1.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { runTargetAllocator } from '../../src/cli/target-allocator';

const ROOT = path.resolve(__dirname, '../..');
const OTELCOL_VERSION = /prometheusreceiver v(\d+\.\d+\.\d+)/.exec(
  fs.readFileSync(path.join(ROOT, 'tools/otelcol/go.mod'), 'utf8'),
)![1];
const CACHE = process.env.CDK8S_OTEL_CACHE || path.join(os.homedir(), '.cache', 'cdk8s-otel');
const OTELCOL = process.env.OTELCOL_BIN || path.join(CACHE, 'bin', `otelcol-${OTELCOL_VERSION}`, 'otelcol');

const COLLECTOR_ID = 'collector-0';
const PLAIN_JOB = 'static-app';
// The operator names jobs of ServiceMonitors like this; the receiver must QueryEscape it into the SD URL.
const SLASH_JOB = 'serviceMonitor/default/app/0';
/** Upper bound for anything the collector has to do; the receiver reloads scrape pools every 5 s. */
const WAIT_MS = 60_000;

// ---- small helpers ------------------------------------------------------------------------------------------

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: http.Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  const port = await listen(s);
  await close(s);
  return port;
}

async function waitFor<T>(what: string, probe: () => T | undefined, diagnostics: () => string, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}\n${diagnostics()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The metrics server: Prometheus text format on /metrics, counting scrapes. */
interface MetricsServer {
  server: http.Server;
  port: number;
  scrapes: number;
}

async function startMetricsServer(): Promise<MetricsServer> {
  const m: MetricsServer = { server: http.createServer(), port: 0, scrapes: 0 };
  m.server.on('request', (req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    m.scrapes++;
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end([
      '# HELP cdk8s_otel_test_temperature A gauge only this test server exposes.',
      '# TYPE cdk8s_otel_test_temperature gauge',
      'cdk8s_otel_test_temperature{room="lab"} 21.5',
      '# HELP cdk8s_otel_test_scrapes_total Scrapes served so far.',
      '# TYPE cdk8s_otel_test_scrapes_total counter',
      `cdk8s_otel_test_scrapes_total ${m.scrapes}`,
      '',
    ].join('\n'));
  });
  m.port = await listen(m.server);
  return m;
}

/** What the collector asked the allocator, and what it got back. */
interface Exchange {
  path: string;
  collectorId: string | null;
  status: number;
  body: string;
}

/** A pass-through proxy in front of the allocator that records every exchange. */
async function startRecordingProxy(target: () => number, log: Exchange[]): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    const up = http.request({ host: '127.0.0.1', port: target(), method: req.method, path: req.url, headers: req.headers }, (upRes) => {
      const chunks: Buffer[] = [];
      upRes.on('data', (c: Buffer) => chunks.push(c));
      upRes.on('end', () => {
        const body = Buffer.concat(chunks);
        const url = new URL(req.url ?? '/', 'http://x');
        log.push({ path: url.pathname, collectorId: url.searchParams.get('collector_id'), status: upRes.statusCode ?? 0, body: body.toString('utf8') });
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        res.end(body);
      });
    });
    up.on('error', (err) => res.writeHead(502).end(err.message));
    req.pipe(up);
  });
  return { server, port: await listen(server) };
}

/** A collector process in its own process group; output goes to a log file. */
interface Collector {
  child: ChildProcess;
  logFile: string;
  exited: Promise<void>;
}

const liveGroups = new Set<number>();
// A test runner that dies must not leave a collector behind.
process.on('exit', () => liveGroups.forEach((pid) => {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}));

function startCollector(dir: string, name: string, collectorId: string, taPort: number, exportFile: string): Collector {
  const configFile = path.join(dir, `${name}.yaml`);
  // JSON is YAML; no `config.scrape_configs`: every job comes from the allocator (as the operator writes it).
  fs.writeFileSync(configFile, JSON.stringify({
    receivers: {
      prometheus: {
        config: { scrape_configs: [] },
        target_allocator: { endpoint: `http://127.0.0.1:${taPort}`, interval: '1s', collector_id: collectorId },
      },
    },
    exporters: {
      debug: { verbosity: 'detailed' },
      file: { path: exportFile, flush_interval: '200ms' },
    },
    service: {
      // No internal telemetry listener (its default is localhost:8888): nothing but our own ports is bound.
      telemetry: { metrics: { level: 'none', readers: [] }, logs: { level: 'info' } },
      pipelines: { metrics: { receivers: ['prometheus'], exporters: ['debug', 'file'] } },
    },
  }, null, 2));
  const logFile = path.join(dir, `${name}.log`);
  const fd = fs.openSync(logFile, 'w');
  const child = spawn(OTELCOL, [`--config=file:${configFile}`], { detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  liveGroups.add(child.pid!);
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    liveGroups.delete(child.pid!);
    resolve();
  }));
  return { child, logFile, exited };
}

/** SIGTERM to the process group, SIGKILL after 5 s; resolves once the collector is gone. */
async function stopCollector(c: Collector | undefined): Promise<void> {
  if (!c || c.child.exitCode !== null || c.child.signalCode !== null) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-c.child.pid!, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5_000);
  await c.exited;
  clearTimeout(timer);
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

interface KeyValue { key: string; value: Record<string, unknown> }
interface DataPoint { attributes?: KeyValue[]; asDouble?: number; asInt?: string }
interface ExportedMetric { name: string; resource: Record<string, unknown>; points: DataPoint[] }

/** Flattens the file exporter's OTLP-JSON lines into one entry per metric. */
function readExported(file: string): ExportedMetric[] {
  if (!fs.existsSync(file)) return [];
  const out: ExportedMetric[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let doc: any;
    try {
      doc = JSON.parse(line);
    } catch {
      continue; // a line being written right now
    }
    for (const rm of doc.resourceMetrics ?? []) {
      const resource = attrs(rm.resource?.attributes);
      for (const sm of rm.scopeMetrics ?? []) {
        for (const m of sm.metrics ?? []) {
          out.push({ name: m.name, resource, points: (m.gauge ?? m.sum ?? {}).dataPoints ?? [] });
        }
      }
    }
  }
  return out;
}

function attrs(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((a) => [a.key, Object.values(a.value)[0]]));
}

// ---- the suite ----------------------------------------------------------------------------------------------

describe(`real OpenTelemetry Collector (prometheus receiver v${OTELCOL_VERSION}) against our target allocator`, () => {
  let dir: string;
  let metrics: MetricsServer;
  let proxy: { server: http.Server; port: number } | undefined;
  const exchanges: Exchange[] = [];
  const taOutput: string[] = [];
  let taPort = 0;
  let abort: AbortController | undefined;
  let taDone: Promise<number> | undefined;
  let collector: Collector | undefined;

  beforeAll(async () => {
    if (!fs.existsSync(OTELCOL)) {
      throw new Error(`the test collector is not built: ${OTELCOL} does not exist.\n` +
        'Build it with `bash scripts/build-otelcol.sh` (needs Go >= 1.25 and the Go module proxy; CI builds it in ' +
        'scripts/ci-integration.sh), or point OTELCOL_BIN at an otelcol binary with the prometheus receiver, ' +
        'debug and file exporters.');
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-otel-otelcol-'));
    metrics = await startMetricsServer();
    const listenPort = await freePort();
    const taConfig = path.join(dir, 'targetallocator.yaml');
    fs.writeFileSync(taConfig, [
      'allocation_strategy: consistent-hashing',
      `listen_addr: 127.0.0.1:${listenPort}`,
      `collectors: [${COLLECTOR_ID}]`,
      'config:',
      '  global: {scrape_interval: 1s, scrape_timeout: 1s}',
      '  scrape_configs:',
      `  - job_name: ${PLAIN_JOB}`,
      '    static_configs:',
      `    - targets: ['127.0.0.1:${metrics.port}']`,
      '      labels: {team: infra}',
      `  - job_name: '${SLASH_JOB}'`,
      '    static_configs:',
      `    - targets: ['127.0.0.1:${metrics.port}']`,
      '      labels: {team: apps}',
      '    metric_relabel_configs:',
      '    - {source_labels: [__name__], regex: cdk8s_otel_test_scrapes_total, action: drop}',
      '',
    ].join('\n'));
    const sink = new Writable({ write: (chunk, _enc, cb) => { taOutput.push(String(chunk)); cb(); } });
    abort = new AbortController();
    let listening: (port: number) => void = () => undefined;
    const bound = new Promise<number>((resolve) => (listening = resolve));
    taDone = runTargetAllocator({ config: taConfig }, {
      stdout: sink,
      stderr: sink,
      signal: abort.signal,
      debounceMs: 50,
      onListening: (a) => listening(Number(a.http.split(':').pop())),
    });
    taPort = await Promise.race([bound, taDone.then((code) => {
      throw new Error(`target allocator exited with ${code} before listening:\n${taOutput.join('')}`);
    })]);
    proxy = await startRecordingProxy(() => taPort, exchanges);
  }, 30_000);

  afterEach(async () => {
    await stopCollector(collector);
    collector = undefined;
  }, 15_000);

  afterAll(async () => {
    await stopCollector(collector);
    abort?.abort();
    if (taDone) expect(await taDone).toBe(0);
    await close(proxy?.server);
    await close(metrics?.server);
    if (dir && process.env.CDK8S_OTEL_KEEP_CLUSTER_DIR !== '1') fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  const diagnostics = (c: Collector | undefined) => () =>
    `collector log (${c?.logFile}):\n${c ? tail(c.logFile) : ''}\nrequests seen by the allocator: ` +
    `${JSON.stringify(exchanges.map((e) => `${e.path}?collector_id=${e.collectorId} -> ${e.status}`))}\n` +
    `allocator output:\n${taOutput.join('')}`;

  test('fetches /scrape_configs and /jobs/{job}/targets?collector_id= from us, scrapes the target and exports its metrics with our labels', async () => {
    const exportFile = path.join(dir, 'assigned.jsonl');
    const started = Date.now();
    collector = startCollector(dir, 'assigned', COLLECTOR_ID, proxy!.port, exportFile);
    const diag = diagnostics(collector);

    // 1. the receiver's target-allocator client read our scrape configs ...
    const sc = await waitFor('GET /scrape_configs', () => exchanges.find((e) => e.path === '/scrape_configs'), diag);
    expect(sc.status).toBe(200);
    expect(Object.keys(JSON.parse(sc.body)).sort()).toEqual([PLAIN_JOB, SLASH_JOB].sort());

    // 2. ... and made one HTTP SD per job with our URL scheme (job QueryEscaped, collector_id as query) ...
    for (const job of [PLAIN_JOB, SLASH_JOB]) {
      const ex = await waitFor(`GET /jobs/${job}/targets`, () => exchanges.find((e) =>
        e.path === `/jobs/${encodeURIComponent(job)}/targets` && e.collectorId === COLLECTOR_ID), diag);
      expect(ex.status).toBe(200);
      expect(JSON.parse(ex.body)).toEqual([{ targets: [`127.0.0.1:${metrics.port}`], labels: expect.objectContaining({ team: job === PLAIN_JOB ? 'infra' : 'apps' }) }]);
    }

    // 3. ... which made it scrape the server that only the allocator knows about ...
    await waitFor('a scrape of the metrics server', () => metrics.scrapes > 0, diag);
    const firstScrapeMs = Date.now() - started;

    // 4. ... and the scraped samples carry the job as service.name, the target, and the allocator's labels.
    const exported = await waitFor('the scraped gauge in both jobs in the file exporter output', () => {
      const found = readExported(exportFile).filter((m) => m.name === 'cdk8s_otel_test_temperature');
      const jobs = new Set(found.map((m) => m.resource['service.name']));
      return jobs.has(PLAIN_JOB) && jobs.has(SLASH_JOB) ? found : undefined;
    }, diag);
    for (const [job, team] of [[PLAIN_JOB, 'infra'], [SLASH_JOB, 'apps']]) {
      const m = exported.find((e) => e.resource['service.name'] === job)!;
      expect(m.resource['service.instance.id']).toBe(`127.0.0.1:${metrics.port}`);
      expect(m.points[0].asDouble).toBe(21.5);
      expect(attrs(m.points[0].attributes)).toEqual(expect.objectContaining({ room: 'lab', team }));
    }
    // metric_relabel_configs from our /scrape_configs are applied by the collector: dropped in one job only.
    const counters = readExported(exportFile).filter((m) => m.name.startsWith('cdk8s_otel_test_scrapes'));
    expect(new Set(counters.map((m) => m.resource['service.name']))).toEqual(new Set([PLAIN_JOB]));

    // The debug exporter prints the same metric on the collector's output.
    await waitFor('the debug exporter output', () => fs.readFileSync(collector!.logFile, 'utf8').includes('cdk8s_otel_test_temperature'), diag);
    process.stdout.write(`[integration] otelcol ${OTELCOL_VERSION}: first scrape ${(firstScrapeMs / 1000).toFixed(1)} s after start\n`);
  }, WAIT_MS * 2);

  test('a collector id that is not in our collectors list gets no targets and scrapes nothing', async () => {
    const other = 'collector-unknown';
    const exportFile = path.join(dir, 'unassigned.jsonl');
    const scrapesBefore = metrics.scrapes;
    collector = startCollector(dir, 'unassigned', other, proxy!.port, exportFile);
    const diag = diagnostics(collector);

    for (const job of [PLAIN_JOB, SLASH_JOB]) {
      const ex = await waitFor(`GET /jobs/${job}/targets?collector_id=${other}`, () => exchanges.find((e) =>
        e.path === `/jobs/${encodeURIComponent(job)}/targets` && e.collectorId === other), diag);
      expect(ex.status).toBe(200);
      expect(JSON.parse(ex.body)).toEqual([]);
    }
    // An assigned target is scraped within ~5 s of its SD answer (scrape-pool reload interval, 1 s scrape
    // interval); wait twice that, with the collector still running, before concluding nothing was scraped.
    await new Promise((r) => setTimeout(r, 10_000));
    expect(collector.child.exitCode).toBeNull();
    expect(metrics.scrapes).toBe(scrapesBefore);
    expect(readExported(exportFile).filter((m) => m.name === 'cdk8s_otel_test_temperature')).toEqual([]);
  }, WAIT_MS * 2);
});

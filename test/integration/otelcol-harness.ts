/**
 * Helpers for running a real OpenTelemetry Collector (built by scripts/build-otelcol.sh from tools/otelcol)
 * against our target allocator: the binary's location, a metrics server, a recording proxy, the allocator
 * in-process, and the collector as a child process in its own process group. Everything binds 127.0.0.1.
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
/** The prometheus receiver version pinned in tools/otelcol/go.mod (also the binary's folder name). */
export const OTELCOL_VERSION = /prometheusreceiver v(\d+\.\d+\.\d+)/.exec(
  fs.readFileSync(path.join(ROOT, 'tools/otelcol/go.mod'), 'utf8'),
)![1];
const CACHE = process.env.CDK8S_OTEL_CACHE || path.join(os.homedir(), '.cache', 'cdk8s-otel');
export const OTELCOL = process.env.OTELCOL_BIN || path.join(CACHE, 'bin', `otelcol-${OTELCOL_VERSION}`, 'otelcol');

/** Fails (never skips) when the collector is not built, saying how to build it. */
export function requireOtelcol(): void {
  if (!fs.existsSync(OTELCOL)) {
    throw new Error(`the test collector is not built: ${OTELCOL} does not exist.\n` +
      'Build it with `bash scripts/build-otelcol.sh` (needs Go >= 1.25 and the Go module proxy; CI builds it in ' +
      'scripts/ci-integration.sh), or point OTELCOL_BIN at an otelcol binary with the prometheus receiver, ' +
      'debug and file exporters.');
  }
}

/** Upper bound for anything the collector has to do; the receiver reloads scrape pools every 5 s. */
export const WAIT_MS = 60_000;

export function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export function close(server: http.Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function freePort(): Promise<number> {
  const s = http.createServer();
  const port = await listen(s);
  await close(s);
  return port;
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false, diagnostics: () => string, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}\n${diagnostics()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Prometheus text endpoint on /metrics that counts scrapes, optionally behind basic auth. */
export interface MetricsServer {
  readonly server: http.Server;
  readonly port: number;
  /** scrapes answered with 200 */
  scrapes: number;
  /** scrapes refused with 401 (wrong or missing credentials) */
  refused: number;
  /** Authorization headers of refused scrapes */
  readonly refusedAuth: string[];
}

export async function startMetricsServer(basicAuth?: { username: string; password: string }): Promise<MetricsServer> {
  const expected = basicAuth && `Basic ${Buffer.from(`${basicAuth.username}:${basicAuth.password}`).toString('base64')}`;
  const server = http.createServer();
  const m: MetricsServer = { server, port: 0, scrapes: 0, refused: 0, refusedAuth: [] };
  server.on('request', (req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    if (expected && req.headers.authorization !== expected) {
      m.refused++;
      m.refusedAuth.push(req.headers.authorization ?? '');
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="metrics"' }).end();
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
  (m as { port: number }).port = await listen(server);
  return m;
}

/** What the collector asked the allocator, and what it got back. */
export interface Exchange {
  readonly path: string;
  readonly collectorId: string | null;
  readonly status: number;
  readonly body: string;
}

/** A pass-through proxy in front of the allocator's plain listener that records every exchange. */
export async function startRecordingProxy(targetPort: number, log: Exchange[]): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    const up = http.request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
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

/** Our allocator, in-process (runTargetAllocator with an AbortSignal). */
export interface RunningAllocator {
  readonly httpPort: number;
  readonly httpsPort?: number;
  readonly output: string[];
  /** stops it; resolves with its exit code */
  stop(): Promise<number>;
}

export async function startAllocator(configFile: string): Promise<RunningAllocator> {
  const output: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => { output.push(String(chunk)); cb(); } });
  const abort = new AbortController();
  let listening: (a: { http: string; https?: string }) => void = () => undefined;
  const bound = new Promise<{ http: string; https?: string }>((resolve) => (listening = resolve));
  const done = runTargetAllocator({ config: configFile }, { stdout: sink, stderr: sink, signal: abort.signal, debounceMs: 50, onListening: listening });
  const addresses = await Promise.race([bound, done.then((code) => {
    throw new Error(`target allocator exited with ${code} before listening:\n${output.join('')}`);
  })]);
  const port = (a: string) => Number(a.split(':').pop());
  return {
    httpPort: port(addresses.http),
    httpsPort: addresses.https ? port(addresses.https) : undefined,
    output,
    stop: () => {
      abort.abort();
      return done;
    },
  };
}

/** A collector process in its own process group; stdout and stderr go to `logFile`. */
export interface Collector {
  readonly child: ChildProcess;
  readonly logFile: string;
  readonly exportFile: string;
  readonly exited: Promise<void>;
}

const liveGroups = new Set<number>();
// A test runner that exits must not leave a collector behind.
process.on('exit', () => liveGroups.forEach((pid) => {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}));

export interface CollectorOptions {
  /** file name stem in `dir` for the config, log and export files */
  readonly name: string;
  readonly collectorId: string;
  /** the allocator's URL, e.g. http://127.0.0.1:1234 */
  readonly endpoint: string;
  /** `target_allocator.tls` (ca_file, cert_file, key_file) */
  readonly tls?: Record<string, string>;
}

export function startCollector(dir: string, opts: CollectorOptions): Collector {
  const configFile = path.join(dir, `${opts.name}.yaml`);
  const exportFile = path.join(dir, `${opts.name}.jsonl`);
  // JSON is YAML. No local scrape_configs: every job comes from the allocator, as the operator configures it.
  fs.writeFileSync(configFile, JSON.stringify({
    receivers: {
      prometheus: {
        config: { scrape_configs: [] },
        target_allocator: {
          endpoint: opts.endpoint,
          interval: '1s',
          collector_id: opts.collectorId,
          ...(opts.tls ? { tls: opts.tls } : {}),
        },
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
  const logFile = path.join(dir, `${opts.name}.log`);
  const fd = fs.openSync(logFile, 'w');
  const child = spawn(OTELCOL, [`--config=file:${configFile}`], { detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  liveGroups.add(child.pid!);
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    liveGroups.delete(child.pid!);
    resolve();
  }));
  return { child, logFile, exportFile, exited };
}

/** SIGTERM to the process group, SIGKILL after 5 s; resolves once the collector is gone. */
export async function stopCollector(c: Collector | undefined): Promise<void> {
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

export function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

interface KeyValue { key: string; value: Record<string, unknown> }
export interface DataPoint { attributes?: KeyValue[]; asDouble?: number; asInt?: string }
export interface ExportedMetric { name: string; resource: Record<string, unknown>; points: DataPoint[] }

/** Flattens the file exporter's OTLP-JSON lines into one entry per metric. */
export function readExported(file: string): ExportedMetric[] {
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

export function attrs(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((a) => [a.key, Object.values(a.value)[0]]));
}

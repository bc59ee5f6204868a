/**
 * The operator as the integration tests run it: a real `cdk8s-otel operator` process (client-node cannot be
 * loaded by jest) against the test control plane. The sources are transpiled once per test run into
 * node_modules/.cache (TypeScript's transpileModule, no type check: `npm run typecheck` does that), so a start
 * costs what a compiled install costs, not a ts-node compile, and start-to-ready figures mean something.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
const BUILD = path.join(ROOT, 'node_modules', '.cache', 'cdk8s-otel-operator-build');
let built = false;

/** Transpiles src/ and imports/ to CommonJS under node_modules/.cache (so node_modules resolves as from the root). */
export function buildOperator(): string {
  if (built) return BUILD;
  fs.rmSync(BUILD, { recursive: true, force: true });
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, experimentalDecorators: true,
    resolveJsonModule: true, sourceMap: false,
  };
  for (const dir of ['src', 'imports']) {
    for (const file of walk(path.join(ROOT, dir))) {
      const rel = path.relative(ROOT, file);
      const out = path.join(BUILD, rel.replace(/\.ts$/, '.js'));
      fs.mkdirSync(path.dirname(out), { recursive: true });
      if (!file.endsWith('.ts')) {
        fs.copyFileSync(file, out);
        continue;
      }
      const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file });
      fs.writeFileSync(out, outputText);
    }
  }
  // the test entry exits when the test process is gone (an interrupted jest may not run its exit handlers)
  fs.writeFileSync(path.join(BUILD, 'operator.js'), [
    'const parent = process.ppid;',
    'setInterval(() => { try { process.kill(parent, 0); } catch { process.exit(1); } }, 1000).unref();',
    "require('./src/cli/main.js').main(process.argv).then((code) => { process.exitCode = code; });",
    '',
  ].join('\n'));
  built = true;
  return BUILD;
}

function* walk(dir: string): Iterable<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (!e.name.endsWith('.d.ts')) yield p;
  }
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** GET http://127.0.0.1:port/path → status and body (status 0 when nothing listens). */
export function httpGet(port: number, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.on('timeout', () => req.destroy());
  });
}

export interface OperatorProcess {
  readonly child: ChildProcess;
  readonly healthPort: number;
  readonly metricsPort: number;
  /** everything the process wrote (JSON log lines on stderr) */
  readonly output: () => string;
  /** JSON log lines parsed */
  readonly logs: () => Array<Record<string, unknown>>;
  /** milliseconds from spawn to /readyz answering 200 */
  readyMs?: number;
  /** resolves with the exit code when the process exits */
  readonly exited: Promise<number | null>;
  /** SIGTERM (graceful) or SIGKILL; resolves on exit */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  waitForLog(what: string, predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

export async function startOperator(kubeconfig: string, args: string[] = [], opts: { waitReady?: boolean } = {}): Promise<OperatorProcess> {
  const build = buildOperator();
  const healthPort = await freePort();
  const metricsPort = await freePort();
  const t0 = Date.now();
  // e.g. OPERATOR_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the operator (written on a graceful exit)
  const nodeArgs = (process.env.OPERATOR_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(build, 'operator.js'), 'operator', '--kubeconfig', kubeconfig,
    '--health-probe-addr', `127.0.0.1:${healthPort}`, '--metrics-addr', `127.0.0.1:${metricsPort}`, ...args], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WATCH_NAMESPACE: process.env.WATCH_NAMESPACE_FOR_OPERATOR ?? '' },
  });
  // never outlive the test process (interrupted run, failed beforeAll)
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    process.off('exit', reap);
    resolve(code);
  }));
  const logs = () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch {
      return {};
    }
  });
  const proc: OperatorProcess = {
    child, healthPort, metricsPort, output: () => out, logs, exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    waitForLog: async (what, predicate, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = logs().find(predicate);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`timed out waiting for operator log: ${what}\n${out.slice(-3000)}`);
        if (child.exitCode !== null) throw new Error(`operator exited (${child.exitCode}) waiting for ${what}\n${out.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
  if (opts.waitReady ?? true) {
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`operator exited with ${child.exitCode}:\n${out.slice(-3000)}`);
      if ((await httpGet(healthPort, '/readyz')).status === 200) break;
      if (Date.now() > deadline) throw new Error(`operator not ready after 90 s:\n${out.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    proc.readyMs = Date.now() - t0;
  }
  return proc;
}

/**
 * The local OCI registry of the real node: distribution's registry (tools/registry, built from the Go module
 * proxy by scripts/build-node-images.sh), serving plain HTTP on 127.0.0.1 or the node's veth address. The node's
 * containerd uses it as the mirror of every registry host the tests and upstream's e2e name, so no image is ever
 * pulled from outside; its blobs live in a cache folder, so images pushed once stay for the next run.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidInputError } from '../../common/errors';
import { Reaper, startProcess, tailFile } from '../processes';

/** distribution's version that tools/registry/go.mod pins (keep both in sync: the cache folder is named by it). */
export const REGISTRY_VERSION = 'v3.1.2';

/**
 * The registry hosts mirrored to the local registry: those of the images our defaults, our tests and upstream's
 * e2e name (docker.io covers unqualified names such as `busybox:1.36` and our operator's `cdk8s-otel:<version>`).
 */
export const MIRRORED_HOSTS: readonly string[] = [
  'docker.io',
  'registry-1.docker.io',
  'mirror.gcr.io',
  'gcr.io',
  'ghcr.io',
  'quay.io',
  'registry.k8s.io',
  'registry.access.redhat.com',
];

export interface LocalRegistry {
  /** host:port it serves plain HTTP on */
  address: string;
  stop(): Promise<void>;
}

/** The cache folder of everything the real node's images need (build outputs, registry storage). */
export function imagesCacheDir(): string {
  const cache = process.env.CDK8S_OTEL_CACHE || path.join(os.homedir(), '.cache', 'cdk8s-otel');
  return path.join(cache, 'images');
}

/** The registry's storage folder when none is given: persistent, so pushed images stay between runs. */
export function defaultRegistryDataDir(): string {
  return path.join(imagesCacheDir(), `registry-data`);
}

/** Where scripts/build-node-images.sh puts the registry binary. */
export function registryBinaryPath(): string {
  const cache = process.env.CDK8S_OTEL_CACHE || path.join(os.homedir(), '.cache', 'cdk8s-otel');
  return path.join(cache, 'bin', `registry-${REGISTRY_VERSION}`, 'registry');
}

/**
 * Splits `host:port` (an IPv4 address or a name, and a port) and throws an {@link InvalidInputError} naming
 * `what` otherwise: the registry and containerd's mirror entries need both parts.
 */
export function parseHostPort(value: string, what: string): { host: string; port: number } {
  const m = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new InvalidInputError(what, 'address', `'${value}' is not host:port`,
      'give an address and a port, e.g. 127.0.0.1:5000');
  }
  return { host: m[1], port };
}

/** distribution's configuration (YAML is a superset of JSON): plain HTTP on `listen`, blobs under `dataDir`. */
export function registryConfig(listen: string, dataDir: string): string {
  const config = {
    version: 0.1,
    log: { level: 'info', formatter: 'text', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: dataDir },
      // images are overwritten by newer builds under the same tag; deleting lets a test clean up
      delete: { enabled: true },
      // the purge of stale uploads would walk the storage at start-up: not worth it for a local cache
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr: listen, headers: { 'X-Content-Type-Options': ['nosniff'] } },
    health: { storagedriver: { enabled: false } },
  };
  return JSON.stringify(config, null, 2) + '\n';
}

/**
 * containerd's hosts.toml for one mirrored host: every pull and resolve goes to the local registry, plain
 * HTTP, and `server` is the local registry too, so that nothing falls back to the real host.
 */
export function hostsToml(registry: string): string {
  parseHostPort(registry, 'local registry');
  return [
    '# written by cdk8s-otel: images of this host come from the local registry (see docs/real-node.md)',
    `server = "http://${registry}"`,
    '',
    `[host."http://${registry}"]`,
    '  capabilities = ["pull", "resolve"]',
    '  skip_verify = true',
    '',
  ].join('\n');
}

/**
 * Writes containerd 1.6 `config_path` hosts.toml files under `dir` so every mirrored registry host (and the
 * registry's own address, for names that spell it) resolves to `http://<registry>` (plain HTTP, pull+resolve).
 * Returns the host names mirrored.
 */
export function writeContainerdHostsConfig(dir: string, registry: string): string[] {
  const content = hostsToml(registry);
  const hosts = [...MIRRORED_HOSTS, registry];
  for (const host of hosts) {
    fs.mkdirSync(path.join(dir, host), { recursive: true });
    fs.writeFileSync(path.join(dir, host, 'hosts.toml'), content);
  }
  return hosts;
}

/** GET http://address/v2/: the registry answers 200 once it serves. */
function probe(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`http://${address}/v2/`, { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

/** Builds the registry binary with scripts/build-node-images.sh when it is not cached yet. */
export async function ensureRegistryBinary(log: (line: string) => void): Promise<string> {
  const binary = registryBinaryPath();
  if (fs.existsSync(binary)) return binary;
  const script = path.resolve(__dirname, '..', '..', '..', 'scripts', 'build-node-images.sh');
  log(`building distribution's registry ${REGISTRY_VERSION} through the Go module proxy (first time only) ...`);
  await runScript(script, ['tool', 'registry'], log);
  if (!fs.existsSync(binary)) throw new Error(`scripts/build-node-images.sh did not write ${binary}`);
  return binary;
}

/** Runs a build script, passing its `[build-…]` lines to `log`; rejects with its last lines when it fails. */
export function runScript(script: string, args: string[], log: (line: string) => void): Promise<string[]> {
  const out: string[] = [];
  const tail: string[] = [];
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => out.push(...chunk.toString().split('\n').filter(Boolean)));
    child.stderr.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 30) tail.shift();
        if (line.startsWith('[build-')) log(line);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${path.basename(script)} ${args.join(' ')} failed (exit ${code}):\n${tail.join('\n')}`));
    });
  });
}

/**
 * Starts the registry binary (cached build) on `listen` (host:port; the node's containerd must reach it), storing
 * blobs in `dataDir` (default: a persistent cache folder under ~/.cache/cdk8s-otel so images pushed once stay).
 */
export async function startRegistry(opts: { listen: string; dataDir?: string; log?: (line: string) => void }): Promise<LocalRegistry> {
  const log = opts.log ?? (() => undefined);
  parseHostPort(opts.listen, 'startRegistry listen');
  const binary = await ensureRegistryBinary(log);
  const dataDir = path.resolve(opts.dataDir ?? defaultRegistryDataDir());
  fs.mkdirSync(dataDir, { recursive: true });
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-otel-registry-'));
  const configFile = path.join(runDir, 'config.yml');
  fs.writeFileSync(configFile, registryConfig(opts.listen, dataDir));
  // kills the registry (and removes its run folder) should this process die without stopping it (SIGKILL, OOM)
  const reaper = new Reaper(path.join(runDir, 'pgids'), [runDir]);
  const proc = startProcess({
    name: 'registry',
    command: binary,
    args: ['serve', configFile],
    logDir: runDir,
    env: { ...process.env, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' },
  });
  reaper.track([proc.pid]);
  const stop = async () => {
    await proc.stop();
    reaper.stop();
    fs.rmSync(runDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  while (!(await probe(opts.listen))) {
    if (!proc.isRunning() || Date.now() > deadline) {
      const why = proc.isRunning() ? 'did not answer GET /v2/ within 20 s' : 'exited';
      const logText = tailFile(proc.logFile);
      await stop();
      throw new Error(`the registry on ${opts.listen} ${why} (is the port taken?):\n${logText}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`registry ${REGISTRY_VERSION} serving http://${opts.listen}, storage ${dataDir}`);
  return { address: opts.listen, stop };
}

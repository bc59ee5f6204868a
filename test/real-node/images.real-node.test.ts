/**
 * The real node's local registry and images (src/devcluster/real-node): the registry starts on 127.0.0.1, every
 * image is built (or taken from ~/.cache/cdk8s-otel/images) and pushed, then read back over the registry's HTTP
 * API: each name's manifest, its annotations (source, version, description, built-from), its config (entry point,
 * user, labels) and its size. A second ensureImages pushes nothing. podman pulls a few of them from the registry
 * and runs them; containerd 1.6 (Debian's, its own root and socket, no CRI) pulls by the names pods use through
 * writeContainerdHostsConfig's hosts.toml, as the node's containerd will; with host networking (every address 127.0.0.1) the collector
 * image receives the spans of the Java and Node.js app images injected as the operator does (the agent image's
 * init `cp` into a shared volume, then JAVA_TOOL_OPTIONS / NODE_OPTIONS). A cold first build takes several
 * minutes (the collector's Go build most of it: see docs/real-node.md); later runs reuse the cache.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { BUILT_FROM_ANNOTATION, IMAGE_SPECS, mirrorPath } from '../../src/devcluster/real-node/image-specs';
import { ensureImages, NodeImage, PAUSE_IMAGE } from '../../src/devcluster/real-node/images';
import { LocalRegistry, startRegistry, writeContainerdHostsConfig } from '../../src/devcluster/real-node/registry';
import { freePort } from '../integration/harness/control-plane';

const run = promisify(execFile);
const BUILD_TIMEOUT_MS = 40 * 60_000;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

function get(url: string, accept = OCI_MANIFEST): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { Accept: accept } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject);
  });
}

const podmanArgs = ['--runtime', 'runc', 'run', '--rm', '--network=none', '--cgroup-manager=cgroupfs',
  '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024', '--tls-verify=false'];

describe('the real node\'s registry and images', () => {
  let dataDir: string;
  let registry: LocalRegistry;
  let images: NodeImage[];
  const pulled: string[] = [];
  const lines: string[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-otel-registry-test-'));
    registry = await startRegistry({ listen: `127.0.0.1:${await freePort()}`, dataDir, log: (l) => lines.push(l) });
    images = await ensureImages(registry.address, { log: (l) => process.stdout.write(`[images] ${l}\n`) });
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    for (const ref of pulled) await run('podman', ['rmi', '-f', ref]).catch(() => undefined);
    await registry?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('every name of every image is there, with what it was built from and its size', () => {
    expect(images.map((i) => i.name).sort()).toEqual(IMAGE_SPECS.flatMap((s) => s.names).sort());
    expect(images.map((i) => i.name)).toContain(PAUSE_IMAGE);
    for (const image of images) {
      expect(image.builtFrom).not.toBe('');
      expect(image.bytes).toBeGreaterThan(100_000);
    }
    expect(lines.join('\n')).toMatch(/serving http:\/\/127\.0\.0\.1:\d+/);
  });

  test.each(IMAGE_SPECS.map((s) => [s.id, s] as const))('%s: manifests, annotations and config read back from the registry', async (_id, spec) => {
    const base = `http://${registry.address}/v2`;
    const digests = new Set<string>();
    for (const name of spec.names) {
      const [repository, tag] = mirrorPath(name).split(/:(?=[^:]*$)/);
      const res = await get(`${base}/${repository}/manifests/${tag}`);
      expect(res.status).toBe(200);
      digests.add(String(res.headers['docker-content-digest']));
      const manifest = JSON.parse(res.body);
      expect(manifest.mediaType).toBe(OCI_MANIFEST);
      expect(manifest.annotations).toMatchObject({
        'org.opencontainers.image.source': spec.source,
        'org.opencontainers.image.version': spec.version,
        'org.opencontainers.image.description': spec.description,
      });
      expect(manifest.annotations[BUILT_FROM_ANNOTATION]).toContain(spec.builtFrom);
      const config = JSON.parse((await get(`${base}/${repository}/blobs/${manifest.config.digest}`, '*/*')).body);
      expect(config).toMatchObject({ os: 'linux', architecture: 'amd64' });
      if (spec.recipe !== 'operator') {
        expect(config.config.Entrypoint).toEqual(spec.config.Entrypoint);
        expect(config.config.Labels[BUILT_FROM_ANNOTATION]).toBe(manifest.annotations[BUILT_FROM_ANNOTATION]);
      }
      const size = res.body.length + manifest.config.size + manifest.layers.reduce((n: number, l: { size: number }) => n + l.size, 0);
      expect(images.find((i) => i.name === name)?.bytes).toBe(size);
    }
    // one image under all its names
    expect(digests.size).toBe(1);
  });

  test('a second ensureImages finds everything there and pushes nothing', async () => {
    const log: string[] = [];
    const again = await ensureImages(registry.address, { log: (l) => log.push(l) });
    expect(again).toEqual(images);
    expect(log.filter((l) => /pushed|building/.test(l))).toEqual([]);
  }, BUILD_TIMEOUT_MS);

  test.each([
    ['busybox', 'busybox:1.36', ['sh', '-c', 'echo hello; cp /bin/busybox /tmp/x && echo copied'], /hello\ncopied/],
    ['curl (args only, as e2e Jobs give them)', 'mirror.gcr.io/alpine/curl:latest', ['/bin/sh', '-c', 'curl --version'], /^curl 7\.88/],
    ['the collector', 'ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector:0.158.0', ['--version'], /otelcol version 0\.159\.0/],
    ['the Java agent\'s init container', 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.30.0',
      ['cp', '/javaagent.jar', '/tmp/javaagent.jar'], /^$/],
  ])('podman pulls %s from the registry and runs it', async (_what, name, args, expected) => {
    const ref = `${registry.address}/${mirrorPath(name)}`;
    pulled.push(ref);
    const { stdout } = await run('podman', [...podmanArgs, ref, ...args], { timeout: 120_000 });
    expect(stdout.trim()).toMatch(expected);
  }, 180_000);

  test('containerd pulls the names pods use through the hosts.toml mirrors', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-otel-containerd-'));
    const sock = path.join(dir, 'containerd.sock');
    fs.writeFileSync(path.join(dir, 'config.toml'), [
      'version = 2', `root = "${dir}/root"`, `state = "${dir}/state"`, 'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]', `  address = "${sock}"`, '[ttrpc]', `  address = "${sock}.ttrpc"`, '[debug]', '  address = ""', '[metrics]', '  address = ""', '',
    ].join('\n'));
    const hostsDir = path.join(dir, 'certs.d');
    writeContainerdHostsConfig(hostsDir, registry.address);
    const { spawn } = await import('node:child_process');
    const containerd = spawn('containerd', ['--config', path.join(dir, 'config.toml')], { stdio: 'ignore' });
    const exited = new Promise((r) => { containerd.once('exit', r); containerd.once('error', r); });
    try {
      for (let i = 0; i < 100 && !fs.existsSync(sock); i++) await new Promise((r) => setTimeout(r, 100));
      for (const name of ['docker.io/library/busybox:1.36', 'mirror.gcr.io/alpine/curl:latest', `${PAUSE_IMAGE}`,
        'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-python:0.64b0']) {
        const { stdout } = await run('ctr', ['--address', sock, '-n', 'test', 'images', 'pull', '--hosts-dir', hostsDir, name], { timeout: 120_000 });
        expect(stdout).toMatch(/done/);
      }
      const { stdout } = await run('ctr', ['--address', sock, '-n', 'test', 'images', 'ls', '-q']);
      expect(stdout.trim().split('\n')).toEqual(expect.arrayContaining(['docker.io/library/busybox:1.36', PAUSE_IMAGE]));
    } finally {
      containerd.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  describe('agents injected as the operator does send spans to the collector image', () => {
    let grpcPort: number;
    let httpPort: number;
    const containers: string[] = [];
    let work: string;

    const podman = (...args: string[]) => run('podman', args, { timeout: 120_000 });
    const ref = (name: string) => `${registry.address}/${mirrorPath(name)}`;
    const detached = ['run', '-d', '--network=host', '--cgroup-manager=cgroupfs', '--runtime', 'runc',
      '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024', '--tls-verify=false'];

    beforeAll(async () => {
      [grpcPort, httpPort] = [await freePort(), await freePort()];
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-otel-inject-'));
      fs.writeFileSync(path.join(work, 'collector.yaml'), [
        'receivers:', '  otlp:', '    protocols:', `      grpc: {endpoint: "127.0.0.1:${grpcPort}"}`, `      http: {endpoint: "127.0.0.1:${httpPort}"}`,
        'exporters:', '  debug: {verbosity: detailed}',
        'service:', '  telemetry: {metrics: {level: none}}', '  pipelines:', '    traces: {receivers: [otlp], exporters: [debug]}', '',
      ].join('\n'));
      fs.chmodSync(work, 0o755);
      fs.chmodSync(path.join(work, 'collector.yaml'), 0o644);
      const collector = ref('ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector:0.158.0');
      pulled.push(collector);
      const { stdout } = await podman(...detached, '-v', `${work}/collector.yaml:/conf/collector.yaml:ro`, collector, '--config=/conf/collector.yaml');
      containers.push(stdout.trim());
    }, 180_000);

    afterAll(async () => {
      for (const id of containers) await run('podman', ['rm', '-f', id]).catch(() => undefined);
      if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    /** The agent image's init container, as the operator writes it: cp into an emptyDir, as the image's user. */
    async function initContainer(agentImage: string, volume: string, command: string[]): Promise<string> {
      const dir = path.join(work, volume);
      fs.mkdirSync(dir);
      fs.chmodSync(dir, 0o777); // an emptyDir is writable by any user
      pulled.push(ref(agentImage));
      await podman(...podmanArgs, '-v', `${dir}:/${volume}`, ref(agentImage), ...command);
      return dir;
    }

    async function spansOf(service: string): Promise<string> {
      const deadline = Date.now() + 90_000;
      for (;;) {
        const { stdout, stderr } = await podman('logs', containers[0]);
        const logs = stdout + stderr;
        if (logs.includes(`service.name: Str(${service})`) || Date.now() > deadline) return logs;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }

    test('Java: the agent image\'s cp, JAVA_TOOL_OPTIONS -javaagent, OTLP/HTTP', async () => {
      const dir = await initContainer('ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.30.0',
        'otel-auto-instrumentation-java', ['cp', '/javaagent.jar', '/otel-auto-instrumentation-java/javaagent.jar']);
      const app = ref('ghcr.io/open-telemetry/opentelemetry-operator/e2e-test-app-java:main');
      pulled.push(app);
      const { stdout } = await podman(...detached, '-v', `${dir}:/otel-auto-instrumentation-java`,
        '-e', `PORT=${await freePort()}`, '-e', 'OTEL_SERVICE_NAME=java-app',
        '-e', 'JAVA_TOOL_OPTIONS= -javaagent:/otel-auto-instrumentation-java/javaagent.jar',
        '-e', `OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:${httpPort}`, '-e', 'OTEL_METRICS_EXPORTER=none', '-e', 'OTEL_LOGS_EXPORTER=none',
        app);
      containers.push(stdout.trim());
      const logs = await spansOf('java-app');
      expect(logs).toContain('service.name: Str(java-app)');
      expect(logs).toMatch(/InstrumentationScope io\.opentelemetry\.java-http-(client|server)/);
    }, 180_000);

    test('Node.js: the agent image\'s cp -r, NODE_OPTIONS --require, OTLP/gRPC', async () => {
      const dir = await initContainer('ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-nodejs:0.78.0',
        'otel-auto-instrumentation-nodejs', ['cp', '-r', '/autoinstrumentation/.', '/otel-auto-instrumentation-nodejs']);
      const app = ref('ghcr.io/open-telemetry/opentelemetry-operator/e2e-test-app-nodejs:main');
      pulled.push(app);
      const { stdout } = await podman(...detached, '-v', `${dir}:/otel-auto-instrumentation-nodejs`,
        '-e', `PORT=${await freePort()}`, '-e', 'OTEL_SERVICE_NAME=nodejs-app',
        '-e', 'NODE_OPTIONS= --require /otel-auto-instrumentation-nodejs/autoinstrumentation.js',
        '-e', `OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:${grpcPort}`, '-e', 'OTEL_METRICS_EXPORTER=none',
        app);
      containers.push(stdout.trim());
      const logs = await spansOf('nodejs-app');
      expect(logs).toContain('service.name: Str(nodejs-app)');
      expect(logs).toMatch(/InstrumentationScope @opentelemetry\/instrumentation-http/);
    }, 180_000);
  });
});

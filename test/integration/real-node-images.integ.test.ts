/**
 * The real node's local registry and images (src/devcluster/real-node): the registry starts on 127.0.0.1, every
 * image is built (or taken from ~/.cache/cdk8s-otel/images) and pushed, then read back over the registry's HTTP
 * API: each name's manifest, its annotations (source, version, description, built-from), its config (entry point,
 * user, labels) and its size. A second ensureImages pushes nothing. podman pulls a few of them from the registry
 * and runs them, as the node's containerd will. A cold first build takes several minutes (the collector's Go
 * build most of it: see docs/real-node.md); later runs reuse the cache.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { BUILT_FROM_ANNOTATION, IMAGE_SPECS, mirrorPath } from '../../src/devcluster/real-node/image-specs';
import { ensureImages, NodeImage, PAUSE_IMAGE } from '../../src/devcluster/real-node/images';
import { LocalRegistry, startRegistry } from '../../src/devcluster/real-node/registry';
import { freePort } from './harness/control-plane';

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
});

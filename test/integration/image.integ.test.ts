/**
 * `npm run image` (scripts/build-image.sh): builds twice to the same digest and the same bytes; the archive is an
 * OCI image layout whose one layer holds a root filesystem the entry point runs from, as user 65532, with nothing
 * from the host (chroot with an empty environment). Caches make the second build cheap; a cold first build
 * compiles the package and installs the production node_modules (a few minutes on 2 busy cores). In CI the first
 * build is the one scripts/ci-integration.sh made (IMAGE_FIRST_BUILD, IMAGE_FIRST_DIGEST).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const BUILD_TIMEOUT_MS = 15 * 60_000;

interface Build { digest: string; archive: string }

function buildImage(out: string): Build {
  const stdout = execFileSync('bash', [path.join(ROOT, 'scripts/build-image.sh'), out], {
    encoding: 'utf8', timeout: BUILD_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const digest = /^digest: (sha256:[0-9a-f]{64})$/m.exec(stdout)?.[1];
  if (!digest) throw new Error(`no digest in the build output:\n${stdout}`);
  process.stdout.write(`[image] ${stdout.trim().split('\n').slice(-3).join('; ')}\n`);
  return { digest, archive: out };
}

const sha256 = (file: string) => execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
const blob = (dir: string, digest: string) => path.join(dir, 'blobs', digest.replace(':', '/'));

describe('the operator image', () => {
  let dir: string;
  let first: Build;
  let second: Build;
  let layout: string;
  let rootfs: string;
  let config: any;
  let layerDigest: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-otel-image-test-'));
    // CI's scripts/ci-integration.sh has built it once already: compare with that build instead of making two
    const earlier = process.env.IMAGE_FIRST_BUILD;
    first = earlier && fs.existsSync(earlier) && process.env.IMAGE_FIRST_DIGEST
      ? { digest: process.env.IMAGE_FIRST_DIGEST, archive: earlier }
      : buildImage(path.join(dir, 'first.tar'));
    second = buildImage(path.join(dir, 'second.tar'));
    layout = path.join(dir, 'layout');
    rootfs = path.join(dir, 'rootfs');
    fs.mkdirSync(layout);
    fs.mkdirSync(rootfs);
    execFileSync('tar', ['-xf', first.archive, '-C', layout]);
    const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8'));
    const manifest = JSON.parse(fs.readFileSync(blob(layout, index.manifests[0].digest), 'utf8'));
    config = JSON.parse(fs.readFileSync(blob(layout, manifest.config.digest), 'utf8'));
    layerDigest = manifest.layers[0].digest;
    execFileSync('tar', ['-xzf', blob(layout, layerDigest), '-C', rootfs]);
  }, 2 * BUILD_TIMEOUT_MS + 60_000);

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('reproducible: two builds give the same digest and byte-identical archives', () => {
    expect(second.digest).toBe(first.digest);
    expect(sha256(second.archive)).toBe(sha256(first.archive));
  });

  test('an OCI layout: index names the image, manifest digest matches, blobs are what they claim', () => {
    const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8'));
    expect(index.manifests).toHaveLength(1);
    expect(index.manifests[0].digest).toBe(first.digest);
    expect(index.manifests[0].mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect(index.manifests[0].annotations['org.opencontainers.image.ref.name']).toBe(`cdk8s-otel:${version}`);
    for (const name of fs.readdirSync(path.join(layout, 'blobs/sha256'))) {
      expect(sha256(path.join(layout, 'blobs/sha256', name))).toBe(name);
    }
    expect(JSON.parse(fs.readFileSync(path.join(layout, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
  });

  test('config: non-root user, node entry point, operator command, fixed creation time', () => {
    expect(config.os).toBe('linux');
    expect(config.architecture).toBe('amd64');
    expect(config.config.User).toBe('65532:65532');
    expect(config.config.Entrypoint).toEqual(['/nodejs/bin/node', '/app/bin/cdk8s-otel']);
    expect(config.config.Cmd).toEqual(['operator']);
    expect(config.created).toBe(config.history[0].created);
  });

  test('layer: sorted entries, owner root, one time stamp, no setuid, what the image needs and little else', () => {
    const listing = execFileSync('tar', ['--numeric-owner', '-tvzf', blob(layout, layerDigest)], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
      .trim().split('\n');
    const names = listing.map((l) => l.split(/\s+/).slice(5).join(' ').replace(/ -> .*$/, ''));
    // byte order of the paths (a folder sorts by its name, without the trailing slash)
    const paths = names.map((n) => n.replace(/\/$/, ''));
    expect(paths).toEqual([...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(new Set(listing.map((l) => l.split(/\s+/)[1]))).toEqual(new Set(['0/0']));
    expect(new Set(listing.map((l) => l.split(/\s+/).slice(3, 5).join(' '))).size).toBe(1);
    expect(listing.filter((l) => /^...[sS]|^......[sS]/.test(l))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining([
      'nodejs/bin/node', 'app/bin/cdk8s-otel', 'app/lib/src/cli/main.js', 'app/package.json', 'etc/passwd', 'tmp/',
      'app/node_modules/@kubernetes/client-node/package.json', 'app/node_modules/cdk8s/package.json',
    ]));
    // nothing for development: no TypeScript, no type declarations, no source maps, no test runner
    expect(names.filter((n) => /\.d\.ts$|\.map$|^app\/node_modules\/(typescript|jest|ts-node)\//.test(n))).toEqual([]);
    expect(fs.readFileSync(path.join(rootfs, 'etc/passwd'), 'utf8')).toContain('nonroot:x:65532:65532');
    expect(fs.statSync(first.archive).size).toBeLessThan(60 * 1000 * 1000);
  });

  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  (asRoot ? test : test.skip)('the entry point runs from the unpacked root filesystem as user 65532 (chroot, empty environment)', () => {
    const chroot = execFileSync('sh', ['-c', 'command -v chroot'], { encoding: 'utf8' }).trim();
    // only the image's environment: nothing of the host's (NODE_OPTIONS, NODE_EXTRA_CA_CERTS, ...) leaks in
    const env = Object.fromEntries(['HOME=/home/nonroot', ...config.config.Env].map((kv: string) => [kv.split('=')[0], kv.slice(kv.indexOf('=') + 1)]));
    const run = (...args: string[]) => execFileSync(chroot, ['--userspec=65532:65532', rootfs, ...config.config.Entrypoint, ...args],
      { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'], env, cwd: '/' });
    const help = run('--help');
    for (const command of ['render', 'inject', 'install', 'crds', 'target-allocator']) expect(help).toContain(`  ${command} `);
    expect(run('target-allocator', '--help')).toContain('--config <file>');
    // the compiled package inside the image builds the same install as the sources here
    const install = run('install', '-o', 'json');
    const items = JSON.parse(install).items;
    expect(items.find((o: any) => o.kind === 'Deployment').metadata.name).toBe('opentelemetry-operator-controller-manager');
  }, 120_000);
});

/**
 * `npm run image` (scripts/build-image.sh): builds twice to the same digest and the same bytes; the archive is an
 * OCI image layout whose one layer holds a root filesystem the entry point runs from, as user 65532, with nothing
 * from the host (chroot with an empty environment). Caches make the second build cheap; a cold first build
 * compiles the package and installs the production node_modules (a few minutes on 2 busy cores). In CI the first
 * build is the one scripts/ci-integration.sh made (IMAGE_FIRST_BUILD, IMAGE_FIRST_DIGEST).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { findBinary, freePort, useControlPlane } from './harness/control-plane';

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

const UPSTREAM_E2E = process.env.UPSTREAM_E2E_DIR ?? path.resolve(ROOT, '../shared/upstream-e2e');
const sha256 = (file: string) => execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
const blob = (dir: string, digest: string) => path.join(dir, 'blobs', digest.replace(':', '/'));

describe('the operator image', () => {
  // for the operator run at the end (a cluster with controllers and a kwok node)
  const cluster = useControlPlane({ withControllers: true, nodes: 1 }, 'image');
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
  /**
   * The operator from the image, as the install's ServiceAccount (a token for it, so the API server applies
   * exactly the install's RBAC), against a real cluster: it must reconcile upstream's versioned-configmaps case
   * without one forbidden request. Runs once the `operator` command is in the package (operator-core).
   */
  (asRoot ? test : test.skip)('operator: runs from the image as the install\'s ServiceAccount and reconciles a collector', async () => {
    const chroot = execFileSync('sh', ['-c', 'command -v chroot'], { encoding: 'utf8' }).trim();
    const env = Object.fromEntries(['HOME=/home/nonroot', ...config.config.Env].map((kv: string) => [kv.split('=')[0], kv.slice(kv.indexOf('=') + 1)]));
    const help = execFileSync(chroot, ['--userspec=65532:65532', rootfs, ...config.config.Entrypoint, '--help'], { encoding: 'utf8', env, cwd: '/' });
    if (!/^ {2}operator /m.test(help)) {
      process.stdout.write('[image] the package has no operator command yet: operator run not tested\n');
      return;
    }
    const kubectlBin = findBinary('kubectl')!;
    const kubectl = (args: string[], input?: string) => execFileSync(kubectlBin, ['--kubeconfig', cluster.cp.kubeconfigPath, ...args],
      { encoding: 'utf8', input, timeout: 60_000, stdio: ['pipe', 'pipe', 'pipe'] });
    const cli = (args: string[]) => execFileSync(process.execPath, [path.join(ROOT, 'bin/cdk8s-otel'), ...args], { encoding: 'utf8' });
    kubectl(['apply', '-f', '-'], cli(['crds']));
    kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/opentelemetrycollectors.opentelemetry.io']);
    kubectl(['apply', '-f', '-'], cli(['install', '--no-crds', '--replicas', '1']));
    // no Service routes to a process outside the cluster, so no webhooks here; the Deployment stays at 0 (kwok)
    kubectl(['delete', 'mutatingwebhookconfiguration', 'opentelemetry-operator-mutating-webhook-configuration']);
    kubectl(['delete', 'validatingwebhookconfiguration', 'opentelemetry-operator-validating-webhook-configuration']);
    kubectl(['scale', '-n', 'opentelemetry-operator-system', 'deploy/opentelemetry-operator-controller-manager', '--replicas=0']);
    const token = kubectl(['create', 'token', '-n', 'opentelemetry-operator-system', 'opentelemetry-operator-controller-manager']).trim();
    fs.mkdirSync(path.join(rootfs, 'var/run/test'), { recursive: true });
    fs.copyFileSync(cluster.cp.certs.caCert, path.join(rootfs, 'var/run/test/ca.crt'));
    fs.writeFileSync(path.join(rootfs, 'var/run/test/kubeconfig'), [
      'apiVersion: v1', 'kind: Config', 'current-context: t',
      'clusters: [{name: t, cluster: {server: "' + cluster.cp.server + '", certificate-authority: /var/run/test/ca.crt}}]',
      'users: [{name: t, user: {token: "' + token + '"}}]',
      'contexts: [{name: t, context: {cluster: t, user: t}}]', '',
    ].join('\n'), { mode: 0o644 });
    const [health, metrics] = [await freePort(), await freePort()];
    const log: string[] = [];
    const operator: ChildProcess = spawn(chroot, ['--userspec=65532:65532', rootfs, ...config.config.Entrypoint, 'operator',
      '--kubeconfig', '/var/run/test/kubeconfig', `--health-probe-addr=127.0.0.1:${health}`, `--metrics-addr=127.0.0.1:${metrics}`,
      '--enable-leader-election'], { env: { ...env, POD_NAMESPACE: 'opentelemetry-operator-system' }, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
    operator.stdout!.on('data', (d) => log.push(String(d)));
    operator.stderr!.on('data', (d) => log.push(String(d)));
    try {
      const client = cluster.client;
      await client.waitFor('the operator ready', async () => (await fetch(`http://127.0.0.1:${health}/readyz`).catch(() => undefined))?.ok, 60_000);
      kubectl(['create', 'namespace', 'from-image']);
      kubectl(['apply', '-n', 'from-image', '-f', path.join(UPSTREAM_E2E, 'e2e/versioned-configmaps/00-install.yaml')]);
      await client.waitFor('ConfigMap simple-collector-5723ff27', async () => client.tryGet('v1', 'ConfigMap', 'simple-collector-5723ff27', 'from-image'), 60_000);
      await client.waitFor('the collector Ready', async () => {
        const cr = await client.get<any>('opentelemetry.io/v1beta1', 'OpenTelemetryCollector', 'simple', 'from-image');
        return cr.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');
      }, 60_000);
      expect(await client.tryGet('apps/v1', 'Deployment', 'simple-collector', 'from-image')).toBeDefined();
      expect(await client.tryGet('coordination.k8s.io/v1', 'Lease', '9f7554c3.opentelemetry.io', 'opentelemetry-operator-system')).toBeDefined();
      expect(log.join('').match(/.*forbidden.*/gi) ?? []).toEqual([]);
    } finally {
      const exited = new Promise((r) => operator.once('exit', r));
      operator.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (operator.exitCode === null && operator.signalCode === null) operator.kill('SIGKILL');
    }
  }, 240_000);
});

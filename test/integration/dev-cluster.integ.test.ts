/**
 * `cdk8s-otel dev-cluster`: starts, prints a kubeconfig that the real kubectl can use, stops cleanly.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { runDevCluster } from '../../src/cli/dev-cluster';
import { ControlPlane, findBinary } from './harness/control-plane';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('runs a cluster with fake nodes and controllers that kubectl can use, then stops on request', async () => {
  const lines: string[] = [];
  let release: () => void = () => undefined;
  const until = new Promise<void>((r) => (release = r));
  let cp: ControlPlane | undefined;
  let kubectlOutput = '';
  const kubectl = findBinary('kubectl');

  const code = await runDevCluster({
    nodes: 2,
    withControllers: true,
    out: (l) => lines.push(l),
    err: (l) => lines.push(`ERR ${l}`),
    until,
    onReady: (c) => {
      cp = c;
      if (kubectl) {
        kubectlOutput = execFileSync(kubectl, ['--kubeconfig', c.kubeconfigPath, 'get', 'nodes', '-o', 'name'], {
          encoding: 'utf8',
          timeout: 30_000,
        });
      }
      release();
    },
  });

  expect(code).toBe(0);
  expect(cp).toBeDefined();
  const text = lines.join('\n');
  expect(text).toContain(`kubeconfig:  ${cp!.kubeconfigPath}`);
  expect(text).toContain(`export KUBECONFIG=${cp!.kubeconfigPath}`);
  expect(text).toMatch(/control plane ready in \d+\.\d s/);
  expect(text).toContain('kwok nodes:  kwok-node-0, kwok-node-1');
  expect(text).toContain('stopped');
  if (kubectl) expect(kubectlOutput.trim().split('\n').sort()).toEqual(['node/kwok-node-0', 'node/kwok-node-1']);
  expect(cp!.processes.map((p) => p.name)).toEqual([
    'etcd',
    'kube-apiserver',
    'kube-controller-manager',
    'kube-scheduler',
    'kwok',
  ]);
  expect(cp!.processes.filter((p) => isAlive(p.pid))).toEqual([]);
  expect(fs.existsSync(cp!.dir)).toBe(false);
});

test('rejects a bad --nodes value with exit code 2', async () => {
  const errors: string[] = [];
  const code = await runDevCluster({ nodes: 'many', out: () => undefined, err: (l) => errors.push(l) });
  expect(code).toBe(2);
  expect(errors.join('\n')).toMatch(/--nodes must be an integer/);
});

test('exits 1 with the reason when a binary is missing', async () => {
  const errors: string[] = [];
  const empty = fs.mkdtempSync('/tmp/cdk8s-otel-nobin-');
  try {
    const code = await runDevCluster({ binDir: empty, out: () => undefined, err: (l) => errors.push(l) });
    expect(code).toBe(1);
    expect(errors.join('\n')).toMatch(/etcd not found/);
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

/**
 * chainsaw itself, the upstream suite's runner, against our CRDs on the real API server: upstream's
 * e2e-crd-validations test runs unchanged and passes (its CEL messages for a >= 1.35 server match ours).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installCrds, UPSTREAM_E2E } from './fixtures';
import { requireBinary, useControlPlane } from './harness/control-plane';


interface ChainsawRun {
  code: number;
  stdout: string;
  stderr: string;
}

function runChainsaw(args: string[], kubeconfig: string, timeoutMs: number): Promise<ChainsawRun> {
  const chainsaw = requireBinary('chainsaw');
  return new Promise((resolve) => {
    execFile(
      chainsaw,
      args,
      { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const cluster = useControlPlane({}, 'apiserver + etcd');

beforeAll(() => installCrds(cluster.client));

test('upstream e2e-crd-validations passes unchanged under chainsaw', async () => {
  const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-otel-chainsaw-'));
  try {
    const run = await runChainsaw(
      [
        'test',
        '--test-dir', path.join(UPSTREAM_E2E, 'e2e-crd-validations'),
        '--no-color',
        '--parallel', '1',
        '--fast-namespace-deletion',
        '--report-format', 'JSON',
        '--report-path', reportDir,
        '--report-name', 'report',
      ],
      cluster.cp.kubeconfigPath,
      170_000,
    );
    const output = `${run.stdout}\n${run.stderr}`;
    expect({ code: run.code, tail: output.split('\n').slice(-15).join('\n') }).toMatchObject({ code: 0 });
    expect(output).toMatch(/Passed\s+tests 1\b/);
    expect(output).toMatch(/Failed\s+tests 0\b/);
  } finally {
    fs.rmSync(reportDir, { recursive: true, force: true });
  }
});

/**
 * Builds the control-plane binaries a command needs and lacks, with progress, instead of failing: a fresh clone
 * with Go and the module proxy then runs `dev-cluster` (and the integration tests) without a separate build step.
 * The build script is flock-serialised and keeps what is already built.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BinaryName, missingBinaries } from './binaries';

/** The binaries a control plane with these options runs. */
export function binariesFor(options: { withControllers?: boolean; nodes?: number; realNode?: boolean }): BinaryName[] {
  const names: BinaryName[] = ['etcd', 'kube-apiserver', 'kubectl'];
  if (options.withControllers || options.realNode) names.push('kube-controller-manager', 'kube-scheduler');
  if ((options.nodes ?? 0) > 0) names.push('kwok');
  if (options.realNode) names.push('kubelet', 'kube-proxy', 'coredns');
  return names;
}

/**
 * Builds the missing ones of `names` with scripts/build-control-plane.sh (from the package root), passing its
 * progress lines to `log` and a heartbeat every 30 s. Nothing to do when `binDir` is given (the user's folder) or
 * nothing is missing. Rejects with the script's last lines when the build fails.
 */
export async function buildMissingBinaries(names: BinaryName[], log: (line: string) => void, binDir?: string): Promise<void> {
  if (binDir) return;
  const missing = missingBinaries(names);
  if (!missing.length) return;
  const script = path.resolve(__dirname, '..', '..', 'scripts', 'build-control-plane.sh');
  if (!fs.existsSync(script)) throw new Error(`missing ${missing.join(', ')} and no build script at ${script}; set KUBEBUILDER_ASSETS`);
  log(`building ${missing.join(', ')} from source through the Go module proxy (first time only; several minutes) ...`);
  const t0 = Date.now();
  const tail: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', [script, ...missing], { stdio: ['ignore', 'pipe', 'pipe'] });
    const heartbeat = setInterval(() => log(`  still building (${Math.round((Date.now() - t0) / 1000)} s) ...`), 30_000);
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        if (line.startsWith('[build-control-plane]')) log(`  ${line}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(heartbeat);
      if (code === 0) resolve();
      else reject(new Error(`building ${missing.join(', ')} failed (exit ${code}):\n${tail.join('\n')}`));
    });
  });
  log(`built ${missing.join(', ')} in ${Math.round((Date.now() - t0) / 1000)} s`);
}

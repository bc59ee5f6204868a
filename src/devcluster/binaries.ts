/**
 * Where the control-plane binaries are. `scripts/build-control-plane.sh` builds them through the Go module
 * proxy into `${CDK8S_OTEL_CACHE:-~/.cache/cdk8s-otel}/bin/<k8s-version>/`; `KUBEBUILDER_ASSETS` (the
 * envtest layout) takes precedence for the binaries it contains.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The Kubernetes version that scripts/build-control-plane.sh pins (keep both in sync). */
export const KUBERNETES_VERSION = 'v1.36.3';

export type BinaryName =
  | 'etcd'
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'kubectl'
  | 'kwok'
  | 'chainsaw'
  | 'kubelet'
  | 'kube-proxy'
  | 'coredns';

/** The folder scripts/build-control-plane.sh writes to. */
export function defaultBinDir(version = KUBERNETES_VERSION): string {
  const cache = process.env.CDK8S_OTEL_CACHE || path.join(os.homedir(), '.cache', 'cdk8s-otel');
  return path.join(cache, 'bin', version);
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Absolute path of `name`, or undefined. Looks in `binDir` if given, else KUBEBUILDER_ASSETS then the cache. */
export function findBinary(name: BinaryName, binDir?: string): string | undefined {
  const dirs = binDir ? [binDir] : [process.env.KUBEBUILDER_ASSETS, defaultBinDir()].filter((d): d is string => !!d);
  for (const dir of dirs) {
    const file = path.join(dir, name);
    if (isExecutable(file)) return file;
  }
  return undefined;
}

/** Like {@link findBinary}, but throws an error telling how to build the binary. */
export function requireBinary(name: BinaryName, binDir?: string): string {
  const found = findBinary(name, binDir);
  if (found) return found;
  const looked = binDir ? [binDir] : [process.env.KUBEBUILDER_ASSETS, defaultBinDir()].filter(Boolean);
  throw new Error(
    `${name} not found (looked in ${looked.join(', ')}). Build the control-plane binaries with ` +
      '`bash scripts/build-control-plane.sh` (needs Go and the Go module proxy), or point KUBEBUILDER_ASSETS ' +
      'at a folder holding etcd, kube-apiserver and kubectl.',
  );
}

/** Which of the given binaries are missing. */
export function missingBinaries(names: BinaryName[], binDir?: string): BinaryName[] {
  return names.filter((n) => !findBinary(n, binDir));
}

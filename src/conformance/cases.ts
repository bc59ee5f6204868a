/**
 * Which e2e cases the runner knows: the suites of issues 2 and 4, and how a `chainsaw-test.yaml` becomes
 * cases (one per `Test` document; `-native` twins get their own name). Pure.
 */
import * as path from 'path';
import { ChainsawTest, parseTestFile } from './model';

/** Suites the static runner covers (issue 2: collector objects; issue 4: pod mutation; the target allocator, Prometheus CRs, metadata filters). */
export const SUITES = [
  'e2e', 'e2e-autoscale', 'e2e-pdb', 'e2e-automatic-rbac',
  'e2e-instrumentation', 'e2e-multi-instrumentation', 'e2e-sidecar',
  'e2e-targetallocator', 'e2e-targetallocator-cr', 'e2e-ta-collector-mtls', 'e2e-prometheuscr', 'e2e-metadata-filters',
] as const;

export interface ConformanceCase {
  readonly suite: string;
  /** Folder path inside the suite (`smoke-collector/smoke-collector-deployment`), or the Test name for twins. */
  readonly name: string;
  /** Absolute path of the `chainsaw-test.yaml`. */
  readonly file: string;
  readonly test: ChainsawTest;
}

/**
 * @param suite suite folder name
 * @param relDir case folder relative to the suite (posix separators)
 * @param file absolute path of its chainsaw-test.yaml
 */
export function casesFromFile(suite: string, relDir: string, file: string, text: string,
  loadTemplate: (absPath: string) => string): ConformanceCase[] {
  const tests = parseTestFile(text, file, loadTemplate);
  if (tests.length === 1) return [{ suite, name: relDir, file, test: tests[0] }];
  const parent = path.posix.dirname(relDir);
  return tests.map((test) => ({ suite, name: parent === '.' ? test.name : `${parent}/${test.name}`, file, test }));
}

/**
 * chainsaw CI picks one of the sidecar twins with `--selector sidecar=native|legacy` by server version
 * (native sidecars since Kubernetes 1.29). Returns why a case is not selected, or undefined.
 */
export function deselectionReason(test: ChainsawTest, serverMinor: number): string | undefined {
  if (test.skip) return 'skipped upstream (spec.skip: true)';
  const sidecar = test.labels.sidecar;
  if (sidecar === 'native' && serverMinor < 29) return `selector sidecar=legacy applies at Kubernetes 1.${serverMinor}`;
  if (sidecar === 'legacy' && serverMinor >= 29) return `selector sidecar=native applies at Kubernetes 1.${serverMinor}`;
  return undefined;
}

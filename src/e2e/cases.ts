/**
 * The case folders of upstream's chainsaw suite (../shared/upstream-e2e, read in place) and which of them this
 * machine can run: O (objects and webhook answers only) and K (also pods Ready, which kwok fakes) are run; R (real
 * containers, telemetry, OpenShift, images we do not have) are skipped with a reason. The classification is
 * ../shared/spec/operator.md §7; the R reasons reuse the static conformance runner's list (src/conformance/out-of-reach).
 * Pure apart from reading the folder tree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OUT_OF_REACH } from '../conformance';

export type Reachability = 'O' | 'K' | 'R';

export interface E2eCase {
  /** `<suite>/<case path>`, e.g. `e2e/smoke-collector/smoke-collector-daemonset` (the folder under upstream-e2e). */
  readonly key: string;
  /** Top folder, e.g. `e2e-sidecar`. */
  readonly suite: string;
  /** Absolute folder holding chainsaw-test.yaml. */
  readonly dir: string;
  readonly reach: Reachability;
  /** Why an R case cannot run here. */
  readonly skipReason?: string;
}

/** O: objects and webhook answers only (operator.md §7). */
const OBJECTS_ONLY = [
  'e2e/annotation-change-collector', 'e2e/label-change-collector', 'e2e/conversion-webhook-invalid-config', 'e2e/env-vars',
  'e2e/smoke-deletion', 'e2e/status-observed-generation', 'e2e/use-labels-for-resource-attributes',
  'e2e-automatic-rbac/k8s-leader-elector', 'e2e-automatic-rbac/processor-k8sattributes', 'e2e-automatic-rbac/processor-resourcedetection',
  'e2e-automatic-rbac/receiver-k8sevents', 'e2e-automatic-rbac/receiver-k8sobjects', 'e2e-automatic-rbac/receiver-kubeletstats',
  'e2e-automatic-rbac/privilege-escalation-check', 'e2e-automatic-rbac/privilege-escalation-delta',
  'e2e-crd-validations/sidecar', 'e2e-metadata-filters/annotations', 'e2e-metadata-filters/labels',
  'e2e-pdb/pdb', 'e2e-pdb/target-allocator', 'e2e-targetallocator-cr/targetallocator-label',
];

/** K: also asserts pods Running/Ready, container statuses or Job completion, which kwok's stages fake (operator.md §7). */
const PODS_READY = [
  'e2e/extension', 'e2e/httpRoute', 'e2e/ingress', 'e2e/managed-reconcile', 'e2e/multiple-configmaps', 'e2e/operator-restart',
  'e2e/prometheus-config-validation', 'e2e/smoke-collector/smoke-collector-daemonset', 'e2e/smoke-collector/smoke-collector-deployment',
  'e2e/smoke-collector/smoke-collector-statefulset', 'e2e/smoke-collector/smoke-targetallocator', 'e2e/smoke-restarting-deployment',
  'e2e/versioned-configmaps',
  'e2e-instrumentation/instrumentation-dotnet-initcontainer', 'e2e-instrumentation/instrumentation-java-initcontainer',
  'e2e-instrumentation/instrumentation-nodejs-initcontainer', 'e2e-instrumentation/instrumentation-python-initcontainer',
  'e2e-instrumentation/instrumentation-sdk-initcontainer', 'e2e-instrumentation/instrumentation-dotnet-musl',
  'e2e-instrumentation/instrumentation-python-specenv', 'e2e-instrumentation/instrumentation-sdk',
  'e2e-multi-instrumentation/instrumentation-multi-multicontainer', 'e2e-multi-instrumentation/instrumentation-multi-no-containers',
  'e2e-multi-instrumentation/instrumentation-single-instr-first-container',
  'e2e-prometheuscr/create-pm-prometheus-exporters', 'e2e-sidecar/smoke-sidecar', 'e2e-sidecar/smoke-sidecar-other-namespace',
  'e2e-ta-collector-mtls/ta-disabled', 'e2e-targetallocator-cr', 'e2e-targetallocator/targetallocator-annotations',
  'e2e-targetallocator/targetallocator-features',
];

/** R cases that the static runner's list does not name, with what they need. */
const MORE_OUT_OF_REACH: Readonly<Record<string, string>> = {
  'e2e-clusterobservability/smoke-clusterobservability': 'the cluster-observability collectors must run and export (alpha gate, real containers)',
  'e2e-instrumentation/instrumentation-python-multicontainer': 'sends HTTP requests to the instrumented app and checks the collector received its telemetry',
  'e2e-multi-instrumentation/instrumentation-multi-multicontainer-go': 'the Go agent is a privileged eBPF sidecar that must attach to a running process',
  'e2e-no-crds/instrumentation-no-crds': 'runs a second operator without the collector CRDs installed (--ignore-missing-collector-crds), in its own cluster',
  'e2e-opampbridge/opampbridge': 'the OpAMP bridge image must run and talk to a test OpAMP server (bridge-server image)',
  'e2e-opampbridge/standalone': 'the OpAMP bridge image must run and talk to a test OpAMP server (bridge-server image)',
  'e2e-upgrade/upgrade-test': 'installs upstream\'s v0.86.0 operator image and upgrades it to ours',
  'e2e-upgrade/instrumentation-blocked-upgrade': 'installs upstream\'s released operator image first and upgrades it to ours',
};

const OPENSHIFT = 'needs OpenShift (Routes, SCCs, cluster monitoring/logging, must-gather)';

function classify(key: string): { reach: Reachability; skipReason?: string } {
  if (OBJECTS_ONLY.includes(key)) return { reach: 'O' };
  if (PODS_READY.includes(key)) return { reach: 'K' };
  const suite = key.split('/')[0];
  if (suite.includes('openshift')) return { reach: 'R', skipReason: OPENSHIFT };
  const known = OUT_OF_REACH[key];
  if (known) return { reach: 'R', skipReason: `${known.reach}: ${known.reason}` };
  return { reach: 'R', skipReason: MORE_OUT_OF_REACH[key] ?? 'needs running pods/containers (operator.md §7: R)' };
}

/** Every folder under `root` that holds a chainsaw-test.yaml, sorted by key, classified. */
export function discoverCases(root: string): E2eCase[] {
  if (!fs.existsSync(root)) {
    throw new Error(`upstream e2e folder ${root} not found (set UPSTREAM_E2E_DIR to the folder holding e2e/, e2e-sidecar/, ...)`);
  }
  const found: E2eCase[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else if (entry.name === 'chainsaw-test.yaml') {
        const key = path.relative(root, dir).split(path.sep).join('/');
        found.push({ key, suite: key.split('/')[0], dir, ...classify(key) });
      }
    }
  };
  walk(root);
  return found.sort((a, b) => a.key.localeCompare(b.key));
}

/** Keys of the O and K lists (52), for checks that the tree and the lists agree. */
export const REACHABLE_KEYS: readonly string[] = [...OBJECTS_ONLY, ...PODS_READY];

/** `*` matches within a path segment, `**` across segments; a pattern without a slash also matches the last segment. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(glob.includes('/') ? `^${re}$` : `(^|/)${re}$`);
}

/** The cases whose key matches one of the globs (all when none given). */
export function selectCases(cases: readonly E2eCase[], include: readonly string[]): E2eCase[] {
  if (include.length === 0) return [...cases];
  const res = include.map(globToRegExp);
  return cases.filter((c) => res.some((r) => r.test(c.key)));
}

/**
 * The folders to hand to chainsaw (`--test-dir`): chainsaw discovers tests recursively, so a folder inside another
 * selected one is left out (it is run through its parent).
 */
export function testDirs(cases: readonly E2eCase[]): string[] {
  const dirs = cases.map((c) => c.dir).sort();
  return dirs.filter((d) => !dirs.some((p) => p !== d && d.startsWith(p + path.sep)));
}

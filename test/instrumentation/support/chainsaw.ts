import * as fs from 'node:fs';
import * as path from 'node:path';
import { register, search } from '@jmespath-community/jmespath';
import { parseAllDocuments } from 'yaml';

/**
 * A small chainsaw assert matcher for our static tests (the conformance room builds the full runner):
 * maps match as subsets, arrays element-wise with equal length, `(expr)` keys and values are JMESPath
 * evaluated against the current node with `$namespace` bound.
 */

export const UPSTREAM_E2E = '/work/shared/upstream-e2e';
export const TEST_NAMESPACE = 'chainsaw-test';

let registered = false;
function ensureFunctions(): void {
  if (registered) return;
  registered = true;
  register('concat', (args: unknown[]) => (args as string[]).join(''), [{ types: [2] }, { types: [2], variadic: true }] as never);
}

type Json = unknown;

export function evaluate(value: Json, expression: string, namespace = TEST_NAMESPACE): Json {
  ensureFunctions();
  return search(value as never, `let $namespace = '${namespace}' in (${expression})`);
}

function isExpr(s: string): boolean {
  return s.startsWith('(') && s.endsWith(')');
}

/** Returns the mismatches (empty when `actual` satisfies `expected`). */
export function matchAssert(actual: Json, expected: Json, at = '', out: string[] = []): string[] {
  if (expected === null || expected === undefined) return out;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) { out.push(`${at}: expected an array, got ${JSON.stringify(actual)}`); return out; }
    if (actual.length !== expected.length) {
      out.push(`${at}: expected ${expected.length} items, got ${actual.length}: ${JSON.stringify(actual.map((a) => (a as { name?: string })?.name ?? a))}`);
      return out;
    }
    expected.forEach((e, i) => matchAssert(actual[i], e, `${at}[${i}]`, out));
    return out;
  }
  if (typeof expected === 'object') {
    const keys = Object.keys(expected as object).map((k) => k.trim());
    if (keys.length > 0 && keys.every(isExpr)) {
      // Only expressions: they apply to whatever the node is, a scalar included.
      for (const [k, v] of Object.entries(expected as object)) matchAssert(evaluate(actual, k.trim().slice(1, -1)), v, `${at}.${k.trim()}`, out);
      return out;
    }
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) {
      out.push(`${at}: expected an object, got ${JSON.stringify(actual)}`);
      return out;
    }
    for (const [k, v] of Object.entries(expected as object)) {
      const key = k.trim();
      if (isExpr(key)) {
        matchAssert(evaluate(actual, key.slice(1, -1)), v, `${at}.${key}`, out);
      } else if (!(key in (actual as object))) {
        out.push(`${at}.${key}: missing`);
      } else {
        matchAssert((actual as { [k: string]: Json })[key], v, `${at}.${key}`, out);
      }
    }
    return out;
  }
  if (typeof expected === 'string' && isExpr(expected.trim())) {
    const v = evaluate(actual, expected.trim().slice(1, -1));
    if (v !== actual) out.push(`${at}: expected ${expected} (= ${JSON.stringify(v)}), got ${JSON.stringify(actual)}`);
    return out;
  }
  if (String(actual) !== String(expected) || typeof actual === 'object') {
    out.push(`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
  return out;
}

export function readDocs(file: string): Array<{ [key: string]: unknown }> {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter((d) => d && typeof d === 'object');
}

export interface ChainsawStep {
  readonly name: string;
  readonly applies: string[];
  readonly asserts: string[];
  /** `command` entries' argument lists (e.g. `kubectl create job --from=cronjob/x y`). */
  readonly commands: string[][];
}

/** The steps of the first (or the named) Test in a chainsaw-test.yaml, with file paths resolved. */
export function readSteps(caseDir: string, testName?: string): ChainsawStep[] {
  const tests = readDocs(path.join(caseDir, 'chainsaw-test.yaml'));
  const test = (testName ? tests.find((t) => (t.metadata as { name: string }).name === testName) : tests[0]) as
    { spec: { steps: Array<{ name?: string; try?: Array<{ apply?: { file: string }; assert?: { file: string }; command?: { args?: string[] } }> }> } };
  return test.spec.steps.map((s, i) => ({
    name: s.name ?? `step-${i}`,
    applies: (s.try ?? []).filter((t) => t.apply?.file).map((t) => path.join(caseDir, t.apply!.file)),
    asserts: (s.try ?? []).filter((t) => t.assert?.file).map((t) => path.join(caseDir, t.assert!.file)),
    commands: (s.try ?? []).filter((t) => t.command?.args).map((t) => t.command!.args!),
  }));
}

/**
 * What the API server does to a pod around the webhook, so asserts written against live pods can match:
 * the ServiceAccount admission plugin mounts the token (before the webhook; re-invoked after it, so
 * containers the webhook added get it too), and defaulting fills ports, probes and fieldRef apiVersions.
 */
export function apiServerAdmit(pod: { [key: string]: unknown }, phase: 'before' | 'after'): void {
  const spec = pod.spec as { containers: Array<{ [k: string]: unknown }>; initContainers?: Array<{ [k: string]: unknown }>; volumes?: Array<{ name: string }> };
  const tokenVolume = 'kube-api-access-test';
  const automount = (pod.spec as { automountServiceAccountToken?: boolean }).automountServiceAccountToken !== false;
  if (automount && phase === 'before' && !(spec.volumes ?? []).some((v) => v.name === tokenVolume)) {
    spec.volumes = [...(spec.volumes ?? []), { name: tokenVolume, projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } } as never];
  }
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    const mounts = (c.volumeMounts ?? []) as Array<{ name: string; mountPath: string; readOnly?: boolean }>;
    if (automount && !mounts.some((m) => m.mountPath === '/var/run/secrets/kubernetes.io/serviceaccount')) {
      mounts.push({ name: tokenVolume, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
    }
    c.volumeMounts = mounts;
    for (const p of (c.ports ?? []) as Array<{ protocol?: string }>) p.protocol ??= 'TCP';
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      const pr = c[probe] as { [k: string]: unknown } | undefined;
      if (!pr) continue;
      pr.successThreshold ??= 1; pr.failureThreshold ??= 3; pr.periodSeconds ??= 10; pr.timeoutSeconds ??= 1;
    }
    for (const e of (c.env ?? []) as Array<{ valueFrom?: { fieldRef?: { apiVersion?: string } } }>) {
      if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
    }
  }
}

/** `($APP_IMAGE)`-style bindings in install files, replaced by values like the suite's defaults. */
export function substituteBindings(obj: unknown, bindings: { [name: string]: string }): unknown {
  return JSON.parse(JSON.stringify(obj), (_k, v) => {
    if (typeof v === 'string') {
      const m = /^\(\$(\w+)\)$/.exec(v.trim());
      if (m && bindings[m[1]] !== undefined) return bindings[m[1]];
    }
    return v;
  });
}

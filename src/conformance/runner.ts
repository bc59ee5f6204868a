/**
 * Runs one chainsaw test against the simulated cluster, step by step, the way chainsaw would: bindings,
 * resource operations, asserts and errors; operations that need a live cluster are skipped (or simulated
 * where their effect is plain, e.g. `kubectl create job --from cronjob/x`). Pure apart from the injected
 * `readFile`.
 */
import * as path from 'path';
import * as YAML from 'yaml';
import { KubeObject, describeObject } from '../common/kube';
import { Bindings, ExpressionEnv, UnboundVariableError } from './expressions';
import { Difference, assertTree } from './matcher';
import { ChainsawTest, ResourceOperation, Step, isResourceOperation } from './model';
import { SimulatedCluster, SimulatorOptions, WriteMode } from './simulator';
import { isClusterScoped } from './store';
import { bindingValue, templateResource } from './templating';
import { simulateClusterOperation } from './kubectl';

export type Outcome = 'PASS' | 'FAIL' | 'SKIP';

export interface OperationResult {
  readonly type: string;
  readonly outcome: Outcome;
  readonly detail: string;
}

export interface StepResult {
  readonly index: number;
  readonly name: string;
  readonly outcome: Outcome;
  /** The first failure, or why the step was skipped. */
  readonly detail: string;
  readonly operations: ReadonlyArray<OperationResult>;
}

export interface TestRun {
  readonly outcome: Outcome;
  readonly steps: ReadonlyArray<StepResult>;
  /** Things worth knowing that did not decide the outcome (mutator errors, ...). */
  readonly notes: ReadonlyArray<string>;
}

export interface RunOptions extends SimulatorOptions {
  /** The namespace chainsaw would create for the test (bound as `$namespace`). */
  readonly namespace: string;
  /** Answer of `x_k8s_server_version`, and the k8s version the pod webhook assumes. */
  readonly serverVersion: { readonly major: string; readonly minor: string };
  /** Collector version the operator logs (the smoke tests read it with a script). */
  readonly collectorVersion: string;
  /** Reads a file the test refers to (absolute path). */
  readonly readFile: (absPath: string) => string;
  /** Run the steps after a failing one (chainsaw stops). */
  readonly keepGoing?: boolean;
}

export function runTest(test: ChainsawTest, opts: RunOptions): TestRun {
  const namespace = test.namespace ?? opts.namespace;
  const cluster = new SimulatedCluster(opts, [namespace, 'default']);
  const env: ExpressionEnv = {
    serverVersion: opts.serverVersion,
    getObject: (apiVersion, kind, ns, name) => cluster.view(apiVersion, kind, isClusterScoped(kind) ? undefined : ns)
      .find((o) => o.metadata.name === name),
  };
  const unavailable = new Map<string, string>();
  const base = bind(test.bindings, {
    namespace,
    values: {},
    config: {},
    client: {},
    test: { metadata: { name: test.name } },
  }, env, unavailable, 'test bindings');
  const steps: StepResult[] = [];
  let failed = false;
  for (const step of test.steps) {
    if (failed && !opts.keepGoing) {
      steps.push({ index: step.index, name: step.name, outcome: 'SKIP', detail: 'not run: an earlier step failed', operations: [] });
      continue;
    }
    const result = runStep(step, cluster, base, env, unavailable, { ...opts, namespace });
    if (result.outcome === 'FAIL') failed = true;
    steps.push(result);
  }
  const ran = steps.flatMap((s) => s.operations);
  const outcome: Outcome = steps.some((s) => s.outcome === 'FAIL') ? 'FAIL'
    : ran.some((o) => o.outcome === 'PASS' && (o.type === 'assert' || o.type === 'error')) ? 'PASS' : 'SKIP';
  return { outcome, steps, notes: cluster.notes };
}

function runStep(step: Step, cluster: SimulatedCluster, base: Bindings, env: ExpressionEnv,
  unavailable: Map<string, string>, opts: RunOptions): StepResult {
  let bindings = bind(step.bindings, base, env, unavailable, `step ${step.name}`);
  const results: OperationResult[] = [];
  for (const op of step.operations) {
    const opBindings = isResourceOperation(op) ? bind(op.bindings, bindings, env, unavailable, op.type) : bindings;
    let result: OperationResult;
    if (isResourceOperation(op)) {
      result = runResourceOperation(op, cluster, opBindings, env, unavailable, opts);
    } else {
      const sim = simulateClusterOperation(op, cluster, bindings, env, opts);
      if (sim) {
        bindings = { ...bindings, ...sim.outputs };
        for (const name of Object.keys(sim.outputs)) unavailable.delete(name);
        result = { type: op.type, outcome: 'PASS', detail: `simulated: ${sim.detail}` };
      } else {
        for (const name of op.outputs) unavailable.set(name, `${op.type} "${op.summary}"`);
        result = { type: op.type, outcome: 'SKIP', detail: `needs a running cluster: ${op.type} ${op.summary}` };
      }
    }
    results.push(result);
    if (result.outcome === 'FAIL' && !opts.keepGoing) break;
  }
  const failure = results.find((r) => r.outcome === 'FAIL');
  const outcome: Outcome = failure ? 'FAIL' : results.every((r) => r.outcome === 'SKIP') ? 'SKIP' : 'PASS';
  const detail = failure?.detail ?? (outcome === 'SKIP' ? results[0]?.detail ?? 'no operations' : summarizePass(results));
  return { index: step.index, name: step.name, outcome, detail, operations: results };
}

function summarizePass(results: OperationResult[]): string {
  const skipped = results.filter((r) => r.outcome === 'SKIP');
  const notes = results.filter((r) => r.outcome === 'PASS' && r.detail).map((r) => r.detail);
  const parts = [...new Set(notes)];
  if (skipped.length) parts.push(`${skipped.length} operation(s) skipped: ${skipped[0].detail}`);
  return parts.join('; ');
}

function bind(list: ReadonlyArray<{ name: string; value: unknown }>, into: Bindings, env: ExpressionEnv,
  unavailable: Map<string, string>, where: string): Bindings {
  let out = into;
  for (const b of list) {
    try {
      out = { ...out, [b.name]: bindingValue(b.value, out, env) };
      unavailable.delete(b.name);
    } catch (e) {
      unavailable.set(b.name, `${where}: ${(e as Error).message}`);
    }
  }
  return out;
}

function runResourceOperation(op: ResourceOperation, cluster: SimulatedCluster, bindings: Bindings, env: ExpressionEnv,
  unavailable: Map<string, string>, opts: RunOptions): OperationResult {
  const label = op.file ?? (op.ref ? `${op.ref.kind} ${op.ref.name ?? ''}`.trim() : 'resource');
  let docs: unknown[];
  try {
    docs = loadDocuments(op, opts.readFile);
  } catch (e) {
    return { type: op.type, outcome: 'FAIL', detail: `${label}: ${(e as Error).message}` };
  }
  try {
    switch (op.type) {
      case 'apply': case 'create': case 'update': case 'patch':
        return write(op, docs, label, cluster, bindings, env, opts.namespace);
      case 'delete':
        return remove(op, docs, cluster, bindings, env, opts.namespace);
      case 'assert': case 'error':
        return check(op, docs, label, cluster, bindings, env, opts.namespace);
    }
  } catch (e) {
    if (e instanceof UnboundVariableError) {
      const why = unavailable.get(e.variable);
      return { type: op.type, outcome: 'SKIP', detail: `${label}: needs $${e.variable}${why ? ` from ${why}` : ' (never bound)'}` };
    }
    return { type: op.type, outcome: 'FAIL', detail: `${label}: ${(e as Error).message}` };
  }
  return { type: op.type, outcome: 'SKIP', detail: `${label}: unsupported operation` };
}

function loadDocuments(op: ResourceOperation, readFile: (p: string) => string): unknown[] {
  if (op.resource !== undefined) return [op.resource];
  if (op.ref) return [];
  if (!op.file) throw new Error('operation has neither file nor resource');
  const text = readFile(path.resolve(op.baseDir, op.file));
  // chainsaw reads files through sigs.k8s.io/yaml (yaml.v2, not strict): a repeated key is allowed, the last wins
  return YAML.parseAllDocuments(text, { uniqueKeys: false }).map((d) => {
    if (d.errors.length) throw new Error(`YAML: ${d.errors[0].message}`);
    return d.toJS();
  }).filter((d) => d !== null && d !== undefined)
    // a `v1 List` stands for its items, as with kubectl and chainsaw
    .flatMap((d) => (d.kind === 'List' && Array.isArray(d.items) ? d.items : [d]));
}

function write(op: ResourceOperation, docs: unknown[], label: string, cluster: SimulatedCluster, bindings: Bindings,
  env: ExpressionEnv, namespace: string): OperationResult {
  for (const doc of docs) {
    const obj = (op.template ? templateResource(doc, bindings, env) : doc) as KubeObject;
    if (!obj?.apiVersion || !obj.kind || !obj.metadata?.name) {
      throw new Error('a resource to write needs apiVersion, kind and metadata.name');
    }
    let error: string | null = null;
    try {
      cluster.write(obj, op.type as WriteMode, namespace);
    } catch (e) {
      const shown = isClusterScoped(obj.kind) || obj.metadata.namespace ? obj : { ...obj, metadata: { ...obj.metadata, namespace } };
      error = `${describeObject(shown)} rejected: ${(e as Error).message}`;
      if (!op.expect) return { type: op.type, outcome: 'FAIL', detail: error };
    }
    if (op.expect) {
      // chainsaw: each `expect` whose `match` selects this resource asserts `check` on it, with `$error` bound
      // (usually `($error != null): true` for a webhook rejection)
      const ctx = { bindings: { ...bindings, error }, env };
      const checks = (Array.isArray(op.expect) ? op.expect : [op.expect]) as Array<Record<string, unknown>>;
      for (const c of checks) {
        if (c.match !== undefined && assertTree(c.match, obj, ctx).length > 0) continue;
        const diffs = assertTree(c.check ?? {}, obj, ctx);
        if (diffs.length) {
          return { type: op.type, outcome: 'FAIL', detail: `${label}: expect ${diffs[0].path}: ${diffs[0].message}${error ? ` (${error})` : ''}` };
        }
      }
    }
  }
  return { type: op.type, outcome: 'PASS', detail: '' };
}

function remove(op: ResourceOperation, docs: unknown[], cluster: SimulatedCluster, bindings: Bindings,
  env: ExpressionEnv, namespace: string): OperationResult {
  const refs = op.ref ? [templateResource(op.ref, bindings, env) as Record<string, any>]
    : docs.map((d) => templateResource(d, bindings, env) as Record<string, any>).map((d) => ({
      apiVersion: d.apiVersion, kind: d.kind, name: d.metadata?.name, namespace: d.metadata?.namespace, labels: d.metadata?.labels,
    }));
  for (const r of refs) {
    const kind = String(r.kind);
    const ns = isClusterScoped(kind) ? undefined : r.namespace ?? namespace;
    // by name, or every object of the kind whose labels include the given ones (chainsaw's label selector)
    const names = r.name !== undefined ? [String(r.name)]
      : cluster.view(String(r.apiVersion), kind, ns)
        .filter((o) => Object.entries((r.labels ?? {}) as Record<string, string>).every(([k, v]) => o.metadata.labels?.[k] === v))
        .map((o) => o.metadata.name ?? '');
    for (const name of names) cluster.delete(String(r.apiVersion), kind, ns, name);
  }
  return { type: op.type, outcome: 'PASS', detail: '' };
}

/** `assert`: every document matches some object; `error`: no document matches any object. */
function check(op: ResourceOperation, docs: unknown[], label: string, cluster: SimulatedCluster, bindings: Bindings,
  env: ExpressionEnv, namespace: string): OperationResult {
  const notes = new Set<string>();
  for (const doc of docs) {
    const result = checkDocument(doc as Record<string, any>, cluster, bindings, env, namespace);
    if (result.unbound) throw result.unbound;
    if (result.statusSkipped) notes.add('status not checked');
    if (op.type === 'assert' && result.failure) {
      return { type: op.type, outcome: 'FAIL', detail: `${label}: ${result.failure}` };
    }
    if (op.type === 'error' && !result.failure) {
      // No object matching the rest of the document means none can match it with its status too; one that
      // matches all but the status may or may not exist in a cluster, which static evaluation cannot tell.
      if (result.statusSkipped) {
        return { type: op.type, outcome: 'SKIP', detail: `${label}: ${result.matched} matches all but the status, which is not checked` };
      }
      return { type: op.type, outcome: 'FAIL', detail: `${label}: ${result.matched} exists but must not` };
    }
  }
  return { type: op.type, outcome: 'PASS', detail: [...notes].join(', ') };
}

interface DocumentCheck {
  /** why no object matched (undefined ⇒ one matched) */
  readonly failure?: string;
  readonly matched?: string;
  readonly statusSkipped: boolean;
  readonly unbound?: UnboundVariableError;
}

function checkDocument(doc: Record<string, any>, cluster: SimulatedCluster, bindings: Bindings, env: ExpressionEnv,
  namespace: string): DocumentCheck {
  const ctx = { bindings, env };
  if (!doc.apiVersion || !doc.kind) {
    // a resource-less assertion: evaluated on nothing, with the bindings (`x_k8s_exists($client, ...)`)
    const diffs = assertTree(doc, null, ctx);
    const unbound = firstUnbound(diffs);
    if (unbound) return { statusSkipped: false, unbound };
    return diffs.length ? { failure: formatDiff('assertion', diffs), statusSkipped: false } : { matched: 'the assertion', statusSkipped: false };
  }
  const lookup = templateResource({ apiVersion: doc.apiVersion, kind: doc.kind, name: doc.metadata?.name, namespace: doc.metadata?.namespace },
    bindings, env) as Record<string, string | undefined>;
  const ns = isClusterScoped(String(lookup.kind)) ? undefined : lookup.namespace ?? namespace;
  const candidates = cluster.view(String(lookup.apiVersion), String(lookup.kind), ns)
    .filter((o) => lookup.name === undefined || o.metadata.name === lookup.name);
  const statusSkipped = doc.status !== undefined;
  const what = `${lookup.kind}${lookup.name ? ` ${lookup.name}` : ''}`;
  if (candidates.length === 0) {
    return { failure: `${what} not found${ns ? ` in namespace ${ns}` : ''}`, statusSkipped };
  }
  let best: { obj: KubeObject; diffs: Difference[] } | undefined;
  for (const obj of candidates) {
    const diffs = assertTree(doc, obj, ctx, { skipTopLevel: ['status'] });
    const unbound = firstUnbound(diffs);
    if (unbound) return { statusSkipped, unbound };
    if (diffs.length === 0) return { matched: describeObject(obj), statusSkipped };
    if (!best || diffs.length < best.diffs.length) best = { obj, diffs };
  }
  const subject = lookup.name ? what : `${what} (closest of ${candidates.length}: ${best!.obj.metadata.name})`;
  return { failure: formatDiff(subject, best!.diffs), statusSkipped };
}

function firstUnbound(diffs: Difference[]): UnboundVariableError | undefined {
  const d = diffs.find((x) => x.unbound);
  if (!d) return undefined;
  const variable = /\$(\w+) is not bound/.exec(d.message)?.[1] ?? '?';
  return new UnboundVariableError(d.path, variable);
}

function formatDiff(subject: string, diffs: Difference[]): string {
  const first = diffs[0];
  const more = diffs.length > 1 ? ` (+${diffs.length - 1} more)` : '';
  return `${subject}: ${first.path || '<root>'}: ${first.message}${more}`;
}


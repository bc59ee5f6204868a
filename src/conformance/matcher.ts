/**
 * Chainsaw's assertion trees (kyverno-json semantics), pure:
 * - a map asserts each of its keys: a plain key projects the field (missing ⇒ difference), a `(expr)` key
 *   projects the JMESPath result on the current node; `~.` iterates, `->name` binds;
 * - an array asserts an array of the same length, element by element;
 * - a scalar compares equal; a `(expr)` scalar is evaluated on the current node first, and its result
 *   (which may be a map or array) is matched as a subset.
 */
import { Bindings, ExpressionEnv, ExpressionError, evaluate, parseKey, scalarExpression, unescapeScalar } from './expressions';

/** One reason an actual value does not satisfy the expected tree. */
export interface Difference {
  /** e.g. `spec.template.spec.containers[0].ports` */
  readonly path: string;
  /** e.g. `expected length 3, got 2` */
  readonly message: string;
  /** true when the difference is that an expression needs a value only a live cluster has */
  readonly unbound?: boolean;
}

export interface MatchContext {
  readonly bindings: Bindings;
  readonly env?: ExpressionEnv;
}

export interface AssertOptions {
  /** top-level keys not compared (e.g. `status`: without running pods, nothing writes it) */
  readonly skipTopLevel?: ReadonlyArray<string>;
}

/** All differences between the expected assertion tree and the actual value (empty ⇒ match). */
export function assertTree(expected: unknown, actual: unknown, ctx: MatchContext, opts: AssertOptions = {}): Difference[] {
  const out: Difference[] = [];
  if (isMap(expected) && opts.skipTopLevel?.length) {
    const kept: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(expected)) if (!opts.skipTopLevel.includes(k)) kept[k] = v;
    visit(kept, actual, '', ctx.bindings, ctx.env ?? {}, out);
  } else {
    visit(expected, actual, '', ctx.bindings, ctx.env ?? {}, out);
  }
  return out;
}

function visit(expected: unknown, actual: unknown, path: string, bindings: Bindings, env: ExpressionEnv, out: Difference[]): void {
  if (Array.isArray(expected)) return visitArray(expected, actual, path, bindings, env, out);
  if (isMap(expected)) return visitMap(expected, actual, path, bindings, env, out);
  return visitScalar(expected, actual, path, bindings, env, out);
}

function visitArray(expected: unknown[], actual: unknown, path: string, bindings: Bindings, env: ExpressionEnv, out: Difference[]): void {
  if (actual === null || actual === undefined) {
    out.push({ path, message: `expected an array of length ${expected.length}, got nothing` });
  } else if (!Array.isArray(actual)) {
    out.push({ path, message: `expected an array, got ${describe(actual)}` });
  } else if (actual.length !== expected.length) {
    out.push({ path, message: `expected length ${expected.length}, got ${actual.length}` });
  } else {
    expected.forEach((e, i) => visit(e, actual[i], `${path}[${i}]`, bindings, env, out));
  }
}

function visitMap(expected: Record<string, unknown>, actual: unknown, path: string, bindings: Bindings, env: ExpressionEnv, out: Difference[]): void {
  const entries = Object.entries(expected);
  if (entries.length === 0) {
    if (actual === null || actual === undefined) out.push({ path, message: 'expected a value, got nothing' });
    return;
  }
  for (const [rawKey, sub] of entries) {
    let key;
    try {
      key = parseKey(rawKey);
    } catch (e) {
      out.push({ path: join(path, rawKey), message: (e as Error).message });
      continue;
    }
    const childPath = join(path, key.expression !== undefined ? `(${key.expression})` : key.field);
    let projected: unknown;
    if (key.expression !== undefined) {
      try {
        projected = evaluate(key.expression, actual, bindings, env);
      } catch (e) {
        out.push(expressionDifference(childPath, e));
        continue;
      }
    } else if (actual === null || actual === undefined) {
      out.push({ path: childPath, message: 'missing' });
      continue;
    } else if (!isMap(actual)) {
      // one difference for the node, not one per expected key
      out.push({ path, message: `expected a map, got ${describe(actual)}` });
      return;
    } else if (!Object.prototype.hasOwnProperty.call(actual, key.field)) {
      out.push({ path: childPath, message: 'missing' });
      continue;
    } else {
      projected = actual[key.field];
    }
    const scope = key.binding ? { ...bindings, [key.binding]: projected } : bindings;
    if (!key.foreach) {
      visit(sub, projected, childPath, scope, env, out);
    } else if (Array.isArray(projected)) {
      projected.forEach((item, i) =>
        visit(sub, item, `${childPath}[${i}]`, key.foreachName ? { ...scope, [key.foreachName]: i } : scope, env, out));
    } else if (isMap(projected)) {
      for (const [k, item] of Object.entries(projected)) {
        visit(sub, item, join(childPath, k), key.foreachName ? { ...scope, [key.foreachName]: k } : scope, env, out);
      }
    } else {
      out.push({ path: childPath, message: `~ needs an array or a map, got ${describe(projected)}` });
    }
  }
}

function visitScalar(expected: unknown, actual: unknown, path: string, bindings: Bindings, env: ExpressionEnv, out: Difference[]): void {
  let want = unescapeScalar(expected);
  const expr = scalarExpression(expected);
  if (expr !== undefined) {
    try {
      want = evaluate(expr, actual, bindings, env);
    } catch (e) {
      out.push(expressionDifference(path, e));
      return;
    }
  }
  if (!valuesMatch(want, actual)) {
    out.push({ path, message: `expected ${show(want)}, got ${show(actual)}` });
  }
}

/** kyverno-json `matching.Match`: maps by key subset, arrays of equal length, scalars equal. */
export function valuesMatch(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => valuesMatch(e, actual[i]));
  }
  if (isMap(expected)) {
    return isMap(actual) && Object.entries(expected).every(([k, v]) =>
      Object.prototype.hasOwnProperty.call(actual, k) && valuesMatch(v, actual[k]));
  }
  const e = expected ?? null;
  const a = actual ?? null;
  return e === a;
}

function expressionDifference(path: string, e: unknown): Difference {
  const unbound = (e as { name?: string }).name === 'UnboundVariableError';
  const message = e instanceof ExpressionError ? e.message : String((e as Error).message ?? e);
  return { path, message, unbound };
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, key: string): string {
  // expression segments stay readable as written; odd field names are quoted
  const seg = /^[A-Za-z_][\w-]*$/.test(key) || /^\(.*\)$/s.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (!path) return seg;
  return seg.startsWith('[') ? `${path}${seg}` : `${path}.${seg}`;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'object') return 'a map';
  return `${typeof v} ${show(v)}`;
}

/** Short, single-line rendering of a value for messages. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

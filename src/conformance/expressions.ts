/**
 * JMESPath evaluation the way chainsaw does it: `(expr)` keys and values, `$name` bindings, and the few
 * chainsaw/kyverno-json functions the upstream e2e files call. Pure: functions that need the cluster
 * (`x_k8s_exists`, `x_k8s_get`) read it through the {@link ExpressionEnv} of the evaluation in progress.
 */
import * as jmespath from '@jmespath-community/jmespath';
import * as YAML from 'yaml';

type JSONValue = jmespath.JSONValue;

/** Values bound by name, without the leading `$` (`namespace`, `values`, ...). */
export type Bindings = Readonly<Record<string, unknown>>;

/** What cluster-aware functions may read while an expression is evaluated. */
export interface ExpressionEnv {
  /** Finds one object in the simulated cluster, or undefined. */
  readonly getObject?: (apiVersion: string, kind: string, namespace: string, name: string) => unknown;
  /** `major`/`minor` the `x_k8s_server_version` function answers. */
  readonly serverVersion?: { readonly major: string; readonly minor: string };
}

/** A map key or scalar parsed with kyverno-json's rules: `~name.(expr)->binding`, `\escaped\`. */
export interface ParsedKey {
  /** `~` prefix: the projected array/map is asserted element by element. */
  readonly foreach: boolean;
  /** `~i.`: binds the element index (or map key) as `$i`. */
  readonly foreachName?: string;
  /** `->name` suffix: binds the projected value as `$name` for the descendants. */
  readonly binding?: string;
  /** The JMESPath statement when the key is an expression, otherwise undefined. */
  readonly expression?: string;
  /** The literal field name when the key is not an expression. */
  readonly field: string;
}

const FOREACH = /^~(\w+)?\.(.*)$/s;
const BINDING = /^(.*?)\s*->\s*(\w+)$/s;
const ESCAPED = /^\\(.+)\\$/s;
const COMPILED = /^\((?:(\w+);)?(.+)\)$/s;

export function parseKey(raw: string): ParsedKey {
  let rest = raw;
  let foreach = false;
  let foreachName: string | undefined;
  let binding: string | undefined;
  const fe = FOREACH.exec(rest);
  if (fe) {
    foreach = true;
    foreachName = fe[1] || undefined;
    rest = fe[2];
  }
  const b = BINDING.exec(rest);
  if (b) {
    binding = b[2];
    rest = b[1];
  }
  const esc = ESCAPED.exec(rest);
  if (esc) {
    return { foreach, foreachName, binding, field: esc[1] };
  }
  const c = COMPILED.exec(rest);
  if (c) {
    const compiler = c[1] ?? 'jp';
    if (compiler !== 'jp') {
      throw new ExpressionError(raw, `the ${compiler} expression language is not supported (only JMESPath)`);
    }
    return { foreach, foreachName, binding, expression: c[2], field: rest };
  }
  return { foreach, foreachName, binding, field: rest };
}

/** A string leaf `(expr)` is an expression; `\(x)\` is the literal `(x)`. */
export function scalarExpression(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (ESCAPED.test(value)) return undefined;
  const c = COMPILED.exec(value);
  return c && (c[1] === undefined || c[1] === 'jp') ? c[2] : undefined;
}

/** Removes the escaping of a literal string leaf (`\(x)\` → `(x)`). */
export function unescapeScalar(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const esc = ESCAPED.exec(value);
  return esc ? esc[1] : value;
}

export class ExpressionError extends Error {
  constructor(public readonly expression: string, problem: string) {
    super(`expression (${expression}): ${problem}`);
    this.name = 'ExpressionError';
  }
}

/** A `$name` the expression needs that nothing bound: the value comes from a live cluster step. */
export class UnboundVariableError extends ExpressionError {
  constructor(expression: string, public readonly variable: string) {
    super(expression, `$${variable} is not bound (it is produced by a step that needs a running cluster)`);
    this.name = 'UnboundVariableError';
  }
}

let activeEnv: ExpressionEnv = {};
type Ast = ReturnType<typeof jmespath.compile>;
const compiled = new Map<string, Ast>();

/** Evaluates a JMESPath statement on `value` with `bindings` as `$variables`. */
export function evaluate(expression: string, value: unknown, bindings: Bindings, env: ExpressionEnv = {}): unknown {
  registerChainsawFunctions();
  let ast = compiled.get(expression);
  if (!ast) {
    try {
      ast = jmespath.compile(expression);
    } catch (e) {
      throw new ExpressionError(expression, `does not parse: ${(e as Error).message}`);
    }
    compiled.set(expression, ast);
  }
  const previous = activeEnv;
  activeEnv = env;
  try {
    // `search` resets the scope, so bindings go in through a scoped interpreter and `visit`.
    const interpreter = jmespath.TreeInterpreter.withScope(toJson(bindings) as jmespath.JSONObject);
    (interpreter as unknown as { _rootValue: JSONValue })._rootValue = toJson(value);
    return interpreter.visit(ast, toJson(value));
  } catch (e) {
    if (e instanceof ExpressionError) throw e;
    const message = (e as Error).message;
    const unbound = /undefined variable (\S+)/.exec(message);
    if (unbound) throw new UnboundVariableError(expression, unbound[1].replace(/^\$/, ''));
    throw new ExpressionError(expression, message);
  } finally {
    activeEnv = previous;
  }
}

function toJson(value: unknown): JSONValue {
  return (value === undefined ? null : value) as JSONValue;
}

let registered = false;

/** chainsaw adds these on top of JMESPath; we implement the ones the upstream suites use. */
function registerChainsawFunctions(): void {
  if (registered) return;
  registered = true;
  const fn = (name: string, impl: (args: any[]) => unknown, types: unknown[][], variadic = false) => {
    if (jmespath.isRegistered(name)) return;
    const signature = types.map((t, i) => ({ types: t, ...(variadic && i === types.length - 1 ? { variadic: true } : {}) }));
    jmespath.registerFunction(name, (args) => impl(args) as JSONValue, signature as jmespath.InputSignature[]);
  };
  const { TYPE_STRING, TYPE_ANY, TYPE_NUMBER } = jmespath;
  fn('concat', (args) => args.map((a) => (a == null ? '' : String(a))).join(''), [[TYPE_STRING, jmespath.TYPE_NULL]], true);
  fn('parse_yaml', ([s]) => YAML.parse(s) ?? null, [[TYPE_STRING]]);
  fn('json_parse', ([s]) => JSON.parse(s), [[TYPE_STRING]]);
  fn('to_upper', ([s]) => s.toUpperCase(), [[TYPE_STRING]]);
  fn('to_lower', ([s]) => s.toLowerCase(), [[TYPE_STRING]]);
  fn('trim_prefix', ([s, p]) => (s.startsWith(p) ? s.slice(p.length) : s), [[TYPE_STRING], [TYPE_STRING]]);
  fn('trim_suffix', ([s, p]) => (p && s.endsWith(p) ? s.slice(0, -p.length) : s), [[TYPE_STRING], [TYPE_STRING]]);
  fn('base64_decode', ([s]) => Buffer.from(s, 'base64').toString('utf8'), [[TYPE_STRING]]);
  fn('base64_encode', ([s]) => Buffer.from(s, 'utf8').toString('base64'), [[TYPE_STRING]]);
  fn('as_string', ([v]) => (typeof v === 'string' ? v : null), [[TYPE_ANY]]);
  fn('truncate', ([s, n]) => s.slice(0, n), [[TYPE_STRING], [TYPE_NUMBER]]);
  fn('wildcard', ([pattern, s]) => wildcard(pattern, s), [[TYPE_STRING], [TYPE_STRING]]);
  fn('x_k8s_server_version', () => activeEnv.serverVersion ?? { major: '1', minor: '31' }, [[TYPE_ANY]]);
  fn('x_k8s_exists', ([, apiVersion, kind, ns, name]) => requireCluster('x_k8s_exists')(apiVersion, kind, ns ?? '', name) !== undefined,
    [[TYPE_ANY], [TYPE_STRING], [TYPE_STRING], [TYPE_STRING, jmespath.TYPE_NULL], [TYPE_STRING]]);
  fn('x_k8s_get', ([, apiVersion, kind, ns, name]) => requireCluster('x_k8s_get')(apiVersion, kind, ns ?? '', name) ?? null,
    [[TYPE_ANY], [TYPE_STRING], [TYPE_STRING], [TYPE_STRING, jmespath.TYPE_NULL], [TYPE_STRING]]);
}

function requireCluster(name: string) {
  const get = activeEnv.getObject;
  if (!get) throw new Error(`${name} needs a cluster and none is attached to this evaluation`);
  return get;
}

function wildcard(pattern: string, s: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return re.test(s);
}

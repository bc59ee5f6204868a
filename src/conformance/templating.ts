/**
 * chainsaw templating of resources the test writes: string values and keys of the form `(expr)` are
 * replaced by the JMESPath result (`($namespace)`, `(join('-', [...]))`); `\(x)\` stays literal. Pure.
 */
import { Bindings, ExpressionEnv, evaluate, scalarExpression, unescapeScalar } from './expressions';

export function templateResource(value: unknown, bindings: Bindings, env: ExpressionEnv = {}): unknown {
  if (Array.isArray(value)) return value.map((v) => templateResource(v, bindings, env));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const expr = scalarExpression(k);
      const name = expr !== undefined ? String(evaluate(expr, null, bindings, env)) : String(unescapeScalar(k));
      out[name] = templateResource(v, bindings, env);
    }
    return out;
  }
  const expr = scalarExpression(value);
  if (expr !== undefined) return evaluate(expr, null, bindings, env);
  return unescapeScalar(value);
}

/** Evaluates a binding value: an `(expr)` string, or a literal (maps and lists templated recursively). */
export function bindingValue(value: unknown, bindings: Bindings, env: ExpressionEnv = {}): unknown {
  return templateResource(value, bindings, env);
}

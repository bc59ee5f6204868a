import { InvalidInputError } from '../common/errors';

/** One `matchExpressions` entry of a Kubernetes LabelSelector. */
export interface SelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: readonly string[];
}

/** A parsed `metav1.LabelSelector`: every `matchLabels` pair and every expression must hold. */
export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly SelectorRequirement[];
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

/**
 * Parses a LabelSelector as upstream's allocator reads it from its config file: `matchLabels` and
 * `matchExpressions` in camelCase, or lower-cased as the operator writes them (Go yaml.v2 of the struct).
 * `null`/absent selects everything (upstream: an empty selector).
 */
export function parseLabelSelector(raw: unknown, file: string, path: string): LabelSelector {
  const bad = (where: string, problem: string, fix: string): never => {
    throw new InvalidInputError(file, where, problem, fix);
  };
  if (raw === undefined || raw === null) return { matchLabels: {}, matchExpressions: [] };
  if (typeof raw !== 'object' || Array.isArray(raw)) return bad(path, 'must be a label selector mapping', 'write matchLabels: {key: value}');
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['matchLabels', 'matchlabels', 'matchExpressions', 'matchexpressions'].includes(key)) {
      bad(`${path}.${key}`, 'unknown key', 'use matchLabels and matchExpressions');
    }
  }
  const labelsRaw = o.matchLabels ?? o.matchlabels ?? {};
  if (typeof labelsRaw !== 'object' || labelsRaw === null || Array.isArray(labelsRaw)) bad(`${path}.matchLabels`, 'must be a mapping', 'write key: value pairs');
  const matchLabels: Record<string, string> = {};
  for (const [k, v] of Object.entries(labelsRaw as Record<string, unknown>)) {
    if (typeof v !== 'string') bad(`${path}.matchLabels.${k}`, 'must be a string', 'quote the value');
    matchLabels[k] = v as string;
  }
  const exprRaw = o.matchExpressions ?? o.matchexpressions ?? [];
  if (!Array.isArray(exprRaw)) return bad(`${path}.matchExpressions`, 'must be a list', 'write - {key: k, operator: In, values: [v]}');
  const matchExpressions = exprRaw.map((e, i): SelectorRequirement => {
    const p = `${path}.matchExpressions[${i}]`;
    if (typeof e !== 'object' || e === null) return bad(p, 'must be a mapping', 'write {key: k, operator: In, values: [v]}');
    const { key, operator, values } = e as Record<string, unknown>;
    if (typeof key !== 'string' || key === '') bad(`${p}.key`, 'required', 'name the label key');
    if (!(OPERATORS as readonly unknown[]).includes(operator)) bad(`${p}.operator`, `unknown operator ${JSON.stringify(operator)}`, `use one of ${OPERATORS.join(', ')}`);
    const list = values === undefined || values === null ? [] : values;
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) bad(`${p}.values`, 'must be a list of strings', 'write values: [a, b]');
    const op = operator as SelectorRequirement['operator'];
    if ((op === 'In' || op === 'NotIn') && (list as string[]).length === 0) bad(`${p}.values`, `must not be empty for operator ${op}`, 'list at least one value');
    if ((op === 'Exists' || op === 'DoesNotExist') && (list as string[]).length > 0) bad(`${p}.values`, `must be empty for operator ${op}`, 'remove the values');
    return { key: key as string, operator: op, values: list as string[] };
  });
  return { matchLabels, matchExpressions };
}

/** The selector in the API server's `labelSelector` query syntax (`a=b,c in (d,e),!f`), '' for everything. */
export function labelSelectorString(s: LabelSelector): string {
  const parts = Object.entries(s.matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions) {
    if (e.operator === 'In') parts.push(`${e.key} in (${[...e.values].sort().join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${[...e.values].sort().join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/** True when `labels` satisfy the selector. */
export function selectorMatches(s: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(s.matchLabels)) if (l[k] !== v) return false;
  for (const e of s.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(l[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(l[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

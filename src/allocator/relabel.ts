import { createHash } from 'node:crypto';
import { InvalidInputError } from '../common/errors';
import { goToLower, goToUpper } from './go-case';
import { indexOfLabel, isValidLabelNameIn, Labels, NameValidationScheme, SortedLabels, toSortedLabels } from './labels';
import { expandTemplate } from './expand';
import { compileAnchored, Re2Regex } from './re2';

/**
 * Prometheus relabeling (`model/relabel`, Prometheus 3), rule for rule:
 * - the source values are joined with `separator` (default `;`); a missing label reads as "";
 * - `regex` (default `(.*)`) is RE2, anchored at both ends, and `.` matches a newline (Prometheus 3 compiles
 *   `^(?s:…)$`); `replacement` defaults to `$1` and expands with Go's `Regexp.Expand` rules ({@link expandTemplate});
 * - `replace`: on a match, `target_label` and `replacement` are expanded; an invalid expanded name is skipped, an
 *   empty result deletes the label. With no source value and the default regex, the label is set verbatim
 *   (Prometheus' fast path);
 * - `keep`/`drop` match the joined value; `keepequal`/`dropequal` compare it with `target_label`'s value;
 * - `hashmod`: MD5 of the value, its last 8 bytes as a big-endian integer, modulo `modulus`;
 * - `labelmap` renames every matching label name to the expanded replacement (the value is kept);
 *   `labeldrop`/`labelkeep` remove the labels whose name does (not) match;
 * - `lowercase`/`uppercase` write the joined value, case-mapped as Go does, into `target_label`;
 * - setting a label to "" deletes it.
 * A key written with no value (YAML null) takes Go's zero value, not the default, as Prometheus' YAML decoding
 * does: `replacement:` is "", `regex:` matches only "", `separator:` is "", `action:` is an error.
 * Label names are checked with the job's name validation scheme: `utf8` (Prometheus 3's default) accepts any
 * non-empty name, `legacy` only `[a-zA-Z_][a-zA-Z0-9_]*`.
 */
export type RelabelAction =
  | 'replace' | 'keep' | 'drop' | 'keepequal' | 'dropequal' | 'hashmod'
  | 'labelmap' | 'labeldrop' | 'labelkeep' | 'lowercase' | 'uppercase';

const ACTIONS: ReadonlySet<string> = new Set([
  'replace', 'keep', 'drop', 'keepequal', 'dropequal', 'hashmod',
  'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase',
]);

/** A validated relabel rule, ready to apply. */
export interface RelabelRule {
  readonly sourceLabels: readonly string[];
  readonly separator: string;
  /** the regex as written (without anchors), for serialisation */
  readonly regexText: string;
  readonly regex: Re2Regex;
  /** true when the rule did not set `regex` (Prometheus' fast path for `replace` depends on it) */
  readonly defaultRegex: boolean;
  readonly modulus: bigint;
  readonly targetLabel: string;
  readonly replacement: string;
  readonly action: RelabelAction;
  /** how an expanded `replace` target label is checked; utf8 when not set */
  readonly nameValidation?: NameValidationScheme;
}

const DEFAULT_REGEX_TEXT = '(.*)';
const DEFAULT_REGEX = compileAnchored(DEFAULT_REGEX_TEXT, true);
/** Prometheus' `relabelTargetLegacy`: names with `$` references that can expand to a valid legacy label name. */
const RELABEL_TARGET_RE = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;
const KNOWN_KEYS = new Set(['source_labels', 'separator', 'regex', 'modulus', 'target_label', 'replacement', 'action']);

/**
 * Validates one rule (YAML already parsed) with Prometheus' checks. `resource` and `path` name where it came from,
 * e.g. `targetallocator.yaml` and `config.scrape_configs[0].relabel_configs[2]`.
 */
export function parseRelabelRule(raw: unknown, resource: string, path: string, scheme: NameValidationScheme = 'utf8'): RelabelRule {
  const bad = (field: string, problem: string, fix: string): never => {
    throw new InvalidInputError(resource, field ? `${path}.${field}` : path, problem, fix);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) bad('', 'must be a mapping', 'write the rule as `- action: … source_labels: […]`');
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!KNOWN_KEYS.has(key)) bad(key, 'unknown field', `use one of ${Array.from(KNOWN_KEYS).join(', ')}`);
  }
  // undefined: not written (the default applies); '': written without a value (Go's zero value)
  const str = (field: string): string | undefined => {
    const v = r[field];
    if (v === undefined) return undefined;
    if (v === null) return '';
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (typeof v !== 'string') bad(field, 'must be a string', 'quote the value');
    return v as string;
  };
  const validName = (name: string) => isValidLabelNameIn(name, scheme);
  const validTemplate = (t: string) => (scheme === 'legacy' ? RELABEL_TARGET_RE.test(t) : validName(t));
  const nameRule = scheme === 'legacy' ? 'use [a-zA-Z_][a-zA-Z0-9_]*' : 'use a non-empty label name';

  const actionText = str('action') ?? 'replace';
  if (actionText === '') bad('action', 'relabel action cannot be empty', `remove the key or use one of ${Array.from(ACTIONS).join(', ')}`);
  const action = actionText.toLowerCase();
  if (!ACTIONS.has(action)) bad('action', `unknown relabel action ${JSON.stringify(actionText)}`, `use one of ${Array.from(ACTIONS).join(', ')}`);

  let sourceLabels: string[] = [];
  const rawSources = r.source_labels;
  const sourcesWritten = rawSources !== undefined && rawSources !== null;
  if (sourcesWritten) {
    if (!Array.isArray(rawSources)) bad('source_labels', 'must be a list of label names', 'write source_labels: [a, b]');
    sourceLabels = (rawSources as unknown[]).map((s, i) => {
      const name = typeof s === 'number' || typeof s === 'boolean' ? String(s) : s;
      if (typeof name !== 'string' || !validName(name)) bad(`source_labels[${i}]`, `${JSON.stringify(s)} is not a valid label name`, nameRule);
      return name as string;
    });
  }
  const separator = str('separator') ?? ';';
  const regexText = str('regex');
  let regex = DEFAULT_REGEX;
  if (regexText !== undefined) {
    try {
      regex = compileAnchored(regexText, true);
    } catch (err) {
      bad('regex', (err as Error).message, 'use RE2 syntax as Prometheus does');
    }
  }
  let modulus = 0n;
  if (r.modulus !== undefined && r.modulus !== null) {
    const m = r.modulus;
    // a uint64 in Prometheus' YAML: a quoted "4" or a negative number does not decode
    if (!(typeof m === 'number' && Number.isSafeInteger(m) && m >= 0)) bad('modulus', `must be a non-negative integer, got ${JSON.stringify(m)}`, 'e.g. modulus: 4');
    modulus = BigInt(m as number);
  }
  const targetLabel = str('target_label') ?? '';
  const replacement = str('replacement') ?? '$1';
  const a = action as RelabelAction;

  if (modulus === 0n && a === 'hashmod') bad('modulus', 'hashmod requires a non-zero modulus', 'set modulus: <n>');
  if (['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'].includes(a) && targetLabel === '') {
    bad('target_label', `the ${a} action requires 'target_label'`, 'set target_label');
  }
  if (a === 'replace' && !targetLabel.includes('$') && !validName(targetLabel)) {
    bad('target_label', `${JSON.stringify(targetLabel)} is invalid 'target_label' for replace action`, `${nameRule} or $-references`);
  }
  if (a === 'replace' && targetLabel.includes('$') && !validTemplate(targetLabel)) {
    bad('target_label', `${JSON.stringify(targetLabel)} is invalid 'target_label' for replace action`, 'use a label name with $1 or ${name} references');
  }
  if (['lowercase', 'uppercase', 'keepequal', 'dropequal', 'hashmod'].includes(a) && !validName(targetLabel)) {
    bad('target_label', `${JSON.stringify(targetLabel)} is invalid 'target_label' for ${a} action`, nameRule);
  }
  if (['lowercase', 'uppercase', 'keepequal', 'dropequal'].includes(a) && replacement !== '$1') {
    bad('replacement', `'replacement' can not be set for ${a} action`, 'remove replacement');
  }
  if (a === 'labelmap' && !validTemplate(replacement)) {
    bad('replacement', `${JSON.stringify(replacement)} is invalid 'replacement' for labelmap action`, 'use a label name with $1 or ${name} references');
  }
  if ((a === 'keepequal' || a === 'dropequal') && (regexText !== undefined || modulus !== 0n || separator !== ';' || replacement !== '$1')) {
    bad('', `${a} action requires only 'source_labels' and 'target_label', and no other fields`, 'remove regex, modulus, separator and replacement');
  }
  // Prometheus checks `SourceLabels != nil`: even an empty `source_labels: []` is refused here
  if ((a === 'labeldrop' || a === 'labelkeep') &&
    (sourcesWritten || targetLabel !== '' || modulus !== 0n || separator !== ';' || replacement !== '$1')) {
    bad('', `${a} action requires only 'regex', and no other fields`, 'remove source_labels, target_label, modulus, separator and replacement');
  }
  return {
    sourceLabels, separator, regexText: regexText ?? DEFAULT_REGEX_TEXT, regex,
    defaultRegex: regexText === undefined, modulus, targetLabel, replacement, action: a, nameValidation: scheme,
  };
}

/**
 * The rule as Prometheus marshals it (what upstream's `/scrape_configs` serves): the action lower-cased, the
 * separator and replacement unless empty (omitempty), `regex` only when the rule set one (`null` for an empty one),
 * `source_labels` and `target_label` when set, `modulus` when non-zero.
 */
export function servedRelabelRule(rule: RelabelRule): Record<string, unknown> {
  const out: Record<string, unknown> = { action: rule.action };
  if (!rule.defaultRegex) out.regex = rule.regexText === '' ? null : rule.regexText;
  if (rule.modulus !== 0n) out.modulus = Number(rule.modulus);
  // omitempty in Prometheus's struct: an empty replacement is not written
  if (rule.replacement !== '') out.replacement = rule.replacement;
  if (rule.separator !== '') out.separator = rule.separator;
  if (rule.sourceLabels.length > 0) out.source_labels = rule.sourceLabels;
  if (rule.targetLabel !== '') out.target_label = rule.targetLabel;
  return out;
}

/** Validates a `relabel_configs` list. */
export function parseRelabelRules(raw: unknown, resource: string, path: string, scheme: NameValidationScheme = 'utf8'): RelabelRule[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new InvalidInputError(resource, path, 'must be a list of relabel rules', 'write each rule as a list item');
  return raw.map((rule, i) => parseRelabelRule(rule, resource, `${path}[${i}]`, scheme));
}

/**
 * Prometheus' `labels.Builder`: a base label set plus edits. Iteration order matters for `labelmap` when two
 * labels map to the same name (the last write wins): untouched base labels first, in sorted order, then
 * added or changed labels in the order they were set.
 */
export class LabelsBuilder {
  private readonly add = new Map<string, string>();
  private readonly del = new Set<string>();
  /** base labels that were set or deleted since (by base index), so iteration skips them without lookups */
  private shadowed: Uint8Array | undefined;

  constructor(private readonly base: SortedLabels) {}

  get(name: string): string {
    const added = this.add.get(name);
    if (added !== undefined) return added;
    if (this.del.size > 0 && this.del.has(name)) return '';
    const i = indexOfLabel(this.base.names, name);
    return i < 0 ? '' : this.base.values[i];
  }

  set(name: string, value: string): void {
    if (value === '') {
      this.delete(name);
      return;
    }
    this.del.delete(name);
    this.add.set(name, value);
    this.shadow(name);
  }

  delete(name: string): void {
    this.add.delete(name);
    this.del.add(name);
    this.shadow(name);
  }

  /** Calls `fn` for every current label in Prometheus' iteration order (do not modify the builder meanwhile). */
  forEach(fn: (name: string, value: string) => void): void {
    const { names, values } = this.base;
    const shadowed = this.shadowed;
    for (let i = 0; i < names.length; i++) if (!shadowed || shadowed[i] === 0) fn(names[i], values[i]);
    for (const [name, value] of this.add) fn(name, value);
  }

  /** The current labels, sorted by name: the base is sorted, so the (few) sorted edits are merged in. */
  sorted(): Array<[string, string]> {
    const adds = Array.from(this.add).sort(byName);
    const out: Array<[string, string]> = [];
    const { names, values } = this.base;
    const shadowed = this.shadowed;
    let ai = 0;
    for (let i = 0; i < names.length; i++) {
      if (shadowed && shadowed[i] !== 0) continue;
      const name = names[i];
      while (ai < adds.length && adds[ai][0] < name) out.push(adds[ai++]);
      out.push([name, values[i]]);
    }
    while (ai < adds.length) out.push(adds[ai++]);
    return out;
  }

  private shadow(name: string): void {
    const i = indexOfLabel(this.base.names, name);
    if (i < 0) return;
    if (!this.shadowed) this.shadowed = new Uint8Array(this.base.names.length);
    this.shadowed[i] = 1;
  }
}

function byName(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function hashMod(value: string, modulus: bigint): string {
  const digest = createHash('md5').update(value, 'utf8').digest();
  return (digest.readBigUInt64BE(8) % modulus).toString();
}

/** Applies one rule; false means the target is dropped. */
export function applyRule(rule: RelabelRule, lb: LabelsBuilder): boolean {
  let value: string;
  if (rule.sourceLabels.length === 1) {
    value = lb.get(rule.sourceLabels[0]);
  } else {
    value = rule.sourceLabels.map((n) => lb.get(n)).join(rule.separator);
  }
  switch (rule.action) {
    case 'drop':
      return !rule.regex.test(value);
    case 'keep':
      return rule.regex.test(value);
    case 'dropequal':
      return lb.get(rule.targetLabel) !== value;
    case 'keepequal':
      return lb.get(rule.targetLabel) === value;
    case 'replace': {
      if (value === '' && rule.defaultRegex && !rule.targetLabel.includes('$') && !rule.replacement.includes('$')) {
        lb.set(rule.targetLabel, rule.replacement);
        return true;
      }
      const m = rule.regex.exec(value);
      if (!m) return true;
      const target = expandTemplate(rule.targetLabel, m);
      if (!isValidLabelNameIn(target, rule.nameValidation ?? 'utf8')) return true;
      const res = expandTemplate(rule.replacement, m);
      if (res === '') lb.delete(target);
      else lb.set(target, res);
      return true;
    }
    case 'lowercase':
      lb.set(rule.targetLabel, goToLower(value));
      return true;
    case 'uppercase':
      lb.set(rule.targetLabel, goToUpper(value));
      return true;
    case 'hashmod':
      lb.set(rule.targetLabel, hashMod(value, rule.modulus));
      return true;
    case 'labelmap': {
      // Prometheus iterates a snapshot: collect the renames first, then apply them in that order
      const renames: string[] = [];
      lb.forEach((name, v) => {
        const m = rule.regex.exec(name);
        if (m) renames.push(expandTemplate(rule.replacement, m), v);
      });
      for (let i = 0; i < renames.length; i += 2) lb.set(renames[i], renames[i + 1]);
      return true;
    }
    case 'labeldrop':
    case 'labelkeep': {
      const drop: string[] = [];
      const keepMatching = rule.action === 'labelkeep';
      lb.forEach((name) => {
        if (rule.regex.test(name) !== keepMatching) drop.push(name);
      });
      for (const name of drop) lb.delete(name);
      return true;
    }
  }
}

/** Runs the rules in order; false as soon as one drops the target. */
export function applyRules(rules: readonly RelabelRule[], lb: LabelsBuilder): boolean {
  for (const rule of rules) {
    if (!applyRule(rule, lb)) return false;
  }
  return true;
}

/** Convenience for tests and callers with a plain label set: the relabelled labels (sorted), or undefined if dropped. */
export function relabel(labels: Labels, rules: readonly RelabelRule[]): Record<string, string> | undefined {
  const lb = new LabelsBuilder(toSortedLabels(labels));
  if (!applyRules(rules, lb)) return undefined;
  return Object.fromEntries(lb.sorted());
}

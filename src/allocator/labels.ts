import { Hasher } from './hasher';

/** A label set: name → value. Objects we build have their keys in sorted order, so JSON output is sorted too. */
export type Labels = Readonly<Record<string, string>>;

/** Prometheus' legacy label-name rule (Prometheus 2, and `metric_name_validation_scheme: legacy`). */
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * How label names are validated (`metric_name_validation_scheme`). Prometheus 3 defaults to `utf8`: any
 * non-empty UTF-8 string is a label name; `legacy` is the `[a-zA-Z_][a-zA-Z0-9_]*` rule of Prometheus 2.
 */
export type NameValidationScheme = 'utf8' | 'legacy';

export const NAME_VALIDATION_SCHEMES: readonly NameValidationScheme[] = ['utf8', 'legacy'];

/** Prometheus' `LabelName.IsValid` under a scheme; a JS string is valid UTF-8 unless it has a lone surrogate. */
export function isValidLabelNameIn(name: string, scheme: NameValidationScheme): boolean {
  if (scheme === 'legacy') return LABEL_NAME_RE.test(name);
  return name !== '' && !/\p{Surrogate}/u.test(name);
}

export const META_LABEL_PREFIX = '__meta_';
export const ADDRESS_LABEL = '__address__';

/**
 * A label set as two parallel arrays sorted by name. Per-target label sets are kept in this form while relabeling:
 * a plain object with ~40 keys added one by one falls into V8's dictionary mode, whose iteration costs more than
 * the relabeling itself.
 */
export interface SortedLabels {
  readonly names: readonly string[];
  readonly values: readonly string[];
}

/** Sorts a plain label object into {@link SortedLabels} (empty values dropped). */
export function toSortedLabels(labels: Labels): SortedLabels {
  const names = Object.keys(labels).filter((n) => labels[n] !== '').sort();
  return { names, values: names.map((n) => labels[n]) };
}

/** Index of `name` in sorted `names`, or -1. */
export function indexOfLabel(names: readonly string[], name: string): number {
  let lo = 0;
  let hi = names.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const n = names[mid];
    if (n === name) return mid;
    if (n < name) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Merges a target's labels over its group's labels (the target wins), as Prometheus' discovery does, keeping
 * names sorted. The group's sorted names are passed in so they are sorted once per group, not once per target.
 */
export function mergeLabels(groupLabels: Labels, groupKeys: readonly string[], targetLabels: Labels): SortedLabels {
  const targetKeys = Object.keys(targetLabels).sort();
  const names: string[] = [];
  const values: string[] = [];
  let gi = 0;
  let ti = 0;
  while (gi < groupKeys.length || ti < targetKeys.length) {
    const g = groupKeys[gi];
    const t = targetKeys[ti];
    let name: string;
    let value: string;
    if (t === undefined || (g !== undefined && g < t)) {
      name = g;
      value = groupLabels[g];
      gi++;
    } else {
      name = t;
      value = targetLabels[t];
      ti++;
      if (g === t) gi++;
    }
    if (value !== '') {
      names.push(name);
      values.push(value);
    }
  }
  return { names, values };
}

/** A plain object (keys in sorted order) from a sorted label set. */
export function labelsObject(sorted: SortedLabels): Labels {
  const out: Record<string, string> = {};
  for (let i = 0; i < sorted.names.length; i++) out[sorted.names[i]] = sorted.values[i];
  return out;
}

/** The JSON object text of a sorted label set, keys in order (no intermediate object). */
export function labelsJson(sorted: SortedLabels): string {
  let out = '{';
  for (let i = 0; i < sorted.names.length; i++) {
    if (i > 0) out += ',';
    out += `${JSON.stringify(sorted.names[i])}:${JSON.stringify(sorted.values[i])}`;
  }
  return `${out}}`;
}

/**
 * Hashes label pairs the way Prometheus' `labels.Hash` lays them out (`name 0xFF value 0xFF`, sorted by name),
 * with xxHash64. The byte buffer is reused between calls: this runs once per target.
 */
export class LabelHasher {
  private buf = new Uint8Array(4096);
  private readonly encoder = new TextEncoder();

  constructor(private readonly hasher: Hasher) {}

  /** `pairs` must already be sorted by name. */
  hash(pairs: ReadonlyArray<readonly [string, string]>): bigint {
    // Encode once with NUL separators, then turn them into 0xFF: one encodeInto call instead of two per label.
    // A label that itself contains NUL takes the exact, slower path so ids stay exact.
    let text = '';
    for (const [name, value] of pairs) text += `${name}\u0000${value}\u0000`;
    if (text.length * 3 > this.buf.length) this.buf = new Uint8Array(text.length * 3 + 64);
    if (pairs.some(([n, v]) => n.includes('\u0000') || v.includes('\u0000'))) return this.hashExact(pairs);
    const written = this.encoder.encodeInto(text, this.buf).written;
    const bytes = this.buf.subarray(0, written);
    for (let i = 0; i < written; i++) if (bytes[i] === 0) bytes[i] = 0xff;
    return this.hasher.h64Raw(bytes);
  }

  private hashExact(pairs: ReadonlyArray<readonly [string, string]>): bigint {
    let pos = 0;
    for (const [name, value] of pairs) {
      pos += this.encoder.encodeInto(name, this.buf.subarray(pos)).written;
      this.buf[pos++] = 0xff;
      pos += this.encoder.encodeInto(value, this.buf.subarray(pos)).written;
      this.buf[pos++] = 0xff;
    }
    return this.hasher.h64Raw(this.buf.subarray(0, pos));
  }
}

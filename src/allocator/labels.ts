import { Hasher } from './hasher';

/** A label set: name → value. Objects we build have their keys in sorted order, so JSON output is sorted too. */
export type Labels = Readonly<Record<string, string>>;

/** Prometheus' legacy label-name rule, which its relabel validation applies. */
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidLabelName(name: string): boolean {
  return LABEL_NAME_RE.test(name);
}

export const META_LABEL_PREFIX = '__meta_';
export const ADDRESS_LABEL = '__address__';

/** Builds a Labels object with keys in sorted order from [name, value] pairs (empty values are dropped). */
export function sortedLabels(entries: Iterable<[string, string]>): Labels {
  const pairs = Array.from(entries).filter(([, v]) => v !== '');
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Record<string, string> = {};
  for (const [k, v] of pairs) out[k] = v;
  return out;
}

/**
 * Merges a target's labels over its group's labels (the target wins), as Prometheus' discovery does, keeping the
 * keys sorted. Both inputs are plain objects; the group's sorted key list is passed in so it is sorted once per
 * group, not once per target.
 */
export function mergeLabels(groupLabels: Labels, groupKeys: readonly string[], targetLabels: Labels): Labels {
  const targetKeys = Object.keys(targetLabels).sort();
  const out: Record<string, string> = {};
  let gi = 0;
  let ti = 0;
  while (gi < groupKeys.length || ti < targetKeys.length) {
    const g = groupKeys[gi];
    const t = targetKeys[ti];
    if (t === undefined || (g !== undefined && g < t)) {
      const v = groupLabels[g];
      if (v !== '') out[g] = v;
      gi++;
    } else {
      const v = targetLabels[t];
      if (v !== '') out[t] = v;
      ti++;
      if (g === t) gi++;
    }
  }
  return out;
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

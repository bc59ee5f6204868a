import { createHash } from 'crypto';

/**
 * Serialises a JSON value the way Go's `encoding/json.Marshal` does for `map[string]any` values: compact, map keys
 * sorted by their UTF-8 bytes, and `<`, `>`, `&`, U+2028, U+2029 escaped as `\u003c` etc. (Go's HTML-safe default).
 *
 * Why it matters: upstream names the collector ConfigMap after the SHA-256 of exactly these bytes, and e2e asserts
 * those names literally. Number formatting already agrees: both Go and JavaScript print the shortest representation
 * that round-trips and switch to exponent form below 1e-6 and from 1e21 up.
 */
export function goJsonMarshal(value: unknown, options: GoJsonOptions = {}): string {
  const json = writeGoJson(value) ?? 'null';
  return options.escapeHtml === false ? json : escapeLikeGo(json);
}

export interface GoJsonOptions {
  /** escape `<`, `>`, `&`, U+2028, U+2029 as Go's `json.Marshal` does @default true */
  readonly escapeHtml?: boolean;
}

/** The hex SHA-256 of `goJsonMarshal(value)`. */
export function goJsonSha256(value: unknown): string {
  return createHash('sha256').update(goJsonMarshal(value), 'utf8').digest('hex');
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Writes compact JSON with object keys in Go's map order (objects marked `GO_STRUCT` keep their field order, as Go
 * keeps struct field order). Written directly rather than through a sorted copy, because a JavaScript object puts
 * integer-like keys (`"10"`, `"9"`) first in numeric order whatever the insertion order, where Go sorts them as
 * strings (`"10"` before `"9"`). Returns undefined where JSON.stringify would (a bare undefined or function).
 */
function writeGoJson(value: unknown): string | undefined {
  if (Array.isArray(value)) return `[${value.map((v) => writeGoJson(v) ?? 'null').join(',')}]`;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    const obj = value as Record<string | symbol, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined && typeof obj[k] !== 'function');
    if (!obj[GO_STRUCT]) keys.sort(compareUtf8);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${writeGoJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Marks an object whose key order is a Go struct's field order (not sorted when marshalled). */
export const GO_STRUCT = Symbol('go-struct');

/** Builds an object that `goJsonMarshal` emits in the given key order, dropping `undefined` fields (`omitempty`). */
export function goStruct(fields: Array<[string, unknown]>): Record<string, unknown> {
  const out: Record<string | symbol, unknown> = {};
  for (const [k, v] of fields) if (v !== undefined) out[k] = v;
  Object.defineProperty(out, GO_STRUCT, { value: true, enumerable: false });
  return out as Record<string, unknown>;
}

function escapeLikeGo(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

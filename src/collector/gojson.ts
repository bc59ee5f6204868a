import { createHash } from 'crypto';

/**
 * Serialises a JSON value the way Go's `encoding/json.Marshal` does for `map[string]any` values: compact, map keys
 * sorted by their UTF-8 bytes, and `<`, `>`, `&`, U+2028, U+2029 escaped as `\u003c` etc. (Go's HTML-safe default).
 *
 * Why it matters: upstream names the collector ConfigMap after the SHA-256 of exactly these bytes, and e2e asserts
 * those names literally. Number formatting already agrees: both Go and JavaScript print the shortest representation
 * that round-trips and switch to exponent form below 1e-6 and from 1e21 up.
 */
export function goJsonMarshal(value: unknown): string {
  return escapeLikeGo(JSON.stringify(sortKeysDeep(value)) ?? 'null');
}

/** The hex SHA-256 of `goJsonMarshal(value)`. */
export function goJsonSha256(value: unknown): string {
  return createHash('sha256').update(goJsonMarshal(value), 'utf8').digest('hex');
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Copies a value with object keys in Go's map order. Objects built by our own struct serialisers are marked with
 * `GO_STRUCT` and keep their field order, as Go keeps struct field order.
 */
function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string | symbol, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
    if (!obj[GO_STRUCT]) keys.sort(compareUtf8);
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = sortKeysDeep(obj[k]);
    return out;
  }
  return value;
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

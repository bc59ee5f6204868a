/** Plain Kubernetes JSON (wire form, as in a manifest). */
export type Json = Record<string, any>;

/** Drops undefined fields so objects compare and serialise cleanly. */
export function clean<T extends Json>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** The value as an object, or undefined for null, arrays and scalars (reading untyped config safely). */
export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A deep copy of a JSON value (undefined stays undefined). */
export function cloneJson<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/**
 * Whether a desired object needs a write. Server-side apply of identical content is still a PATCH request (and
 * upstream's issue #3002 is about exactly that churn), so the controllers compare first and write only when
 * (a) something we set is not what the live object holds, after the API server's defaulting, or (b) the live
 * object still has fields our field manager owns that we no longer set (apply would remove them). Pure.
 */
import type { KubeObject } from '../common/kube';

/** Why an object needs a write: the paths that differ (at most a few, for the log), empty when it needs none. */
export function writeReasons(desired: KubeObject, live: KubeObject | undefined, fieldManager: string, limit = 5): string[] {
  if (!live) return ['absent'];
  const reasons: string[] = [];
  const { metadata, ...rest } = desired;
  const { name: _n, namespace: _ns, ...meta } = metadata;
  notReflected(meta, live.metadata, 'metadata', reasons, limit);
  notReflected(rest, live, '', reasons, limit);
  const owned = ownedFields(live, fieldManager);
  if (owned) ownedButNotDesired(owned, desired, '', reasons, limit);
  return reasons.slice(0, limit);
}

/** The paths where `desired` is not reflected in `live` (empty when every field we set is there): for status. */
export function differences(desired: unknown, live: unknown, limit = 5): string[] {
  const out: string[] = [];
  notReflected(desired, live, '', out, limit);
  return out;
}

/** The fieldsV1 tree our manager owns through apply on the object itself (not its status), if any. */
export function ownedFields(live: KubeObject, fieldManager: string): Record<string, unknown> | undefined {
  const entries = (live.metadata.managedFields as Array<{ manager?: string; operation?: string; subresource?: string; fieldsV1?: Record<string, unknown> }> | undefined) ?? [];
  return entries.find((e) => e.manager === fieldManager && e.operation === 'Apply' && !e.subresource)?.fieldsV1;
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === '' || v === false || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.values(v as object).every((x) => x === undefined);
  return false;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keys by which the API server merges list elements (strategic merge / SSA list-map keys we meet). */
const LIST_KEYS = ['name', 'containerPort', 'port', 'mountPath', 'devicePath', 'ip', 'topologyKey', 'uid'];

function listKey(v: unknown): string | undefined {
  if (!isObject(v)) return undefined;
  for (const k of LIST_KEYS) {
    if (v[k] !== undefined && v[k] !== null) {
      // ports are keyed by number and protocol
      const protocol = k === 'containerPort' || k === 'port' ? `/${String(v.protocol ?? 'TCP')}` : '';
      return `${k}=${String(v[k])}${protocol}`;
    }
  }
  return undefined;
}

/**
 * Records in `out` the paths where `desired` is not reflected in `live`: every field we set must be there with
 * the same value; fields the server added (defaults) are fine; an empty value we set may be absent (omitempty).
 */
function notReflected(desired: unknown, live: unknown, path: string, out: string[], limit: number): void {
  if (out.length >= limit || desired === undefined) return;
  if (live === undefined || live === null) {
    if (!isEmpty(desired)) out.push(path || '.');
    return;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) return void out.push(path);
    const keys = desired.map(listKey);
    if (desired.length > 0 && keys.every((k) => k !== undefined)) {
      // a keyed list: the API server may keep elements others added; ours must be there, in our order
      const liveKeys = live.map(listKey);
      let last = -1;
      desired.forEach((d, i) => {
        const j = liveKeys.indexOf(keys[i]);
        if (j === -1 || j < last) return void out.push(`${path}[${keys[i]}]`);
        last = j;
        notReflected(d, live[j], `${path}[${keys[i]}]`, out, limit);
      });
      return;
    }
    if (desired.length !== live.length) return void out.push(`${path} (length ${desired.length} vs ${live.length})`);
    desired.forEach((d, i) => notReflected(d, live[i], `${path}[${i}]`, out, limit));
    return;
  }
  if (isObject(desired)) {
    if (!isObject(live)) return void out.push(path);
    for (const [k, v] of Object.entries(desired)) notReflected(v, live[k], path ? `${path}.${k}` : k, out, limit);
    return;
  }
  // scalars: an int-or-string may come back as the other type
  if (desired !== live && String(desired) !== String(live)) out.push(path);
}

/** Records the paths our manager owns (fieldsV1) that `desired` no longer sets. */
function ownedButNotDesired(fields: Record<string, unknown>, desired: unknown, path: string, out: string[], limit: number): void {
  for (const [k, sub] of Object.entries(fields)) {
    if (out.length >= limit) return;
    if (k === '.') continue;
    const subFields = isObject(sub) ? sub : {};
    const hasSub = Object.keys(subFields).some((s) => s !== '.');
    if (k.startsWith('f:')) {
      const name = k.slice(2);
      const v = isObject(desired) ? desired[name] : undefined;
      const at = path ? `${path}.${name}` : name;
      if (v === undefined || v === null) out.push(`${at} (no longer set)`);
      else if (hasSub) ownedButNotDesired(subFields, v, at, out, limit);
    } else if (k.startsWith('k:')) {
      let key: Record<string, unknown>;
      try {
        key = JSON.parse(k.slice(2));
      } catch {
        continue;
      }
      const el = Array.isArray(desired)
        ? desired.find((e) => isObject(e) && Object.entries(key).every(([kk, vv]) => e[kk] === undefined ? kk === 'protocol' && vv === 'TCP' : String(e[kk]) === String(vv)))
        : undefined;
      if (!el) out.push(`${path}[${k.slice(2)}] (no longer set)`);
      else if (hasSub) ownedButNotDesired(subFields, el, `${path}[${k.slice(2)}]`, out, limit);
    } else if (k.startsWith('v:')) {
      let value: unknown;
      try {
        value = JSON.parse(k.slice(2));
      } catch {
        continue;
      }
      if (!Array.isArray(desired) || !desired.some((e) => JSON.stringify(e) === JSON.stringify(value))) out.push(`${path}[${k.slice(2)}] (no longer set)`);
    } else if (k.startsWith('i:')) {
      const i = Number(k.slice(2));
      if (!Array.isArray(desired) || i >= desired.length) out.push(`${path}[${i}] (no longer set)`);
      else if (hasSub) ownedButNotDesired(subFields, desired[i], `${path}[${i}]`, out, limit);
    }
  }
}

/** The label and annotation maps upstream merges instead of replacing: the object's and, for workloads, its pod template's. */
const MERGED_MAPS: ReadonlyArray<readonly string[]> = [
  ['metadata', 'labels'], ['metadata', 'annotations'],
  ['spec', 'template', 'metadata', 'labels'], ['spec', 'template', 'metadata', 'annotations'],
];

/**
 * Upstream updates an object's labels and annotations (and its pod template's) by merging the desired ones over the
 * existing ones (mergo WithOverride), so a key removed from the custom resource stays on the objects it was copied
 * to (upstream's label-change-collector and annotation-change-collector cases assert exactly that). Server-side apply
 * would remove the keys we set before and set no more; so the keys of those maps that our manager owns on `live`
 * and that `desired` no longer has are carried over with their live values. Keys other managers own stay anyway.
 * Pure: returns a new desired object (or `desired` itself when nothing is carried over).
 */
export function keepOwnedMetadata(desired: KubeObject, live: KubeObject | undefined, fieldManager: string): KubeObject {
  if (!live) return desired;
  const owned = ownedFields(live, fieldManager);
  if (!owned) return desired;
  let out: KubeObject = desired;
  for (const mapPath of MERGED_MAPS) {
    const ownedMap = mapPath.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[`f:${key}`], owned) as Record<string, unknown> | undefined;
    const liveMap = mapPath.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], live) as Record<string, string> | undefined;
    const desiredParent = mapPath.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], desired) as Record<string, unknown> | undefined;
    if (!ownedMap || !liveMap || !desiredParent) continue;
    const desiredMap = (desiredParent[mapPath[mapPath.length - 1]] ?? {}) as Record<string, string>;
    const kept = Object.keys(ownedMap).filter((f) => f.startsWith('f:')).map((f) => f.slice(2))
      .filter((key) => !(key in desiredMap) && key in liveMap);
    if (kept.length === 0) continue;
    if (out === desired) out = JSON.parse(JSON.stringify(desired)) as KubeObject;
    const parent = mapPath.slice(0, -1).reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, out as unknown as Record<string, unknown>);
    parent[mapPath[mapPath.length - 1]] = { ...Object.fromEntries(kept.map((k) => [k, liveMap[k]])), ...desiredMap };
  }
  return out;
}

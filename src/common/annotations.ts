import { MetaObject, PodMeta } from './pod';

/**
 * The effective value of an injection annotation, from the pod's and its namespace's annotations.
 *
 * Precedence (the same for `instrumentation.opentelemetry.io/*` and `sidecar.opentelemetry.io/inject`):
 * no namespace value → the pod's; no pod value → the namespace's; a pod value other than "true" wins;
 * a pod "true" under a namespace "false" stays "true"; a pod "true" under a namespace "true" or an instance
 * name takes the namespace's value (so a namespace can pin which instance "true" means).
 */
export function effectiveAnnotationValue(ns: MetaObject | undefined, pod: PodMeta, key: string): string {
  const podValue = pod.annotations?.[key] ?? '';
  const nsValue = ns?.metadata?.annotations?.[key] ?? '';
  if (nsValue === '') return podValue;
  if (podValue === '') return nsValue;
  if (!isTrue(podValue)) return podValue;
  if (isFalse(nsValue)) return podValue;
  return nsValue;
}

export function isTrue(v: string): boolean {
  return v.toLowerCase() === 'true';
}

export function isFalse(v: string): boolean {
  return v.toLowerCase() === 'false';
}

/** Splits `ns/name` or `name` (the latter in `defaultNamespace`). */
export function parseInstanceRef(value: string, defaultNamespace: string): { namespace: string; name: string } {
  const slash = value.indexOf('/');
  if (slash >= 0) return { namespace: value.slice(0, slash), name: value.slice(slash + 1) };
  return { namespace: defaultNamespace, name: value };
}

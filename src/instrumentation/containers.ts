import { Container, Pod } from './types';

const CONTAINER_NAMES = /^[a-zA-Z0-9-,]+$/;

/** Checks a container-names annotation value; returns the problem or undefined. */
export function containerNamesProblem(annotation: string, value: string): string | undefined {
  if (value === '' || CONTAINER_NAMES.test(value)) return undefined;
  return `${annotation}: not valid characters included in the instrumentation container annotation ${value} `
    + '(use a comma-separated list of container names: letters, digits and "-")';
}

/** The layout rules for several languages in one pod; returns why the pod must be left alone, or undefined. */
export function multiInstrumentationProblem(lists: ReadonlyArray<{ display: string; names: string[] }>): string | undefined {
  for (const l of lists) {
    const seen = new Set<string>();
    const dups = new Set<string>();
    for (const n of l.names) {
      if (n === '') continue;
      if (seen.has(n)) dups.add(n);
      seen.add(n);
    }
    if (dups.size > 0) return `duplicated container names detected: [${[...dups].sort().join(' ')}]`;
  }
  const withNames = lists.filter((l) => l.names.length > 0).length;
  const without = lists.length - withNames;
  if ((without > 0 && withNames > 0) || without > 1) {
    return 'incorrect instrumentation configuration - please provide container names for all instrumentations';
  }
  return undefined;
}

/**
 * The containers a language instruments: the named ones (unknown names ignored, duplicates once), or the
 * first regular container when no names are given. Init containers come first, in pod order, so agent init
 * containers are inserted before every target that needs them.
 */
export function resolveTargets(pod: Pod, names: readonly string[]): Container[] {
  const wanted = names.length > 0 ? [...new Set(names)] : pod.spec.containers.slice(0, 1).map((c) => c.name);
  const inits = (pod.spec.initContainers ?? []).filter((c) => wanted.includes(c.name));
  const regular: Container[] = [];
  for (const n of wanted) {
    const c = pod.spec.containers.find((x) => x.name === n);
    if (c && !inits.some((i) => i.name === n)) regular.push(c);
  }
  return [...inits, ...regular];
}

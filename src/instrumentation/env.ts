import { clone } from './pod-utils';
import { EnvVar } from './types';

/** Env var helpers with upstream's merge rules: existing entries always win unless a rule says "append". */

export function indexOfEnv(env: readonly EnvVar[] | undefined, name: string): number {
  return (env ?? []).findIndex((e) => e.name === name);
}

export function hasEnv(env: readonly EnvVar[] | undefined, name: string): boolean {
  return indexOfEnv(env, name) >= 0;
}

/** Appends each variable whose name is not yet in the list (earlier entries of `add` win over later ones). */
export function appendIfNotSet(env: EnvVar[], ...add: EnvVar[]): EnvVar[] {
  const seen = new Set(env.map((e) => e.name));
  for (const e of add) {
    if (!seen.has(e.name)) {
      env.push(clone(e));
      seen.add(e.name);
    }
  }
  return env;
}

/** Moves the named variable to the end of the list, so `$(VAR)` references in its value resolve. */
export function moveEnvToEnd(env: EnvVar[], name: string): EnvVar[] {
  const idx = indexOfEnv(env, name);
  if (idx >= 0) {
    const [e] = env.splice(idx, 1);
    env.push(e);
  }
  return env;
}

/**
 * Upstream refuses to extend a variable that the user defines with `valueFrom`, because its value is unknown
 * at admission time. Returns the message for the first such variable, or undefined.
 */
export function valueFromConflict(env: readonly EnvVar[] | undefined, ...names: string[]): string | undefined {
  for (const name of names) {
    const e = (env ?? []).find((x) => x.name === name);
    if (e?.valueFrom !== undefined) {
      return `the container defines env var value via ValueFrom, envVar: ${name}`;
    }
  }
  return undefined;
}

/** A downward-API variable (`fieldRef`) as upstream writes it: no apiVersion, the API server defaults it. */
export function fieldRefEnv(name: string, fieldPath: string): EnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

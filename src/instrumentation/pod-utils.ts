import { cloneJson as clone } from '../common/json';
import { DEFAULT_VOLUME_SIZE } from './constants';
import { Container, InstrumentationResource, LanguageSpec, Pod, Volume } from './types';

/** Small pod helpers shared by the language injectors. */

export function isInitContainer(pod: Pod, name: string): boolean {
  return (pod.spec.initContainers ?? []).some((c) => c.name === name);
}

/**
 * Adds an agent init container: just before the target when the target is itself an init container (the
 * agent files must exist before it runs), else at the end.
 */
export function insertInitContainer(pod: Pod, toInsert: Container, targetName: string): void {
  const inits = (pod.spec.initContainers ??= []);
  const idx = inits.findIndex((c) => c.name === targetName);
  if (idx >= 0) inits.splice(idx, 0, toInsert);
  else inits.push(toInsert);
}

/** The shared agent volume: an ephemeral claim when the language asks for one, else a size-limited emptyDir. */
export function instrumentationVolume(spec: LanguageSpec | undefined, name: string): Volume {
  if (spec?.volumeClaimTemplate && Object.keys(spec.volumeClaimTemplate).length > 0) {
    return { name, ephemeral: { volumeClaimTemplate: clone(spec.volumeClaimTemplate) } };
  }
  return { name, emptyDir: { sizeLimit: spec?.volumeLimitSize || DEFAULT_VOLUME_SIZE } };
}

/**
 * Gives the named injected init containers `initContainerSecurityContext` from the CR, else a copy of the first
 * target container's securityContext (so they run under the same restricted PodSecurity as the app).
 */
export function setInitSecurityContext(pod: Pod, inst: InstrumentationResource, firstTarget: Container, initNames: readonly string[]): void {
  const sc = inst.spec.initContainerSecurityContext ?? firstTarget.securityContext;
  for (const c of pod.spec.initContainers ?? []) {
    if (!initNames.includes(c.name)) continue;
    if (sc === undefined) delete c.securityContext;
    else c.securityContext = clone(sc);
  }
}

/** Sets a field only when it has a value, so the output has no `key: undefined` entries. */
export function withOptional<T extends object>(obj: T, fields: { [key: string]: unknown }): T {
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined && v !== '') (obj as { [key: string]: unknown })[k] = clone(v);
  }
  return obj;
}

export { clone };

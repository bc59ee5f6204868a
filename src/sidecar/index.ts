export { mutatePodSidecar, SIDECAR_INJECT_ANNOTATION } from './mutator';
export type { SidecarLookup, SidecarMutatorOptions, SidecarMutationResult } from './mutator';
export { buildSidecarParts } from './builder';
export type { SidecarBuilder, SidecarParts } from './builder';

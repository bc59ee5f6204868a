export { mutatePodSidecar, SIDECAR_INJECT_ANNOTATION, SIDECAR_INJECTED_LABEL } from './mutator';
export type { SidecarMutatorOptions, SidecarMutationResult } from './mutator';
export { buildSidecarParts, SIDECAR_CONTAINER_NAME, SIDECAR_DEFAULT_COLLECTOR_IMAGE } from './builder';
export type { SidecarBuilder, SidecarParts } from './builder';

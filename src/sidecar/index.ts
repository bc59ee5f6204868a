export { mutatePodSidecar, SIDECAR_INJECT_ANNOTATION, SIDECAR_INJECTED_LABEL } from './mutator';
export type { SidecarMutatorOptions, SidecarMutationResult } from './mutator';
export { buildSidecarParts, SIDECAR_CONTAINER_NAME } from './builder';
export type { SidecarBuilder, SidecarParts } from './builder';
export { injectCollectorSidecar } from './inject';
export type { ISidecarCollector, InjectCollectorSidecarOptions } from './inject';

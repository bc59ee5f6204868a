// Public API of the instrumentation room: the pod mutator, its lookup, and the language definitions.
export { mutatePodInstrumentation, isAutoInstrumentationInjected } from './mutator';
export type { InstrumentationMutatorOptions, InstrumentationMutationResult, MutationEvent } from './mutator';
export { lookupFromObjects } from './lookup';
export type { MutationLookup } from './lookup';
export { Language, LANGUAGES, languageDefinition } from './languages';
export { effectiveAnnotationValue } from './annotations';
export { defaultedInstrumentation } from './defaults';
export type { ImageOverrides } from './defaults';
export { serviceVersionFromImage, chooseServiceName } from './resource';
export type * from './types';

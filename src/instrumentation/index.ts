// Public API of the instrumentation room: the pod mutator, its lookup, and the language definitions.
export { mutatePodInstrumentation, isAutoInstrumentationInjected } from './mutator';
export type { InstrumentationMutatorOptions, InstrumentationMutationResult, MutationEvent } from './mutator';
export { lookupFromObjects } from './lookup';
export type { MutationLookup } from './lookup';
export { Language, LANGUAGES, languageDefinition } from './languages';
export { effectiveAnnotationValue } from '../common/annotations';
export { defaultedInstrumentation } from './defaults';
export type { ImageOverrides } from './defaults';
export { serviceVersionFromImage, chooseServiceName } from './resource';
export type * from './types';
export { validateInstrumentation, upgradeBlockedMessage } from './validate';
export type { InstrumentationValidation } from './validate';
export { upgradeInstrumentation } from './upgrade';
export type { InstrumentationUpgrade } from './upgrade';
export { podForWorkload, podTemplateHash, POD_WORKLOAD_KINDS } from './workloads';
export type { WorkloadPod } from './workloads';
export { ANNOTATION_CONTAINER_NAMES } from './constants';
export { multiInstrumentationProblem } from './containers';

/**
 * The `apis` room: CRDs, CR types, parsing, validation, defaulting and conversion. Everything here is pure.
 */
export { allCrds, openTelemetryCollectorCrd, instrumentationCrd, targetAllocatorCrd, GROUP } from './crds';
export type { CrdOptions, ConversionWebhookOptions } from './crds';
export { parseCustomResources, sourceOf } from './parse';
export { validateCustomResource, schemaProblems, isOurCustomResource, isOpenTelemetryGroup, knownCustomResources } from './validate';
export type { SchemaProblem } from './validate';
export {
  applySchemaDefaults, defaultCollector, defaultInstrumentation, defaultTargetAllocator,
} from './defaults';
export type { CollectorDefaultingOptions, InstrumentationDefaultingOptions } from './defaults';
export {
  convertCollectorV1alpha1ToV1beta1, convertCollectorV1beta1ToV1alpha1, collectorConfigToYaml, parseCollectorConfigYaml,
} from './conversion';
export { validateCollectorSemantics, validatePorts } from './v1beta1/collector-webhook';
export type { CollectorValidationResult } from './v1beta1/collector-webhook';
export { validateCollectorForTargetAllocator } from './v1beta1/target-allocator-config';
export type { CollectorForTargetAllocator } from './v1beta1/target-allocator-config';
export * from './instrumentation-defaults';
export type * from './v1beta1/collector-types';
export type {
  OpenTelemetryCollectorV1alpha1, OpenTelemetryCollectorSpecV1alpha1, OpenTelemetryCollectorStatusV1alpha1,
} from './v1alpha1/collector-schema';
export type {
  Instrumentation, InstrumentationSpec, InstrumentationStatus, JavaSpec, GoSpec, ApacheHttpdSpec, NginxSpec, Propagator, SamplerType,
} from './v1alpha1/instrumentation-schema';
export type { TargetAllocator, TargetAllocatorSpec, TargetAllocatorStatus } from './v1alpha1/targetallocator-schema';
export type * as core from '../common/core-types';

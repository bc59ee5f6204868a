// Public API of the cdk8s-otel library. Every export is named here, so internal modules stay private.

// ---- constructs ----------------------------------------------------------------------------------------
export {
  OtelCollector, collectorFromCustomResource, CollectorMode, IngressRuleType, IngressType, RouteTermination,
  CollectorConfig, CollectorConfigBuilder, typedCollectorConfig,
} from './constructs';
export type {
  OtelCollectorProps, PipelineProps, CollectorHttpRouteProps, CollectorPort, CollectorAutoscalerProps,
  CollectorDisruptionBudgetProps, CollectorIngressProps, CollectorObservabilityProps, CollectorConfigMapMount,
  CollectorProbeProps, CollectorTargetAllocatorProps,
} from './constructs';
export type { CollectorRenderOptions } from './collector';
export { Instrumentation, Propagator, SamplerType } from './constructs';
export type {
  InstrumentationProps, InstrumentationEnvVar, ExporterTlsProps, LanguageInstrumentationProps, JavaInstrumentationProps,
  JavaExtension, GoInstrumentationProps, WebServerInstrumentationProps, ApacheHttpdInstrumentationProps,
  NginxInstrumentationProps, InjectInstrumentationOptions, InstrumentationExporterProps, InstrumentationSamplerProps,
  InstrumentationResourceProps, InstrumentationDefaultsProps,
} from './constructs';
export { OtelTargetAllocator, TargetAllocationStrategy, ResourceOutput, toCustomResource } from './constructs';
export type { CollectorResourceOptions, TargetAllocatorResourceOptions } from './constructs';
export type {
  TargetAllocatorProps, TargetAllocatorPrometheusCrProps, TargetAllocatorScrapeConfig, StaticScrapeTargets, KubernetesScrapeDiscovery,
  ScrapeRelabelRule,
} from './constructs';
export { injectCollectorSidecar } from './constructs';
export type { ISidecarCollector, InjectCollectorSidecarOptions } from './constructs';
export { OperatorInstall } from './constructs';
export { buildOperatorInstallObjects, DEFAULT_OPERATOR_IMAGE } from './install';
export type { OperatorInstallProps, OperatorResources } from './install';

// ---- what the operator creates, and how it mutates pods (pure functions) --------------------------------
export { render, renderObjects, renderYaml, reconcileObjects, sortObjects } from './render';
export type { RenderOptions, RenderResult } from './render';
export { mutatePod, admissionResponse } from './webhook';
export type { PodMutationOptions, PodMutationResult, AdmissionReviewRequest, AdmissionReviewResponse } from './webhook';
export { lookupFromObjects } from './instrumentation';
export type { MutationLookup } from './instrumentation';

// ---- the opentelemetry.io CRDs: definitions, parsing, validation, defaulting, conversion -----------------
export {
  allCrds, openTelemetryCollectorCrd, instrumentationCrd, targetAllocatorCrd, parseCustomResources,
  validateCustomResource, defaultCollector, defaultInstrumentation, defaultTargetAllocator,
  convertCollectorV1alpha1ToV1beta1, convertCollectorV1beta1ToV1alpha1,
} from './apis';
/** The CR types (plain JSON shapes) of every CRD version. */
export type * as crd from './apis';

// ---- types the API above mentions, so nothing needs a deep import from lib/ (test/public-api.test.ts) ------
export { Language } from './instrumentation';
export type { MutationEvent } from './instrumentation';
export type { AdmissionMutation } from './webhook';
export type { CollectorConfigJson, PipelineJson, SidecarParts as CollectorSidecarParts } from './collector';
export type { Json } from './common/json';
export type { TargetAllocatorRenderOptions } from './targetallocator';
export type { SidecarBuilder, SidecarParts } from './sidecar';
/** The plain JSON shapes the pod mutator reads and writes (pods, their metadata, the Instrumentation it applies). */
export type * as podMutation from './instrumentation/types';

// ---- shared ---------------------------------------------------------------------------------------------
export { InvalidInputError } from './common/errors';
export type { KubeObject, ObjectMeta } from './common/kube';

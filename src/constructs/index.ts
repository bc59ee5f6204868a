// The cdk8s shells: the constructs users put in their apps and the render path synthesizes. They sit above the
// pure rooms (apis, collector, targetallocator, instrumentation, sidecar, webhook) and are the only place that
// turns a custom resource or typed props into cdk8s objects.
export * from './collector/collector-config';
export * from './collector/props';
export { propsToModel, toCustomResource } from './collector/props-to-spec';
export * from './collector/otel-collector';
export * from './target-allocator';
export { ResourceOutput } from './output';
export type {
  TargetAllocatorScrapeConfig, StaticScrapeTargets, KubernetesScrapeDiscovery, ScrapeRelabelRule,
} from './scrape-config';
export { Instrumentation, Propagator, SamplerType } from './instrumentation';
export type {
  InstrumentationProps, InstrumentationEnvVar, ExporterTlsProps, LanguageInstrumentationProps, JavaInstrumentationProps,
  JavaExtension, GoInstrumentationProps, WebServerInstrumentationProps, ApacheHttpdInstrumentationProps,
  NginxInstrumentationProps, InjectInstrumentationOptions, InstrumentationExporterProps, InstrumentationSamplerProps,
  InstrumentationResourceProps, InstrumentationDefaultsProps,
} from './instrumentation';
export { injectCollectorSidecar } from './sidecar-injection';
export type { ISidecarCollector, InjectCollectorSidecarOptions } from './sidecar-injection';
export { OperatorInstall } from './operator-install';

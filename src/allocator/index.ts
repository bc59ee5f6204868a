/**
 * The target allocator as a library (a future `./allocator` package export): the pure engine (relabeling, target
 * model, strategies, allocation) and the edges that run it (service, HTTP API, listeners).
 */
export { Allocator } from './allocator';
export type { AllocationObserver, Bucket, BucketsChanged, TargetChanges } from './allocator';
export { churnOf, loadsOf, peakToMean } from './balance';
export type { Churn } from './balance';
export { parseAllocatorConfig } from './config';
export type { AllocatorConfig, FileSDConfig, HttpsConfig, ScrapeJob } from './config';
export { FileDiscovery, parseFileGroups } from './file-sd';
export { HttpDiscovery, parseHttpSDBody } from './http-sd';
export { parseHttpSDConfigs } from './http-sd-config';
export type { HttpSDClient, HttpSDConfig } from './http-sd-config';
export { generateScrapeConfig, scrapeConfigScrapeConfigs } from './prometheus-cr/scrape-config';
export { parseScrapeClasses } from './prometheus-cr/scrape-class';
export type { ScrapeClasses } from './prometheus-cr/scrape-class';
export { loadHasher } from './hasher';
export type { Hasher } from './hasher';
export type { Labels, NameValidationScheme } from './labels';
export { listenHttp, listenMtls, parseListenAddr } from './listeners';
export type { Listener } from './listeners';
export { AllocatorMetrics } from './metrics';
export { parseRelabelRules, relabel, servedRelabelRule } from './relabel';
export type { RelabelAction, RelabelRule } from './relabel';
export { compileAnchored, Re2SyntaxError } from './re2';
export { expandTemplate } from './expand';
export { scrapeConfigsBody, scrapeConfigsJson } from './scrape-configs';
export { createApiHandler, queryEscape, queryUnescape } from './server';
export type { ApiState } from './server';
export { AllocatorService } from './service';
export type { ServiceOptions } from './service';
export * from './strategies';
export { dedupeTargets, TargetBuilder, TargetItem } from './target';
export type { TargetGroup } from './target';

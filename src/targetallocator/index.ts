// Public API of the target-allocator room: what the operator creates for a target allocator (embedded in a
// collector or a standalone TargetAllocator CR), as plain Kubernetes JSON. Pure: no I/O.
export * from './model';
export * from './render';
export * from './from-collector';
export * from './builders';
export * from './certificates';
export {
  targetAllocatorConfigDocument, targetAllocatorConfigYaml, targetAllocatorConfigHash, collectorScrapeConfigs,
  goLabelSelector, TA_CONFIG_KEY, TA_CONFIG_HASH_ANNOTATION, TA_TLS_DIR,
} from './config';
export { goYamlV2Marshal, goStruct, goFloat, compareGoYamlKeys } from './go-yaml';
export { parseGoDuration, formatGoDuration } from './duration';

/**
 * `__meta_kubernetes_*` labels as Prometheus's Kubernetes discovery writes them, from plain Kubernetes objects
 * (no I/O): one builder per role. The watches that feed them live elsewhere.
 */
export { endpointsGroup } from './endpoints';
export { endpointSliceGroup } from './endpointslice';
export { ingressGroup } from './ingress';
export { addObjectMetaLabels, joinHostPort, sanitizeLabelName } from './meta';
export type { DiscoveredGroup, LabelSet } from './meta';
export { nodeGroup } from './node';
export type * from './objects';
export { podGroup, podLabels } from './pod';
export { serviceGroup, serviceLabels } from './service';

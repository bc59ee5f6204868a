/**
 * The one room that talks to the Kubernetes API server: the `KubeApi` interface the operator and the target
 * allocator depend on, and the informers built on it. Its @kubernetes/client-node implementation
 * (`kube/client-node`) is not exported here: that package is ESM-only and is loaded only by the running process.
 */
export * from './api';
export * from './informer';

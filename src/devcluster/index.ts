/**
 * A real Kubernetes control plane on 127.0.0.1 for development and integration tests (I/O edge: spawns
 * processes, writes temp files). Used by `cdk8s-otel dev-cluster` and test/integration.
 */
export { KUBERNETES_VERSION, defaultBinDir, findBinary, requireBinary, missingBinaries } from './binaries';
export type { BinaryName } from './binaries';
export { writeClusterCertificates } from './certs';
export type { ClusterCertificates } from './certs';
export { freePort, kwokNode, startControlPlane } from './control-plane';
export type { ControlPlane, ControlPlaneOptions } from './control-plane';
export { KubeApiError, KubeClient } from './kube-client';
export type { ApplyOptions, KubeClientOptions, KubeList, KubeObject } from './kube-client';
export { killAllSync, startProcess, tailFile } from './processes';
export type { ManagedProcess } from './processes';
export { pushAllocatorImage, retagWithCommand } from './real-node/retag';
export type { RealNode, RealNodeOptions } from './real-node/node';

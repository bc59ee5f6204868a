/**
 * A real Kubernetes control plane on 127.0.0.1 for development and integration tests (I/O edge: spawns
 * processes, writes temp files). Used by `cdk8s-otel dev-cluster` and test/integration.
 */
export { KUBERNETES_VERSION, BinaryName, defaultBinDir, findBinary, requireBinary, missingBinaries } from './binaries';
export { ClusterCertificates, writeClusterCertificates } from './certs';
export { ControlPlane, ControlPlaneOptions, freePort, kwokNode, startControlPlane } from './control-plane';
export { ApplyOptions, KubeApiError, KubeClient, KubeClientOptions, KubeList, KubeObject } from './kube-client';
export { ManagedProcess, killAllSync } from './processes';

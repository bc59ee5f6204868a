/**
 * Plain-JSON shapes of a Pod and of the objects around it, as the API server hands them to the webhook. Only the
 * fields the mutators read or write are named; the index signatures keep everything else, so a mutation never
 * drops a field it does not know. Shared by the instrumentation and sidecar mutators and the webhook.
 */
import { Container, Volume } from './core-types';

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  shareProcessNamespace?: boolean;
  nodeName?: string;
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
  [key: string]: unknown;
}

export interface PodMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  labels?: { [key: string]: string };
  annotations?: { [key: string]: string };
  ownerReferences?: OwnerReference[];
  [key: string]: unknown;
}

export interface Pod {
  apiVersion?: string;
  kind?: string;
  metadata: PodMeta;
  spec: PodSpec;
  [key: string]: unknown;
}

/** Any namespaced Kubernetes object the lookup hands back (Namespace, ReplicaSet, Job, ...). */
export interface MetaObject {
  apiVersion?: string;
  kind?: string;
  metadata?: PodMeta;
  [key: string]: unknown;
}

/**
 * What every reconcile gets: the API, the caches, the writer, the event recorder, the render options the
 * operator's flags and the cluster's capabilities decided, and the logger.
 */
import type { RenderOptions } from '../../render';
import { InformerCache } from '../cache';
import { EventRecorder } from '../events';
import { KubeApi, KubeObject, ObjectRef } from '../../kube';
import { Logger } from '../../common/log';
import { ObjectWriter } from '../writer';

export interface ReconcileContext {
  readonly api: KubeApi;
  readonly cache: InformerCache;
  readonly writer: ObjectWriter;
  readonly events: EventRecorder;
  readonly log: Logger;
  /** images, filters and capabilities; `namespace` is set per CR */
  readonly renderOptions: RenderOptions;
  /** the collector version written to `status.version` when it is empty @default '0.158.0' */
  readonly collectorVersion: string;
}

export const GROUP = 'opentelemetry.io';
export const COLLECTOR_API_VERSION = 'opentelemetry.io/v1beta1';
export const TARGET_ALLOCATOR_API_VERSION = 'opentelemetry.io/v1alpha1';
export const COLLECTOR_FINALIZER = 'opentelemetrycollector.opentelemetry.io/finalizer';
export const TARGET_ALLOCATOR_FINALIZER = 'targetallocator.opentelemetry.io/finalizer';
export const MANAGED_BY = 'app.kubernetes.io/managed-by=opentelemetry-operator';

/**
 * Kinds the operator creates for CRs, with the apiVersion it watches them in. The optional ones are watched only
 * when the cluster serves them.
 */
export const OWNED_KINDS: ReadonlyArray<{ apiVersion: string; kind: string; clusterScoped?: boolean; optional?: boolean }> = [
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', clusterScoped: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', clusterScoped: true },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', optional: true },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', optional: true },
  { apiVersion: 'route.openshift.io/v1', kind: 'Route', optional: true },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', optional: true },
];

export function isClusterScopedKind(kind: string): boolean {
  return kind === 'ClusterRole' || kind === 'ClusterRoleBinding' || kind === 'Namespace' || kind === 'CustomResourceDefinition';
}

/** `ns.name`, the value of `app.kubernetes.io/instance` on everything made for a CR. */
export function instanceOf(cr: KubeObject): string {
  return `${cr.metadata.namespace}.${cr.metadata.name}`;
}

/** The live object from the caches (watched kinds), else from the API server. */
export async function liveObject(ctx: ReconcileContext, obj: KubeObject): Promise<KubeObject | undefined> {
  const informer = ctx.cache.informer(obj.kind);
  if (informer) return informer.get(isClusterScopedKind(obj.kind) ? undefined : obj.metadata.namespace, obj.metadata.name!);
  const ref: ObjectRef = { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name! };
  return ctx.api.get(ref);
}

/** Informer index of owned kinds: objects by the uid of their controller (what a CR owns, without a scan). */
export const BY_CONTROLLER_UID = 'controller-uid';
/** Informer index of the cluster-scoped kinds: objects by `app.kubernetes.io/instance` (they cannot have a namespaced owner). */
export const BY_INSTANCE = 'instance';

export function controllerUidIndex(obj: KubeObject): string[] {
  const uid = controllerOf(obj)?.uid;
  return uid ? [uid] : [];
}

export function instanceIndex(obj: KubeObject): string[] {
  const instance = obj.metadata.labels?.['app.kubernetes.io/instance'];
  return instance ? [instance] : [];
}

/** The controller owner reference of `obj`, if any. */
export function controllerOf(obj: KubeObject): { kind: string; name: string; uid?: string } | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller);
}

/** `obj` with a controller reference to `owner` (with its uid) unless it names one already (the uid is filled in). */
export function withOwner(obj: KubeObject, owner: KubeObject, uidsByOwner: Map<string, string>): KubeObject {
  if (isClusterScopedKind(obj.kind)) return obj;
  const refs = obj.metadata.ownerReferences;
  if (!refs?.length) {
    return {
      ...obj,
      metadata: {
        ...obj.metadata,
        ownerReferences: [{
          apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name!, uid: owner.metadata.uid as string,
          controller: true, blockOwnerDeletion: true,
        } as NonNullable<KubeObject['metadata']['ownerReferences']>[number]],
      },
    };
  }
  const filled = refs.map((r) => (r.uid ? r : { ...r, uid: uidsByOwner.get(`${r.kind}/${r.name}`) }));
  const missing = filled.find((r) => !r.uid);
  if (missing) throw new Error(`${obj.kind} ${obj.metadata.name}: owner ${missing.kind} ${missing.name} does not exist yet`);
  return { ...obj, metadata: { ...obj.metadata, ownerReferences: filled } };
}

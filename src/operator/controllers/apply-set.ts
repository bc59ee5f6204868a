/**
 * The part of a reconcile every CR kind shares: write the desired objects in order (owner references filled
 * with the uids of owners created earlier in the same pass), then delete what the CR owned and no longer
 * wants. Versioned collector ConfigMaps follow upstream's retention rule instead of being deleted at once, so
 * pods still starting with the previous config keep it.
 */
import { isCollectorConfigMapName, selectConfigMapsToKeep } from '../../collector';
import { describeObject } from '../../common/kube';
import { KubeObject, keyOf } from '../../kube';
import {
  BY_CONTROLLER_UID, BY_INSTANCE, controllerOf, instanceOf, isClusterScopedKind, liveObject, OWNED_KINDS, ReconcileContext, withOwner,
} from './context';

export interface ApplySetResult {
  /** `created ConfigMap ns/x`, ... (what changed, for the Event) */
  readonly changes: string[];
  /** uids of the objects written, by `Kind/name` (owners of objects later in the list) */
  readonly uids: Map<string, string>;
}

/** Requests in flight per reconcile once the owners are written: the objects do not depend on each other. */
const PARALLEL_WRITES = 8;
const FIRST_KINDS = new Set(['TargetAllocator', 'ClusterRole', 'Role']);

export async function applyObjects(ctx: ReconcileContext, owner: KubeObject, desired: KubeObject[]): Promise<ApplySetResult> {
  const uids = new Map<string, string>();
  for (const ta of ctx.cache.list('TargetAllocator', owner.metadata.namespace)) uids.set(`TargetAllocator/${ta.metadata.name}`, ta.metadata.uid as string);
  const changes: string[] = [];
  const ensure = async (obj: KubeObject) => {
    const full = withOwner(obj, owner, uids);
    const live = await liveObject(ctx, full);
    const { outcome, object } = await ctx.writer.ensure(full, live);
    if (object?.metadata?.uid) uids.set(`${obj.kind}/${obj.metadata.name}`, object.metadata.uid as string);
    if (outcome !== 'unchanged') changes.push(`${outcome} ${describeObject(full)}`);
  };
  // first, in order, what others need: a collector's TargetAllocator (its objects carry its uid) and roles (a
  // binding to a role that does not exist yet fails RBAC's escalation check without the bind verb); then the rest
  // side by side: the API server accepts a Deployment before its ConfigMap or ServiceAccount, the pods wait for them
  const first = (o: KubeObject) => FIRST_KINDS.has(o.kind);
  for (const obj of desired.filter(first)) await ensure(obj);
  const rest = desired.filter((o) => !first(o));
  let next = 0;
  const failures: unknown[] = [];
  await Promise.all(Array.from({ length: Math.min(PARALLEL_WRITES, rest.length) }, async () => {
    while (next < rest.length) {
      const obj = rest[next++];
      try {
        await ensure(obj);
      } catch (e) {
        failures.push(e);
      }
    }
  }));
  if (failures.length) throw failures[0];
  return { changes: changes.sort(), uids };
}

export interface PruneOptions {
  /** uids of the CR and of the CRs it owns (a collector's TargetAllocator): their children are ours */
  readonly ownerUids: ReadonlySet<string>;
  /** for the ConfigMap retention rule: the collector's name and `spec.configVersions` */
  readonly collector?: { readonly name: string; readonly configVersions?: number };
}

/** Deletes owned objects not in `desired`; returns what was deleted (`deleted Kind ns/name`). */
export async function pruneObjects(ctx: ReconcileContext, owner: KubeObject, desired: KubeObject[], options: PruneOptions): Promise<string[]> {
  const wanted = new Set(desired.map((o) => keyOf({ kind: o.kind, namespace: isClusterScopedKind(o.kind) ? undefined : o.metadata.namespace, name: o.metadata.name! })));
  const namespace = owner.metadata.namespace;
  const deleted: string[] = [];
  const oldConfigMaps: KubeObject[] = [];
  const kinds = [...OWNED_KINDS.map((k) => k.kind), 'TargetAllocator'];
  for (const kind of kinds) {
    const informer = ctx.cache.informer(kind);
    if (!informer) continue;
    const clusterScoped = isClusterScopedKind(kind);
    // through the informers' indexes: a reconcile costs what its CR owns, not every object of the kind
    const candidates = clusterScoped ? informer.byIndex(BY_INSTANCE, instanceOf(owner))
      : [...options.ownerUids].flatMap((uid) => informer.byIndex(BY_CONTROLLER_UID, uid)).filter((o) => o.metadata.namespace === namespace);
    for (const obj of candidates) {
      if (wanted.has(keyOf({ kind, namespace: clusterScoped ? undefined : obj.metadata.namespace, name: obj.metadata.name! }))) continue;
      if (clusterScoped) {
        // cluster-scoped objects cannot have a namespaced owner: ours carry the CR's instance label
        if (obj.metadata.labels?.['app.kubernetes.io/instance'] !== instanceOf(owner)
          || obj.metadata.labels?.['app.kubernetes.io/managed-by'] !== 'opentelemetry-operator') continue;
        if (owner.kind !== 'OpenTelemetryCollector') continue;
      } else {
        const c = controllerOf(obj);
        if (!c?.uid || !options.ownerUids.has(c.uid)) continue;
      }
      if (kind === 'ConfigMap' && options.collector && isCollectorConfigMapName(options.collector.name, obj.metadata.name!)) {
        oldConfigMaps.push(obj);
        continue;
      }
      if (await ctx.writer.delete(obj)) deleted.push(`deleted ${describeObject(obj)}`);
    }
  }
  if (options.collector && oldConfigMaps.length) {
    const current = desired.find((o) => o.kind === 'ConfigMap' && isCollectorConfigMapName(options.collector!.name, o.metadata.name!));
    const { delete: expired } = selectConfigMapsToKeep(
      oldConfigMaps.map((c) => ({ name: c.metadata.name!, creationTimestamp: c.metadata.creationTimestamp as string | undefined, resourceVersion: c.metadata.resourceVersion as string | undefined })),
      current?.metadata.name ?? '', options.collector.configVersions ?? 3);
    for (const cm of oldConfigMaps.filter((c) => expired.includes(c.metadata.name!))) {
      if (await ctx.writer.delete(cm)) deleted.push(`deleted ${describeObject(cm)}`);
    }
  }
  return deleted;
}

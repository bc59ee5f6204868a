/**
 * The OpenTelemetryCollector controller: one reconcile per CR, level-triggered. Renders the desired objects
 * through `reconcileObjects` (the single path from a CR to objects, shared with `render` and the conformance
 * runner), writes only what differs from the live objects, prunes what the CR no longer wants, keeps a
 * finalizer while it owns cluster-scoped RBAC, and writes status and Events as upstream does. Bad input is a
 * Warning Event and a `Ready=False` condition, never a crash nor a retry loop; API errors are retried.
 */
import { InvalidInputError } from '../../common/errors';
import { describeObject, KubeObject } from '../../common/kube';
import { reconcileObjects } from '../../render';
import { TARGET_ALLOCATOR_LABEL } from '../../targetallocator';
import { KubeApiError } from '../../kube';
import { WorkResult } from '../queue';
import { applyObjects, pruneObjects } from './apply-set';
import {
  COLLECTOR_API_VERSION, COLLECTOR_FINALIZER, controllerOf, instanceOf, isClusterScopedKind, ReconcileContext, TARGET_ALLOCATOR_API_VERSION,
} from './context';
import { restartStaleSidecarWorkloads } from './sidecar-rollout';
import { addFinalizer, readyCondition, removeFinalizer, writeStatus } from './status';

interface CollectorSpec {
  mode?: string;
  managementState?: string;
  configVersions?: number;
}

/** The objects the operator wants for `cr`: its own and those of the TargetAllocator it generates. */
export function desiredForCollector(ctx: ReconcileContext, cr: KubeObject): KubeObject[] {
  const namespace = cr.metadata.namespace!;
  const taName = cr.metadata.labels?.[TARGET_ALLOCATOR_LABEL];
  const linked = taName ? ctx.cache.get(TARGET_ALLOCATOR_API_VERSION, 'TargetAllocator', namespace, taName) : undefined;
  const objects = reconcileObjects(linked ? [cr, linked] : [cr], { ...ctx.renderOptions, namespace });
  const generated = objects.find((o) => o.kind === 'TargetAllocator');
  // a linked standalone TargetAllocator's own objects belong to its controller
  return objects.filter((o) => {
    const owner = controllerOf(o);
    return !owner || owner.kind === 'OpenTelemetryCollector' || (owner.kind === 'TargetAllocator' && owner.name === generated?.metadata.name);
  });
}

export async function reconcileCollector(ctx: ReconcileContext, namespace: string, name: string): Promise<WorkResult | void> {
  const cr = ctx.cache.get(COLLECTOR_API_VERSION, 'OpenTelemetryCollector', namespace, name);
  if (!cr) return; // deleted: the garbage collector removes what it owned
  const log = ctx.log.child({ resource: describeObject(cr) });
  const spec = (cr.spec ?? {}) as CollectorSpec;
  if (cr.metadata.deletionTimestamp) return finalizeCollector(ctx, cr);
  if (spec.managementState === 'unmanaged') {
    log.debug({}, 'managementState unmanaged: not reconciled');
    return;
  }
  let desired: KubeObject[];
  try {
    desired = desiredForCollector(ctx, cr);
  } catch (e) {
    if (!(e instanceof InvalidInputError)) throw e;
    log.warn({ err: e.message }, 'invalid collector: nothing written');
    await ctx.events.record(cr, 'Warning', 'Error', e.message);
    await writeStatus(ctx, cr, { observedGeneration: cr.metadata.generation, conditions: [readyCondition(cr, 'ReconcileError', e.message)] });
    return;
  }
  try {
    if (desired.some((o) => isClusterScopedKind(o.kind))) await addFinalizer(ctx, cr, COLLECTOR_FINALIZER);
    const { changes, uids } = await applyObjects(ctx, cr, desired);
    const ownerUids = new Set([cr.metadata.uid as string]);
    for (const o of desired) if (o.kind === 'TargetAllocator' && uids.get(`TargetAllocator/${o.metadata.name}`)) ownerUids.add(uids.get(`TargetAllocator/${o.metadata.name}`)!);
    // a TargetAllocator this collector generated before (then disabled) is ours to prune, with its children
    for (const ta of ctx.cache.list('TargetAllocator', namespace)) if (controllerOf(ta)?.uid === cr.metadata.uid) ownerUids.add(ta.metadata.uid as string);
    const deleted = await pruneObjects(ctx, cr, desired, { ownerUids, collector: { name, configVersions: spec.configVersions } });
    const restarted = await restartStaleSidecarWorkloads(ctx, cr, desired);
    const all = [...changes, ...deleted, ...restarted];
    if (all.length) {
      log.info({ changes: all }, 'reconciled');
      await ctx.events.record(cr, 'Normal', changes.some((c) => c.startsWith('created')) && !cr.status ? 'Created' : 'Updated', summarize(all));
    }
  } catch (e) {
    const message = e instanceof KubeApiError ? e.message : String((e as Error).message ?? e);
    log.error({ err: message }, 'reconcile failed; retrying with backoff');
    await ctx.events.record(cr, 'Warning', 'Error', message);
    await writeStatus(ctx, cr, { observedGeneration: cr.metadata.generation, conditions: [readyCondition(cr, 'ReconcileError', message)] }).catch(() => undefined);
    throw e;
  }
  await writeStatus(ctx, cr, { ...collectorScale(ctx, cr, desired), observedGeneration: cr.metadata.generation, conditions: [readyCondition(cr, 'Reconciled', '')] });
}

/** `scale`, `image` and `version` as upstream's status handler fills them. */
function collectorScale(ctx: ReconcileContext, cr: KubeObject, desired: KubeObject[]): Record<string, unknown> {
  const status: Record<string, unknown> = {};
  const version = (cr.status as { version?: string } | undefined)?.version;
  if (!version) status.version = ctx.collectorVersion;
  const workload = desired.find((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind) && o.metadata.name === `${cr.metadata.name}-collector`);
  if (!workload) return status;
  const live = ctx.cache.informer(workload.kind)?.get(workload.metadata.namespace, workload.metadata.name!);
  const ws = (live?.status ?? {}) as Record<string, number | undefined>;
  const replicas = workload.kind === 'DaemonSet' ? ws.desiredNumberScheduled ?? 0 : ws.replicas ?? 0;
  const ready = workload.kind === 'DaemonSet' ? ws.numberReady ?? 0 : ws.readyReplicas ?? 0;
  const labels = workload.metadata.labels ?? {};
  const selector = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
  status.scale = { replicas, statusReplicas: `${ready}/${replicas}`, selector };
  const containers = ((live ?? workload).spec as { template?: { spec?: { containers?: Array<{ image?: string }> } } })?.template?.spec?.containers;
  if (containers?.[0]?.image) status.image = containers[0].image;
  return status;
}

/** Deletion: remove the cluster-scoped objects (no owner reference can reach them), then our finalizer. */
async function finalizeCollector(ctx: ReconcileContext, cr: KubeObject): Promise<void> {
  const finalizers = (cr.metadata.finalizers as string[] | undefined) ?? [];
  if (!finalizers.includes(COLLECTOR_FINALIZER)) return;
  for (const kind of ['ClusterRoleBinding', 'ClusterRole']) {
    for (const obj of ctx.cache.list(kind)) {
      if (obj.metadata.labels?.['app.kubernetes.io/instance'] === instanceOf(cr)
        && obj.metadata.labels?.['app.kubernetes.io/managed-by'] === 'opentelemetry-operator') await ctx.writer.delete(obj);
    }
  }
  try {
    // carries the resourceVersion the reconcile read: a change meanwhile is a 409 and the finalize is retried
    await removeFinalizer(ctx, cr, COLLECTOR_FINALIZER);
  } catch (e) {
    await ctx.events.record(cr, 'Warning', 'Error', (e as Error).message);
    throw e;
  }
  ctx.log.info({ resource: describeObject(cr) }, 'finalized: cluster-scoped objects deleted');
}

function summarize(changes: string[]): string {
  const text = changes.join(', ');
  return text.length > 900 ? `${text.slice(0, 900)}… (${changes.length} changes)` : text;
}

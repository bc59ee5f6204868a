/**
 * Status and finalizers of our CRs. Status is written through the status subresource with a merge patch, and
 * only when it differs from the live status (a no-op resync writes nothing); finalizer changes carry the
 * resourceVersion they were computed from, so a concurrent change makes them fail with 409 and the reconcile
 * is retried instead of overwriting someone else's finalizer.
 */
import { KubeObject, refOf } from '../../kube';
import { differences } from '../diff';
import { ReconcileContext } from './context';

export type ReadyReason = 'Reconciled' | 'ReconcileError';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

/** The `Ready` condition; keeps the live condition's transition time when its status did not change. */
export function readyCondition(cr: KubeObject, reason: ReadyReason, message: string, now: () => Date = () => new Date()): Condition {
  const status = reason === 'Reconciled' ? 'True' : 'False';
  const previous = ((cr.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready');
  return {
    type: 'Ready', status, reason, message,
    observedGeneration: cr.metadata.generation as number | undefined,
    lastTransitionTime: previous?.status === status && previous.lastTransitionTime ? previous.lastTransitionTime : now().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

/**
 * Merges `patch` into the live status (conditions merged by type) and writes it when something differs. Only
 * fields the CRD's status schema has may be written: anything else is pruned by the API server and would
 * differ again at every resync.
 */
export async function writeStatus(ctx: ReconcileContext, cr: KubeObject, patch: Record<string, unknown>): Promise<boolean> {
  const live = (cr.status ?? {}) as Record<string, unknown>;
  const next: Record<string, unknown> = { ...patch };
  if (patch.conditions) {
    const ours = patch.conditions as Condition[];
    const others = ((live.conditions as Condition[] | undefined) ?? []).filter((c) => !ours.some((o) => o.type === c.type));
    next.conditions = [...others, ...ours];
  }
  if (differences(next, live).length === 0) return false;
  await ctx.api.patch(refOf(cr), { status: next }, 'merge', { subresource: 'status' });
  return true;
}

export async function addFinalizer(ctx: ReconcileContext, cr: KubeObject, finalizer: string): Promise<void> {
  const finalizers = (cr.metadata.finalizers as string[] | undefined) ?? [];
  if (finalizers.includes(finalizer)) return;
  await ctx.api.patch(refOf(cr), { metadata: { finalizers: [...finalizers, finalizer], resourceVersion: cr.metadata.resourceVersion } }, 'merge');
}

export async function removeFinalizer(ctx: ReconcileContext, cr: KubeObject, finalizer: string): Promise<void> {
  const finalizers = (cr.metadata.finalizers as string[] | undefined) ?? [];
  if (!finalizers.includes(finalizer)) return;
  await ctx.api.patch(refOf(cr), { metadata: { finalizers: finalizers.filter((f) => f !== finalizer), resourceVersion: cr.metadata.resourceVersion } }, 'merge');
}

/**
 * Writes desired objects the way the controllers need: compare with the live object first and write nothing
 * when it already holds everything we set (see diff.ts), server-side apply with one field manager and force
 * otherwise, delete-and-recreate when the API server refuses a change to an immutable field (workload
 * selectors), and deletes with a uid precondition so we never delete an object someone re-created meanwhile.
 */
import { describeObject } from '../common/kube';
import { keepOwnedMetadata, writeReasons } from './diff';
import { KubeApi, KubeApiError, KubeObject, refOf } from '../kube';
import { Logger } from '../common/log';

export type WriteOutcome = 'unchanged' | 'created' | 'updated' | 'recreated';

/** Field manager of everything the operator writes. */
export const FIELD_MANAGER = 'cdk8s-otel-operator';

/** Kinds whose immutable fields we may change (the selector): recreated on a 422 "field is immutable". */
const RECREATABLE = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'PodDisruptionBudget', 'Job']);

export interface WriterStats {
  applies: number;
  deletes: number;
  skipped: number;
}

export class ObjectWriter {
  readonly stats: WriterStats = { applies: 0, deletes: 0, skipped: 0 };

  constructor(private readonly api: KubeApi, private readonly log: Logger, readonly fieldManager = FIELD_MANAGER) {}

  /** Makes `live` (undefined when absent) hold `desired`; returns what was done and the object as written. */
  async ensure(wanted: KubeObject, live: KubeObject | undefined): Promise<{ outcome: WriteOutcome; object: KubeObject }> {
    // labels and annotations merge over the live ones as upstream's do (a key removed from the CR stays)
    const desired = keepOwnedMetadata(wanted, live, this.fieldManager);
    const reasons = writeReasons(desired, live, this.fieldManager);
    if (reasons.length === 0) {
      this.stats.skipped++;
      return { outcome: 'unchanged', object: live! };
    }
    this.log.debug({ resource: describeObject(desired), reasons }, live ? 'updating' : 'creating');
    try {
      this.stats.applies++;
      const object = await this.api.apply(desired, { fieldManager: this.fieldManager, force: true });
      return { outcome: live ? 'updated' : 'created', object };
    } catch (e) {
      if (!isImmutableFieldError(e) || !RECREATABLE.has(desired.kind) || !live) throw e;
      this.log.info({ resource: describeObject(desired), err: (e as Error).message }, 'immutable field changed: deleting and creating again');
      await this.delete(live);
      this.stats.applies++;
      const object = await this.api.apply(desired, { fieldManager: this.fieldManager, force: true });
      return { outcome: 'recreated', object };
    }
  }

  /** Deletes this incarnation of `obj` (uid precondition); false when it was gone already. */
  async delete(obj: KubeObject, propagationPolicy: 'Background' | 'Foreground' = 'Background'): Promise<boolean> {
    this.stats.deletes++;
    try {
      return await this.api.delete(refOf(obj), { propagationPolicy, preconditions: obj.metadata.uid ? { uid: obj.metadata.uid } : undefined });
    } catch (e) {
      // 409: a different object of that name exists now (someone re-created it): not ours to delete
      if (e instanceof KubeApiError && e.statusCode === 409) return false;
      throw e;
    }
  }
}

export function isImmutableFieldError(e: unknown): boolean {
  return e instanceof KubeApiError && e.statusCode === 422 && /field is immutable/.test(e.serverMessage);
}

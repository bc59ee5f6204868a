/**
 * A controller: a work queue of `namespace/name` keys fed by informer events, and a reconcile function run for
 * each key with bounded concurrency, per-key backoff on failure, metrics and a log line per failure. Events of
 * owned objects map to their owner's key, so a changed or deleted child brings its CR back to the desired state.
 */
import { OperatorMetrics } from './metrics';
import { Informer } from '../kube';
import { KubeObject } from '../kube';
import { Logger } from '../common/log';
import { WorkQueue, WorkResult } from './queue';

export type Reconcile = (namespace: string, name: string) => Promise<WorkResult | void>;

export interface ControllerOptions {
  readonly name: string;
  readonly reconcile: Reconcile;
  /** @default 4 */
  readonly concurrency?: number;
  readonly metrics: OperatorMetrics;
  readonly log: Logger;
}

export class Controller {
  readonly queue: WorkQueue;
  private paused = true;
  private readonly pending = new Set<string>();

  constructor(private readonly options: ControllerOptions) {
    const { name, metrics } = options;
    this.queue = new WorkQueue((key) => this.process(key), {
      concurrency: options.concurrency ?? 4,
      observer: {
        added: () => metrics.queueAdds.inc({ name }),
        retried: () => metrics.queueRetries.inc({ name }),
        depth: (d) => metrics.queueDepth.set({ name }, d),
      },
    });
  }

  get name(): string {
    return this.options.name;
  }

  /** Enqueues the CR itself for every event of `informer`. */
  watchPrimary(informer: Informer): void {
    informer.on((_type, obj) => this.enqueue(obj.metadata.namespace, obj.metadata.name));
  }

  /** Enqueues the owner of kind `ownerKind` (through the controller reference) for every event of `informer`. */
  watchOwned(informer: Informer, ownerKind: string): void {
    this.watchMapped(informer, (o) => (o.metadata.ownerReferences ?? [])
      .filter((r) => r.controller && r.kind === ownerKind).map((r) => ({ namespace: o.metadata.namespace, name: r.name })));
  }

  /** Enqueues the CRs `mapper` names for every event of `informer` (old and new object alike). */
  watchMapped(informer: Informer, mapper: (obj: KubeObject) => Array<{ namespace?: string; name: string }>): void {
    informer.on((_type, obj, old) => {
      for (const o of [obj, old]) {
        if (!o) continue;
        for (const t of mapper(o)) this.enqueue(t.namespace, t.name);
      }
    });
  }

  enqueue(namespace: string | undefined, name: string | undefined): void {
    if (!name) return;
    const key = `${namespace ?? ''}/${name}`;
    // not the leader yet: remember, so the first reconcile pass covers it
    if (this.paused) this.pending.add(key);
    else this.queue.add(key);
  }

  /** Starts processing (on becoming leader). */
  start(): void {
    this.paused = false;
    for (const key of this.pending) this.queue.add(key);
    this.pending.clear();
  }

  async stop(): Promise<void> {
    this.paused = true;
    await this.queue.shutdown();
  }

  private async process(key: string): Promise<WorkResult | void> {
    const { name, metrics, log } = this.options;
    const slash = key.indexOf('/');
    const end = metrics.reconcileTime.startTimer({ controller: name });
    try {
      const result = await this.options.reconcile(key.slice(0, slash), key.slice(slash + 1));
      metrics.reconcileTotal.inc({ controller: name, result: result?.requeueAfterMs ? 'requeue_after' : 'success' });
      return result;
    } catch (e) {
      metrics.reconcileTotal.inc({ controller: name, result: 'error' });
      metrics.reconcileErrors.inc({ controller: name });
      log.warn({ controller: name, key, retries: this.queue.retries(key) + 1, err: (e as Error).message }, 'reconcile failed, requeued with backoff');
      throw e;
    } finally {
      end();
    }
  }
}

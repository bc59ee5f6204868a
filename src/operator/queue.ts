/**
 * The work queue of a controller, with controller-runtime's guarantees: a key is queued once however often it
 * is added (de-duplication), never processed by two workers at once (a key added while being processed is
 * processed again afterwards), failures are retried with per-key exponential backoff (5 ms doubling up to
 * 1000 s, reset on success), and at most `concurrency` keys are processed at the same time.
 */

export interface WorkQueueOptions {
  /** keys processed at the same time @default 1 */
  readonly concurrency?: number;
  /** first retry delay @default 5 */
  readonly baseDelayMs?: number;
  /** @default 1_000_000 */
  readonly maxDelayMs?: number;
  /** called on every add, retry, start and end of processing (metrics) */
  readonly observer?: QueueObserver;
}

export interface QueueObserver {
  added?(key: string): void;
  retried?(key: string, delayMs: number): void;
  depth?(depth: number): void;
}

/** What the worker says about a key it processed. */
export interface WorkResult {
  /** process the key again after this long (e.g. waiting for pods) @default - not again */
  readonly requeueAfterMs?: number;
}

export type Worker = (key: string) => Promise<WorkResult | void>;

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  /** added while processing: queue again when done */
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly idleWaiters: Array<() => void> = [];
  private running = 0;
  private stopped = false;

  constructor(private readonly worker: Worker, private readonly options: WorkQueueOptions = {}) {}

  /** Keys waiting (not counting those being processed or waiting for a retry). */
  get depth(): number {
    return this.queue.length;
  }

  add(key: string): void {
    if (this.stopped) return;
    this.options.observer?.added?.(key);
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.options.observer?.depth?.(this.queue.length);
    this.pump();
  }

  /** Adds `key` after `ms` (an earlier pending delayed add of the same key wins). */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) return this.add(key);
    const pending = this.timers.get(key);
    if (pending) return;
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    t.unref();
    this.timers.set(key, t);
  }

  /** Failures of `key` since its last success. */
  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Resolves when nothing is queued, processing, or waiting for a retry. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking keys; resolves when the keys being processed are done. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.queue.length = 0;
    this.queued.clear();
    if (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.running === 0 && this.timers.size === 0;
  }

  private pump(): void {
    const limit = this.options.concurrency ?? 1;
    while (!this.stopped && this.running < limit && this.queue.length > 0) {
      const key = this.queue.shift()!;
      this.queued.delete(key);
      this.processing.add(key);
      this.running++;
      this.options.observer?.depth?.(this.queue.length);
      void this.process(key);
    }
  }

  private async process(key: string): Promise<void> {
    let requeueAfter: number | undefined;
    try {
      const result = await this.worker(key);
      this.failures.delete(key);
      requeueAfter = result?.requeueAfterMs;
    } catch {
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      requeueAfter = Math.min((this.options.baseDelayMs ?? 5) * 2 ** (n - 1), this.options.maxDelayMs ?? 1_000_000);
      this.options.observer?.retried?.(key, requeueAfter);
    } finally {
      this.processing.delete(key);
      this.running--;
    }
    if (this.dirty.delete(key)) this.add(key);
    else if (requeueAfter !== undefined) this.addAfter(key, requeueAfter);
    this.pump();
    if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
  }
}

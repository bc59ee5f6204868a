/**
 * An informer as controller-runtime has it: list, then watch from the list's resourceVersion, keeping an
 * in-memory copy of every object. Like client-go's reflector, a watch that ends or breaks (server timeout,
 * connection reset, API server restart, 429 or 5xx) is resumed from the last resourceVersion seen, with backoff
 * while it keeps failing, so a restarted API server costs one watch per informer, not a list of everything; it
 * relists only when it must: the resourceVersion expired (410 Gone), a list failed, or the server refused the
 * watch for another reason (e.g. 403). A periodic resync hands every cached object to the handler again
 * (level-triggered controllers converge even if an event was missed). Depends only on {@link KubeApi}.
 */
import { KubeApi, KubeObject, keyOf, WatchEvent, WatchHandle } from './api';
import { Logger, silentLogger } from '../common/log';

export type InformerEventType = 'add' | 'update' | 'delete' | 'resync';
export type InformerHandler = (type: InformerEventType, obj: KubeObject, old?: KubeObject) => void;
/** The values under which an object is found in an index (e.g. its controller's uid); none: not indexed. */
export type IndexFunc = (obj: KubeObject) => readonly string[];

export interface InformerOptions {
  readonly apiVersion: string;
  readonly kind: string;
  /** namespaces to watch, one list+watch each @default - all namespaces */
  readonly namespaces?: readonly string[];
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** every cached object is handed to the handlers again this often; 0 turns it off @default 0 */
  readonly resyncMs?: number;
  /** first wait after a failed list or watch; doubles up to `maxBackoffMs` @default 500 */
  readonly backoffMs?: number;
  /** @default 30000 */
  readonly maxBackoffMs?: number;
  /** server-side timeout of each watch request @default 300 */
  readonly watchTimeoutSeconds?: number;
  readonly log?: Logger;
}

/** Counters a test (or /metrics) can read. */
export interface InformerStats {
  lists: number;
  watches: number;
  /** relists caused by 410 Gone */
  expired: number;
  /** relists caused by a failed list or a watch the server refused (not 410, 429 or 5xx) */
  errors: number;
  /** watches resumed from the last resourceVersion after the stream broke or could not be opened (no relist) */
  resumes: number;
}

/** Why a watch loop handed back to `run`: relist (the resourceVersion is unusable), or resume from where it got. */
type WatchEnd = 'expired' | 'refused' | 'stopped';

/**
 * A watch failure after which the same resourceVersion can be watched again (client-go's
 * `isWatchErrorRetriable` plus its 429 and internal-error retries): no HTTP status (connection refused or reset,
 * stream cut), 429 or a 5xx. Anything else with a status (403, 404...) means the watch cannot go on: relist.
 */
export function isResumable(err: unknown): boolean {
  const code = statusOf(err);
  return code === undefined || code === 429 || code >= 500;
}

function statusOf(err: unknown): number | undefined {
  const e = err as { statusCode?: unknown; code?: unknown } | undefined;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  return typeof e?.code === 'number' ? e.code : undefined;
}

export class Informer {
  private readonly objects = new Map<string, KubeObject>();
  /** index name → value → keys of the objects (the namespace index is always there: `list(namespace)`) */
  private readonly indexes = new Map<string, { fn: IndexFunc; keys: Map<string, Set<string>> }>();
  private readonly handlers: InformerHandler[] = [];
  private readonly watches = new Set<WatchHandle>();
  private readonly loops: Promise<void>[] = [];
  private stopped = false;
  private synced = 0;
  private resyncTimer?: NodeJS.Timeout;
  private readonly wakers = new Set<() => void>();
  readonly stats: InformerStats = { lists: 0, watches: 0, expired: 0, errors: 0, resumes: 0 };
  private readonly log: Logger;

  constructor(private readonly api: KubeApi, readonly options: InformerOptions) {
    this.log = options.log ?? silentLogger;
    this.addIndex(NAMESPACE_INDEX, (o) => [o.metadata.namespace ?? '']);
  }

  /**
   * Keeps the objects findable by the values `fn` gives them, so a look-up costs what it finds, not the whole
   * cache (a reconcile that lists "what this CR owns" among thousands of objects). Add before `start()`.
   */
  addIndex(name: string, fn: IndexFunc): void {
    if (this.indexes.has(name)) throw new Error(`informer ${this.options.kind}: index ${name} added twice`);
    const keys = new Map<string, Set<string>>();
    this.indexes.set(name, { fn, keys });
    for (const [key, obj] of this.objects) for (const v of fn(obj)) addTo(keys, v, key);
  }

  /** The cached objects that index `name` files under `value`. */
  byIndex(name: string, value: string): KubeObject[] {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`informer ${this.options.kind}: no index ${name}`);
    return [...index.keys.get(value) ?? []].map((k) => this.objects.get(k)!);
  }

  get kind(): string {
    return this.options.kind;
  }

  on(handler: InformerHandler): void {
    this.handlers.push(handler);
  }

  /** Starts the list+watch loops; resolves once every namespace has been listed (the cache is complete). */
  async start(): Promise<void> {
    const scopes = this.options.namespaces?.length ? this.options.namespaces : [undefined];
    const firstSync = scopes.map((ns) => new Promise<void>((resolve) => this.loops.push(this.run(ns, resolve))));
    if (this.options.resyncMs) {
      this.resyncTimer = setInterval(() => this.resync(), this.options.resyncMs);
      this.resyncTimer.unref();
    }
    await Promise.all(firstSync);
  }

  /** True once every namespace has been listed. */
  get hasSynced(): boolean {
    const scopes = this.options.namespaces?.length ?? 1;
    return this.synced >= scopes;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    for (const w of this.watches) w.stop();
    for (const wake of this.wakers) wake();
    await Promise.allSettled(this.loops);
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(keyOf({ kind: this.options.kind, namespace, name }));
  }

  list(namespace?: string): KubeObject[] {
    return namespace === undefined ? [...this.objects.values()] : this.byIndex(NAMESPACE_INDEX, namespace);
  }

  /** Hands every cached object to the handlers as `resync`. */
  resync(): void {
    for (const obj of this.objects.values()) this.emit('resync', obj);
  }

  private emit(type: InformerEventType, obj: KubeObject, old?: KubeObject): void {
    for (const h of this.handlers) {
      try {
        h(type, obj, old);
      } catch (e) {
        this.log.error({ err: String(e), kind: this.options.kind }, 'informer handler failed');
      }
    }
  }

  private async run(namespace: string | undefined, onFirstSync: () => void): Promise<void> {
    const initialBackoff = this.options.backoffMs ?? 500;
    let backoff = initialBackoff;
    /** where the next watch starts; undefined: list first */
    const cursor: { rv?: string } = {};
    let first = true;
    while (!this.stopped) {
      let listing = cursor.rv === undefined;
      try {
        if (listing) {
          cursor.rv = await this.relist(namespace);
          listing = false;
          backoff = initialBackoff;
          if (first) {
            first = false;
            this.synced++;
            onFirstSync();
          }
        }
        const end = await this.watchFrom(namespace, cursor as { rv: string }, () => (backoff = initialBackoff));
        if (end === 'stopped') continue;
        if (end === 'expired') this.stats.expired++;
        else this.stats.errors++;
        cursor.rv = undefined;
        if (end === 'refused') backoff = await this.backoff(backoff);
      } catch (e) {
        if (this.stopped) break;
        const retryInMs = backoff;
        if (listing) {
          this.stats.errors++;
          this.log.warn({ kind: this.options.kind, namespace, err: (e as Error).message, retryInMs }, 'list failed, relisting after backoff');
        } else {
          this.stats.resumes++;
          this.log.warn({ kind: this.options.kind, namespace, err: (e as Error).message, resourceVersion: cursor.rv, retryInMs },
            'watch failed, resuming from the last resourceVersion after backoff');
        }
        backoff = await this.backoff(backoff);
      }
    }
  }

  /** Lists and reconciles the cache with the list: adds, updates, and deletes for objects gone meanwhile. */
  private async relist(namespace: string | undefined): Promise<string> {
    const { apiVersion, kind, labelSelector, fieldSelector } = this.options;
    const list = await this.api.list(apiVersion, kind, { namespace, labelSelector, fieldSelector });
    this.stats.lists++;
    const seen = new Set<string>();
    for (const obj of list.items) {
      const key = keyOf({ kind, namespace: obj.metadata.namespace, name: obj.metadata.name! });
      seen.add(key);
      this.upsert(key, obj);
    }
    for (const [key, obj] of this.objects) {
      if (seen.has(key) || (namespace !== undefined && obj.metadata.namespace !== namespace)) continue;
      this.remove(key);
      this.emit('delete', obj);
    }
    return list.resourceVersion;
  }

  private upsert(key: string, obj: KubeObject): void {
    const old = this.objects.get(key);
    this.objects.set(key, obj);
    this.reindex(key, old, obj);
    if (!old) this.emit('add', obj);
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit('update', obj, old);
  }

  /** Takes `key` out of the cache and its indexes; returns what was there. */
  private remove(key: string): KubeObject | undefined {
    const old = this.objects.get(key);
    if (!old) return undefined;
    this.objects.delete(key);
    this.reindex(key, old, undefined);
    return old;
  }

  /** Moves `key` from the index values of `old` to those of `obj` (unchanged values keep their place: list order). */
  private reindex(key: string, old: KubeObject | undefined, obj: KubeObject | undefined): void {
    for (const { fn, keys } of this.indexes.values()) {
      const before = old ? fn(old) : [];
      const after = obj ? fn(obj) : [];
      for (const v of before) {
        if (after.includes(v)) continue;
        const set = keys.get(v);
        set?.delete(key);
        if (set?.size === 0) keys.delete(v);
      }
      for (const v of after) addTo(keys, v, key);
    }
  }

  /**
   * Watches from `cursor.rv`, moving it along with every event, and re-watches from there when the server ends
   * the stream normally. Returns when a relist is needed (`expired`: 410 Gone; `refused`: an ERROR event or a
   * status the watch cannot go on after) or when stopped; throws a resumable failure (see {@link isResumable})
   * for `run` to resume after backoff. `onProgress` is called when an event arrives (the backoff starts over).
   */
  private async watchFrom(namespace: string | undefined, cursor: { rv: string }, onProgress: () => void): Promise<WatchEnd> {
    const { apiVersion, kind, labelSelector, fieldSelector } = this.options;
    while (!this.stopped) {
      let errorEvent: { code?: number; message?: string } | undefined;
      const onEvent = (ev: WatchEvent) => {
        if (ev.type === 'ERROR') {
          errorEvent = ev.object as { code?: number; message?: string };
          handle?.stop();
          return;
        }
        onProgress();
        const obj = ev.object;
        if (obj.metadata?.resourceVersion) cursor.rv = String(obj.metadata.resourceVersion);
        if (ev.type === 'BOOKMARK') return;
        const key = keyOf({ kind, namespace: obj.metadata.namespace, name: obj.metadata.name! });
        if (ev.type === 'DELETED') {
          const old = this.remove(key);
          this.emit('delete', old ?? obj);
        } else {
          this.upsert(key, obj);
        }
      };
      let handle: WatchHandle | undefined;
      try {
        handle = await this.api.watch(apiVersion, kind, {
          namespace, labelSelector, fieldSelector, resourceVersion: cursor.rv, timeoutSeconds: this.options.watchTimeoutSeconds ?? 300,
        }, onEvent);
        this.watches.add(handle);
        try {
          await handle.done;
        } finally {
          this.watches.delete(handle);
        }
      } catch (e) {
        if (this.stopped) return 'stopped';
        if (statusOf(e) === 410) errorEvent = { code: 410, message: (e as Error).message };
        else if (isResumable(e)) throw e;
        else {
          this.log.warn({ kind, namespace, err: (e as Error).message }, 'watch refused, relisting after backoff');
          return 'refused';
        }
      }
      this.stats.watches++;
      if (errorEvent) {
        const code = errorEvent.code;
        if (code === 410) {
          this.log.info({ kind, namespace, resourceVersion: cursor.rv }, 'watch expired (410 Gone), relisting');
          return 'expired';
        }
        if (isResumable(errorEvent)) throw Object.assign(new Error(`watch error event: ${code} ${errorEvent.message ?? ''}`.trim()), { statusCode: code ?? 500 });
        this.log.warn({ kind, namespace, status: errorEvent }, 'watch error event, relisting after backoff');
        return 'refused';
      }
    }
    return 'stopped';
  }

  /** Waits `ms`, then returns the next wait (doubled, up to `maxBackoffMs`). */
  private async backoff(ms: number): Promise<number> {
    await this.sleep(ms);
    return Math.min(ms * 2, this.options.maxBackoffMs ?? 30_000);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(t);
        this.wakers.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }
}

const NAMESPACE_INDEX = 'namespace';

function addTo(index: Map<string, Set<string>>, value: string, key: string): void {
  let set = index.get(value);
  if (!set) index.set(value, (set = new Set()));
  set.add(key);
}

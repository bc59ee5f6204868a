/**
 * An in-memory KubeApi for the operator's and the webhook runtime's unit tests: objects with resourceVersions and
 * uids, list, watch (events pushed to open watches), apply as a merge (no managedFields), merge and JSON patches,
 * status subresource, deletes; 409 on a create of an existing object and on a write carrying a stale
 * resourceVersion; injectable failures and a hook to run something between a caller's read and its write
 * (another replica, a concurrent writer). Every call is recorded so tests can assert what was (not) written.
 */
import { applyPatch, Operation } from 'fast-json-patch';
import {
  ApplyOptions, DeleteOptions, KubeApi, KubeApiError, KubeObject, ListOptions, ObjectList, ObjectRef, PatchType, ServedResource,
  WatchEvent, WatchHandle, WatchOptions, keyOf,
} from '../../src/kube';

export interface Call {
  verb: string;
  kind: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);

/** JSON merge patch (RFC 7386): null removes a key, objects merge, anything else replaces. */
function merge(a: any, b: any): any {
  if (b === null) return undefined;
  if (typeof b !== 'object' || Array.isArray(b)) return b;
  const base = typeof a === 'object' && a !== null && !Array.isArray(a) ? a : {};
  const out = { ...base };
  for (const [k, v] of Object.entries(b)) {
    const m = merge(base[k], v);
    if (m === undefined) delete out[k];
    else out[k] = m;
  }
  return out;
}

export class FakeKubeApi implements KubeApi {
  readonly objects = new Map<string, KubeObject>();
  readonly calls: Call[] = [];
  private rv = 100;
  private uid = 0;
  private readonly watchers = new Set<{ kind: string; namespace?: string; push: (e: WatchEvent) => void; fail: (e: Error) => void }>();
  /** the resourceVersion each watch started from, in call order */
  readonly watchVersions: Array<string | undefined> = [];
  /** throw this for the next call matching (verb, kind), once */
  readonly failures: Array<{ verb: string; kind: string; error: Error }> = [];
  /** every write as `VERB Kind/namespace/name` (`POST`, `PUT`, `PATCH(merge|json|strategic|apply)`, `DELETE`) */
  readonly writes: string[] = [];
  /** Namespaces that do not exist: a create there is a 404, as the API server answers. */
  readonly missingNamespaces = new Set<string>();
  /**
   * What (Self)SubjectAccessReviews answer: allowed, unless this says no for the review's spec. They are answered,
   * not stored nor counted as writes, as the API server does. @default - everything allowed
   */
  accessAllowed: (spec: any) => boolean = () => true;
  /** What `/version` answers. */
  version = { major: '1', minor: '36' };
  /** Runs once before the next write, e.g. to let "another replica" write between a caller's read and its write. */
  beforeNextWrite?: () => void;

  /** The calls that write (not get, list, watch, served). */
  writeCalls(): Call[] {
    return this.calls.filter((c) => !['get', 'list', 'watch', 'served'].includes(c.verb) && !c.kind.endsWith('AccessReview'));
  }

  asApi(): KubeApi {
    return this;
  }

  private write(verb: string, kind: string, namespace: string | undefined, name: string | undefined): void {
    const hook = this.beforeNextWrite;
    this.beforeNextWrite = undefined;
    hook?.();
    this.writes.push(`${verb} ${this.key(kind, namespace, name ?? '')}`);
  }

  private fail(verb: string, kind: string): void {
    const i = this.failures.findIndex((f) => f.verb === verb && f.kind === kind);
    if (i !== -1) throw this.failures.splice(i, 1)[0].error;
  }

  private key(kind: string, namespace: string | undefined, name: string): string {
    return keyOf({ kind, namespace: CLUSTER_SCOPED.has(kind) ? undefined : namespace, name });
  }

  private store(obj: KubeObject, type: 'ADDED' | 'MODIFIED'): KubeObject {
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } } as KubeObject;
    this.objects.set(this.key(obj.kind, obj.metadata.namespace, obj.metadata.name!), stored);
    this.notify(type, stored);
    return stored;
  }

  private notify(type: WatchEvent['type'], obj: KubeObject): void {
    for (const w of this.watchers) if (w.kind === obj.kind && (!w.namespace || w.namespace === obj.metadata.namespace)) w.push({ type, object: obj });
  }

  /** Stores `obj` as it is, with a new resourceVersion, as someone else would (no call recorded); returns a copy. */
  put(obj: KubeObject): KubeObject {
    const existing = this.objects.get(this.key(obj.kind, obj.metadata.namespace, obj.metadata.name!));
    return structuredClone(this.store(structuredClone(obj), existing ? 'MODIFIED' : 'ADDED'));
  }

  /** Puts an object as someone else would (no call recorded), with a uid, generation and creation time. */
  seed(obj: KubeObject): KubeObject {
    const existing = this.objects.get(this.key(obj.kind, obj.metadata.namespace, obj.metadata.name!));
    const withUid = { ...obj, metadata: { uid: existing?.metadata.uid ?? `uid-${++this.uid}`, generation: 1, creationTimestamp: new Date(Date.now() + this.uid).toISOString(), ...obj.metadata } };
    return this.store(withUid as KubeObject, existing ? 'MODIFIED' : 'ADDED');
  }

  /** Ends every open watch with a 410 Gone ERROR event (the resourceVersion expired). */
  expireWatches(): void {
    for (const w of [...this.watchers]) w.push({ type: 'ERROR', object: { apiVersion: 'v1', kind: 'Status', metadata: {}, code: 410, reason: 'Expired' } as KubeObject });
  }

  /** Breaks every open watch's stream with `error` (a connection reset, an API server going away). */
  breakWatches(error: Error): void {
    for (const w of [...this.watchers]) w.fail(error);
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    this.calls.push({ verb: 'get', kind: ref.kind, namespace: ref.namespace, name: ref.name });
    this.fail('get', ref.kind);
    const o = this.objects.get(this.key(ref.kind, ref.namespace, ref.name));
    return o && structuredClone(o);
  }

  async list(_apiVersion: string, kind: string, options: ListOptions = {}): Promise<ObjectList> {
    this.calls.push({ verb: 'list', kind, namespace: options.namespace });
    this.fail('list', kind);
    const items = [...this.objects.values()].filter((o) => o.kind === kind && (!options.namespace || o.metadata.namespace === options.namespace)
      && (!options.labelSelector || options.labelSelector.split(',').every((s) => { const [k, v] = s.split('='); return o.metadata.labels?.[k] === v; })));
    return { items, resourceVersion: String(this.rv) };
  }

  async watch(_apiVersion: string, kind: string, options: WatchOptions, onEvent: (e: WatchEvent) => void): Promise<WatchHandle> {
    this.calls.push({ verb: 'watch', kind, namespace: options.namespace });
    this.watchVersions.push(options.resourceVersion);
    this.fail('watch', kind);
    let end!: () => void;
    let reject!: (e: Error) => void;
    const done = new Promise<void>((resolve, rej) => ((end = resolve), (reject = rej)));
    const w = { kind, namespace: options.namespace, push: (e: WatchEvent) => {
      onEvent(e);
      if (e.type === 'ERROR') stop();
    }, fail: (e: Error) => {
      this.watchers.delete(w);
      reject(e);
    } };
    const stop = () => {
      this.watchers.delete(w);
      end();
    };
    this.watchers.add(w);
    return { stop, done };
  }

  async apply(obj: KubeObject, options: ApplyOptions): Promise<KubeObject> {
    this.calls.push({ verb: 'apply', kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, subresource: options.subresource });
    this.fail('apply', obj.kind);
    this.write('PATCH(apply)', obj.kind, obj.metadata.namespace, obj.metadata.name);
    const existing = this.objects.get(this.key(obj.kind, obj.metadata.namespace, obj.metadata.name!));
    if (!existing) return this.store({ ...obj, metadata: { ...obj.metadata, uid: `uid-${++this.uid}`, creationTimestamp: new Date(Date.now() + this.uid).toISOString() } }, 'ADDED');
    return this.store(merge(existing, obj), 'MODIFIED');
  }

  async create(obj: KubeObject): Promise<KubeObject> {
    this.calls.push({ verb: 'create', kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name });
    this.fail('create', obj.kind);
    if (obj.kind.endsWith('AccessReview')) return { ...obj, status: { allowed: this.accessAllowed((obj as { spec?: unknown }).spec) } } as KubeObject;
    this.write('POST', obj.kind, obj.metadata.namespace, obj.metadata.name);
    if (obj.metadata.namespace && this.missingNamespaces.has(obj.metadata.namespace)) {
      throw new KubeApiError(`POST ${obj.kind}`, 404, 'NotFound', `namespaces "${obj.metadata.namespace}" not found`);
    }
    const name = obj.metadata.name ?? `${obj.metadata.generateName ?? ''}${++this.uid}`;
    if (this.objects.has(this.key(obj.kind, obj.metadata.namespace, name))) throw new KubeApiError(`POST ${obj.kind}`, 409, 'AlreadyExists', `${name} already exists`);
    return this.store({ ...obj, metadata: { ...obj.metadata, name, uid: `uid-${++this.uid}` } }, 'ADDED');
  }

  async replace(obj: KubeObject, options: { subresource?: 'status' } = {}): Promise<KubeObject> {
    this.calls.push({ verb: 'replace', kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, subresource: options.subresource });
    this.fail('replace', obj.kind);
    this.write('PUT', obj.kind, obj.metadata.namespace, obj.metadata.name);
    const existing = this.objects.get(this.key(obj.kind, obj.metadata.namespace, obj.metadata.name!));
    if (!existing) throw new KubeApiError(`PUT ${obj.kind}`, 404, 'NotFound', 'not found');
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== existing.metadata.resourceVersion) {
      throw new KubeApiError(`PUT ${obj.kind}`, 409, 'Conflict', 'the object has been modified; please apply your changes to the latest version and try again');
    }
    return this.store(obj, 'MODIFIED');
  }

  async patch(ref: ObjectRef, patch: unknown, type: PatchType, options: { subresource?: string } = {}): Promise<KubeObject> {
    this.calls.push({ verb: 'patch', kind: ref.kind, namespace: ref.namespace, name: ref.name, subresource: options.subresource });
    this.fail('patch', ref.kind);
    this.write(`PATCH(${type})`, ref.kind, ref.namespace, ref.name);
    const existing = this.objects.get(this.key(ref.kind, ref.namespace, ref.name));
    if (!existing) throw new KubeApiError(`PATCH ${ref.kind}`, 404, 'NotFound', 'not found');
    if (type === 'json') return this.store(applyPatch(structuredClone(existing), patch as Operation[], true, false).newDocument, 'MODIFIED');
    const rv = (patch as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
    if (rv && rv !== existing.metadata.resourceVersion) throw new KubeApiError(`PATCH ${ref.kind}`, 409, 'Conflict', 'the object has been modified');
    const merged = merge(existing, patch) as KubeObject;
    if (merged.metadata.deletionTimestamp && !(merged.metadata.finalizers as string[] | undefined)?.length) {
      this.objects.delete(this.key(ref.kind, ref.namespace, ref.name));
      this.notify('DELETED', merged);
      return merged;
    }
    return this.store(merged, 'MODIFIED');
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<boolean> {
    this.calls.push({ verb: 'delete', kind: ref.kind, namespace: ref.namespace, name: ref.name });
    this.fail('delete', ref.kind);
    this.write('DELETE', ref.kind, ref.namespace, ref.name);
    const key = this.key(ref.kind, ref.namespace, ref.name);
    const existing = this.objects.get(key);
    if (!existing) return false;
    if (options.preconditions?.uid && options.preconditions.uid !== existing.metadata.uid) throw new KubeApiError('DELETE', 409, 'Conflict', 'uid precondition');
    if ((existing.metadata.finalizers as string[] | undefined)?.length) {
      this.store({ ...existing, metadata: { ...existing.metadata, deletionTimestamp: new Date().toISOString() } }, 'MODIFIED');
      return true;
    }
    this.objects.delete(key);
    this.notify('DELETED', existing);
    return true;
  }

  async served(_apiVersion: string, kind: string): Promise<ServedResource | undefined> {
    this.calls.push({ verb: 'served', kind });
    if (['ServiceMonitor', 'PodMonitor', 'Route', 'HTTPRoute', 'Certificate'].includes(kind)) return undefined;
    return { name: `${kind.toLowerCase()}s`, namespaced: !CLUSTER_SCOPED.has(kind) };
  }

  async getRaw(path: string): Promise<string> {
    if (path === '/version') return JSON.stringify(this.version);
    return '';
  }
}

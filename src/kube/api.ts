/**
 * The operator's view of the Kubernetes API: the few verbs the controllers, informers, leader election and the
 * webhook server need, and nothing of any client library. Every module of the operator depends on this
 * interface only; `client-node.ts` implements it over @kubernetes/client-node for the running process (jest cannot
 * load that ESM package), unit tests give it a fake.
 */
import type { KubeObject } from '../common/kube';

export type { KubeObject };

/** Which object: `apiVersion` and `kind` resolve to a resource through discovery. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  /** absent for cluster-scoped kinds */
  readonly namespace?: string;
  readonly name: string;
}

export interface ListOptions {
  /** one namespace; all namespaces when absent (namespaced kinds) */
  readonly namespace?: string;
  /** e.g. `app.kubernetes.io/managed-by=opentelemetry-operator` */
  readonly labelSelector?: string;
  /** e.g. `metadata.name=kubernetes` */
  readonly fieldSelector?: string;
}

export interface ObjectList {
  readonly items: KubeObject[];
  /** the list's resourceVersion, where a watch resumes */
  readonly resourceVersion: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One line of a watch. For `ERROR`, `object` is a `Status` (code 410 Gone: the resourceVersion expired). */
export interface WatchEvent {
  readonly type: WatchEventType;
  readonly object: KubeObject;
}

export interface WatchOptions extends ListOptions {
  /** resume after this resourceVersion (from a list or the last event seen) */
  readonly resourceVersion: string;
  /** server-side timeout; the watch then ends normally and is restarted by the caller @default 300 */
  readonly timeoutSeconds?: number;
}

/** A running watch. */
export interface WatchHandle {
  /** ends the watch; `done` then resolves without error */
  stop(): void;
  /** resolves when the stream ends (server timeout, stop), rejects with the transport error otherwise */
  readonly done: Promise<void>;
}

export interface ApplyOptions {
  /** recorded in managedFields; the operator uses one for everything it writes */
  readonly fieldManager: string;
  /** take the fields another manager owns (ours by definition) @default true */
  readonly force?: boolean;
  /** `status` to apply to the status subresource @default - the object */
  readonly subresource?: 'status';
}

export type PatchType = 'merge' | 'json' | 'strategic';

export interface PatchOptions {
  readonly fieldManager?: string;
  readonly subresource?: 'status' | 'scale';
}

export interface DeleteOptions {
  /** @default - the kind's default (Background for most) */
  readonly propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  /** delete only this incarnation / this version of the object (409 Conflict otherwise) */
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

/** How a kind is served: its plural resource name and scope. */
export interface ServedResource {
  readonly name: string;
  readonly namespaced: boolean;
}

export interface KubeApi {
  /** The object, or undefined when it does not exist (404). */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  list(apiVersion: string, kind: string, options?: ListOptions): Promise<ObjectList>;
  /** Streams changes after `options.resourceVersion` to `onEvent` until stopped or the stream ends. */
  watch(apiVersion: string, kind: string, options: WatchOptions, onEvent: (event: WatchEvent) => void): Promise<WatchHandle>;
  /** Server-side apply (creates when absent). */
  apply(obj: KubeObject, options: ApplyOptions): Promise<KubeObject>;
  create(obj: KubeObject, options?: { readonly fieldManager?: string }): Promise<KubeObject>;
  /** PUT: the whole object, with `metadata.resourceVersion` for optimistic concurrency (409 when stale). */
  replace(obj: KubeObject, options?: { readonly fieldManager?: string; readonly subresource?: 'status' }): Promise<KubeObject>;
  /** `merge` takes a partial object, `json` an RFC 6902 operation list, `strategic` a strategic merge patch. */
  patch(ref: ObjectRef, patch: unknown, type: PatchType, options?: PatchOptions): Promise<KubeObject>;
  /** Deletes; false when it was already gone (404). */
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<boolean>;
  /** Discovery: how `kind` of `apiVersion` is served, undefined when it is not (CRD absent, API group off). */
  served(apiVersion: string, kind: string): Promise<ServedResource | undefined>;
  /** GET of a non-resource path (e.g. `/version`, `/metrics`) as text. */
  getRaw(path: string): Promise<string>;
}

/** A non-2xx answer of the API server, with the HTTP status and the `Status` reason and message it sent. */
export class KubeApiError extends Error {
  constructor(
    /** what was being done, e.g. `PATCH /api/v1/namespaces/x/configmaps/y` */
    readonly operation: string,
    readonly statusCode: number,
    /** the Status `reason` (e.g. `Conflict`, `NotFound`, `Invalid`, `Expired`), or the HTTP status text */
    readonly reason: string,
    /** the Status `message` */
    readonly serverMessage: string,
    /** the Status object as sent, when there was one */
    readonly status?: unknown,
  ) {
    super(`${operation}: ${statusCode} ${reason}: ${serverMessage}`);
    this.name = 'KubeApiError';
  }

  /** A 409 Conflict (stale resourceVersion, or a create that found the object). */
  get isConflict(): boolean {
    return this.statusCode === 409;
  }

  /** 410 Gone: the resourceVersion a list or watch started from is too old. */
  get isExpired(): boolean {
    return this.statusCode === 410;
  }
}

/** True when `e` is the API server's 404. */
export function isNotFound(e: unknown): boolean {
  return e instanceof KubeApiError && e.statusCode === 404;
}

/** `group/version` split; the core group is ''. */
export function groupVersionOf(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i === -1 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** `/api/v1` or `/apis/group/version`. */
export function apiPrefix(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** The reference of an object (its apiVersion, kind, namespace and name). */
export function refOf(obj: KubeObject): ObjectRef {
  if (!obj.metadata?.name) throw new Error(`${obj.kind} has no metadata.name`);
  return { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name };
}

/** `kind/namespace/name`, the key under which caches and the work queue hold an object. */
export function keyOf(ref: { kind: string; namespace?: string; name: string }): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

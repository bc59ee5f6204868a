/**
 * An in-memory KubeApi for the webhook runtime's unit tests: objects by kind/namespace/name with resourceVersions,
 * 409 on a create of an existing object or a replace with a stale resourceVersion, JSON and merge patches, and a
 * hook to run something between a caller's read and its write (another replica).
 */
import { applyPatch, Operation } from 'fast-json-patch';
import type { KubeObject } from '../../../src/common/kube';
import { KubeApi, KubeApiError, ObjectRef } from '../../../src/kube';

export class FakeKubeApi implements Partial<KubeApi> {
  readonly objects = new Map<string, KubeObject>();
  readonly writes: string[] = [];
  /** Namespaces that do not exist: a create there is a 404, as the API server answers. */
  readonly missingNamespaces = new Set<string>();
  /** What `/version` answers. */
  version = { major: '1', minor: '36' };
  /** Runs once before the next write (create/replace/patch/apply), e.g. to let "another replica" write first. */
  beforeNextWrite?: () => void;
  private rv = 1;

  private key(ref: { kind: string; namespace?: string; name?: string }): string {
    return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
  }

  /** Stores `obj` as the server would (new resourceVersion), without counting a write. */
  put(obj: KubeObject): KubeObject {
    const stored = { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } } as KubeObject;
    this.objects.set(this.key({ kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name }), stored);
    return structuredClone(stored);
  }

  private write(verb: string, ref: { kind: string; namespace?: string; name?: string }): void {
    const hook = this.beforeNextWrite;
    this.beforeNextWrite = undefined;
    hook?.();
    this.writes.push(`${verb} ${this.key(ref)}`);
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const o = this.objects.get(this.key(ref));
    return o && structuredClone(o);
  }

  async create(obj: KubeObject): Promise<KubeObject> {
    this.write('POST', { kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name });
    if (obj.metadata.namespace && this.missingNamespaces.has(obj.metadata.namespace)) {
      throw new KubeApiError(`POST ${obj.kind}`, 404, 'NotFound', `namespaces "${obj.metadata.namespace}" not found`);
    }
    if (this.objects.has(this.key({ kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name }))) {
      throw new KubeApiError(`POST ${obj.kind}`, 409, 'AlreadyExists', `${obj.kind} "${obj.metadata.name}" already exists`);
    }
    return this.put(obj);
  }

  async replace(obj: KubeObject): Promise<KubeObject> {
    const ref = { kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name };
    this.write('PUT', ref);
    const live = this.objects.get(this.key(ref));
    if (!live) throw new KubeApiError(`PUT ${obj.kind}`, 404, 'NotFound', 'not found');
    if (obj.metadata.resourceVersion !== live.metadata.resourceVersion) {
      throw new KubeApiError(`PUT ${obj.kind}`, 409, 'Conflict', 'the object has been modified; please apply your changes to the latest version and try again');
    }
    return this.put(obj);
  }

  async patch(ref: ObjectRef, patch: unknown, type: 'merge' | 'json' | 'strategic'): Promise<KubeObject> {
    this.write(`PATCH(${type})`, ref);
    const live = this.objects.get(this.key(ref));
    if (!live) throw new KubeApiError(`PATCH ${ref.kind}`, 404, 'NotFound', 'not found');
    const next = type === 'json'
      ? applyPatch(structuredClone(live), patch as Operation[], true, false).newDocument
      : mergePatch(structuredClone(live), patch);
    return this.put(next as KubeObject);
  }

  async apply(obj: KubeObject): Promise<KubeObject> {
    this.write('PATCH(apply)', { kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name });
    return this.put(obj);
  }

  async getRaw(path: string): Promise<string> {
    if (path === '/version') return JSON.stringify(this.version);
    throw new KubeApiError(`GET ${path}`, 404, 'NotFound', 'not found');
  }

  asApi(): KubeApi {
    return this as unknown as KubeApi;
  }
}

function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = target !== null && typeof target === 'object' && !Array.isArray(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

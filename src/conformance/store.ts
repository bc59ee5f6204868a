/**
 * The simulated cluster: objects keyed by apiVersion/kind/namespace/name, who wrote them, and a logical
 * clock for creation timestamps (ConfigMap retention sorts by them). Pure, in memory.
 */
import { KubeObject } from '../common/kube';

/** Who wrote an object: the test (user), the operator's reconcile, or a built-in controller (ReplicaSets, pods). */
export type Origin = 'user' | 'operator' | 'controller';

export interface StoredObject {
  readonly key: string;
  obj: KubeObject;
  origin: Origin;
}

/** Kinds that live outside namespaces (the ones that occur in the e2e data and in what the operator writes). */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume',
  'StorageClass', 'PriorityClass', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'APIService', 'IngressClass', 'GatewayClass',
  'SecurityContextConstraints', 'ClusterIssuer', 'CSIDriver', 'RuntimeClass', 'ClusterObservability',
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

export function objectKey(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return `${apiVersion}/${kind}/${isClusterScoped(kind) ? '' : namespace ?? ''}/${name}`;
}

export function keyOf(obj: KubeObject): string {
  return objectKey(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name ?? '');
}

export class ClusterStore {
  private readonly objects = new Map<string, StoredObject>();
  private clock = 0;
  private uidCounter = 0;

  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(objectKey(apiVersion, kind, namespace, name))?.obj;
  }

  entry(key: string): StoredObject | undefined {
    return this.objects.get(key);
  }

  /** Objects of a kind (any version when apiVersion is omitted), optionally in one namespace. */
  list(filter: { apiVersion?: string; kind?: string; namespace?: string } = {}): KubeObject[] {
    return this.entries(filter).map((e) => e.obj);
  }

  entries(filter: { apiVersion?: string; kind?: string; namespace?: string; origin?: Origin } = {}): StoredObject[] {
    return [...this.objects.values()].filter((e) =>
      (filter.apiVersion === undefined || e.obj.apiVersion === filter.apiVersion)
      && (filter.kind === undefined || e.obj.kind === filter.kind)
      && (filter.namespace === undefined || (e.obj.metadata.namespace ?? '') === filter.namespace)
      && (filter.origin === undefined || e.origin === filter.origin));
  }

  /**
   * Stores `obj` as it is (the caller merged it with the previous version if it wanted to). Keeps
   * `uid`/`creationTimestamp` of an existing object, assigns them to a new one; bumps `generation` when
   * the spec changed.
   */
  put(obj: KubeObject, origin: Origin): KubeObject {
    const key = keyOf(obj);
    const prev = this.objects.get(key);
    const meta: Record<string, unknown> = { ...obj.metadata };
    if (prev) {
      meta.uid = prev.obj.metadata.uid;
      meta.creationTimestamp = prev.obj.metadata.creationTimestamp;
      const prevGen = Number(prev.obj.metadata.generation ?? 1);
      meta.generation = JSON.stringify(prev.obj.spec) === JSON.stringify(obj.spec) ? prevGen : prevGen + 1;
    } else {
      meta.uid = meta.uid ?? this.nextUid();
      meta.creationTimestamp = meta.creationTimestamp ?? this.tick();
      meta.generation = meta.generation ?? 1;
    }
    const stored = { ...obj, metadata: meta } as KubeObject;
    this.objects.set(key, { key, obj: stored, origin: prev && origin === 'user' && prev.origin !== 'user' ? prev.origin : origin });
    return stored;
  }

  delete(key: string): boolean {
    return this.objects.delete(key);
  }

  /** Deletes objects whose controller owner no longer exists (the garbage collector's foreground part). */
  collectGarbage(): void {
    let removed = true;
    while (removed) {
      removed = false;
      for (const e of [...this.objects.values()]) {
        const owners = e.obj.metadata.ownerReferences ?? [];
        if (owners.length === 0) continue;
        const alive = owners.some((o) => [...this.objects.values()].some((c) =>
          c.obj.kind === o.kind && c.obj.metadata.name === o.name
          && (isClusterScoped(c.obj.kind) || c.obj.metadata.namespace === e.obj.metadata.namespace)));
        if (!alive) {
          this.objects.delete(e.key);
          removed = true;
        }
      }
    }
  }

  /** A monotonically increasing RFC 3339 timestamp, one second apart, so order is stable and sortable. */
  tick(): string {
    this.clock += 1;
    return new Date(Date.UTC(2025, 0, 1, 0, 0, this.clock)).toISOString().replace('.000Z', 'Z');
  }

  private nextUid(): string {
    this.uidCounter += 1;
    return `00000000-0000-4000-8000-${this.uidCounter.toString(16).padStart(12, '0')}`;
  }
}

/** Deep copy of plain JSON. */
export function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

/**
 * `kubectl apply` approximated as a recursive merge: maps merge key by key, everything else (arrays
 * included) is replaced; `null` deletes a key. Enough for the e2e files, which re-apply whole objects or add
 * annotations/labels to existing ones.
 */
export function mergeApply(existing: unknown, patch: unknown): unknown {
  if (!isMap(existing) || !isMap(patch)) return clone(patch);
  const out: Record<string, unknown> = { ...existing };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergeApply(existing[k], v);
  }
  return out;
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The simulated cluster in motion: objects written by the test, the operator's reconcile of the CRs (through
 * an injected {@link Reconciler}), ConfigMap retention, and the pods workloads get (through an injected
 * {@link PodMutator} standing in for the pod webhook). Pure: everything it needs comes in as functions, typed by
 * the operator's contract (src/operator/contract.ts), which the product implements.
 */
import { KubeObject, describeObject } from '../common/kube';
import type {
  Admission, ClusterLookup, ConfigMapRetention, Conversion, OperatorFlags, PodMutator, Reconciler,
} from '../operator/contract';
import { ClusterStore, clone, isClusterScoped, isMap, keyOf, mergeApply } from './store';
import { admitServiceAccount, applyDefaults, isWorkload, synthesizePods, templateHash } from './workloads';

export type {
  Admission, ClusterLookup, ConfigMapRetention, Conversion, OperatorFlags, PodMutator, ReconcileContext, Reconciler,
} from '../operator/contract';

export interface SimulatorOptions {
  readonly reconciler?: Reconciler;
  /** passed to the reconciler with every namespace @default - none */
  readonly operatorFlags?: OperatorFlags;
  readonly podMutator?: PodMutator;
  readonly configMapRetention?: ConfigMapRetention;
  readonly admit?: Admission;
  readonly conversion?: Conversion;
}

export const OPERATOR_GROUP = 'opentelemetry.io';
const CR_KINDS = new Set(['OpenTelemetryCollector', 'Instrumentation', 'TargetAllocator', 'OpAMPBridge']);

export function isOperatorCr(obj: KubeObject): boolean {
  return obj.apiVersion.startsWith(`${OPERATOR_GROUP}/`) && CR_KINDS.has(obj.kind);
}

export type WriteMode = 'apply' | 'create' | 'update' | 'patch';

export class SimulatedCluster implements ClusterLookup {
  readonly store = new ClusterStore();
  /** Problems worth reporting that did not fail the operation (mutator errors, ...). */
  readonly notes: string[] = [];
  private readonly podTemplates = new Map<string, string>();

  constructor(private readonly opts: SimulatorOptions, namespaces: ReadonlyArray<string>) {
    for (const ns of namespaces) this.store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, 'user');
  }

  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(apiVersion, kind, namespace, name);
  }

  list(kind?: string, namespace?: string): KubeObject[] {
    return this.store.list({ kind, namespace });
  }

  /**
   * Writes an object the way the test's operation would, then lets the operator and the controllers
   * react. Throws (with the resource named) when the write is rejected.
   */
  write(input: KubeObject, mode: WriteMode, defaultNamespace: string): KubeObject {
    const obj = withNamespace(input, defaultNamespace);
    const key = keyOf(this.toStorage(obj));
    const existing = this.store.entry(key)?.obj;
    if (mode === 'create' && existing) throw new Error(`${describeObject(obj)} already exists`);
    if (mode === 'patch' && !existing) throw new Error(`${describeObject(obj)} not found, cannot patch it`);
    let next: KubeObject;
    if (mode === 'update' || !existing) {
      next = this.toStorage(clone(obj));
    } else {
      // a merge patch applies to the object as the client sees it, in the client's version
      const seen = existing.apiVersion === obj.apiVersion ? existing : this.opts.conversion!.convert(existing, obj.apiVersion);
      next = this.toStorage(mergeApply(seen, obj) as KubeObject);
    }
    if (this.opts.admit && isOperatorCr(next)) next = this.opts.admit(next, existing);
    if (next.kind === 'Pod' && !existing) next = this.admitPod(next);
    const previous = existing ? clone(existing) : undefined;
    this.store.put(applyDefaults(next), 'user');
    try {
      this.settle();
    } catch (e) {
      // the operator rejected it (webhook validation): undo the write
      if (previous) this.store.put(previous, this.store.entry(key)!.origin);
      else this.store.delete(key);
      this.settle();
      throw e;
    }
    return this.store.entry(key)!.obj;
  }

  /** CRs are kept in their storage version, as the API server does. */
  toStorage(obj: KubeObject): KubeObject {
    const storage = this.opts.conversion?.storageVersion(obj.kind);
    return storage && isOperatorCr(obj) && obj.apiVersion !== storage ? this.opts.conversion!.convert(obj, storage) : obj;
  }

  /**
   * Objects of a kind as a client asking for `apiVersion` sees them: stored CRs of another version are
   * converted.
   */
  view(apiVersion: string, kind: string, namespace: string | undefined): KubeObject[] {
    const conversion = this.opts.conversion;
    const storage = conversion?.storageVersion(kind);
    if (!conversion || !storage || storage === apiVersion || !apiVersion.startsWith(`${OPERATOR_GROUP}/`)) {
      return this.store.list({ apiVersion, kind, namespace });
    }
    return this.store.list({ apiVersion: storage, kind, namespace }).map((o) => conversion.convert(o, apiVersion));
  }

  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): boolean {
    apiVersion = this.opts.conversion?.storageVersion(kind) && apiVersion.startsWith(`${OPERATOR_GROUP}/`)
      ? this.opts.conversion.storageVersion(kind)! : apiVersion;
    const key = keyOf({ apiVersion, kind, metadata: { name, namespace: isClusterScoped(kind) ? undefined : namespace } });
    const removed = this.store.delete(key);
    this.settle();
    return removed;
  }

  /** Reconcile all CRs, collect garbage, roll out pods; repeated until nothing changes. */
  settle(): void {
    this.reconcile();
    this.store.collectGarbage();
    this.syncPods();
    this.syncServiceAccountTokens();
    this.store.collectGarbage();
  }

  /**
   * The token controller (kube-controller-manager) fills a `kubernetes.io/service-account-token` Secret whose
   * ServiceAccount exists: `token`, `ca.crt` and `namespace` in data, the account's uid as an annotation. The
   * token and CA here are stand-ins (nothing can authenticate with them); asserts only check they are there.
   */
  private syncServiceAccountTokens(): void {
    for (const e of this.store.entries({ kind: 'Secret' })) {
      const secret = e.obj as KubeObject & { type?: string; data?: Record<string, string> };
      const accountName = secret.metadata.annotations?.[SA_NAME_ANNOTATION];
      if (secret.type !== SA_TOKEN_TYPE || !accountName || secret.data?.token) continue;
      const ns = secret.metadata.namespace ?? '';
      const account = this.store.get('v1', 'ServiceAccount', ns, accountName);
      if (!account) continue;
      const b64 = (text: string) => Buffer.from(text).toString('base64');
      this.store.put({
        ...secret,
        metadata: { ...secret.metadata, annotations: { ...secret.metadata.annotations, [SA_UID_ANNOTATION]: String(account.metadata.uid ?? '') } },
        data: {
          ...secret.data,
          token: b64(`simulated-token.${ns}.${accountName}`),
          'ca.crt': b64('-----BEGIN CERTIFICATE-----\nsimulated cluster CA\n-----END CERTIFICATE-----\n'),
          namespace: b64(ns),
        },
      } as KubeObject, e.origin);
    }
  }

  private reconcile(): void {
    const reconciler = this.opts.reconciler;
    if (!reconciler) return;
    const namespaces = new Set(this.store.list().filter(isOperatorCr).map((cr) => cr.metadata.namespace ?? ''));
    const desired = new Map<string, KubeObject>();
    for (const ns of namespaces) {
      for (const obj of this.renderNamespace(reconciler, ns)) desired.set(keyOf(obj), obj);
    }
    for (const [key, rendered] of desired) {
      const prev = this.store.entry(key);
      const obj = this.withControllerReference(rendered);
      if (prev?.origin === 'user' && isOperatorCr(prev.obj)) continue; // the user's CR wins over a generated one
      this.store.put(applyDefaults(prev ? mergeOperatorWrite(prev.obj, obj) : obj), 'operator');
    }
    this.prune(desired);
  }

  /**
   * The runtime sets a controller reference to the CR on every namespaced object it applies (the reconciler
   * may leave that to it); the CR is found by the `app.kubernetes.io/instance` label.
   */
  private withControllerReference(obj: KubeObject): KubeObject {
    if (isClusterScoped(obj.kind) || (obj.metadata.ownerReferences ?? []).length > 0) return obj;
    const owner = this.ownerCr(obj);
    if (!owner || keyOf(owner) === keyOf(obj)) return obj;
    const ref = {
      apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid,
      controller: true, blockOwnerDeletion: true,
    };
    return { ...obj, metadata: { ...obj.metadata, ownerReferences: [ref] } };
  }

  /** Renders the managed CRs of a namespace; CRs the operator itself generates (a collector's TargetAllocator) are rendered too. */
  private renderNamespace(reconciler: Reconciler, ns: string): KubeObject[] {
    const userCrs = this.store.entries({ namespace: ns, origin: 'user' }).map((e) => e.obj).filter(isOperatorCr);
    let crs = userCrs.filter((cr) => !isUnmanaged(cr));
    let out: KubeObject[] = [];
    for (let round = 0; round < 3; round++) {
      out = reconciler(crs.map((cr) => clone(cr)), { ...this.opts.operatorFlags, namespace: ns }).map((o) => withNamespace(o, ns));
      const known = new Set(crs.map(keyOf));
      const generated = out.filter((o) => isOperatorCr(o) && !known.has(keyOf(o)) && !isUnmanaged(o));
      if (generated.length === 0) break;
      crs = [...crs, ...generated];
    }
    return out;
  }

  /**
   * Deletes what the operator wrote before and no longer wants, except what retention or `unmanaged` keeps, and
   * except a TargetAllocator's objects: upstream's TargetAllocator controller applies its desired objects but
   * passes no owned objects to prune (e2e-targetallocator-cr keeps the ServiceAccount after `spec.serviceAccount`
   * names it); they go with the TargetAllocator, by garbage collection.
   */
  private prune(desired: Map<string, KubeObject>): void {
    const stale = this.store.entries({ origin: 'operator' }).filter((e) => !desired.has(e.key));
    const keepConfigMaps = this.retainedConfigMaps(stale.map((e) => e.obj), desired);
    for (const e of stale) {
      const owner = this.ownerCr(e.obj);
      if (owner && isUnmanaged(owner)) continue;
      if (owner?.kind === 'TargetAllocator') continue;
      if (keepConfigMaps.has(e.key)) continue;
      this.store.delete(e.key);
    }
  }

  private retainedConfigMaps(stale: KubeObject[], desired: Map<string, KubeObject>): Set<string> {
    const keep = new Set<string>();
    const retention = this.opts.configMapRetention;
    if (!retention) return keep;
    const byCollector = new Map<string, { collector: KubeObject; older: KubeObject[]; desired: KubeObject[] }>();
    const add = (cm: KubeObject, which: 'older' | 'desired') => {
      const owner = this.ownerCr(cm);
      if (!owner || owner.kind !== 'OpenTelemetryCollector') return;
      const k = keyOf(owner);
      const group = byCollector.get(k) ?? { collector: owner, older: [], desired: [] };
      group[which].push(this.store.entry(keyOf(cm))?.obj ?? cm);
      byCollector.set(k, group);
    };
    for (const cm of stale) if (cm.kind === 'ConfigMap') add(cm, 'older');
    for (const cm of desired.values()) if (cm.kind === 'ConfigMap') add(cm, 'desired');
    for (const g of byCollector.values()) {
      if (g.older.length === 0) continue;
      for (const cm of retention(g.collector, g.older, g.desired)) keep.add(keyOf(cm));
    }
    return keep;
  }

  /** The CR an operator-written object belongs to: its controller owner reference, else the `instance` label. */
  ownerCr(obj: KubeObject): KubeObject | undefined {
    const ns = obj.metadata.namespace ?? '';
    const crs = this.store.list({ namespace: ns }).filter(isOperatorCr);
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const hit = crs.find((cr) => cr.kind === ref.kind && cr.metadata.name === ref.name);
      if (hit) return hit;
    }
    const instance = obj.metadata.labels?.['app.kubernetes.io/instance'];
    if (instance) {
      const [crNs, ...rest] = instance.split('.');
      const name = rest.join('.');
      const candidates = this.store.list({ namespace: crNs }).filter((cr) => isOperatorCr(cr) && cr.metadata.name === name);
      return candidates.find((cr) => cr.kind === 'OpenTelemetryCollector') ?? candidates[0];
    }
    return undefined;
  }

  /** Creates the pods of workloads whose template is new or changed (a rollout replaces the old pods). */
  private syncPods(): void {
    const workloads = this.store.list().filter(isWorkload);
    const live = new Set(workloads.map(keyOf));
    for (const key of [...this.podTemplates.keys()]) if (!live.has(key)) this.podTemplates.delete(key);
    for (const w of workloads) {
      const key = keyOf(w);
      const hash = templateHash(w);
      if (this.podTemplates.get(key) === hash) continue;
      this.podTemplates.set(key, hash);
      this.removeOwnedPods(w);
      const revision = w.kind === 'Deployment' ? this.bumpDeploymentRevision(w) : undefined;
      const { controllers, pods } = synthesizePods(w);
      for (const c of controllers) {
        const annotated = revision ? { ...c, metadata: { ...c.metadata, annotations: { ...c.metadata.annotations, [DEPLOYMENT_REVISION]: revision } } } : c;
        this.store.put(applyDefaults(annotated), 'controller');
      }
      for (const p of pods) {
        const withUid = { ...p, metadata: { ...p.metadata, ownerReferences: this.resolveOwnerUids(p) } } as KubeObject;
        this.store.put(applyDefaults(this.admitPod(withUid)), 'controller');
      }
    }
  }

  /**
   * The Deployment controller numbers rollouts: each new pod template gets the next revision, written to the
   * Deployment and its ReplicaSet as `deployment.kubernetes.io/revision` (operator writes keep it, as they keep
   * every annotation others set). Returns the new revision.
   */
  private bumpDeploymentRevision(w: KubeObject): string {
    const previous = Number(w.metadata.annotations?.[DEPLOYMENT_REVISION] ?? 0);
    const revision = String((Number.isInteger(previous) && previous > 0 ? previous : 0) + 1);
    // an annotation write: whoever wrote the Deployment (the operator, the test) still owns it
    const origin = this.store.entry(keyOf(w))?.origin ?? 'controller';
    this.store.put({ ...w, metadata: { ...w.metadata, annotations: { ...w.metadata.annotations, [DEPLOYMENT_REVISION]: revision } } }, origin);
    return revision;
  }

  private resolveOwnerUids(obj: KubeObject) {
    return (obj.metadata.ownerReferences ?? []).map((r) => ({
      ...r, uid: r.uid ?? this.store.list({ kind: r.kind, namespace: obj.metadata.namespace }).find((o) => o.metadata.name === r.name)?.metadata.uid,
    }));
  }

  private removeOwnedPods(w: KubeObject): void {
    const ns = w.metadata.namespace ?? '';
    const owned = (o: KubeObject, owner: KubeObject) =>
      (o.metadata.ownerReferences ?? []).some((r) => r.kind === owner.kind && r.name === owner.metadata.name);
    const rss = w.kind === 'Deployment' ? this.store.list({ kind: 'ReplicaSet', namespace: ns }).filter((rs) => owned(rs, w)) : [];
    for (const p of this.store.list({ kind: 'Pod', namespace: ns })) {
      if (owned(p, w) || rss.some((rs) => owned(p, rs))) this.store.delete(keyOf(p));
    }
    for (const rs of rss) this.store.delete(keyOf(rs));
  }

  /** Pod CREATE admission: API defaults, ServiceAccount plugin, then the webhook (failurePolicy Ignore). */
  private admitPod(pod: KubeObject): KubeObject {
    let out = admitServiceAccount(applyDefaults(pod));
    if (this.opts.podMutator) {
      try {
        out = admitServiceAccount(applyDefaults(this.opts.podMutator(clone(out), this)));
      } catch (e) {
        this.notes.push(`pod webhook failed for ${describeObject(pod)} (admitted unchanged): ${(e as Error).message}`);
      }
    }
    return out;
  }
}

const SA_TOKEN_TYPE = 'kubernetes.io/service-account-token';
const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
const SA_UID_ANNOTATION = 'kubernetes.io/service-account.uid';

/** Set by the Deployment controller on a Deployment and its ReplicaSets. */
const DEPLOYMENT_REVISION = 'deployment.kubernetes.io/revision';

function isUnmanaged(cr: KubeObject): boolean {
  return (cr.spec as Record<string, unknown> | undefined)?.managementState === 'unmanaged';
}

function withNamespace(obj: KubeObject, ns: string): KubeObject {
  if (isClusterScoped(obj.kind) || obj.metadata.namespace) return obj;
  return { ...obj, metadata: { ...obj.metadata, namespace: ns } };
}

/**
 * The operator replaces what it owns but merges labels and annotations with those others put on the object
 * and on its pod template (upstream keeps manual annotations; see the annotation-change e2e case).
 */
export function mergeOperatorWrite(existing: KubeObject, desired: KubeObject): KubeObject {
  const out = clone(desired) as KubeObject & Record<string, any>;
  const meta = out.metadata as Record<string, any>;
  meta.labels = { ...(existing.metadata.labels ?? {}), ...(desired.metadata.labels ?? {}) };
  meta.annotations = { ...(existing.metadata.annotations ?? {}), ...(desired.metadata.annotations ?? {}) };
  if (Object.keys(meta.labels).length === 0) delete meta.labels;
  if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
  const oldTemplate = (existing.spec as Record<string, any> | undefined)?.template?.metadata;
  const newTemplate = out.spec?.template?.metadata;
  if (isMap(oldTemplate) && isMap(newTemplate)) {
    newTemplate.labels = { ...(oldTemplate.labels ?? {}), ...(newTemplate.labels ?? {}) };
    newTemplate.annotations = { ...(oldTemplate.annotations ?? {}), ...(newTemplate.annotations ?? {}) };
  }
  return out;
}

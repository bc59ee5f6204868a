/**
 * Informer-backed read caches in the shape of the simulator's {@link ClusterLookup}, so what reads the cluster
 * in the pure code (the pod mutator: pod namespaces, sidecar collectors, Instrumentations, ReplicaSets,
 * Deployments) reads the operator's caches at run time without a request per admission.
 */
import type { ClusterLookup } from './contract';
import { Informer } from '../kube';
import { KubeObject } from '../kube';

export type { ClusterLookup };

/** Several informers behind one look-up, by kind (a kind is served by one informer; versions are not told apart). */
export class InformerCache implements ClusterLookup {
  private readonly byKind = new Map<string, Informer>();

  constructor(informers: Iterable<Informer> = []) {
    for (const i of informers) this.add(i);
  }

  add(informer: Informer): void {
    if (this.byKind.has(informer.kind)) throw new Error(`two informers for kind ${informer.kind}`);
    this.byKind.set(informer.kind, informer);
  }

  informer(kind: string): Informer | undefined {
    return this.byKind.get(kind);
  }

  /** True once every informer has listed its objects. */
  get hasSynced(): boolean {
    return [...this.byKind.values()].every((i) => i.hasSynced);
  }

  get(_apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.byKind.get(kind)?.get(namespace, name);
  }

  list(kind?: string, namespace?: string): KubeObject[] {
    if (kind !== undefined) return this.byKind.get(kind)?.list(namespace) ?? [];
    return [...this.byKind.values()].flatMap((i) => i.list(namespace));
  }
}

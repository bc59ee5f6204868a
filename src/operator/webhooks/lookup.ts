/**
 * The pod mutators' {@link MutationLookup} served from the operator's informer caches (no API request per
 * admission): namespaces (their annotations), collectors, Instrumentations and the owners the mutator walks
 * (ReplicaSet → Deployment, Job → CronJob).
 */
import type { ClusterLookup } from '../contract';
import type { MutationLookup } from '../../instrumentation';
import type { InstrumentationResource, MetaObject } from '../../instrumentation';
import type { KubeApi } from '../../kube';

const OTEL_V1ALPHA1 = 'opentelemetry.io/v1alpha1';

export function mutationLookupFromCache(cache: ClusterLookup): MutationLookup {
  return {
    namespace: (name) => cache.get('v1', 'Namespace', undefined, name) as MetaObject | undefined,
    instrumentation: (ns, name) => cache.get(OTEL_V1ALPHA1, 'Instrumentation', ns, name) as InstrumentationResource | undefined,
    instrumentations: (ns) => cache.list('Instrumentation', ns) as unknown as InstrumentationResource[],
    collector: (ns, name) => cache.get('opentelemetry.io/v1beta1', 'OpenTelemetryCollector', ns, name) as MetaObject | undefined,
    collectors: (ns) => cache.list('OpenTelemetryCollector', ns) as unknown as MetaObject[],
    owner: (ns, kind, name) => cache.get(kind === 'Job' ? 'batch/v1' : 'apps/v1', kind, ns, name) as MetaObject | undefined,
  };
}

/** The API group/version of the owner kinds the mutator walks. */
function ownerApiVersion(kind: string): string {
  return kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1';
}

const WALKED_OWNERS = new Set(['ReplicaSet', 'Deployment', 'Job', 'CronJob', 'StatefulSet', 'DaemonSet']);

/**
 * The owners of a pod being admitted that the cache does not hold yet, read from the API server. The ReplicaSet
 * or Job that creates a pod was itself created a moment before, often too recently for our watch to have seen it,
 * and without it the pod misses k8s.deployment.name / k8s.cronjob.name and its service name (upstream reads
 * them through its client). Follows the controller chain two levels (ReplicaSet → Deployment, Job → CronJob);
 * a failed read leaves that owner out, as an unknown one.
 */
export async function fetchMissingOwners(
  api: Pick<KubeApi, 'get'>, cache: ClusterLookup, namespace: string, pod: { metadata?: { ownerReferences?: ReadonlyArray<{ kind: string; name: string; controller?: boolean }> } },
): Promise<Map<string, MetaObject>> {
  const fetched = new Map<string, MetaObject>();
  let refs = pod.metadata?.ownerReferences ?? [];
  for (let depth = 0; depth < 2; depth++) {
    const ref = refs.find((r) => r.controller && WALKED_OWNERS.has(r.kind));
    if (!ref) break;
    let owner = cache.get(ownerApiVersion(ref.kind), ref.kind, namespace, ref.name) as MetaObject | undefined;
    if (!owner) {
      owner = await api.get({ apiVersion: ownerApiVersion(ref.kind), kind: ref.kind, namespace, name: ref.name }).catch(() => undefined) as MetaObject | undefined;
      if (!owner) break;
      fetched.set(`${ref.kind}/${namespace}/${ref.name}`, owner);
    }
    refs = (owner.metadata?.ownerReferences ?? []) as typeof refs;
  }
  return fetched;
}

/** `base` with the owners in `fetched` (keys `kind/namespace/name`) added. */
export function withOwners(base: MutationLookup, fetched: ReadonlyMap<string, MetaObject>): MutationLookup {
  if (fetched.size === 0) return base;
  return { ...base, owner: (ns, kind, name) => fetched.get(`${kind}/${ns}/${name}`) ?? base.owner(ns, kind, name) };
}

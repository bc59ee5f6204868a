/**
 * The pod mutators' {@link MutationLookup} served from the operator's informer caches (no API request per
 * admission): namespaces (their annotations), collectors, Instrumentations and the owners the mutator walks
 * (ReplicaSet → Deployment, Job → CronJob).
 */
import type { ClusterLookup } from '../../conformance/simulator';
import type { MutationLookup } from '../../instrumentation/lookup';
import type { InstrumentationResource, MetaObject } from '../../instrumentation/types';

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

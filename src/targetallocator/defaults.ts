import { defaultTargetAllocator } from '../apis';
import type { TargetAllocator } from '../apis';
import { Json } from '../collector';

/**
 * A standalone TargetAllocator as the API server stores it: schema defaults (apis `defaultTargetAllocator`) plus
 * what upstream's TargetAllocator defaulting webhook adds, which the apis room does not yet:
 * - a PodDisruptionBudget with maxUnavailable 1 for `consistent-hashing` when none is given;
 * - with `spec: null` (or no spec) the API server applies no spec defaults at all, so only the webhook's
 *   `replicas: 1` is set: the allocator then writes `filter_strategy: ""` and no grace period, as e2e asserts.
 */
export function defaultStandaloneTargetAllocator(cr: Json): Json {
  if (cr?.spec === undefined || cr?.spec === null) {
    return { ...cr, metadata: { labels: {}, ...cr?.metadata }, spec: { replicas: 1 } };
  }
  const out = defaultTargetAllocator(cr as TargetAllocator) as unknown as Json;
  out.metadata = { ...out.metadata, labels: out.metadata?.labels ?? {} };
  const spec = out.spec;
  if (spec.allocationStrategy === 'consistent-hashing' && (spec.podDisruptionBudget === undefined || spec.podDisruptionBudget === null)) {
    spec.podDisruptionBudget = { maxUnavailable: 1 };
  }
  return out;
}

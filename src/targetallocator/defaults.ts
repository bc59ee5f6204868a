import { defaultTargetAllocator } from '../apis';
import type { TargetAllocator } from '../apis';
import { Json } from '../collector';

/**
 * A standalone TargetAllocator as the API server stores it.
 * @deprecated the defaults live in one place, apis `defaultTargetAllocator` (schema defaults plus upstream's
 * webhook rules: PDB `maxUnavailable: 1` for consistent-hashing, `spec: null` keeps no spec defaults); this
 * plain-JSON alias stays until every caller imports that.
 */
export function defaultStandaloneTargetAllocator(cr: Json): Json {
  return defaultTargetAllocator(cr as TargetAllocator) as unknown as Json;
}

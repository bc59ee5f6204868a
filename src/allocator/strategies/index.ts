import { Hasher } from '../hasher';
import { BoundedRendezvousStrategy } from './bounded-rendezvous';
import { ConsistentHashingStrategy } from './consistent-hashing';
import { LeastWeightedStrategy } from './least-weighted';
import { PerNodeStrategy } from './per-node';
import { AllocationStrategy } from './strategy';

export type { AllocationStrategy, Collector, IncrementalMode } from './strategy';
export { BoundedRendezvousStrategy, boundedLoadCap, DEFAULT_LOAD_SLACK } from './bounded-rendezvous';
export { ConsistentHashingStrategy } from './consistent-hashing';
export { LeastWeightedStrategy } from './least-weighted';
export { PerNodeStrategy } from './per-node';

/** Strategy names accepted by `allocation_strategy` (the first three are upstream's). */
export const STRATEGY_NAMES = ['consistent-hashing', 'least-weighted', 'per-node', 'bounded-rendezvous'] as const;
/** Names accepted by `allocation_fallback_strategy` (per-node cannot be its own fallback). */
export const FALLBACK_STRATEGY_NAMES = ['consistent-hashing', 'least-weighted', 'bounded-rendezvous'] as const;
export const DEFAULT_STRATEGY = 'consistent-hashing';

/** Builds a strategy by name; `fallback` is used by per-node only. Throws on an unknown name. */
export function createStrategy(name: string, hasher: Hasher, fallback?: string): AllocationStrategy {
  switch (name) {
    case 'consistent-hashing':
      return new ConsistentHashingStrategy(hasher);
    case 'least-weighted':
      return new LeastWeightedStrategy();
    case 'bounded-rendezvous':
      return new BoundedRendezvousStrategy(hasher);
    case 'per-node':
      return new PerNodeStrategy(fallback ? createStrategy(fallback, hasher) : undefined);
    default:
      throw new Error(`unknown allocation strategy ${JSON.stringify(name)}; use one of ${STRATEGY_NAMES.join(', ')}`);
  }
}

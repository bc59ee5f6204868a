import { Hasher } from '../hasher';
import { CONSISTENT_HASHING_PARTITIONS, TargetItem } from '../target';
import { AllocationStrategy, Collector } from './strategy';

/** upstream's `buraksezer/consistent` settings (the partition count lives with the target, which caches its partition) */
export const PARTITION_COUNT = CONSISTENT_HASHING_PARTITIONS;
export const REPLICATION_FACTOR = 5;
export const LOAD = 1.1;

/**
 * Upstream's default, bit for bit: a `buraksezer/consistent` v1.0.0 ring keyed by the target URL.
 * - every collector gets 5 ring points, xxHash64 of `"<i>:<name>"`;
 * - partitions 0…1060 are placed in id order: start at the first ring point ≥ xxHash64(8-byte little-endian id)
 *   and walk clockwise to the first member whose partition count is below ⌈1061/N × 1.1⌉;
 * - a target goes to the owner of partition xxHash64(URL) mod 1061.
 * The ring is rebuilt from scratch when the collector set changes, as upstream does.
 */
export class ConsistentHashingStrategy implements AllocationStrategy {
  public readonly name = 'consistent-hashing';
  public readonly incremental = 'independent' as const;
  private ringFor = '';
  private owners: string[] = [];
  private partitionKeys: bigint[] | undefined;

  constructor(private readonly hasher: Hasher) {}

  assign(items: readonly TargetItem[], collectors: readonly Collector[]): void {
    const owners = this.partitionOwners(collectors);
    for (const item of items) item.collectorName = owners[item.partition];
  }

  /** The owner of each partition for this collector set (cached until the set changes). */
  partitionOwners(collectors: readonly Collector[]): readonly string[] {
    const key = collectors.map((c) => c.name).join('\n');
    if (key === this.ringFor) return this.owners;
    const points: Array<{ hash: bigint; member: string }> = [];
    for (const c of collectors) {
      for (let i = 0; i < REPLICATION_FACTOR; i++) points.push({ hash: this.hasher.h64(`${i}:${c.name}`), member: c.name });
    }
    points.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
    const cap = Math.ceil((PARTITION_COUNT / collectors.length) * LOAD);
    const loads = new Map<string, number>();
    const owners: string[] = new Array(PARTITION_COUNT);
    const keys = this.partitionKeyHashes();
    for (let part = 0; part < PARTITION_COUNT; part++) {
      let idx = lowerBound(points, keys[part]);
      if (idx >= points.length) idx = 0;
      for (let tries = 0; ; tries++) {
        if (tries >= points.length) throw new Error('consistent hashing: not enough room to distribute partitions');
        const member = points[idx].member;
        const load = loads.get(member) ?? 0;
        if (load + 1 <= cap) {
          owners[part] = member;
          loads.set(member, load + 1);
          break;
        }
        idx = idx + 1 >= points.length ? 0 : idx + 1;
      }
    }
    this.ringFor = key;
    this.owners = owners;
    return owners;
  }

  private partitionKeyHashes(): bigint[] {
    if (!this.partitionKeys) {
      const bytes = new Uint8Array(8);
      const view = new DataView(bytes.buffer);
      this.partitionKeys = [];
      for (let part = 0; part < PARTITION_COUNT; part++) {
        view.setBigUint64(0, BigInt(part), true);
        this.partitionKeys.push(this.hasher.h64Raw(bytes));
      }
    }
    return this.partitionKeys;
  }
}

function lowerBound(points: ReadonlyArray<{ hash: bigint }>, key: bigint): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid].hash >= key) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

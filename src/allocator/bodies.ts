import { Allocator, Bucket } from './allocator';
import { TargetItem } from './target';

/** What upstream answers for a job or collector without targets. */
const EMPTY = Buffer.from('[]\n');

/** The `/jobs/{job}/targets?collector_id=` body of a list of targets: one group per target, as upstream writes it. */
export function targetGroupsJson(items: readonly TargetItem[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    out += `{"targets":[${JSON.stringify(items[i].targetURL)}],"labels":${items[i].labelsJson()}}`;
  }
  return `${out}]`;
}

/**
 * The response bodies of `/jobs/{job}/targets?collector_id=`, prepared when the allocation changes so that a
 * request is a look-up: every collector polls every job, so bodies are read far more often than they change.
 * Bodies are UTF-8 bytes, written to the socket as they are. Only the buckets an update touched are prepared
 * again. Pure: follows the allocator's change reports.
 */
export class ResponseBodies {
  /** job → collector → the body and the bucket it was made from */
  private readonly bodies = new Map<string, Map<string, { bucket: Bucket; body: Buffer }>>();
  private bytes = 0;

  constructor(allocator: Allocator) {
    this.update(allocator.buckets());
    allocator.onBucketsChanged((buckets) => this.update(buckets));
  }

  /** The body for a job and a collector; `[]` when the collector has no targets of the job (or either is unknown). */
  body(job: string, collector: string): Buffer {
    return this.bodies.get(job)?.get(collector)?.body ?? EMPTY;
  }

  /** Bytes held by the prepared bodies. */
  get size(): number {
    return this.bytes;
  }

  private update(buckets: Iterable<Bucket>): void {
    for (const bucket of buckets) {
      let byCollector = this.bodies.get(bucket.job);
      const old = byCollector?.get(bucket.collector);
      if (bucket.items.length === 0) {
        // an emptied bucket; a new one may already stand for the same job and collector
        if (old?.bucket !== bucket) continue;
        this.bytes -= old.body.length;
        byCollector!.delete(bucket.collector);
        if (byCollector!.size === 0) this.bodies.delete(bucket.job);
        continue;
      }
      if (old) this.bytes -= old.body.length;
      if (!byCollector) {
        byCollector = new Map();
        this.bodies.set(bucket.job, byCollector);
      }
      const body = Buffer.from(`${targetGroupsJson(bucket.items)}\n`);
      byCollector.set(bucket.collector, { bucket, body });
      this.bytes += body.length;
    }
  }
}

const prepared = new WeakMap<Allocator, ResponseBodies>();

/** The bodies of an allocator, prepared once and shared by every listener that serves it. */
export function bodiesOf(allocator: Allocator): ResponseBodies {
  let bodies = prepared.get(allocator);
  if (!bodies) {
    bodies = new ResponseBodies(allocator);
    prepared.set(allocator, bodies);
  }
  return bodies;
}

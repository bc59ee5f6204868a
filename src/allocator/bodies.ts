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
 * The response bodies of `/jobs/{job}/targets?collector_id=`, kept between allocation changes so that a request
 * is a look-up: every collector polls every job, so bodies are read far more often than they change. A body is
 * made on the first request for its (job, collector) after its bucket changed, from the bucket as it is then (one
 * version, never a mix), so a change that touches every bucket (a collector joins) costs the loop only the
 * forgetting of the old bodies, and each first request afterwards one bucket's worth of JSON. Bodies are UTF-8
 * bytes, written to the socket as they are. Pure: follows the allocator's change reports.
 */
export class ResponseBodies {
  /** job → collector → the body of the bucket as it was when the body was made */
  private readonly bodies = new Map<string, Map<string, Buffer>>();
  private bytes = 0;
  private made = 0;

  constructor(private readonly allocator: Allocator) {
    allocator.onBucketsChanged((buckets) => this.forget(buckets));
  }

  /** The body for a job and a collector; `[]` when the collector has no targets of the job (or either is unknown). */
  body(job: string, collector: string): Buffer {
    const kept = this.bodies.get(job)?.get(collector);
    if (kept !== undefined) return kept;
    const bucket = this.allocator.bucket(job, collector);
    if (bucket === undefined || bucket.items.length === 0) return EMPTY;
    const body = Buffer.from(`${targetGroupsJson(bucket.items)}\n`);
    let byCollector = this.bodies.get(job);
    if (!byCollector) {
      byCollector = new Map();
      this.bodies.set(job, byCollector);
    }
    byCollector.set(collector, body);
    this.bytes += body.length;
    this.made++;
    return body;
  }

  /** Bytes held by the bodies made so far. */
  get size(): number {
    return this.bytes;
  }

  /** How many bodies have been made (each first request after a change makes one). */
  get bodiesMade(): number {
    return this.made;
  }

  private forget(buckets: Iterable<Bucket>): void {
    for (const bucket of buckets) {
      const byCollector = this.bodies.get(bucket.job);
      const kept = byCollector?.get(bucket.collector);
      if (kept === undefined) continue;
      this.bytes -= kept.length;
      byCollector!.delete(bucket.collector);
      if (byCollector!.size === 0) this.bodies.delete(bucket.job);
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

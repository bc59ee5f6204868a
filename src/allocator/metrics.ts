import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const PREFIX = 'opentelemetry_allocator_';
const PROCESSING_BUCKETS = [1, 5, 10, 30, 60, 120];

/**
 * The allocator's own metrics, with upstream's `opentelemetry_allocator_*` names. OTel attribute names with dots
 * (`job.name`) appear as Prometheus labels with underscores (`job_name`), as the OTel Prometheus exporter writes
 * them. A registry per instance keeps tests independent; process metrics (Node's, in place of Go's) are added
 * when `processMetrics` is set.
 */
export class AllocatorMetrics {
  public readonly registry = new Registry();
  public readonly targets: Gauge<'job_name'>;
  public readonly targetsPerCollector: Gauge<'collector_name' | 'strategy'>;
  public readonly collectorsAllocatable: Gauge<'strategy'>;
  public readonly collectorsDiscovered: Gauge;
  public readonly targetsRemaining: Gauge;
  public readonly targetsUnassigned: Gauge;
  public readonly timeToAllocate: Histogram<'method' | 'strategy'>;
  public readonly processTargetsDuration: Histogram;
  public readonly processTargetGroupsDuration: Histogram<'job_name'>;
  public readonly httpDuration: Histogram<'path'>;
  public readonly events: Counter<'source'>;

  constructor(processMetrics = false) {
    const registers = [this.registry];
    this.targets = new Gauge({ name: `${PREFIX}targets`, help: 'Number of targets discovered.', labelNames: ['job_name'], registers });
    this.targetsPerCollector = new Gauge({ name: `${PREFIX}targets_per_collector`, help: 'The number of targets for each collector.', labelNames: ['collector_name', 'strategy'], registers });
    this.collectorsAllocatable = new Gauge({ name: `${PREFIX}collectors_allocatable`, help: 'Number of collectors the allocator is able to allocate to.', labelNames: ['strategy'], registers });
    this.collectorsDiscovered = new Gauge({ name: `${PREFIX}collectors_discovered`, help: 'Number of collectors discovered.', registers });
    this.targetsRemaining = new Gauge({ name: `${PREFIX}targets_remaining`, help: 'Number of targets kept after filtering.', registers });
    this.targetsUnassigned = new Gauge({ name: `${PREFIX}targets_unassigned`, help: 'Number of targets that could not be assigned due to missing node label.', registers });
    this.timeToAllocate = new Histogram({ name: `${PREFIX}time_to_allocate`, help: 'The time it takes to allocate', labelNames: ['method', 'strategy'], registers });
    this.processTargetsDuration = new Histogram({ name: `${PREFIX}process_targets_duration_seconds`, help: 'Duration of processing targets.', buckets: PROCESSING_BUCKETS, registers });
    this.processTargetGroupsDuration = new Histogram({ name: `${PREFIX}process_target_groups_duration_seconds`, help: 'Duration of processing target groups.', labelNames: ['job_name'], buckets: PROCESSING_BUCKETS, registers });
    this.httpDuration = new Histogram({ name: `${PREFIX}http_duration_seconds`, help: 'Duration of received HTTP requests.', labelNames: ['path'], registers });
    this.events = new Counter({ name: `${PREFIX}events_total`, help: 'Number of events in the channel.', labelNames: ['source'], registers });
    if (processMetrics) collectDefaultMetrics({ register: this.registry });
  }
}

import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Allocator } from './allocator';
import { AllocatorConfig, ScrapeJob } from './config';
import { FileDiscovery } from './file-sd';
import { Hasher } from './hasher';
import { AllocatorMetrics } from './metrics';
import { createStrategy } from './strategies';
import { Collector } from './strategies/strategy';
import { TargetBuilder, TargetGroup, TargetItem } from './target';

export interface ServiceLog {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface ServiceOptions {
  /** directory relative file_sd paths are resolved against (the config file's) */
  readonly configDir: string;
  readonly log: ServiceLog;
  readonly metrics: AllocatorMetrics;
  /** how long discovery updates are batched before targets are re-processed (upstream: 5s) */
  readonly debounceMs?: number;
}

/**
 * The running allocator: discovery (static configs and file SD) → filter and ids → allocation engine. Discovery
 * updates are batched for `debounceMs`, as upstream batches them. Each batch hands every job's groups over again,
 * but only groups that changed are relabelled and only targets that changed reach the strategy.
 */
export class AllocatorService {
  public readonly allocator: Allocator;
  private readonly builder: TargetBuilder;
  private readonly groups = new Map<string, Map<string, TargetGroup[]>>();
  private readonly discoveries: FileDiscovery[] = [];
  private timer: NodeJS.Timeout | undefined;
  private isReady = false;
  private stopped = false;

  constructor(public readonly config: AllocatorConfig, hasher: Hasher, private readonly opts: ServiceOptions) {
    const strategy = createStrategy(config.allocationStrategy, hasher, config.allocationFallbackStrategy || undefined);
    this.allocator = new Allocator(strategy, (method, seconds) => {
      opts.metrics.timeToAllocate.observe({ method, strategy: strategy.name }, seconds);
    }, () => performance.now());
    this.builder = new TargetBuilder(hasher);
  }

  get metrics(): AllocatorMetrics {
    return this.opts.metrics;
  }

  get jobs(): readonly ScrapeJob[] {
    return this.config.scrapeConfigs;
  }

  /** true once the scrape configs are ready to serve (upstream: after the first `/scrape_configs` build) */
  get ready(): boolean {
    return this.isReady;
  }

  async start(): Promise<void> {
    for (const job of this.config.scrapeConfigs) {
      const byJob = new Map<string, TargetGroup[]>();
      byJob.set('static', job.staticGroups.slice());
      this.groups.set(job.jobName, byJob);
      for (const sd of job.unsupportedSD) {
        this.opts.log.warn(`job ${JSON.stringify(job.jobName)}: ${sd} is not supported by this allocator; the job is served but gets no targets from it`);
      }
      if (job.fileSD.length > 0) {
        const discovery = new FileDiscovery(this.opts.configDir, job.fileSD, (groups) => {
          byJob.set('file', groups);
          this.opts.metrics.events.inc({ source: 'file_sd' });
          this.schedule();
        }, (err) => this.opts.log.warn(`job ${JSON.stringify(job.jobName)}: ${err.message}`));
        this.discoveries.push(discovery);
      }
    }
    this.isReady = true;
    this.setCollectors(this.config.collectors);
    await Promise.all(this.discoveries.map((d) => d.start()));
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.process();
  }

  stop(): void {
    this.stopped = true;
    for (const d of this.discoveries) d.stop();
    if (this.timer) clearTimeout(this.timer);
  }

  setCollectors(collectors: readonly Collector[]): void {
    this.opts.metrics.events.inc({ source: 'collector' });
    this.allocator.setCollectors(collectors);
    this.opts.metrics.collectorsDiscovered.set(collectors.length);
    this.opts.metrics.collectorsAllocatable.set({ strategy: this.allocator.strategy.name }, this.allocator.collectors.length);
    this.updateLoadMetrics();
  }

  /** Re-processes every job's groups into targets and hands them to the engine. */
  process(): void {
    const start = performance.now();
    const items: TargetItem[] = [];
    const filter = this.config.filterStrategy === 'relabel-config';
    for (const job of this.config.scrapeConfigs) {
      const jobStart = performance.now();
      const groups = Array.from(this.groups.get(job.jobName)?.values() ?? []).flat();
      const built = this.builder.build(job, groups, filter);
      this.opts.metrics.targets.set({ job_name: job.jobName }, groups.reduce((n, g) => n + g.targets.length, 0));
      this.opts.metrics.processTargetGroupsDuration.observe({ job_name: job.jobName }, (performance.now() - jobStart) / 1000);
      for (const item of built) items.push(item);
    }
    // upstream records the filtered list's length before de-duplicating by id
    this.opts.metrics.targetsRemaining.set(items.length);
    this.allocator.setTargets(items);
    this.opts.metrics.processTargetsDuration.observe((performance.now() - start) / 1000);
    this.updateLoadMetrics();
  }

  private schedule(): void {
    if (this.stopped || this.timer || !this.isReady) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.process();
      } catch (err) {
        this.opts.log.warn(`processing targets failed: ${(err as Error).message}`);
      }
    }, this.opts.debounceMs ?? 1000);
  }

  private updateLoadMetrics(): void {
    const strategy = this.allocator.strategy.name;
    this.opts.metrics.targetsPerCollector.reset();
    for (const [name, count] of this.allocator.loads()) this.opts.metrics.targetsPerCollector.set({ collector_name: name, strategy }, count);
    this.opts.metrics.targetsUnassigned.set(this.allocator.unassignedCount());
  }
}

/** The directory a config file's relative paths resolve against. */
export function configDirOf(configFile: string): string {
  return path.dirname(path.resolve(configFile));
}

import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { KubeApi } from '../kube';
import { Allocator } from './allocator';
import { CollectorWatcher } from './collector-pods';
import { AllocatorConfig, parseGeneratedScrapeConfigs, ScrapeJob } from './config';
import { FileDiscovery } from './file-sd';
import { HttpDiscovery } from './http-sd';
import { Hasher } from './hasher';
import { InformerPool, KubernetesDiscovery } from './kubernetes/discovery';
import { AllocatorMetrics } from './metrics';
import { PrometheusCrWatcher } from './prometheus-cr/watcher';
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
  /**
   * the API server, for `kubernetes_sd_configs` and for discovering the collector pods (when the config lists no
   * `collectors`); without it such a config cannot start
   */
  readonly kube?: KubeApi;
  /** how long collector pod changes are batched (upstream: 5s) @default 5000 */
  readonly collectorDebounceMs?: number;
}

/**
 * The running allocator: discovery (static configs, file SD, Kubernetes SD over shared informers) → filter and
 * ids → allocation engine, with the collectors listed in the config or discovered from their pods. Discovery
 * updates are batched for `debounceMs`, as upstream batches them. Each batch hands every job's groups over again,
 * but only groups that changed are relabelled and only targets that changed reach the strategy.
 */
export class AllocatorService {
  public readonly allocator: Allocator;
  private readonly builder: TargetBuilder;
  private readonly groups = new Map<string, Map<string, TargetGroup[]>>();
  private readonly discoveries: Array<FileDiscovery | HttpDiscovery> = [];
  private readonly kubernetes = new Map<string, KubernetesDiscovery[]>();
  /** file_sd_configs and http_sd_configs of jobs generated from Prometheus CRs (ScrapeConfigs), by job */
  private readonly crFiles = new Map<string, Array<FileDiscovery | HttpDiscovery>>();
  private pool?: InformerPool;
  private collectorWatcher?: CollectorWatcher;
  private crWatcher?: PrometheusCrWatcher;
  /** jobs generated from ServiceMonitors and PodMonitors */
  private crJobs: ScrapeJob[] = [];
  private allJobs: readonly ScrapeJob[];
  private timer: NodeJS.Timeout | undefined;
  private isReady = false;
  private stopped = false;

  constructor(public readonly config: AllocatorConfig, hasher: Hasher, private readonly opts: ServiceOptions) {
    const strategy = createStrategy(config.allocationStrategy, hasher, config.allocationFallbackStrategy || undefined);
    this.allocator = new Allocator(strategy, (method, seconds) => {
      opts.metrics.timeToAllocate.observe({ method, strategy: strategy.name }, seconds);
    }, () => performance.now());
    this.builder = new TargetBuilder(hasher);
    this.allJobs = config.scrapeConfigs;
  }

  get metrics(): AllocatorMetrics {
    return this.opts.metrics;
  }

  /** the config file's jobs, then the jobs generated from Prometheus CRs; a new array whenever they change */
  get jobs(): readonly ScrapeJob[] {
    return this.allJobs;
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
      this.discoveries.push(...this.pollingDiscoveries(job, byJob));
      this.watchKubernetes(job);
    }
    if (this.config.prometheusCrEnabled) {
      const cr = this.config.prometheusCr;
      for (const key of cr.unsupported) this.opts.log.warn(`prometheus_cr.${key} is not supported by this allocator yet and is ignored`);
      const kube = this.requireKube('prometheus_cr.enabled is true');
      this.crWatcher = new PrometheusCrWatcher(kube, cr, {
        warn: (m) => this.opts.log.warn(m),
        debounceMs: this.opts.collectorDebounceMs,
        ownNamespace: this.config.collectorNamespace,
        onChange: (configs) => {
          this.setCrJobs(configs);
          // without kubernetes SD there is no pool, and static-only jobs (Probes, ScrapeConfigs) still need processing
          void (this.pool?.start() ?? Promise.resolve()).then(() => this.schedule(), (err: Error) => this.opts.log.warn(`kubernetes discovery: ${err.message}`));
        },
      });
    }
    if (this.config.collectors.length > 0) {
      this.setCollectors(this.config.collectors);
    } else {
      const kube = this.requireKube('the config lists no collectors, so they are discovered from their pods');
      this.collectorWatcher = new CollectorWatcher(kube, {
        namespace: this.config.collectorNamespace!,
        selector: this.config.collectorSelector,
        graceMs: this.config.collectorNotReadyGracePeriodMs,
        debounceMs: this.opts.collectorDebounceMs,
        onChange: (collectors) => {
          this.opts.log.info(`collectors: ${collectors.length ? collectors.map((c) => c.name).join(', ') : '(none)'}`);
          this.setCollectors(collectors);
        },
      });
    }
    this.isReady = true;
    await this.crWatcher?.start();
    await Promise.all([
      ...this.discoveries.map((d) => d.start()),
      this.pool?.start(),
      this.collectorWatcher?.start(),
    ]);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.process();
  }

  /** Stops discovery; resolves once the watches have ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const d of this.discoveries) d.stop();
    for (const list of this.crFiles.values()) for (const d of list) d.stop();
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([this.pool?.stop(), this.collectorWatcher?.stop(), this.crWatcher?.stop()]);
  }

  /** Sets up the informers of a job's kubernetes_sd_configs (they start with the pool's next start()). */
  private watchKubernetes(job: ScrapeJob): void {
    if (job.kubernetesSD.length === 0) return;
    const kube = this.requireKube(`job ${JSON.stringify(job.jobName)} has kubernetes_sd_configs`);
    this.pool ??= new InformerPool(kube);
    const pool = this.pool;
    this.kubernetes.set(job.jobName, job.kubernetesSD.map((sd) => {
      for (const key of sd.ignored) this.opts.log.warn(`job ${JSON.stringify(job.jobName)}: kubernetes_sd_configs ${key} is ignored; the allocator watches its own cluster with its own credentials`);
      return new KubernetesDiscovery(sd, pool, () => {
        this.opts.metrics.events.inc({ source: 'kubernetes_sd' });
        this.schedule();
      });
    }));
  }

  /**
   * Replaces the jobs generated from Prometheus CRs. A job whose config did not change keeps its object (so its
   * targets are not relabelled again); a name the config file already uses stays the file's.
   */
  private setCrJobs(configs: ReadonlyArray<Record<string, unknown>>): void {
    this.opts.metrics.events.inc({ source: 'prometheus_cr' });
    const fileNames = new Set(this.config.scrapeConfigs.map((j) => j.jobName));
    const parsed = parseGeneratedScrapeConfigs(configs, this.config.prometheusCr.scrapeIntervalMs, 'utf8', 'prometheus_cr',
      (name, err) => this.opts.log.warn(`prometheus_cr: job ${JSON.stringify(name)} left out: ${err.message}`), this.config.collectorNamespace);
    const old = new Map(this.crJobs.map((j) => [j.jobName, j]));
    const next: ScrapeJob[] = [];
    for (const job of parsed) {
      if (fileNames.has(job.jobName)) {
        this.opts.log.warn(`prometheus_cr: job ${JSON.stringify(job.jobName)} is also in the config file; the file's is kept`);
        continue;
      }
      const before = old.get(job.jobName);
      if (before && JSON.stringify(before.served) === JSON.stringify(job.served)) {
        next.push(before);
        old.delete(job.jobName);
        continue;
      }
      this.dropKubernetes(job.jobName);
      this.dropFiles(job.jobName);
      this.groups.set(job.jobName, new Map([['static', job.staticGroups.slice()]]));
      this.watchKubernetes(job);
      this.watchFiles(job);
      next.push(job);
    }
    for (const name of old.keys()) {
      if (next.some((j) => j.jobName === name)) continue;
      this.dropKubernetes(name);
      this.dropFiles(name);
      this.groups.delete(name);
    }
    this.crJobs = next;
    this.allJobs = [...this.config.scrapeConfigs, ...next];
    this.opts.log.info(`prometheus_cr: ${next.length} jobs (${next.map((j) => j.jobName).join(', ') || 'none'})`);
  }

  /** Starts the file and HTTP SD of a generated job (a ScrapeConfig's fileSDConfigs and httpSDConfigs). */
  private watchFiles(job: ScrapeJob): void {
    const list = this.pollingDiscoveries(job, this.groups.get(job.jobName)!);
    if (list.length === 0) return;
    this.crFiles.set(job.jobName, list);
    for (const d of list) void d.start();
  }

  /** A job's file SD and HTTP SD (each if configured), reporting their groups into `byJob`. */
  private pollingDiscoveries(job: ScrapeJob, byJob: Map<string, TargetGroup[]>): Array<FileDiscovery | HttpDiscovery> {
    const report = (key: string, source: string) => (groups: TargetGroup[]) => {
      byJob.set(key, groups);
      this.opts.metrics.events.inc({ source });
      this.schedule();
    };
    const warn = (err: Error) => this.opts.log.warn(`job ${JSON.stringify(job.jobName)}: ${err.message}`);
    const out: Array<FileDiscovery | HttpDiscovery> = [];
    if (job.fileSD.length > 0) out.push(new FileDiscovery(this.opts.configDir, job.fileSD, report('file', 'file_sd'), warn));
    if (job.httpSD?.length) out.push(new HttpDiscovery(job.httpSD, report('http', 'http_sd'), warn));
    return out;
  }

  private dropFiles(jobName: string): void {
    for (const d of this.crFiles.get(jobName) ?? []) d.stop();
    this.crFiles.delete(jobName);
  }

  private dropKubernetes(jobName: string): void {
    for (const d of this.kubernetes.get(jobName) ?? []) d.close();
    this.kubernetes.delete(jobName);
  }

  private requireKube(why: string): KubeApi {
    if (!this.opts.kube) throw new Error(`${why}, which needs the Kubernetes API: run in a pod with a service account, or give a kubeconfig (--kubeconfig or kube_config_file_path)`);
    return this.opts.kube;
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
    for (const job of this.allJobs) {
      const jobStart = performance.now();
      const groups = Array.from(this.groups.get(job.jobName)?.values() ?? []).flat();
      for (const k of this.kubernetes.get(job.jobName) ?? []) for (const g of k.groups()) groups.push(g);
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

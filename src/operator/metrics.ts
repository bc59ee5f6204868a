/**
 * The operator's Prometheus metrics, named as controller-runtime names them so existing dashboards work:
 * reconcile totals/errors/duration per controller, work queue depth/adds/retries, and (for the webhook server)
 * request counts and latency; and how often each informer listed again. One registry per operator instance
 * (tests start several).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { InformerStats } from '../kube';

export class OperatorMetrics {
  readonly registry = new Registry();
  readonly reconcileTotal = new Counter({
    name: 'controller_runtime_reconcile_total', help: 'Total number of reconciliations per controller',
    labelNames: ['controller', 'result'], registers: [this.registry],
  });
  readonly reconcileErrors = new Counter({
    name: 'controller_runtime_reconcile_errors_total', help: 'Total number of reconciliation errors per controller',
    labelNames: ['controller'], registers: [this.registry],
  });
  readonly reconcileTime = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds', help: 'Length of time per reconciliation per controller',
    labelNames: ['controller'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [this.registry],
  });
  readonly queueDepth = new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: ['name'], registers: [this.registry] });
  readonly queueAdds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: ['name'], registers: [this.registry] });
  readonly queueRetries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: ['name'], registers: [this.registry] });
  readonly webhookRequests = new Counter({
    name: 'controller_runtime_webhook_requests_total', help: 'Total number of admission requests by HTTP status code',
    labelNames: ['webhook', 'code'], registers: [this.registry],
  });
  readonly webhookLatency = new Histogram({
    name: 'controller_runtime_webhook_latency_seconds', help: 'Histogram of the latency of processing admission requests',
    labelNames: ['webhook'], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [this.registry],
  });
  readonly leader = new Gauge({ name: 'leader_election_master_status', help: '1 when this replica is the leader', labelNames: ['name'], registers: [this.registry] });
  private readonly informers: Array<{ kind: string; stats: InformerStats }> = [];
  /** copied from the informers' own counters at each scrape (the informers are shared with the target allocator) */
  readonly informerRelists: Counter<'informer' | 'reason'> = new Counter({
    name: 'informer_relists_total', help: 'Lists after the first per informer: reason "expired" (the watch got 410 Gone) or "error" (a list failed or the server refused the watch)',
    labelNames: ['informer', 'reason'], registers: [this.registry], collect: () => this.copyInformerStats(),
  });
  /** watches resumed from their last resourceVersion (a broken stream, an API server restart): no relist */
  readonly informerResumes: Counter<'informer'> = new Counter({
    name: 'informer_watch_resumes_total', help: 'Watches resumed from the last resourceVersion after the stream broke or could not be opened (no relist) per informer',
    labelNames: ['informer'], registers: [this.registry],
  });

  constructor(processMetrics = false) {
    if (processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Exposes the relist counters of these informers as `informer_relists_total`. */
  watchInformers(informers: Iterable<{ kind: string; stats: InformerStats }>): void {
    this.informers.push(...informers);
  }

  private copyInformerStats(): void {
    this.informerRelists.reset();
    this.informerResumes.reset();
    for (const { kind, stats } of this.informers) {
      this.informerRelists.inc({ informer: kind, reason: 'expired' }, stats.expired);
      this.informerRelists.inc({ informer: kind, reason: 'error' }, stats.errors);
      this.informerResumes.inc({ informer: kind }, stats.resumes);
    }
  }
}

/**
 * The operator process without its command line: detects the cluster's capabilities, starts the informers
 * (CRs and every owned kind), waits for the caches, serves health and metrics, starts the webhook server
 * (every replica), and once leader runs the controllers and upgrades Instrumentations as upstream does.
 * Depends only on {@link KubeApi}; the CLI passes the client-node adapter.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { upgradeInstrumentation } from '../instrumentation';
import type { InstrumentationResource } from '../instrumentation';
import type { InstrumentationLanguage } from '../apis';
import type { RenderOptions } from '../render';
import { InformerCache, ClusterLookup } from './cache';
import { ClusterCapabilities, detectCapabilities, renderOptionsFor } from './capabilities';
import { Controller } from './controller';
import { reconcileCollector } from './controllers/collector';
import {
  BY_CONTROLLER_UID, BY_INSTANCE, COLLECTOR_API_VERSION, controllerUidIndex, instanceIndex, instanceOf, isClusterScopedKind, MANAGED_BY,
  OWNED_KINDS, ReconcileContext, TARGET_ALLOCATOR_API_VERSION,
} from './controllers/context';
import { reconcileTargetAllocator } from './controllers/target-allocator';
import { EventRecorder } from './events';
import { EndpointsServer, metricsRoute, serveEndpoints, Stoppable } from './http';
import { Informer } from '../kube';
import { KubeApi, KubeApiError, KubeObject, refOf } from '../kube';
import { LeaderElector } from './leader';
import { Logger } from '../common/log';
import { OperatorMetrics } from './metrics';
import { ensureOperatorNetworkPolicy, OperatorNetworkPolicyOptions } from './operator-network-policy';
import { ObjectWriter } from './writer';

export type { Stoppable };

export interface ManagerOptions {
  readonly api: KubeApi;
  readonly log: Logger;
  /** namespaces to watch (`WATCH_NAMESPACE`, comma-separated upstream) @default - all */
  readonly watchNamespaces?: readonly string[];
  /** images, label/annotation filters (capabilities detected at start are added) */
  readonly renderOptions?: RenderOptions;
  /** instrumentation images by language, for the start-up upgrade of Instrumentations @default - upstream's */
  readonly instrumentationImages?: Partial<Record<InstrumentationLanguage, string>>;
  /** @default '0.158.0' */
  readonly collectorVersion?: string;
  /** `{host, port}` of /healthz and /readyz @default - none */
  readonly healthAddr?: { host?: string; port: number };
  /** `{host, port}` of /metrics @default - none */
  readonly metricsAddr?: { host?: string; port: number };
  /** run the controllers only while holding the Lease @default - no election: always lead */
  readonly leaderElection?: { readonly namespace: string; readonly identity?: string; readonly leaseDurationMs?: number; readonly renewDeadlineMs?: number; readonly retryPeriodMs?: number };
  /** every cached CR is reconciled again this often @default 36000000 (10 h, controller-runtime's SyncPeriod) */
  readonly syncPeriodMs?: number;
  /**
   * server-side timeout of every watch: the informers then resume from the last resourceVersion they saw, and
   * relist when the API server answers 410 Gone (that version was compacted) @default 300
   */
  readonly watchTimeoutSeconds?: number;
  /** reconciles at the same time per controller @default 4 */
  readonly concurrency?: number;
  /**
   * Starts the webhook server (admission and conversion) with look-ups served from the caches; filled by the CLI
   * when the webhook room is present. Called on every replica once the caches are synced. @default - no webhooks
   */
  readonly startWebhooks?: (lookup: ClusterLookup, metrics: OperatorMetrics) => Promise<Stoppable>;
  /** Node.js process metrics (CPU, memory, event loop) on /metrics @default true */
  readonly processMetrics?: boolean;
  /** called when leadership is lost (the CLI exits) */
  readonly onLeadershipLost?: () => void;
  /** the operator's own NetworkPolicy, made once leading (gate `operator.networkpolicy`) @default - none */
  readonly operatorNetworkPolicy?: OperatorNetworkPolicyOptions;
}

export class Manager {
  readonly metrics: OperatorMetrics;
  readonly cache = new InformerCache();
  readonly controllers: Controller[] = [];
  capabilities?: ClusterCapabilities;
  private readonly stoppables: Stoppable[] = [];
  private elector?: LeaderElector;
  private ready = false;
  private writer?: ObjectWriter;
  /** milliseconds from `start()` to ready (caches synced, webhooks serving) and to the first reconcile pass done */
  readonly timings: { readyMs?: number; firstPassMs?: number } = {};

  constructor(private readonly options: ManagerOptions) {
    this.metrics = new OperatorMetrics(options.processMetrics ?? true);
  }

  get isReady(): boolean {
    return this.ready;
  }

  get writerStats() {
    return this.writer?.stats;
  }

  async start(): Promise<void> {
    const t0 = Date.now();
    const { api, log } = this.options;
    if (this.options.healthAddr) {
      this.stoppables.push(await serveEndpoints(this.options.healthAddr, {
        '/healthz': async () => ({ status: 200, body: 'ok\n' }),
        '/readyz': async () => (this.ready ? { status: 200, body: 'ok\n' } : { status: 503, body: 'caches not synced\n' }),
        ...(sameAddress(this.options.healthAddr, this.options.metricsAddr) ? { '/metrics': metricsRoute(this.metrics.registry) } : {}),
      }));
    }
    if (this.options.metricsAddr && !sameAddress(this.options.healthAddr, this.options.metricsAddr)) {
      this.stoppables.push(await serveEndpoints(this.options.metricsAddr, { '/metrics': metricsRoute(this.metrics.registry) }));
    }
    const caps = this.capabilities = await detectCapabilities(api, log);
    const ctx = this.context(caps);
    this.createInformers(caps);
    this.metrics.watchInformers(this.informers());
    this.createControllers(ctx);
    await Promise.all([...this.informers()].map((i) => i.start()));
    log.info({ informers: [...this.informers()].map((i) => i.kind), ms: Date.now() - t0 }, 'caches synced');
    if (this.options.startWebhooks) this.stoppables.push(await this.options.startWebhooks(this.cache, this.metrics));
    this.ready = true;
    this.timings.readyMs = Date.now() - t0;
    await this.lead();
    if (this.options.operatorNetworkPolicy) {
      await ensureOperatorNetworkPolicy(api, this.options.operatorNetworkPolicy, log)
        .catch((e: Error) => log.error({ err: e.message }, 'operator NetworkPolicy not created'));
    }
    await this.upgradeInstrumentations(ctx);
    for (const c of this.controllers) c.start();
    void Promise.all(this.controllers.map((c) => c.queue.whenIdle())).then(() => {
      this.timings.firstPassMs = Date.now() - t0;
      log.info({ ms: this.timings.firstPassMs, writes: this.writer?.stats }, 'first reconcile pass done');
    });
  }

  /** Resolves when every controller's queue is empty and nothing is being reconciled. */
  async whenIdle(): Promise<void> {
    await Promise.all(this.controllers.map((c) => c.queue.whenIdle()));
  }

  async stop(): Promise<void> {
    this.ready = false;
    await Promise.all(this.controllers.map((c) => c.stop()));
    await this.elector?.stop();
    await Promise.all([...this.informers()].map((i) => i.stop()));
    await Promise.all(this.stoppables.map((s) => s.stop()));
  }

  private *informers(): Iterable<Informer> {
    for (const kind of ['Namespace', 'OpenTelemetryCollector', 'TargetAllocator', 'Instrumentation', 'ReplicaSet', ...OWNED_KINDS.map((k) => k.kind)]) {
      const i = this.cache.informer(kind);
      if (i) yield i;
    }
  }

  private context(caps: ClusterCapabilities): ReconcileContext {
    const { api, log } = this.options;
    this.writer = new ObjectWriter(api, log);
    return {
      api, log, cache: this.cache, writer: this.writer,
      events: new EventRecorder(api, { log }),
      renderOptions: { ...renderOptionsFor(caps), ...this.options.renderOptions },
      collectorVersion: this.options.collectorVersion ?? '0.158.0',
    };
  }

  private createInformers(caps: ClusterCapabilities): void {
    const { api, log } = this.options;
    const namespaces = this.options.watchNamespaces;
    const webhooks = !!this.options.startWebhooks;
    const add = (apiVersion: string, kind: string, extra: { clusterScoped?: boolean; labelSelector?: string; resyncMs?: number } = {}) => {
      const informer = new Informer(api, {
        apiVersion, kind, namespaces: extra.clusterScoped ? undefined : namespaces, labelSelector: extra.labelSelector,
        resyncMs: extra.resyncMs, watchTimeoutSeconds: this.options.watchTimeoutSeconds, log: log.child({ informer: kind }),
      });
      // what pruning looks up: owned objects by their controller, cluster-scoped ones by their instance label
      if (extra.clusterScoped) informer.addIndex(BY_INSTANCE, instanceIndex);
      else informer.addIndex(BY_CONTROLLER_UID, controllerUidIndex);
      this.cache.add(informer);
    };
    const sync = this.options.syncPeriodMs ?? 36_000_000;
    add(COLLECTOR_API_VERSION, 'OpenTelemetryCollector', { resyncMs: sync });
    if (caps.targetAllocatorCrd) add(TARGET_ALLOCATOR_API_VERSION, 'TargetAllocator', { resyncMs: sync });
    if (caps.instrumentationCrd) add('opentelemetry.io/v1alpha1', 'Instrumentation');
    if (webhooks) {
      // the pod webhook reads namespaces (annotations), and the owners of pods for resource attributes
      add('v1', 'Namespace', { clusterScoped: true });
      add('apps/v1', 'ReplicaSet');
    }
    for (const k of OWNED_KINDS) {
      if (k.optional && !(k.kind === 'ServiceMonitor' || k.kind === 'PodMonitor' ? caps.prometheusCrds : k.kind === 'Route' ? caps.openShiftRoutes : caps.gatewayApi)) continue;
      // the webhook looks up any Deployment (pod owners), not only ours
      const labelSelector = k.kind === 'Deployment' && webhooks ? undefined : MANAGED_BY;
      add(k.apiVersion, k.kind, { clusterScoped: k.clusterScoped, labelSelector });
    }
  }

  private createControllers(ctx: ReconcileContext): void {
    const { log } = this.options;
    const common = { metrics: this.metrics, log, concurrency: this.options.concurrency };
    const collectors = new Controller({ ...common, name: 'opentelemetrycollector', reconcile: (ns, n) => reconcileCollector(ctx, ns, n) });
    const allocators = new Controller({ ...common, name: 'targetallocator', reconcile: (ns, n) => reconcileTargetAllocator(ctx, ns, n) });
    this.controllers.push(collectors, allocators);
    const otelcols = this.cache.informer('OpenTelemetryCollector')!;
    collectors.watchPrimary(otelcols);
    // a collector naming a standalone TargetAllocator changes that allocator's config
    allocators.watchMapped(otelcols, (c) => linkedAllocator(c));
    const tas = this.cache.informer('TargetAllocator');
    if (tas) {
      allocators.watchPrimary(tas);
      collectors.watchOwned(tas, 'OpenTelemetryCollector');
      collectors.watchMapped(tas, (ta) => this.cache.list('OpenTelemetryCollector', ta.metadata.namespace)
        .filter((c) => linkedAllocator(c)[0]?.name === ta.metadata.name).map((c) => ({ namespace: c.metadata.namespace, name: c.metadata.name! })));
    }
    for (const k of OWNED_KINDS) {
      const informer = this.cache.informer(k.kind);
      if (!informer) continue;
      if (isClusterScopedKind(k.kind)) {
        collectors.watchMapped(informer, (o) => ownerByInstanceLabel(o, this.cache));
        continue;
      }
      collectors.watchOwned(informer, 'OpenTelemetryCollector');
      // objects of a TargetAllocator: to its collector when it has one, else to the allocator controller
      allocators.watchOwned(informer, 'TargetAllocator');
      collectors.watchMapped(informer, (o) => {
        const ref = o.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'TargetAllocator');
        const ta = ref && this.cache.get(TARGET_ALLOCATOR_API_VERSION, 'TargetAllocator', o.metadata.namespace, ref.name);
        const owner = ta?.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'OpenTelemetryCollector');
        return owner ? [{ namespace: o.metadata.namespace, name: owner.name }] : [];
      });
    }
  }

  private async lead(): Promise<void> {
    const le = this.options.leaderElection;
    if (!le) return;
    this.elector = new LeaderElector(this.options.api, {
      namespace: le.namespace, identity: le.identity ?? `${hostname()}_${randomUUID()}`, log: this.options.log,
      leaseDurationMs: le.leaseDurationMs, renewDeadlineMs: le.renewDeadlineMs, retryPeriodMs: le.retryPeriodMs,
    });
    this.elector.onLost = () => {
      this.metrics.leader.set({ name: 'opentelemetry-operator' }, 0);
      void Promise.all(this.controllers.map((c) => c.stop()));
      this.options.onLeadershipLost?.();
    };
    this.options.log.info({ lease: `${le.namespace}/${'9f7554c3.opentelemetry.io'}` }, 'waiting for leadership');
    await this.elector.acquire();
    this.metrics.leader.set({ name: 'opentelemetry-operator' }, 1);
  }

  /**
   * Instrumentations still on the default images of an older operator move to ours (upstream's upgrade at start).
   * The write carries the resourceVersion read: when someone changed the Instrumentation meanwhile (409), it is
   * read again and the upgrade decided again, so neither their change nor the upgrade is lost.
   */
  private async upgradeInstrumentations(ctx: ReconcileContext): Promise<void> {
    for (const cached of this.cache.list('Instrumentation')) {
      const resource = `Instrumentation ${cached.metadata.namespace}/${cached.metadata.name}`;
      let inst: KubeObject | undefined = cached;
      for (let attempt = 1; inst; attempt++) {
        try {
          await this.upgradeInstrumentation(ctx, inst);
          break;
        } catch (e) {
          if (e instanceof KubeApiError && e.isConflict && attempt < MAX_CONFLICT_ATTEMPTS) {
            ctx.log.info({ resource, attempt, err: e.message }, 'instrumentation changed meanwhile: reading it again');
            inst = await ctx.api.get(refOf(inst)).catch((err: Error) => {
              ctx.log.warn({ resource, err: err.message }, 'instrumentation upgrade dropped: could not read it again');
              return undefined;
            });
            continue;
          }
          ctx.log.warn({ resource, err: (e as Error).message }, 'instrumentation upgrade failed');
          break;
        }
      }
    }
  }

  private async upgradeInstrumentation(ctx: ReconcileContext, inst: KubeObject): Promise<void> {
    const { instrumentation, changed, blocked } = upgradeInstrumentation(inst as unknown as InstrumentationResource, this.options.instrumentationImages);
    if (!changed) return;
    const { status, ...rest } = instrumentation as unknown as KubeObject;
    const written = await ctx.api.replace(rest as KubeObject);
    // a merge patch of the status subresource carries no resourceVersion: a write by someone else between the spec
    // write and this one cannot 409 it (which redid the whole upgrade, and lost the status when the re-read failed)
    if (status) await ctx.api.patch(refOf(written), { status }, 'merge', { subresource: 'status' });
    for (const b of blocked) await ctx.events.record(written, 'Warning', 'UpgradeBlocked', b.message);
    ctx.log.info({ resource: `Instrumentation ${inst.metadata.namespace}/${inst.metadata.name}` }, 'instrumentation upgraded to the default images of this operator');
  }
}

/** Writes of one start-up upgrade tried again after a 409 before giving up (the next start tries again). */
const MAX_CONFLICT_ATTEMPTS = 5;

function linkedAllocator(collector: KubeObject): Array<{ namespace?: string; name: string }> {
  const name = collector.metadata.labels?.['opentelemetry.io/target-allocator'];
  return name ? [{ namespace: collector.metadata.namespace, name }] : [];
}

/** ClusterRoles/Bindings carry `app.kubernetes.io/instance: ns.name` of their collector. */
function ownerByInstanceLabel(obj: KubeObject, cache: InformerCache): Array<{ namespace?: string; name: string }> {
  const instance = obj.metadata.labels?.['app.kubernetes.io/instance'];
  if (!instance) return [];
  const dot = instance.indexOf('.');
  const namespace = instance.slice(0, dot);
  const name = instance.slice(dot + 1);
  const cr = cache.get(COLLECTOR_API_VERSION, 'OpenTelemetryCollector', namespace, name);
  return cr && instanceOf(cr) === instance ? [{ namespace, name }] : [];
}

function sameAddress(a?: { host?: string; port: number }, b?: { host?: string; port: number }): boolean {
  return !!a && !!b && a.port === b.port && (a.host ?? '') === (b.host ?? '');
}

export type { EndpointsServer };

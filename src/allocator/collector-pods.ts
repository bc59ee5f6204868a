/**
 * Collector discovery as upstream's allocator does it: the collector pods of `collector_namespace` matching
 * `collector_selector` are the collectors, keyed by pod name (what each sends as `collector_id`). The choice of
 * pods is pure ({@link collectorsFromPods}); {@link CollectorWatcher} feeds it from a pod informer.
 */
import { Informer } from '../kube';
import { KubeApi } from '../kube';
import { LabelSelector, labelSelectorString, selectorMatches } from './label-selector';
import { Collector } from './strategies/strategy';

/** The fields of a Pod that decide whether it is an allocatable collector. */
export interface CollectorPod {
  readonly metadata?: { readonly name?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec?: { readonly nodeName?: string };
  readonly status?: {
    readonly phase?: string;
    readonly startTime?: string;
    readonly conditions?: ReadonlyArray<{ readonly type?: string; readonly status?: string; readonly lastTransitionTime?: string }>;
  };
}

/**
 * The collectors among `pods`, sorted by name: a pod counts once it is bound to a node (`spec.nodeName`), and
 * stops counting when it has been out of phase Running since its `startTime`, or not Ready since the Ready
 * condition's last transition, for longer than `graceMs` (0 turns both checks off: every bound pod counts). The
 * grace period spares a reallocation of every target when a collector is only briefly unready.
 */
export function collectorsFromPods(pods: Iterable<CollectorPod>, nowMs: number, graceMs: number): Collector[] {
  const out: Collector[] = [];
  for (const pod of pods) {
    const name = pod.metadata?.name;
    const nodeName = pod.spec?.nodeName;
    if (!name || !nodeName) continue;
    if (graceMs > 0 && !withinGrace(pod, nowMs, graceMs)) continue;
    out.push({ name, nodeName });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function withinGrace(pod: CollectorPod, nowMs: number, graceMs: number): boolean {
  const expired = (since: string | undefined) => {
    const t = since ? Date.parse(since) : NaN;
    return !Number.isNaN(t) && nowMs - t > graceMs;
  };
  if (pod.status?.phase !== 'Running' && expired(pod.status?.startTime)) return false;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready && ready.status !== 'True' && expired(ready.lastTransitionTime)) return false;
  return true;
}

/** The earliest moment a pod's grace period runs out, so the set is re-evaluated then even without an event. */
export function nextGraceExpiry(pods: Iterable<CollectorPod>, nowMs: number, graceMs: number): number | undefined {
  if (graceMs <= 0) return undefined;
  let next: number | undefined;
  const consider = (since: string | undefined) => {
    const t = since ? Date.parse(since) : NaN;
    if (Number.isNaN(t)) return;
    const at = t + graceMs + 1;
    if (at > nowMs && (next === undefined || at < next)) next = at;
  };
  for (const pod of pods) {
    if (!pod.spec?.nodeName) continue;
    if (pod.status?.phase !== 'Running') consider(pod.status?.startTime);
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready && ready.status !== 'True') consider(ready.lastTransitionTime);
  }
  return next;
}

export interface CollectorWatcherOptions {
  readonly namespace: string;
  readonly selector: LabelSelector;
  readonly graceMs: number;
  /** called with the whole set after every change (debounced by `debounceMs`) */
  readonly onChange: (collectors: Collector[]) => void;
  /** upstream throttles collector updates to one per 5s @default 5000 */
  readonly debounceMs?: number;
  readonly now?: () => number;
}

/**
 * Watches the collector pods (one informer: the namespace, the selector sent to the API server and checked again
 * here) and hands the allocatable set to `onChange` when it changes, and again when a grace period runs out.
 */
export class CollectorWatcher {
  private readonly informer: Informer;
  private timer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private last = '';
  private stopped = false;

  constructor(api: KubeApi, private readonly opts: CollectorWatcherOptions) {
    const labelSelector = labelSelectorString(opts.selector);
    this.informer = new Informer(api, {
      apiVersion: 'v1', kind: 'Pod', namespaces: [opts.namespace], labelSelector: labelSelector || undefined, resyncMs: 30_000,
    });
    this.informer.on(() => this.schedule());
  }

  /** Lists the pods and reports the first set before resolving. */
  async start(): Promise<void> {
    await this.informer.start();
    this.evaluate();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.graceTimer) clearTimeout(this.graceTimer);
    await this.informer.stop();
  }

  /** The allocatable collectors now. */
  current(): Collector[] {
    return collectorsFromPods(this.pods(), this.now(), this.opts.graceMs);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private pods(): CollectorPod[] {
    return (this.informer.list(this.opts.namespace) as CollectorPod[]).filter((p) => selectorMatches(this.opts.selector, p.metadata?.labels));
  }

  private schedule(): void {
    if (this.stopped || this.timer || !this.informer.hasSynced) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.evaluate();
    }, this.opts.debounceMs ?? 5000);
  }

  private evaluate(): void {
    if (this.stopped) return;
    const pods = this.pods();
    const now = this.now();
    const collectors = collectorsFromPods(pods, now, this.opts.graceMs);
    const key = collectors.map((c) => `${c.name}@${c.nodeName}`).join(',');
    if (key !== this.last) {
      this.last = key;
      this.opts.onChange(collectors);
    }
    if (this.graceTimer) clearTimeout(this.graceTimer);
    const next = nextGraceExpiry(pods, now, this.opts.graceMs);
    if (next !== undefined) {
      this.graceTimer = setTimeout(() => this.evaluate(), next - now);
      this.graceTimer.unref();
    }
  }
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, with controller-runtime's timings (lease 15 s, renew
 * deadline 10 s, retry 2 s). Like client-go, expiry is judged by when *we* last saw the lease change, not by
 * the holder's clock. A leader that cannot renew within the deadline stops leading (the manager then exits,
 * as controller-runtime does, so a fresh process starts clean); a leader that stops releases the lease so the
 * next replica takes over at once instead of after the lease time.
 */
import { KubeApi, KubeApiError, KubeObject } from '../kube';
import { Logger } from '../common/log';

/** The Lease name upstream's operator uses, so the two never lead at the same time. */
export const LEADER_ELECTION_ID = '9f7554c3.opentelemetry.io';

export interface LeaderElectionOptions {
  readonly namespace: string;
  /** @default LEADER_ELECTION_ID */
  readonly name?: string;
  /** this replica, e.g. `hostname_uuid` */
  readonly identity: string;
  /** @default 15000 */
  readonly leaseDurationMs?: number;
  /** @default 10000 */
  readonly renewDeadlineMs?: number;
  /** @default 2000 */
  readonly retryPeriodMs?: number;
  readonly log: Logger;
  readonly now?: () => number;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export class LeaderElector {
  private leading = false;
  private stopped = false;
  private observed?: { record: string; at: number };
  private lastRenew = 0;
  private timer?: NodeJS.Timeout;
  private readonly leaderWaiters: Array<() => void> = [];
  onLost?: () => void;

  constructor(private readonly api: KubeApi, private readonly options: LeaderElectionOptions) {}

  get isLeader(): boolean {
    return this.leading;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Starts trying; resolves when this replica leads. */
  async acquire(): Promise<void> {
    this.schedule(0);
    if (this.leading) return;
    await new Promise<void>((resolve) => this.leaderWaiters.push(resolve));
  }

  /** Stops; releases the lease when leading. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.api.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: this.options.namespace, name: this.name });
      const spec = (lease?.spec ?? {}) as LeaseSpec;
      if (lease && spec.holderIdentity === this.options.identity) {
        await this.api.replace({ ...lease, spec: { ...spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: micro(this.now()) } });
      }
    } catch (e) {
      this.options.log.warn({ err: (e as Error).message }, 'could not release the leader lease');
    }
  }

  private get name(): string {
    return this.options.name ?? LEADER_ELECTION_ID;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    let ok = false;
    try {
      ok = await this.tryAcquireOrRenew();
    } catch (e) {
      this.options.log.warn({ err: (e as Error).message }, 'leader election: lease request failed');
    }
    if (this.stopped) return;
    if (ok) {
      this.lastRenew = this.now();
      if (!this.leading) {
        this.leading = true;
        this.options.log.info({ lease: `${this.options.namespace}/${this.name}`, identity: this.options.identity }, 'became leader');
        for (const w of this.leaderWaiters.splice(0)) w();
      }
    } else if (this.leading && this.now() - this.lastRenew > (this.options.renewDeadlineMs ?? 10_000)) {
      this.leading = false;
      this.options.log.error({ lease: `${this.options.namespace}/${this.name}` }, 'leader election lost: could not renew the lease within the deadline');
      this.stopped = true;
      this.onLost?.();
      return;
    }
    this.schedule(this.options.retryPeriodMs ?? 2000);
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, identity } = this.options;
    const durationS = Math.round((this.options.leaseDurationMs ?? 15_000) / 1000);
    const now = this.now();
    const lease = await this.api.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace, name: this.name });
    if (!lease) {
      try {
        await this.api.create({
          apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.name, namespace },
          spec: { holderIdentity: identity, leaseDurationSeconds: durationS, acquireTime: micro(now), renewTime: micro(now), leaseTransitions: 0 },
        });
        return true;
      } catch (e) {
        if (e instanceof KubeApiError && e.statusCode === 409) return false;
        throw e;
      }
    }
    const spec = (lease.spec ?? {}) as LeaseSpec;
    const record = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.leaseDurationSeconds]);
    if (this.observed?.record !== record) this.observed = { record, at: now };
    const held = spec.holderIdentity && spec.holderIdentity !== identity;
    if (held && this.observed.at + (spec.leaseDurationSeconds ?? durationS) * 1000 > now) return false;
    const next: KubeObject = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: durationS,
        renewTime: micro(now),
        acquireTime: spec.holderIdentity === identity ? spec.acquireTime : micro(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (spec.holderIdentity === identity ? 0 : 1),
      },
    };
    try {
      const written = await this.api.replace(next);
      this.observed = { record: JSON.stringify([identity, (written.spec as LeaseSpec).renewTime, durationS]), at: now };
      return true;
    } catch (e) {
      if (e instanceof KubeApiError && e.statusCode === 409) return false;
      throw e;
    }
  }
}

/** MicroTime as the API server wants it: RFC 3339 with microseconds. */
function micro(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

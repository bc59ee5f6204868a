/**
 * `prometheus_cr` at run time: informers on ServiceMonitors, PodMonitors and Probes (each only when its CRD is served),
 * Namespaces (for the namespace selectors) and Secrets (credentials and TLS material), and the scrape configs
 * generated from the selected monitors, handed to `onChange` when they change (batched).
 */
import { Informer } from '../../kube';
import { KubeApi, KubeObject } from '../../kube';
import { PrometheusCrConfig } from '../config';
import { MonitorRejected, ObjectStore, podMonitorScrapeConfigs, probeScrapeConfigs, serviceMonitorScrapeConfigs } from './generate';
import { selectMonitors } from './select';

const GROUP_VERSION = 'monitoring.coreos.com/v1';

export interface PrometheusCrWatcherOptions {
  readonly onChange: (configs: Array<Record<string, unknown>>) => void;
  readonly warn: (msg: string) => void;
  /** upstream batches CR changes for 5 s @default 5000 */
  readonly debounceMs?: number;
}

export class PrometheusCrWatcher {
  private serviceMonitors?: Informer;
  private podMonitors?: Informer;
  private probes?: Informer;
  private namespaces?: Informer;
  private secrets?: Informer;
  private timer: NodeJS.Timeout | undefined;
  private last = '';
  private readonly warned = new Set<string>();
  private stopped = false;

  constructor(private readonly api: KubeApi, private readonly config: PrometheusCrConfig, private readonly opts: PrometheusCrWatcherOptions) {}

  /** Lists everything and reports the first set of scrape configs before resolving. */
  async start(): Promise<void> {
    const informers: Informer[] = [];
    const add = (apiVersion: string, kind: string) => {
      const i = new Informer(this.api, { apiVersion, kind, resyncMs: 5 * 60_000 });
      i.on(() => this.schedule());
      informers.push(i);
      return i;
    };
    const kinds = [['ServiceMonitor', this.config.serviceMonitors.selector], ['PodMonitor', this.config.podMonitors.selector], ['Probe', this.config.probes.selector]] as const;
    for (const [kind, wanted] of kinds) {
      if (!wanted) continue;
      if (!(await this.api.served(GROUP_VERSION, kind))) {
        this.opts.warn(`prometheus_cr: ${kind} (${GROUP_VERSION}) is not served by the API server; install the Prometheus Operator CRDs and restart`);
        continue;
      }
      if (kind === 'ServiceMonitor') this.serviceMonitors = add(GROUP_VERSION, kind);
      else if (kind === 'PodMonitor') this.podMonitors = add(GROUP_VERSION, kind);
      else this.probes = add(GROUP_VERSION, kind);
    }
    if (informers.length > 0) {
      this.namespaces = add('v1', 'Namespace');
      this.secrets = add('v1', 'Secret');
    }
    await Promise.all(informers.map((i) => i.start()));
    this.evaluate();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([this.serviceMonitors, this.podMonitors, this.probes, this.namespaces, this.secrets].map((i) => i?.stop()));
  }

  /** The scrape configs of the selected monitors now. */
  generate(): Array<Record<string, unknown>> {
    const store: ObjectStore = {
      secretKey: (ns, ref) => {
        const secret = this.secrets?.get(ns, ref.name ?? '') as (KubeObject & { data?: Record<string, string> }) | undefined;
        const v = secret?.data?.[ref.key ?? ''];
        return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
      },
    };
    const nsLabels = (ns: string) => this.namespaces?.get(undefined, ns)?.metadata.labels as Record<string, string> | undefined;
    const out: Array<Record<string, unknown>> = [];
    const run = (monitors: KubeObject[], gen: (m: any, s: ObjectStore) => Array<Record<string, unknown>>, kind: string) => {
      for (const m of monitors) {
        try {
          out.push(...gen(m, store));
        } catch (err) {
          if (!(err instanceof MonitorRejected)) throw err;
          const msg = `prometheus_cr: ${kind} ${m.metadata.namespace}/${m.metadata.name} left out: ${err.message}`;
          if (!this.warned.has(msg)) {
            this.warned.add(msg);
            this.opts.warn(msg);
          }
        }
      }
    };
    const filter = this.config.namespaces;
    run(selectMonitors(this.serviceMonitors?.list() ?? [], this.config.serviceMonitors, nsLabels, filter), serviceMonitorScrapeConfigs, 'ServiceMonitor');
    run(selectMonitors(this.podMonitors?.list() ?? [], this.config.podMonitors, nsLabels, filter), podMonitorScrapeConfigs, 'PodMonitor');
    run(selectMonitors(this.probes?.list() ?? [], this.config.probes, nsLabels, filter), probeScrapeConfigs, 'Probe');
    return out;
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.evaluate();
    }, this.opts.debounceMs ?? 5000);
  }

  private evaluate(): void {
    if (this.stopped) return;
    const configs = this.generate();
    const key = JSON.stringify(configs);
    if (key === this.last) return;
    this.last = key;
    this.opts.onChange(configs);
  }
}

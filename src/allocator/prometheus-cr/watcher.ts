/**
 * `prometheus_cr` at run time: informers on ServiceMonitors, PodMonitors, Probes and ScrapeConfigs (each only
 * when its CRD is served), Namespaces (for the namespace selectors), Secrets and ConfigMaps (credentials and TLS
 * material), and the scrape configs generated from the selected resources (with the scrape classes, the
 * default scrape protocols and the `deny_fs_access_through_sms` filter applied), handed to `onChange` when they
 * change (batched).
 */
import { Informer } from '../../kube';
import { KubeApi, KubeObject } from '../../kube';
import { PrometheusCrConfig } from '../config';
import { denyFileAccess } from './deny-fs';
import { MonitorRejected, ObjectStore, podMonitorScrapeConfigs, probeScrapeConfigs, serviceMonitorScrapeConfigs } from './generate';
import { ScrapeClasses } from './scrape-class';
import { scrapeConfigScrapeConfigs } from './scrape-config';
import { selectMonitors } from './select';

const GROUP_VERSION = 'monitoring.coreos.com/v1';
const ALPHA_GROUP_VERSION = 'monitoring.coreos.com/v1alpha1';

/** Data of a Secret (base64) or ConfigMap (`data` as it is, `binaryData` base64). */
type WithData = KubeObject & { data?: Record<string, string>; binaryData?: Record<string, string> };

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
  private scrapeConfigs?: Informer;
  private namespaces?: Informer;
  private secrets?: Informer;
  private configMaps?: Informer;
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
    const kinds = [
      ['ServiceMonitor', GROUP_VERSION, this.config.serviceMonitors.selector],
      ['PodMonitor', GROUP_VERSION, this.config.podMonitors.selector],
      ['Probe', GROUP_VERSION, this.config.probes.selector],
      ['ScrapeConfig', ALPHA_GROUP_VERSION, this.config.scrapeConfigs.selector],
    ] as const;
    for (const [kind, groupVersion, wanted] of kinds) {
      if (!wanted) continue;
      if (!(await this.api.served(groupVersion, kind))) {
        this.opts.warn(`prometheus_cr: ${kind} (${groupVersion}) is not served by the API server; install the Prometheus Operator CRDs and restart`);
        continue;
      }
      if (kind === 'ServiceMonitor') this.serviceMonitors = add(groupVersion, kind);
      else if (kind === 'PodMonitor') this.podMonitors = add(groupVersion, kind);
      else if (kind === 'Probe') this.probes = add(groupVersion, kind);
      else this.scrapeConfigs = add(groupVersion, kind);
    }
    if (informers.length > 0) {
      this.namespaces = add('v1', 'Namespace');
      this.secrets = add('v1', 'Secret');
      this.configMaps = add('v1', 'ConfigMap');
    }
    await Promise.all(informers.map((i) => i.start()));
    this.evaluate();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([this.serviceMonitors, this.podMonitors, this.probes, this.scrapeConfigs, this.namespaces, this.secrets, this.configMaps].map((i) => i?.stop()));
  }

  /** The scrape configs of the selected monitors now. */
  generate(): Array<Record<string, unknown>> {
    const store: ObjectStore = {
      secretKey: (ns, ref) => {
        const secret = this.secrets?.get(ns, ref.name ?? '') as WithData | undefined;
        const v = secret?.data?.[ref.key ?? ''];
        return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
      },
      configMapKey: (ns, ref) => {
        const cm = this.configMaps?.get(ns, ref.name ?? '') as WithData | undefined;
        const v = cm?.data?.[ref.key ?? ''];
        if (v !== undefined) return v;
        const b = cm?.binaryData?.[ref.key ?? ''];
        return b === undefined ? undefined : Buffer.from(b, 'base64').toString('utf8');
      },
    };
    const nsLabels = (ns: string) => this.namespaces?.get(undefined, ns)?.metadata.labels as Record<string, string> | undefined;
    const out: Array<Record<string, unknown>> = [];
    type Generator = (m: any, s: ObjectStore, classes: ScrapeClasses, warn: (msg: string) => void) => Array<Record<string, unknown>>;
    const run = (monitors: KubeObject[], gen: Generator, kind: string) => {
      for (const m of monitors) {
        const what = `prometheus_cr: ${kind} ${m.metadata.namespace}/${m.metadata.name}`;
        try {
          out.push(...gen(m, store, this.config.scrapeClasses, (msg) => this.warnOnce(`${what}: ${msg}`)));
        } catch (err) {
          if (!(err instanceof MonitorRejected)) throw err;
          this.warnOnce(`${what} left out: ${err.message}`);
        }
      }
    };
    const filter = this.config.namespaces;
    run(selectMonitors(this.serviceMonitors?.list() ?? [], this.config.serviceMonitors, nsLabels, filter), serviceMonitorScrapeConfigs, 'ServiceMonitor');
    run(selectMonitors(this.podMonitors?.list() ?? [], this.config.podMonitors, nsLabels, filter), podMonitorScrapeConfigs, 'PodMonitor');
    run(selectMonitors(this.probes?.list() ?? [], this.config.probes, nsLabels, filter), probeScrapeConfigs, 'Probe');
    run(selectMonitors(this.scrapeConfigs?.list() ?? [], this.config.scrapeConfigs, nsLabels, filter), scrapeConfigScrapeConfigs, 'ScrapeConfig');
    // upstream's generated global section carries scrape_protocols, which Prometheus copies into every job that sets none
    for (const cfg of out) if (cfg.scrape_protocols === undefined) cfg.scrape_protocols = [...this.config.scrapeProtocols];
    if (!this.config.denyFsAccess) return out;
    return denyFileAccess(out, (job, fields) => {
      this.warnOnce(`prometheus_cr: job ${job} dropped (deny_fs_access_through_sms): it reads ${fields.join(', ')} from the collector's file system; use a Secret reference instead`);
    });
  }

  private warnOnce(msg: string): void {
    if (this.warned.has(msg)) return;
    this.warned.add(msg);
    this.opts.warn(msg);
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

/**
 * `prometheus_cr` at run time: informers on ServiceMonitors, PodMonitors, Probes and ScrapeConfigs (each only
 * when its CRD is served), Namespaces (for the namespace selectors), and the scrape configs generated from the
 * selected resources (with the scrape classes, the default scrape protocols and the
 * `deny_fs_access_through_sms` filter applied), handed to `onChange` when they change (batched).
 *
 * Secrets and ConfigMaps (credentials and TLS material) are watched in `secret_namespaces` only (default: the
 * collector namespace; every namespace when neither is known), as upstream watches Secrets, so its RBAC is
 * enough; one in another namespace is read with a GET each time the configs are generated, as upstream's asset
 * store reads it, so a change there shows at the next regeneration.
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
  /** the collector namespace: where Secrets and ConfigMaps are watched unless `secret_namespaces` says otherwise */
  readonly ownNamespace?: string;
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
  /** evaluations run one after the other */
  private chain: Promise<void> = Promise.resolve();
  /** Secrets and ConfigMaps outside the watched namespaces, read by GET for one evaluation (null: absent) */
  private readonly fetched = new Map<string, WithData | null>();
  private readonly wanted = new Map<string, { kind: string; namespace: string; name: string }>();
  private last = '';
  private readonly warned = new Set<string>();
  private stopped = false;

  constructor(private readonly api: KubeApi, private readonly config: PrometheusCrConfig, private readonly opts: PrometheusCrWatcherOptions) {}

  /** Lists everything and reports the first set of scrape configs before resolving. */
  async start(): Promise<void> {
    const informers: Informer[] = [];
    const add = (apiVersion: string, kind: string, scope: { namespaces?: string[]; fieldSelector?: string } = {}) => {
      const i = new Informer(this.api, { apiVersion, kind, resyncMs: 5 * 60_000, ...scope });
      i.on(() => this.schedule());
      informers.push(i);
      return i;
    };
    // as upstream's informer factories: the monitors of the allowed namespaces only, or all but the denied ones
    // (so namespaced RBAC is enough with allow_namespaces)
    const { allow, deny } = this.config.namespaces;
    const crScope = allow.length > 0 ? { namespaces: [...allow] }
      : deny.length > 0 ? { fieldSelector: deny.map((ns) => `metadata.namespace!=${ns}`).join(',') } : {};
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
      if (kind === 'ServiceMonitor') this.serviceMonitors = add(groupVersion, kind, crScope);
      else if (kind === 'PodMonitor') this.podMonitors = add(groupVersion, kind, crScope);
      else if (kind === 'Probe') this.probes = add(groupVersion, kind, crScope);
      else this.scrapeConfigs = add(groupVersion, kind, crScope);
    }
    if (informers.length > 0) {
      this.namespaces = add('v1', 'Namespace');
      const scoped = (kind: string) => {
        const i = new Informer(this.api, { apiVersion: 'v1', kind, namespaces: this.watchedNamespaces(), resyncMs: 5 * 60_000 });
        i.on(() => this.schedule());
        informers.push(i);
        return i;
      };
      this.secrets = scoped('Secret');
      this.configMaps = scoped('ConfigMap');
    }
    await Promise.all(informers.map((i) => i.start()));
    await this.evaluate();
  }

  /** `secret_namespaces`, else the collector namespace; undefined (all) when neither is known. */
  private watchedNamespaces(): string[] | undefined {
    if (this.config.secretNamespaces.length > 0) return [...this.config.secretNamespaces];
    return this.opts.ownNamespace ? [this.opts.ownNamespace] : undefined;
  }

  /** A Secret or ConfigMap: from the informer in a watched namespace, else from this evaluation's GETs. */
  private lookup(kind: 'Secret' | 'ConfigMap', namespace: string, name: string): WithData | undefined {
    const watched = this.watchedNamespaces();
    if (!watched || watched.includes(namespace)) return (kind === 'Secret' ? this.secrets : this.configMaps)?.get(namespace, name) as WithData | undefined;
    const key = `${kind}/${namespace}/${name}`;
    if (this.fetched.has(key)) return this.fetched.get(key) ?? undefined;
    this.wanted.set(key, { kind, namespace, name });
    return undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([this.serviceMonitors, this.podMonitors, this.probes, this.scrapeConfigs, this.namespaces, this.secrets, this.configMaps].map((i) => i?.stop()));
  }

  /** The scrape configs of the selected monitors now, and the warnings they gave. */
  private generate(): { configs: Array<Record<string, unknown>>; warnings: string[] } {
    const warnings: string[] = [];
    const store: ObjectStore = {
      secretKey: (ns, ref) => {
        const secret = this.lookup('Secret', ns, ref.name ?? '');
        const v = secret?.data?.[ref.key ?? ''];
        return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
      },
      configMapKey: (ns, ref) => {
        const cm = this.lookup('ConfigMap', ns, ref.name ?? '');
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
          out.push(...gen(m, store, this.config.scrapeClasses, (msg) => warnings.push(`${what}: ${msg}`)));
        } catch (err) {
          if (!(err instanceof MonitorRejected)) throw err;
          warnings.push(`${what} left out: ${err.message}`);
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
    if (!this.config.denyFsAccess) return { configs: out, warnings };
    const configs = denyFileAccess(out, (job, fields) => {
      warnings.push(`prometheus_cr: job ${job} dropped (deny_fs_access_through_sms): it reads ${fields.join(', ')} from the collector's file system; use a Secret reference instead`);
    });
    return { configs, warnings };
  }

  /** Reads the Secrets and ConfigMaps outside the watched namespaces that the last generation asked for. */
  private async fetchWanted(): Promise<void> {
    await Promise.all(Array.from(this.wanted, async ([key, ref]) => {
      try {
        this.fetched.set(key, (await this.api.get({ apiVersion: 'v1', kind: ref.kind, namespace: ref.namespace, name: ref.name })) as WithData | undefined ?? null);
      } catch (err) {
        this.fetched.set(key, null);
        this.warnOnce(`prometheus_cr: cannot read ${ref.kind} ${ref.namespace}/${ref.name}: ${(err as Error).message}`);
      }
    }));
    this.wanted.clear();
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
      void this.evaluate();
    }, this.opts.debounceMs ?? 5000);
  }

  /** Generates the configs (reading what is not watched first) and reports them if they changed. */
  private evaluate(): Promise<void> {
    this.chain = this.chain.then(() => this.evaluateNow()).catch((err: Error) => this.opts.warn(`prometheus_cr: ${err.message}`));
    return this.chain;
  }

  private async evaluateNow(): Promise<void> {
    if (this.stopped) return;
    this.fetched.clear();
    this.wanted.clear();
    let result = this.generate();
    if (this.wanted.size > 0) {
      await this.fetchWanted();
      if (this.stopped) return;
      result = this.generate();
    }
    for (const w of result.warnings) this.warnOnce(w);
    const configs = result.configs;
    const key = JSON.stringify(configs);
    if (key === this.last) return;
    this.last = key;
    this.opts.onChange(configs);
  }
}

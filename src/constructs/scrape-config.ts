/**
 * Typed Prometheus scrape configs for `OtelTargetAllocator` (`spec.scrapeConfigs`): the common fields in
 * TypeScript's spelling, written in Prometheus' (`job_name`, `kubernetes_sd_configs`...), with `extra` for any
 * other Prometheus setting as Prometheus spells it.
 */
import { InvalidInputError } from '../common/errors';
import { Json } from '../common/json';

/** A target group of a static config. */
export interface StaticScrapeTargets {
  /** `host:port` addresses */
  readonly targets: string[];
  /** labels added to every target of the group @default - none */
  readonly labels?: { [key: string]: string };
}

/** Kubernetes service discovery (`kubernetes_sd_configs`). */
export interface KubernetesScrapeDiscovery {
  /** what to discover: `pod`, `service`, `endpoints`, `endpointslice`, `node` or `ingress` */
  readonly role: string;
  /** only these namespaces @default - all namespaces */
  readonly namespaces?: string[];
}

/** A relabeling rule (`relabel_configs`, `metric_relabel_configs`), as Prometheus defines it. */
export interface ScrapeRelabelRule {
  /** @default - none */
  readonly sourceLabels?: string[];
  /** @default ';' */
  readonly separator?: string;
  /** @default - none */
  readonly targetLabel?: string;
  /** RE2 regular expression @default '(.*)' */
  readonly regex?: string;
  /** @default - none */
  readonly modulus?: number;
  /** @default '$1' */
  readonly replacement?: string;
  /** replace, keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase @default 'replace' */
  readonly action?: string;
}

/** A Prometheus scrape job. */
export interface TargetAllocatorScrapeConfig {
  /** the job's name (unique among the allocator's jobs) */
  readonly jobName: string;
  /** Go duration @default - the global scrape interval */
  readonly scrapeInterval?: string;
  /** Go duration @default - the global scrape timeout */
  readonly scrapeTimeout?: string;
  /** @default '/metrics' */
  readonly metricsPath?: string;
  /** @default 'http' */
  readonly scheme?: string;
  /** @default false */
  readonly honorLabels?: boolean;
  /** @default - none */
  readonly staticConfigs?: StaticScrapeTargets[];
  /** @default - none */
  readonly kubernetesSdConfigs?: KubernetesScrapeDiscovery[];
  /** @default - none */
  readonly relabelConfigs?: ScrapeRelabelRule[];
  /** @default - none */
  readonly metricRelabelConfigs?: ScrapeRelabelRule[];
  /** any other setting of Prometheus' scrape_config, spelled as Prometheus spells it (`basic_auth`, `tls_config`...) @default - none */
  readonly extra?: { [key: string]: any };
}

function defined(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function relabel(rules: ScrapeRelabelRule[] | undefined): Json[] | undefined {
  return rules?.map((r) => defined({
    source_labels: r.sourceLabels, separator: r.separator, target_label: r.targetLabel, regex: r.regex,
    modulus: r.modulus, replacement: r.replacement, action: r.action,
  }));
}

/** The scrape configs as Prometheus reads them; a job name used twice or a key set twice is invalid input. */
export function scrapeConfigsJson(resource: string, configs: readonly TargetAllocatorScrapeConfig[]): Json[] {
  const seen = new Set<string>();
  return configs.map((c, i) => {
    const path = `spec.scrapeConfigs[${i}]`;
    if (!c.jobName) throw new InvalidInputError(resource, `${path}.jobName`, 'is required', 'give every scrape job a name');
    if (seen.has(c.jobName)) {
      throw new InvalidInputError(resource, `${path}.jobName`, `job '${c.jobName}' is defined twice`, 'give every scrape job its own name');
    }
    seen.add(c.jobName);
    const typed = defined({
      job_name: c.jobName,
      scrape_interval: c.scrapeInterval,
      scrape_timeout: c.scrapeTimeout,
      metrics_path: c.metricsPath,
      scheme: c.scheme,
      honor_labels: c.honorLabels,
      static_configs: c.staticConfigs?.map((s) => defined({ targets: [...s.targets], labels: s.labels })),
      kubernetes_sd_configs: c.kubernetesSdConfigs?.map((k) => defined({ role: k.role, namespaces: k.namespaces ? { names: [...k.namespaces] } : undefined })),
      relabel_configs: relabel(c.relabelConfigs),
      metric_relabel_configs: relabel(c.metricRelabelConfigs),
    });
    const clash = Object.keys(c.extra ?? {}).find((k) => k in typed);
    if (clash) {
      throw new InvalidInputError(resource, `${path}.extra.${clash}`, `${clash} is also set by a typed field`, 'set it once, with the typed field');
    }
    return { ...typed, ...(c.extra ?? {}) };
  });
}

import { Hasher } from './hasher';
import { ADDRESS_LABEL, indexOfLabel, LabelHasher, Labels, labelsJson, labelsObject, mergeLabels, META_LABEL_PREFIX } from './labels';
import { compileAnchored } from './re2';
import { applyRules, LabelsBuilder, RelabelRule } from './relabel';

/** upstream's partition count (buraksezer/consistent `PartitionCount`); each target computes its partition once */
export const CONSISTENT_HASHING_PARTITIONS = 1061;
const PARTITIONS = BigInt(CONSISTENT_HASHING_PARTITIONS);

/**
 * One scrape target as upstream's `target.Item`: the job, the target URL (the discovered `__address__`), the
 * discovered labels (group labels merged with the target's, before relabeling: what collectors receive), the id
 * used to de-duplicate and diff, and the collector it is assigned to.
 */
export class TargetItem {
  /** the collector this target is assigned to; undefined while unassigned */
  public collectorName: string | undefined;
  /** the key hash folded to 32 bits (high xor low), computed once for the rendezvous strategy */
  public readonly key32: number;
  /** the key hash modulo 1061: the consistent-hashing partition, computed once */
  public readonly partition: number;

  /**
   * The discovered labels are kept as the discovery output's own objects (the group's labels and the target's),
   * not as a merged copy: at 100k+ targets a per-target copy of ~40 labels would dominate the heap.
   */
  constructor(
    public readonly jobName: string,
    public readonly targetURL: string,
    /** the target's own discovered labels (they win over the group's) */
    public readonly ownLabels: Labels,
    /** id: job + URL + xxHash64 of the post-relabel non-`__meta_` labels, as upstream builds it */
    public readonly hash: string,
    /** xxHash64 of the target URL: the key every hashing strategy places by */
    public readonly keyHash: bigint,
    /** the group's labels and their names in sorted order (shared by every target of the group) */
    private readonly group: GroupLabels = NO_GROUP,
  ) {
    this.key32 = (Number(keyHash >> 32n) ^ Number(keyHash & 0xffffffffn)) | 0;
    this.partition = Number(keyHash % PARTITIONS);
  }

  /** The discovered labels (group merged with target, target wins), sorted: what collectors receive. */
  get labels(): Labels {
    return labelsObject(mergeLabels(this.group.labels, this.group.sortedNames, this.ownLabels));
  }

  /** {@link labels} as JSON text, keys sorted (what the HTTP API serves). */
  labelsJson(): string {
    return labelsJson(mergeLabels(this.group.labels, this.group.sortedNames, this.ownLabels));
  }

  private label(name: string): string | undefined {
    return this.ownLabels[name] ?? this.group.labels[name];
  }

  /** The node a target runs on, for the per-node strategy (upstream's label order). */
  nodeName(): string {
    const direct = this.label('__meta_kubernetes_pod_node_name') || this.label('__meta_kubernetes_node_name') ||
      this.label('__meta_kubernetes_endpoint_node_name');
    if (direct) return direct;
    if (this.label('__meta_kubernetes_endpointslice_address_target_kind') !== 'Node') return '';
    return this.label('__meta_kubernetes_endpointslice_address_target_name') ?? '';
  }
}

/** A group's labels with their names sorted once. */
export interface GroupLabels {
  readonly labels: Labels;
  readonly sortedNames: readonly string[];
}

const NO_GROUP: GroupLabels = { labels: {}, sortedNames: [] };

/** A discovered target group, as Prometheus service discovery produces it. */
export interface TargetGroup {
  /** one label set per target; each has `__address__` */
  readonly targets: readonly Labels[];
  /** labels common to all targets of the group */
  readonly labels?: Labels;
  /** where the group came from (file name and index), for logs */
  readonly source?: string;
}

/** What the filter needs to know about a job. */
export interface JobFilterSettings {
  readonly jobName: string;
  readonly relabelRules: readonly RelabelRule[];
  /**
   * Labels Prometheus sets before relabeling when absent: job, `__scrape_interval__`, `__scrape_timeout__`,
   * `__metrics_path__`, `__scheme__` and `__param_<name>` (first value).
   */
  readonly seedLabels: ReadonlyArray<readonly [string, string]>;
}

export const DISABLE_SHARDING_LABEL = '__tmp_disable_sharding';

/**
 * Prometheus-Operator's generated configs keep only `$(SHARD)`'s share of targets unless
 * `__tmp_disable_sharding` is non-empty. The allocator shards by itself, so, like upstream, it brackets the user's
 * rules with a rule that sets the label and one that removes it again.
 */
const DISABLE_SHARDING_FIRST: RelabelRule = {
  sourceLabels: [], separator: ';', regexText: '(.*)', regex: compileAnchored('(.*)', true), defaultRegex: true,
  modulus: 0n, targetLabel: DISABLE_SHARDING_LABEL, replacement: 'true', action: 'replace',
};
const DISABLE_SHARDING_LAST: RelabelRule = {
  sourceLabels: [], separator: ';', regexText: DISABLE_SHARDING_LABEL, regex: compileAnchored(DISABLE_SHARDING_LABEL, true),
  defaultRegex: false, modulus: 0n, targetLabel: '', replacement: '$1', action: 'labeldrop',
};

/** Builds target items from discovery output; pure, apart from the hasher it is given. */
export class TargetBuilder {
  private readonly labelHasher: LabelHasher;

  constructor(private readonly hasher: Hasher) {
    this.labelHasher = new LabelHasher(hasher);
  }

  /**
   * Turns one job's target groups into items. With `filter` (the `relabel-config` filter strategy), targets the
   * job's relabel rules drop are left out and the id hashes the relabelled labels; without it the id hashes the
   * discovered ones. `__meta_*` labels never enter the id. Targets with no `__address__` are skipped.
   */
  build(job: JobFilterSettings, groups: readonly TargetGroup[], filter: boolean): TargetItem[] {
    const out: TargetItem[] = [];
    const rules = filter ? [DISABLE_SHARDING_FIRST, ...job.relabelRules, DISABLE_SHARDING_LAST] : [];
    const hashPairs: Array<[string, string]> = [];
    for (const group of groups) {
      const groupLabels = group.labels ?? {};
      const shared: GroupLabels = { labels: groupLabels, sortedNames: Object.keys(groupLabels).sort() };
      for (const t of group.targets) {
        const labels = mergeLabels(groupLabels, shared.sortedNames, t);
        const addressIndex = indexOfLabel(labels.names, ADDRESS_LABEL);
        if (addressIndex < 0) continue;
        const address = labels.values[addressIndex];
        hashPairs.length = 0;
        if (filter) {
          const lb = new LabelsBuilder(labels);
          for (const [name, value] of job.seedLabels) if (lb.get(name) === '') lb.set(name, value);
          if (!applyRules(rules, lb)) continue;
          for (const pair of lb.sorted()) if (!pair[0].startsWith(META_LABEL_PREFIX)) hashPairs.push(pair);
        } else {
          for (let i = 0; i < labels.names.length; i++) {
            if (!labels.names[i].startsWith(META_LABEL_PREFIX)) hashPairs.push([labels.names[i], labels.values[i]]);
          }
        }
        const id = `${job.jobName}${address}${this.labelHasher.hash(hashPairs)}`;
        out.push(new TargetItem(job.jobName, address, t, id, this.hasher.h64(address), shared));
      }
    }
    return out;
  }
}

/** Equal ids are one target: the last one wins, as upstream's map assignment does. */
export function dedupeTargets(items: readonly TargetItem[]): TargetItem[] {
  const byId = new Map<string, TargetItem>();
  for (const item of items) byId.set(item.hash, item);
  return byId.size === items.length ? items.slice() : Array.from(byId.values());
}

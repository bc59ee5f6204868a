import { Hasher } from './hasher';
import { ADDRESS_LABEL, indexOfLabel, LabelHasher, Labels, labelsObject, mergeLabels, META_LABEL_PREFIX } from './labels';
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
  /** the allocator's update this item was last seen in (lets an update find removed targets without a second map) */
  public seenIn = 0;
  /** the allocator's update whose walk over the previous list passed this item (or first met it) */
  public passedIn = 0;
  /** the allocator that holds this very object, so an unchanged item is recognised without a look-up */
  public heldBy: object | undefined = undefined;
  /** where the holder keeps it in its (job, collector) list, so it is taken out without a search */
  public slot = -1;

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
    public readonly group: GroupLabels = NO_GROUP,
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
    // the group's `"name":"value"` texts are made once and shared by its targets; only the target's own labels
    // are written per target, merged in name order as mergeLabels does
    const group = this.group;
    const groupPairs = group.pairsJson ??= group.sortedNames.map((n) => (group.labels[n] === '' ? '' : `${JSON.stringify(n)}:${JSON.stringify(group.labels[n])}`));
    const names = group.sortedNames;
    const own = this.ownLabels;
    const ownNames = Object.keys(own).sort();
    let out = '{';
    let gi = 0;
    let ti = 0;
    const add = (pair: string) => {
      if (pair === '') return;
      out += out.length > 1 ? `,${pair}` : pair;
    };
    while (gi < names.length || ti < ownNames.length) {
      const g = names[gi];
      const t = ownNames[ti];
      if (t === undefined || (g !== undefined && g < t)) {
        add(groupPairs[gi++]);
      } else {
        if (g === t) gi++;
        add(own[t] === '' ? '' : `${JSON.stringify(t)}:${JSON.stringify(own[t])}`);
        ti++;
      }
    }
    return `${out}}`;
  }

  /**
   * Whether `other` serves the same discovered labels. Unchanged discovery output is shared, so identity answers
   * almost always; otherwise the label sets are compared (a different split between group and target labels
   * counts as a change, which only costs a body being prepared again).
   */
  hasSameLabels(other: TargetItem): boolean {
    if (this.ownLabels === other.ownLabels && this.group.labels === other.group.labels) return true;
    return sameLabels(this.ownLabels, other.ownLabels) && sameGroupLabels(this.group.labels, other.group.labels);
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

/** the last group pair compared: the targets of a group come one after another, so each pair is compared once */
let lastGroups: [Labels, Labels, boolean] | undefined;

function sameGroupLabels(a: Labels, b: Labels): boolean {
  if (a === b) return true;
  if (lastGroups && lastGroups[0] === a && lastGroups[1] === b) return lastGroups[2];
  lastGroups = [a, b, sameLabels(a, b)];
  return lastGroups[2];
}

function sameLabels(a: Labels, b: Labels): boolean {
  if (a === b) return true;
  let n = 0;
  for (const name in a) {
    if (a[name] !== b[name]) return false;
    n++;
  }
  return Object.keys(b).length === n;
}

/** A group's labels with their names sorted once. */
export interface GroupLabels {
  readonly labels: Labels;
  readonly sortedNames: readonly string[];
  /** `"name":"value"` JSON text per sorted name ("" for an empty value), made on first use */
  pairsJson?: readonly string[];
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

/** What a group was built into, and with which settings. */
interface BuiltGroup {
  readonly job: JobFilterSettings;
  readonly filter: boolean;
  readonly items: readonly TargetItem[];
}

/**
 * Builds target items from discovery output; pure, apart from the hasher it is given. Discovery output is
 * immutable and an unchanged group is handed over again as the same object, so the items built from a group are
 * kept (weakly) and reused while the job's settings are the same object: a refresh relabels only the groups that
 * changed, and the allocator sees the unchanged targets as the very items it already holds.
 */
export class TargetBuilder {
  private readonly labelHasher: LabelHasher;
  private readonly built = new WeakMap<TargetGroup, BuiltGroup>();

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
      const known = this.built.get(group);
      if (known && known.job === job && known.filter === filter) {
        for (const item of known.items) out.push(item);
        continue;
      }
      const first = out.length;
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
      this.built.set(group, { job, filter, items: out.slice(first) });
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

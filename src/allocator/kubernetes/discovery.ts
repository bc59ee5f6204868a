/**
 * `kubernetes_sd_configs` at run time: informers (list + watch) over one {@link InformerPool}, so jobs that
 * watch the same kind in the same namespaces with the same selectors share one watch, and the pure label
 * builders of this folder turn the cached objects into target groups, as Prometheus's discovery does.
 */
import { Informer } from '../../kube';
import { KubeApi, KubeObject } from '../../kube';
import { Logger, silentLogger } from '../../common/log';
import { TargetGroup } from '../target';
import { endpointsGroup } from './endpoints';
import { endpointSliceGroup } from './endpointslice';
import { ingressGroup } from './ingress';
import { DiscoveredGroup } from './meta';
import { nodeGroup } from './node';
import { EndpointSlice, Endpoints, Ingress, Namespace, Node, ObjectLookup, Pod, Service, Workload } from './objects';
import { podGroup } from './pod';
import { KubernetesRole, KubernetesSDConfig } from './sd-config';
import { serviceGroup } from './service';

interface Kind {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

const KINDS: Record<KubernetesRole, Kind> = {
  pod: { apiVersion: 'v1', kind: 'Pod', namespaced: true },
  service: { apiVersion: 'v1', kind: 'Service', namespaced: true },
  endpoints: { apiVersion: 'v1', kind: 'Endpoints', namespaced: true },
  endpointslice: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', namespaced: true },
  node: { apiVersion: 'v1', kind: 'Node', namespaced: false },
  ingress: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespaced: true },
};

/** Kinds watched for `attach_metadata` only. */
const NAMESPACE_KIND: Kind = { apiVersion: 'v1', kind: 'Namespace', namespaced: false };
const REPLICASET_KIND: Kind = { apiVersion: 'apps/v1', kind: 'ReplicaSet', namespaced: true };
const JOB_KIND: Kind = { apiVersion: 'batch/v1', kind: 'Job', namespaced: true };

/** Informers shared by every job of the allocator: one per (kind, namespaces, label selector, field selector). */
export class InformerPool {
  private readonly informers = new Map<string, Informer>();
  private readonly started = new Set<Informer>();

  constructor(private readonly api: KubeApi, private readonly log: Logger = silentLogger) {}

  informer(kind: Kind, namespaces: readonly string[], labelSelector?: string, fieldSelector?: string): Informer {
    const ns = kind.namespaced ? [...namespaces].sort() : [];
    const key = [kind.apiVersion, kind.kind, ns.join(','), labelSelector ?? '', fieldSelector ?? ''].join('|');
    let informer = this.informers.get(key);
    if (!informer) {
      informer = new Informer(this.api, {
        apiVersion: kind.apiVersion, kind: kind.kind, namespaces: ns.length > 0 ? ns : undefined, labelSelector, fieldSelector, log: this.log,
      });
      this.informers.set(key, informer);
    }
    return informer;
  }

  /** How many distinct watches (informers) the jobs need. */
  get size(): number {
    return this.informers.size;
  }

  /** Starts the informers not started yet; resolves once each has listed its objects. */
  async start(): Promise<void> {
    const fresh = [...this.informers.values()].filter((i) => !this.started.has(i));
    for (const i of fresh) this.started.add(i);
    await Promise.all(fresh.map((i) => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.started].map((i) => i.stop()));
  }
}

/**
 * One `kubernetes_sd_configs` entry: the informers its role needs (endpoints and endpointslice also read the
 * Services and Pods they point at) and the target groups of their objects. `onChange` is called after every
 * event; {@link groups} then builds the groups, reusing the group of an object that did not change, so the
 * allocator's builder recognises it and does not relabel it again.
 */
export class KubernetesDiscovery {
  private readonly main: Informer;
  private readonly services?: Informer;
  private readonly pods?: Informer;
  private readonly nodes?: Informer;
  private readonly namespaceObjects?: Informer;
  private readonly replicaSets?: Informer;
  private readonly jobs?: Informer;
  private readonly cache = new Map<string, { version: string; group: TargetGroup }>();
  /** bumped on every event of an informer the groups look up (Services, Pods, Nodes, Namespaces, ReplicaSets, Jobs), so they are rebuilt */
  private lookupGeneration = 0;
  private readonly jobName: boolean;
  private closed = false;

  constructor(readonly config: KubernetesSDConfig, pool: InformerPool, onChange: () => void) {
    const selector = (role: KubernetesRole) => config.selectors.find((s) => s.role === role);
    const informerFor = (role: KubernetesRole) => pool.informer(KINDS[role], config.namespaces, selector(role)?.label, selector(role)?.field);
    this.main = informerFor(config.role);
    this.main.on(() => {
      if (!this.closed) onChange();
    });
    const endpointsLike = config.role === 'endpoints' || config.role === 'endpointslice';
    if (endpointsLike) {
      this.services = informerFor('service');
      this.pods = informerFor('pod');
    }
    // attach_metadata as Prometheus honours it: node for pod/endpoints/endpointslice (with the config's node
    // selector, which only the pod role may have), namespace for every role but node
    if (config.attachMetadata.node && (endpointsLike || config.role === 'pod')) this.nodes = informerFor('node');
    if (config.attachMetadata.namespace && config.role !== 'node') this.namespaceObjects = pool.informer(NAMESPACE_KIND, []);
    // deployment and cronjob for the roles that build pod labels; the pod's Job name needs no watch
    const podLabelled = endpointsLike || config.role === 'pod';
    if (config.attachMetadata.deployment && podLabelled) this.replicaSets = pool.informer(REPLICASET_KIND, config.namespaces);
    if (config.attachMetadata.cronjob && podLabelled) this.jobs = pool.informer(JOB_KIND, config.namespaces);
    this.jobName = config.attachMetadata.job && podLabelled;
    for (const i of [this.services, this.pods, this.nodes, this.namespaceObjects, this.replicaSets, this.jobs]) {
      i?.on(() => {
        this.lookupGeneration++;
        if (!this.closed) onChange();
      });
    }
  }

  /**
   * Stops reporting changes (its job is gone); the shared informers keep running for the jobs that still use
   * them (the pool does not count users).
   */
  close(): void {
    this.closed = true;
    this.cache.clear();
  }

  /** The target groups of every object watched now, sorted by source. */
  groups(): TargetGroup[] {
    const lookup: ObjectLookup = {
      pod: (ns, name) => this.pods?.get(ns, name) as Pod | undefined,
      service: (ns, name) => this.services?.get(ns, name) as Service | undefined,
      node: this.nodes && ((name) => this.nodes!.get(undefined, name) as Node | undefined),
      namespace: this.namespaceObjects && ((name) => this.namespaceObjects!.get(undefined, name) as Namespace | undefined),
      replicaSet: this.replicaSets && ((ns, name) => this.replicaSets!.get(ns, name) as Workload | undefined),
      job: this.jobs && ((ns, name) => this.jobs!.get(ns, name) as Workload | undefined),
      jobName: this.jobName,
    };
    const out: TargetGroup[] = [];
    const seen = new Set<string>();
    const objects = this.main.list();
    for (const obj of objects) {
      const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
      seen.add(key);
      let version = String(obj.metadata.resourceVersion ?? '');
      if (this.services || this.nodes || this.namespaceObjects || this.replicaSets || this.jobs) version += `#${this.lookupGeneration}`;
      const known = this.cache.get(key);
      if (known && known.version === version) {
        out.push(known.group);
        continue;
      }
      const built = this.build(obj, this.scoped(lookup, obj.metadata.namespace ?? ''));
      if (!built) continue;
      const group: TargetGroup = { source: built.source, labels: built.labels, targets: built.targets };
      this.cache.set(key, { version, group });
      out.push(group);
    }
    for (const key of this.cache.keys()) if (!seen.has(key)) this.cache.delete(key);
    return out.sort((a, b) => ((a.source ?? '') < (b.source ?? '') ? -1 : 1));
  }

  /**
   * Prometheus runs one discoverer per listed namespace, each with Pod and Service stores of its namespace only:
   * an Endpoints or EndpointSlice resolves a target ref to a pod of another namespace only when the config
   * watches all namespaces. The shared informers here span every listed namespace, so the lookup is narrowed.
   */
  private scoped(lookup: ObjectLookup, namespace: string): ObjectLookup {
    if (this.config.namespaces.length === 0 || !lookup.pod) return lookup;
    const pod = lookup.pod;
    return { ...lookup, pod: (ns, name) => (ns === namespace ? pod(ns, name) : undefined) };
  }

  private build(obj: KubeObject, lookup: ObjectLookup): DiscoveredGroup | undefined {
    switch (this.config.role) {
      case 'pod': return podGroup(obj as Pod, lookup);
      case 'service': return serviceGroup(obj as Service, lookup);
      case 'endpoints': return endpointsGroup(obj as Endpoints, lookup);
      case 'endpointslice': return endpointSliceGroup(obj as EndpointSlice, lookup);
      case 'node': return nodeGroup(obj as Node);
      case 'ingress': return ingressGroup(obj as Ingress, lookup);
    }
  }
}

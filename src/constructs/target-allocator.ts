import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Json } from '../common/json';
import { targetAllocatorName } from '../common/naming';
import {
  taConfigMapName, TARGET_ALLOCATOR_API_VERSION, targetAllocatorObjectsFromResource, TargetAllocatorRenderOptions,
} from '../targetallocator';
import { addObjects, chartNamespace, orderObjects, withoutIncompleteOwnerReferences } from './objects';
import { addCustomResource, ResourceOutput } from './output';
import { scrapeConfigsJson, TargetAllocatorScrapeConfig } from './scrape-config';

const PREBUILT = Symbol('target-allocator-objects');

/** Objects built by a factory method, handed to the constructor without widening its public signature. */
interface PrebuiltCarrier {
  readonly [PREBUILT]?: { objects: Json[]; name: string; namespace: string };
}

/** How `OtelTargetAllocator.fromCustomResource` (and `render`) treat a TargetAllocator resource. */
export interface TargetAllocatorResourceOptions extends TargetAllocatorRenderOptions {
  /** namespace of resources that name none @default - the chart's namespace, else 'default' */
  readonly namespace?: string;
  /**
   * keep ownerReferences without a uid (the objects' reference to their TargetAllocator). The API server refuses
   * them, so they are dropped unless something fills in the uid later, as the operator does @default false
   */
  readonly keepOwnerReferencesWithoutUid?: boolean;
}

/** How the allocator spreads targets over the collectors. */
export enum TargetAllocationStrategy {
  /** stable assignment by a hash ring of the collectors (upstream's default) */
  CONSISTENT_HASHING = 'consistent-hashing',
  /** to the collector with the fewest targets */
  LEAST_WEIGHTED = 'least-weighted',
  /** to the collector on the target's node (daemonset collectors) */
  PER_NODE = 'per-node',
}

/** Discovery of targets from Prometheus Operator resources. */
export interface TargetAllocatorPrometheusCrProps {
  /** read ServiceMonitors, PodMonitors, ScrapeConfigs and Probes @default false */
  readonly enabled?: boolean;
  /** scrape interval of jobs made from these resources (Go duration) @default '30s' */
  readonly scrapeInterval?: string;
  /** labels a ServiceMonitor must have to be used @default - none is used */
  readonly serviceMonitorSelector?: { [key: string]: string };
  /** labels a PodMonitor must have to be used @default - none is used */
  readonly podMonitorSelector?: { [key: string]: string };
  /** only watch these namespaces @default - all namespaces */
  readonly allowNamespaces?: string[];
  /** never watch these namespaces @default - none */
  readonly denyNamespaces?: string[];
}

/** A standalone target allocator (what a `TargetAllocator` custom resource describes). */
export interface TargetAllocatorProps {
  /** name of the TargetAllocator; its objects are `<name>-targetallocator` @default - the construct id */
  readonly name?: string;
  /** namespace of the objects @default - the chart's namespace, else `default` */
  readonly namespace?: string;
  /** Prometheus scrape configs to allocate (as in a Prometheus config file) @default - none */
  readonly scrapeConfigs?: TargetAllocatorScrapeConfig[];
  /** Prometheus `global` settings @default - none */
  readonly globalConfig?: { [key: string]: any };
  /** @default TargetAllocationStrategy.CONSISTENT_HASHING */
  readonly allocationStrategy?: TargetAllocationStrategy;
  /** @default 1 */
  readonly replicas?: number;
  /** @default - the operator's target allocator image */
  readonly image?: string;
  /** an existing ServiceAccount to run as @default - `<name>-targetallocator` is created */
  readonly serviceAccount?: string;
  /** @default - no Prometheus CR discovery */
  readonly prometheusCr?: TargetAllocatorPrometheusCrProps;
  /** create a ServiceMonitor for the allocator's own metrics @default false */
  readonly enableMetrics?: boolean;
  /** labels of the objects @default - none */
  readonly labels?: { [key: string]: string };
  /** annotations of the objects @default - none */
  readonly annotations?: { [key: string]: string };
  /**
   * synthesize the objects the operator would create, or the TargetAllocator resource itself for a cluster
   * running the operator (validated all the same) @default ResourceOutput.OBJECTS
   */
  readonly output?: ResourceOutput;
}

/**
 * A target allocator and every object upstream's operator creates for it (Deployment, Service, ConfigMap,
 * ServiceAccount, PodDisruptionBudget, NetworkPolicy, ServiceMonitor, mTLS certificates). Input is validated
 * before any child is created: an invalid spec throws `InvalidInputError` and leaves the scope untouched.
 *
 * A collector's own allocator (`targetAllocator: { enabled: true }` on an `OtelCollector`) is built by the
 * collector and reached as `collector.targetAllocator`.
 */
export class OtelTargetAllocator extends Construct {
  /**
   * The construct for a TargetAllocator custom resource (plain JSON, v1alpha1, as a user writes it). `collectors`
   * are the OpenTelemetryCollectors of its namespace (custom resources, any version): the one labelled
   * `opentelemetry.io/target-allocator: <name>` feeds it its scrape configs and collector selector.
   */
  public static fromCustomResource(scope: Construct, id: string, cr: { [key: string]: any }, collectors: Array<{ [key: string]: any }> = [],
    options: TargetAllocatorResourceOptions = {}): OtelTargetAllocator {
    const namespace = options.namespace ?? chartNamespace(scope);
    const built = targetAllocatorObjectsFromResource(cr, collectors, { ...options, namespace });
    const objects = options.keepOwnerReferencesWithoutUid ? built : built.map(withoutIncompleteOwnerReferences);
    return OtelTargetAllocator._fromObjects(scope, id, cr.metadata?.name, objects, cr.metadata?.namespace || namespace || 'default');
  }

  /**
   * A target allocator whose objects are already built (the collector's own, with the TargetAllocator resource
   * the operator creates for it).
   * @internal
   */
  public static _fromObjects(scope: Construct, id: string, name: string, objects: Json[], namespace?: string): OtelTargetAllocator {
    const ns = namespace ?? objects.find((o) => o.metadata?.namespace)?.metadata.namespace ?? 'default';
    return new OtelTargetAllocator(scope, id, carry(objects, name, ns));
  }

  /** the TargetAllocator's name */
  public readonly targetAllocatorName: string;
  /** the allocator's Service (`<name>-targetallocator`, port 80): what collectors point `target_allocator` at */
  public readonly serviceName: string;
  /** the ConfigMap holding targetallocator.yaml */
  public readonly configMapName: string;
  /** the created objects, by `Kind/name` */
  public readonly objects: { [kindAndName: string]: ApiObject } = {};

  constructor(scope: Construct, id: string, props: TargetAllocatorProps = {}) {
    // everything is built (and validated) before the construct joins the tree
    const carried = (props as PrebuiltCarrier)[PREBUILT];
    const name = carried?.name ?? props.name ?? id;
    const namespace = carried?.namespace ?? props.namespace ?? chartNamespace(scope) ?? 'default';
    // built from props there is no TargetAllocator resource in the cluster to own the objects
    const specified = carried ? undefined : propsToCustomResource(props, name, namespace);
    const objects = carried?.objects ?? targetAllocatorObjectsFromResource(specified!).map(withoutOwner);
    super(scope, id);
    this.targetAllocatorName = name;
    this.serviceName = targetAllocatorName(name);
    this.configMapName = taConfigMapName(name);
    if (specified && props.output === ResourceOutput.CUSTOM_RESOURCE) {
      // the operator creates the objects from the resource
      this.objects[`TargetAllocator/${name}`] = addCustomResource(this, 'Resource', specified);
      return;
    }
    addObjects(this, objects, this.objects, namespace);
    orderObjects(Object.values(this.objects));
  }

  /** The manifests as plain JSON (what `cdk8s synth` writes), without synthesizing the app. */
  public toJson(): Json[] {
    return Object.values(this.objects).map((o) => o.toJson());
  }
}

function carry(objects: Json[], name: string, namespace: string): TargetAllocatorProps {
  const carrier: PrebuiltCarrier = { [PREBUILT]: { objects, name, namespace } };
  return carrier as unknown as TargetAllocatorProps;
}

function withoutOwner(m: Json): Json {
  const { ownerReferences: _ignored, ...metadata } = m.metadata;
  return { ...m, metadata };
}

function propsToCustomResource(props: TargetAllocatorProps, name: string, namespace: string): Json {
  const metadata: Json = { name, namespace, labels: props.labels, annotations: props.annotations };
  const pcr = props.prometheusCr;
  const selector = (labels?: { [key: string]: string }) => (labels ? { matchLabels: { ...labels } } : undefined);
  const spec: Json = {
    replicas: props.replicas,
    image: props.image,
    serviceAccount: props.serviceAccount,
    allocationStrategy: props.allocationStrategy,
    scrapeConfigs: props.scrapeConfigs && scrapeConfigsJson(`TargetAllocator ${namespace}/${name}`, props.scrapeConfigs),
    global: props.globalConfig,
    observability: props.enableMetrics ? { metrics: { enableMetrics: true } } : undefined,
    prometheusCR: pcr ? {
      enabled: pcr.enabled,
      scrapeInterval: pcr.scrapeInterval,
      serviceMonitorSelector: selector(pcr.serviceMonitorSelector),
      podMonitorSelector: selector(pcr.podMonitorSelector),
      allowNamespaces: pcr.allowNamespaces,
      denyNamespaces: pcr.denyNamespaces,
    } : undefined,
  };
  for (const k of Object.keys(spec)) if (spec[k] === undefined) delete spec[k];
  for (const k of ['labels', 'annotations']) if (props[k as 'labels'] === undefined) delete metadata[k];
  if (spec.prometheusCR) for (const k of Object.keys(spec.prometheusCR)) if (spec.prometheusCR[k] === undefined) delete spec.prometheusCR[k];
  return { apiVersion: TARGET_ALLOCATOR_API_VERSION, kind: 'TargetAllocator', metadata, spec };
}

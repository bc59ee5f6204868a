import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  admitCollector, AdmittedCollector, collectorObjects, resolveCollector, ResolvedCollector, sidecarPartsFromResolved, SidecarParts,
} from '../../collector';
import type { OpenTelemetryCollector } from '../../apis';
import { SERVICE_TYPE_LABEL } from '../../common/labels';
import { Json } from '../../common/json';
import { buildTargetAllocatorObjects } from '../../targetallocator';
import { addObjects, chartNamespace, orderObjects, withoutIncompleteOwnerReferences } from '../objects';
import { addCustomResource, ResourceOutput } from '../output';
import { OtelTargetAllocator, TargetAllocatorResourceOptions } from '../target-allocator';
import { OtelCollectorProps } from './props';
import { toCustomResource } from './props-to-spec';

/**
 * How `OtelCollector.fromCustomResource` (and `render`) treat a custom resource: the operator's settings (its
 * flags and the features it detected in the cluster) and where the CR lands.
 */
export interface CollectorResourceOptions extends TargetAllocatorResourceOptions {
  /** synthesize the objects, or the custom resource itself for a cluster running the operator @default ResourceOutput.OBJECTS */
  readonly output?: ResourceOutput;
}

/** A CR admitted by a factory method, handed to the constructor without widening its public signature. */
const ADMITTED = Symbol('otel-collector-admitted');

interface AdmittedCarrier {
  readonly [ADMITTED]?: { admitted: AdmittedCollector; options: CollectorResourceOptions; specified: Json };
}

/**
 * An OpenTelemetry Collector and every object upstream's operator creates for it: ConfigMap, ServiceAccount,
 * Deployment/DaemonSet/StatefulSet, Services, HPA, PDB, Ingress, monitors, RBAC, NetworkPolicy, and its target
 * allocator (`targetAllocator`) when one is enabled.
 *
 * Typed props are turned into the OpenTelemetryCollector custom resource they describe (`toCustomResource`), and
 * that CR goes through the same admission (schema validation, conversion, defaulting, the webhook's checks) as a
 * CR given to `fromCustomResource` or to `render`: one path from custom resource to objects. All input is
 * validated before any child is created, so an invalid spec throws `InvalidInputError` and leaves the scope
 * untouched.
 *
 * Objects are emitted as `ApiObject`s (the base of the L1 `Kube*` classes) holding the exact wire JSON, because
 * the k8s 1.28 L1 classes re-map their props on output and would drop newer fields such as
 * `trafficDistribution`; they are synthesized in the order `kubectl apply` needs (what others reference first).
 */
export class OtelCollector extends Construct {
  /**
   * The construct for an OpenTelemetryCollector custom resource (plain JSON, v1beta1 or v1alpha1, as a user
   * writes it or the API server stores it). Config problems upstream accepts (no pipelines) are accepted unless
   * `strictConfig` is set, as the operator does.
   */
  public static fromCustomResource(scope: Construct, id: string, cr: { [key: string]: any }, options: CollectorResourceOptions = {}): OtelCollector {
    const namespace = options.namespace ?? chartNamespace(scope);
    const admitted = admitCollector(cr, { ...options, namespace });
    const specified = { ...cr, metadata: { ...cr.metadata, namespace: cr.metadata?.namespace || namespace || 'default' } };
    const carrier: AdmittedCarrier = { [ADMITTED]: { admitted, options, specified } };
    return new OtelCollector(scope, id, carrier as unknown as OtelCollectorProps);
  }

  /** the collector's name */
  public readonly collectorName: string;
  /** the collector's namespace */
  public readonly namespace: string;
  /** name of the ConfigMap holding collector.yaml (`<name>-collector-<hash8>`) */
  public readonly configMapName: string;
  /** full SHA-256 of the defaulted config (pod annotation `opentelemetry-operator-config/sha256`) */
  public readonly configHash: string;
  /** the ServiceAccount the collector pods run as */
  public readonly serviceAccountName: string;
  /** the base Service (`<name>-collector`), when the config opens ports; undefined in sidecar mode or without ports */
  public readonly serviceName?: string;
  /**
   * the created objects, by `Kind/name` (`Kind/namespace/name` outside the collector's namespace); with
   * `output: ResourceOutput.CUSTOM_RESOURCE`, the OpenTelemetryCollector resource alone
   */
  public readonly objects: { [kindAndName: string]: ApiObject } = {};
  /**
   * the collector's own target allocator (`spec.targetAllocator.enabled`, statefulset and daemonset modes): the
   * TargetAllocator resource the operator creates and its objects; undefined without one, and when the construct
   * emits the custom resource (the operator then creates the allocator)
   */
  public readonly targetAllocator?: OtelTargetAllocator;
  /** the custom resource as the operator reconciles it: v1beta1, defaulted */
  public readonly customResource: OpenTelemetryCollector;
  /** deprecations and the webhook's warnings that did not stop synthesis */
  public readonly warnings: string[];
  /** whether the construct synthesizes the objects or the custom resource */
  public readonly output: ResourceOutput;

  private readonly resolved: ResolvedCollector;

  constructor(scope: Construct, id: string, props: OtelCollectorProps) {
    // everything is admitted, resolved and built (so validated) before the construct joins the tree
    const carried = (props as unknown as AdmittedCarrier)[ADMITTED];
    // typed props choose IngressType.ROUTE for an OpenShift target on purpose: no cluster to ask, so Routes are made
    const options: CollectorResourceOptions = carried?.options ?? { strictConfig: true, openShiftRoutesAvailable: true, output: props.output };
    const specified = carried?.specified ?? toCustomResource(props, id, chartNamespace(scope));
    const admitted = carried?.admitted ?? admitCollector(specified, options);
    const resolved = resolveCollector(admitted.model, options);
    const manifests = collectorObjects(resolved);
    const allocator = buildTargetAllocatorObjects(admitted.resource as unknown as Json, options);
    const keepRefs = options.keepOwnerReferencesWithoutUid === true;
    super(scope, id);
    this.resolved = resolved;
    this.customResource = admitted.resource;
    this.warnings = [...admitted.warnings];
    this.output = options.output ?? ResourceOutput.OBJECTS;
    this.collectorName = resolved.name;
    this.namespace = resolved.namespace;
    this.configHash = resolved.configHash;
    this.serviceAccountName = resolved.serviceAccountName;
    this.configMapName = manifests.find((m) => m.kind === 'ConfigMap')!.metadata.name;
    this.serviceName = manifests.find((m) => m.kind === 'Service' && m.metadata.labels?.[SERVICE_TYPE_LABEL] === 'base')?.metadata.name;
    if (options.output === ResourceOutput.CUSTOM_RESOURCE) {
      // the operator creates the objects (and the target allocator) from the resource
      this.objects[`OpenTelemetryCollector/${resolved.name}`] = addCustomResource(this, 'Resource', specified);
      return;
    }
    addObjects(this, manifests.map((m) => (keepRefs ? m : withoutIncompleteOwnerReferences(m))), this.objects, resolved.namespace);
    if (allocator.length > 0) {
      this.targetAllocator = OtelTargetAllocator._fromObjects(this, 'TargetAllocator', resolved.name,
        allocator.map((m) => (keepRefs ? m : withoutIncompleteOwnerReferences(m))));
    }
    orderObjects([...Object.values(this.objects), ...Object.values(this.targetAllocator?.objects ?? {})]);
  }

  /** The manifests as plain JSON (what `cdk8s synth` writes), without synthesizing the app. */
  public toJson(): Json[] {
    return Object.values(this.objects).map((o) => o.toJson());
  }

  /** What sidecar injection adds to a pod for this collector (sidecar mode). */
  public sidecarParts(): SidecarParts {
    return sidecarPartsFromResolved(this.resolved);
  }
}

/** Function form of `OtelCollector.fromCustomResource`, for the render command and the runtime operator. */
export function collectorFromCustomResource(scope: Construct, cr: { [key: string]: any }, options: CollectorResourceOptions = {}, id?: string): OtelCollector {
  const meta = (cr?.metadata ?? {}) as Json;
  const ns = meta.namespace || options.namespace || (Chart.isChart(scope) ? scope.namespace : undefined) || 'default';
  return OtelCollector.fromCustomResource(scope, id ?? `${ns}-${meta.name ?? 'collector'}`, cr, options);
}

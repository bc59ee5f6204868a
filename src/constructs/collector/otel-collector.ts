import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { sidecarPartsFromResolved, SidecarParts } from '../../collector/builders/sidecar';
import { SERVICE_TYPE_LABEL } from '../../common/labels';
import { collectorObjects, collectorModelFromCustomResource } from '../../collector/render';
import { resolveCollector, ResolvedCollector } from '../../collector/resolve';
import { CollectorModel, CollectorRenderOptions } from '../../collector/spec';
import { OtelCollectorProps } from './props';
import { propsToModel } from './props-to-spec';
import { Json } from '../../common/json';

const FROM_MODEL = Symbol('otel-collector-model');

interface ModelCarrier {
  readonly [FROM_MODEL]?: { model: CollectorModel; options: CollectorRenderOptions };
}

/**
 * An OpenTelemetry Collector and every object upstream's operator creates for it: ConfigMap, ServiceAccount,
 * Deployment/DaemonSet/StatefulSet, Services, HPA, PDB, Ingress, monitors, RBAC, NetworkPolicy.
 *
 * All input is validated before any child is created, so an invalid spec throws `InvalidInputError` and leaves the
 * scope untouched. Objects are emitted as `ApiObject`s (the base of the L1 `Kube*` classes) holding the exact wire
 * JSON, because the k8s 1.28 L1 classes re-map their props on output and would drop newer fields such as
 * `trafficDistribution`.
 */
export class OtelCollector extends Construct {
  /**
   * The construct for an OpenTelemetryCollector custom resource (plain JSON, v1beta1 spec, as stored by the API
   * server after defaulting and conversion). Config problems upstream accepts (no pipelines) are accepted here too.
   */
  public static fromCustomResource(scope: Construct, id: string, cr: { [key: string]: any }, options: CollectorRenderOptions = {}): OtelCollector {
    const carrier: ModelCarrier = { [FROM_MODEL]: { model: collectorModelFromCustomResource(cr), options } };
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
  /** the created objects, by `Kind/name` (`Kind/namespace/name` outside the collector's namespace) */
  public readonly objects: { [kindAndName: string]: ApiObject } = {};

  private readonly resolved: ResolvedCollector;

  constructor(scope: Construct, id: string, props: OtelCollectorProps) {
    const carried = (props as unknown as ModelCarrier)[FROM_MODEL];
    // everything is resolved (and validated) before the construct joins the tree
    const resolved = carried
      ? resolveCollector(carried.model, carried.options)
      // typed props choose IngressType.ROUTE for an OpenShift target on purpose: no cluster to ask, so Routes are made
      : resolveCollector(propsToModel(props, id, chartNamespace(scope)), { strictConfig: true, openShiftRoutesAvailable: true });
    super(scope, id);
    this.resolved = resolved;
    this.collectorName = resolved.name;
    this.namespace = resolved.namespace;
    this.configHash = resolved.configHash;
    this.serviceAccountName = resolved.serviceAccountName;
    const manifests = collectorObjects(resolved);
    this.configMapName = manifests.find((m) => m.kind === 'ConfigMap')!.metadata.name;
    this.serviceName = manifests.find((m) => m.kind === 'Service' && m.metadata.labels?.[SERVICE_TYPE_LABEL] === 'base')?.metadata.name;
    const inNamespacedChart = chartNamespace(this) !== undefined;
    for (const m of manifests) {
      // objects outside the collector's namespace (prometheus Roles) are keyed with their namespace
      const ns = m.metadata.namespace;
      const key = ns && ns !== resolved.namespace ? `${m.kind}/${ns}/${m.metadata.name}` : `${m.kind}/${m.metadata.name}`;
      const obj = new ApiObject(this, `${m.kind}-${m.metadata.namespace ?? 'cluster'}-${m.metadata.name}`, m as any);
      // cdk8s stamps the chart's namespace on every object; cluster-scoped ones must not carry one
      if (inNamespacedChart && m.metadata.namespace === undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      this.objects[key] = obj;
    }
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

function chartNamespace(scope: Construct): string | undefined {
  try {
    return Chart.of(scope).namespace;
  } catch {
    return undefined; // not inside a chart
  }
}

/** Function form of `OtelCollector.fromCustomResource`, for the render command and the runtime operator. */
export function collectorFromCustomResource(scope: Construct, cr: { [key: string]: any }, options: CollectorRenderOptions = {}, id?: string): OtelCollector {
  const meta = (cr?.metadata ?? {}) as Json;
  return OtelCollector.fromCustomResource(scope, id ?? `${meta.namespace ?? 'default'}-${meta.name ?? 'collector'}`, cr, options);
}

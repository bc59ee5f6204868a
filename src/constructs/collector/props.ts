import { k8s } from 'cdk8s-plus-28';
import { ResourceOutput } from '../output';
import { CollectorConfig } from './collector-config';

/** How the collector runs. */
export enum CollectorMode {
  /** a Deployment behind Services (a gateway) */
  DEPLOYMENT = 'deployment',
  /** one pod per node (an agent) */
  DAEMONSET = 'daemonset',
  /** a StatefulSet with stable pod names and optional volume claims (the target allocator's default) */
  STATEFULSET = 'statefulset',
  /** no workload: the collector is injected into annotated pods by the operator's webhook */
  SIDECAR = 'sidecar',
}

/** How an Ingress maps the collector's ports. */
export enum IngressRuleType {
  /** one host, one path prefix `/<port name>` per port */
  PATH = 'path',
  /** one host `<port name>.<hostname>` per port */
  SUBDOMAIN = 'subdomain',
}

/** What exposes the collector's receiver ports outside the cluster. */
export enum IngressType {
  /** a networking.k8s.io Ingress */
  INGRESS = 'ingress',
  /**
   * OpenShift Routes, one per port. The typed construct always creates them (the app targets OpenShift);
   * `fromCustomResource` and `render` create them only with `openShiftRoutesAvailable`, as the operator does only
   * where the cluster serves route.openshift.io.
   */
  ROUTE = 'route',
}

/** TLS termination of OpenShift Routes. */
export enum RouteTermination {
  INSECURE = 'insecure',
  EDGE = 'edge',
  PASSTHROUGH = 'passthrough',
  REENCRYPT = 'reencrypt',
}

/** Gateway API HTTPRoutes for the collector's non-gRPC receiver ports. */
export interface CollectorHttpRouteProps {
  /** name of the Gateway */
  readonly gateway: string;
  /** @default - the collector's namespace */
  readonly gatewayNamespace?: string;
  /** @default - any host */
  readonly hostnames?: string[];
}

/** A port opened on the collector's Service and container in addition to the inferred ones. */
export interface CollectorPort {
  /** port name (at most 15 characters, a DNS label) */
  readonly name: string;
  /** Service port */
  readonly port: number;
  /** @default TCP */
  readonly protocol?: string;
  /** @default - same as port */
  readonly targetPort?: number;
  /** @default - none */
  readonly appProtocol?: string;
  /** @default - none */
  readonly nodePort?: number;
  /** a host port on the container @default - none */
  readonly hostPort?: number;
}

/** Horizontal autoscaling of a deployment/statefulset collector. */
export interface CollectorAutoscalerProps {
  /** @default - `replicas` */
  readonly minReplicas?: number;
  readonly maxReplicas: number;
  /** average CPU utilization target in percent @default 90 when no memory target is set */
  readonly targetCpuUtilization?: number;
  /** average memory utilization target in percent @default - none */
  readonly targetMemoryUtilization?: number;
  /** scaling behavior @default - Kubernetes defaults */
  readonly behavior?: k8s.HorizontalPodAutoscalerBehaviorV2;
  /** extra metrics (type Pods only) @default - none */
  readonly metrics?: k8s.MetricSpecV2[];
}

/** Disruption budget of the collector's pods. */
export interface CollectorDisruptionBudgetProps {
  /** @default - none */
  readonly minAvailable?: k8s.IntOrString;
  /** @default 1 when minAvailable is not set */
  readonly maxUnavailable?: k8s.IntOrString;
}

/** An Ingress for the collector's receiver ports. */
export interface CollectorIngressProps {
  /** @default IngressType.INGRESS */
  readonly type?: IngressType;
  /** OpenShift Route TLS termination (type ROUTE) @default RouteTermination.EDGE */
  readonly routeTermination?: RouteTermination;
  /** @default - no host restriction (path rules only) */
  readonly hostname?: string;
  /** @default IngressRuleType.PATH */
  readonly ruleType?: IngressRuleType;
  /** annotations of the Ingress (the CR's annotations are not copied) @default - none */
  readonly annotations?: { [key: string]: string };
  /** @default - none */
  readonly tls?: k8s.IngressTls[];
  /** @default - the cluster's default class */
  readonly ingressClassName?: string;
}

/** Metrics of the collector itself. */
export interface CollectorObservabilityProps {
  /** create a ServiceMonitor (PodMonitor for sidecars); needs the Prometheus operator CRDs @default false */
  readonly enableMetrics?: boolean;
  /** do not add the prometheus.io/* scrape annotations to pods @default false */
  readonly disablePrometheusAnnotations?: boolean;
  /** labels added to the monitors @default - none */
  readonly extraLabels?: { [key: string]: string };
}

/** A ConfigMap mounted at `/var/conf/<mountPath>/configmap-<name>`. */
export interface CollectorConfigMapMount {
  readonly name: string;
  /** @default - directly under /var/conf */
  readonly mountPath?: string;
}

/** Timing overrides of the probes derived from the health_check extension. */
export interface CollectorProbeProps {
  /** @default - Kubernetes default */
  readonly initialDelaySeconds?: number;
  /** @default - Kubernetes default */
  readonly periodSeconds?: number;
  /** @default - Kubernetes default */
  readonly timeoutSeconds?: number;
  /** @default - Kubernetes default */
  readonly successThreshold?: number;
  /** @default - Kubernetes default */
  readonly failureThreshold?: number;
  /** @default - the pod's */
  readonly terminationGracePeriodSeconds?: number;
}

/** What the collector needs to know about its target allocator (the allocator's own objects are built elsewhere). */
export interface CollectorTargetAllocatorProps {
  /** point prometheus receivers at `<name>-targetallocator` @default false */
  readonly enabled?: boolean;
  /** how often the collector re-reads scrape configs @default '30s' */
  readonly collectorTargetReloadInterval?: string;
}

/** Props of `OtelCollector`: the OpenTelemetryCollector v1beta1 spec, typed. */
export interface OtelCollectorProps {
  /** the collector configuration */
  readonly config: CollectorConfig;
  /** @default CollectorMode.DEPLOYMENT */
  readonly mode?: CollectorMode;
  /** the collector's name (objects are named `<name>-collector...`) @default - the construct id, lower-cased */
  readonly name?: string;
  /** @default - the chart's namespace, else 'default' */
  readonly namespace?: string;
  /** labels copied to every object @default - none */
  readonly labels?: { [key: string]: string };
  /** annotations copied to every object and the pods @default - none */
  readonly annotations?: { [key: string]: string };
  /** @default - the operator's default collector image */
  readonly image?: string;
  /** @default - Kubernetes default */
  readonly imagePullPolicy?: string;
  /** @default 1 */
  readonly replicas?: number;
  /** extra `--key=value` flags for the collector @default - none */
  readonly args?: { [key: string]: string };
  /** @default - the image's entrypoint */
  readonly command?: string[];
  /** @default - none */
  readonly env?: k8s.EnvVar[];
  /** @default - none */
  readonly envFrom?: k8s.EnvFromSource[];
  /** @default - none */
  readonly volumes?: k8s.Volume[];
  /** @default - none */
  readonly volumeMounts?: k8s.VolumeMount[];
  /** @default - none */
  readonly resources?: k8s.ResourceRequirements;
  /** @default - none */
  readonly nodeSelector?: { [key: string]: string };
  /** @default - none */
  readonly affinity?: k8s.Affinity;
  /** @default - none */
  readonly tolerations?: k8s.Toleration[];
  /** of the collector container @default - none */
  readonly securityContext?: k8s.SecurityContext;
  /** @default - none */
  readonly podSecurityContext?: k8s.PodSecurityContext;
  /** @default - none */
  readonly podAnnotations?: { [key: string]: string };
  /** @default - none */
  readonly initContainers?: k8s.Container[];
  /** containers running next to the collector (not in sidecar mode) @default - none */
  readonly additionalContainers?: k8s.Container[];
  /** @default - only the ports inferred from the config */
  readonly ports?: CollectorPort[];
  /** @default false */
  readonly hostNetwork?: boolean;
  /** @default false */
  readonly hostPid?: boolean;
  /** @default - none */
  readonly hostAliases?: k8s.HostAlias[];
  /** @default - ClusterFirst (ClusterFirstWithHostNet with hostNetwork, None with podDnsConfig nameservers) */
  readonly dnsPolicy?: string;
  /** @default - none */
  readonly priorityClassName?: string;
  /** @default - none */
  readonly podDnsConfig?: k8s.PodDnsConfig;
  /** @default - cluster default */
  readonly ipFamilies?: string[];
  /** @default - cluster default (SingleStack) */
  readonly ipFamilyPolicy?: string;
  /** @default - None */
  readonly sessionAffinity?: string;
  /** @default - none */
  readonly sessionAffinityConfig?: k8s.SessionAffinityConfig;
  /** Service traffic distribution, e.g. PreferClose (Kubernetes ≥ 1.31) @default - none */
  readonly trafficDistribution?: string;
  /** @default - none */
  readonly lifecycle?: k8s.Lifecycle;
  /** @default - Kubernetes default */
  readonly terminationGracePeriodSeconds?: number;
  /** @default - none */
  readonly topologySpreadConstraints?: k8s.TopologySpreadConstraint[];
  /** @default false */
  readonly shareProcessNamespace?: boolean;
  /** daemonset mode only @default - Kubernetes default */
  readonly daemonSetUpdateStrategy?: k8s.DaemonSetUpdateStrategy;
  /** deployment mode only @default - Kubernetes default */
  readonly deploymentUpdateStrategy?: k8s.DeploymentStrategy;
  /** an existing service account; none is created then @default - `<name>-collector`, created */
  readonly serviceAccount?: string;
  /** statefulset mode: OrderedReady or Parallel @default Parallel */
  readonly podManagementPolicy?: string;
  /** statefulset mode only @default - none */
  readonly volumeClaimTemplates?: k8s.KubePersistentVolumeClaimProps[];
  /** statefulset mode only @default - Kubernetes default */
  readonly persistentVolumeClaimRetentionPolicy?: k8s.StatefulSetPersistentVolumeClaimRetentionPolicy;
  /** @default - no autoscaling */
  readonly autoscaler?: CollectorAutoscalerProps;
  /** deployment and statefulset modes @default - maxUnavailable 1 */
  readonly podDisruptionBudget?: CollectorDisruptionBudgetProps;
  /** @default - no Ingress */
  readonly ingress?: CollectorIngressProps;
  /** @default - no HTTPRoutes */
  readonly httpRoute?: CollectorHttpRouteProps;
  /** @default - Prometheus annotations on, no monitors */
  readonly observability?: CollectorObservabilityProps;
  /** @default - none */
  readonly configMaps?: CollectorConfigMapMount[];
  /** @default - derived from health_check when enabled */
  readonly livenessProbe?: CollectorProbeProps;
  /** @default - derived from health_check when enabled */
  readonly readinessProbe?: CollectorProbeProps;
  /** how many previous config ConfigMaps the operator keeps @default 3 */
  readonly configVersions?: number;
  /** @default - no target allocator */
  readonly targetAllocator?: CollectorTargetAllocatorProps;
  /** create the NetworkPolicy limiting ingress to the collector's ports @default true */
  readonly networkPolicyEnabled?: boolean;
  /**
   * synthesize the objects the operator would create, or the OpenTelemetryCollector resource itself for a
   * cluster running the operator (validated all the same) @default ResourceOutput.OBJECTS
   */
  readonly output?: ResourceOutput;
}

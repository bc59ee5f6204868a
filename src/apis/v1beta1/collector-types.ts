/**
 * OpenTelemetryCollector `opentelemetry.io/v1beta1` as TypeScript types (plain JSON shape, field names as in the CRD).
 */
import type {
  Affinity, Condition, Container, DaemonSetUpdateStrategy, DeploymentStrategy, EnvFromSource, EnvVar, HostAlias,
  HorizontalPodAutoscalerBehavior, JsonObject, LabelSelector, Lifecycle, PersistentVolumeClaimTemplate, PodDnsConfig,
  PodSecurityContext, ResourceRequirements, SecurityContext, ServicePort, SessionAffinityConfig, Toleration,
  TopologySpreadConstraint, Volume, VolumeMount,
} from '../core-types';

export type CollectorMode = 'daemonset' | 'deployment' | 'sidecar' | 'statefulset';
export type ManagementState = 'managed' | 'unmanaged';
export type UpgradeStrategy = 'automatic' | 'none';
export type AllocationStrategy = 'consistent-hashing' | 'least-weighted' | 'per-node';
export type FilterStrategy = '' | 'none' | 'relabel-config';

/** One pipeline of `service.pipelines`. */
export interface PipelineConfig {
  receivers?: string[];
  processors?: string[];
  exporters?: string[];
  [key: string]: unknown;
}

export interface ServiceConfig {
  extensions?: string[];
  telemetry?: JsonObject;
  pipelines?: { [name: string]: PipelineConfig };
  [key: string]: unknown;
}

/** The collector configuration as an object (v1beta1). Component settings are free-form. */
export interface CollectorConfig {
  receivers?: { [id: string]: JsonObject | null };
  exporters: { [id: string]: JsonObject | null };
  processors?: { [id: string]: JsonObject | null };
  connectors?: { [id: string]: JsonObject | null };
  extensions?: { [id: string]: JsonObject | null };
  service: ServiceConfig;
  [key: string]: unknown;
}

export interface PodDisruptionBudgetSpec {
  minAvailable?: number | string;
  maxUnavailable?: number | string;
}

export interface PortsSpec extends ServicePort {
  hostPort?: number;
}

export interface MetricSpec {
  type: string;
  pods?: JsonObject;
}

export interface AutoscalerSpec {
  minReplicas?: number;
  maxReplicas?: number;
  behavior?: HorizontalPodAutoscalerBehavior;
  metrics?: MetricSpec[];
  targetCPUUtilization?: number;
  targetMemoryUtilization?: number;
}

export interface ProbeSpec {
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  terminationGracePeriodSeconds?: number;
}

export interface MetricsConfigSpec {
  enableMetrics?: boolean;
  extraLabels?: { [key: string]: string };
  disablePrometheusAnnotations?: boolean;
}

export interface ObservabilitySpec {
  metrics?: MetricsConfigSpec;
}

export interface IngressSpec {
  type?: 'ingress' | 'route';
  ruleType?: 'path' | 'subdomain';
  hostname?: string;
  annotations?: { [key: string]: string };
  tls?: Array<{ hosts?: string[]; secretName?: string }>;
  ingressClassName?: string;
  route?: { termination?: 'insecure' | 'edge' | 'passthrough' | 'reencrypt' };
}

export interface HttpRouteSpec {
  enabled?: boolean;
  gateway?: string;
  gatewayNamespace?: string;
  hostnames?: string[];
}

export interface ConfigMapsSpec {
  name: string;
  mountpath: string;
}

export interface TargetAllocatorPrometheusCR {
  enabled?: boolean;
  allowNamespaces?: string[];
  denyNamespaces?: string[];
  secretNamespaces?: string[];
  denyFSAccessThroughSMs?: boolean;
  scrapeInterval?: string;
  evaluationInterval?: string;
  scrapeProtocols?: string[];
  scrapeClasses?: JsonObject[];
  podMonitorSelector?: LabelSelector;
  podMonitorNamespaceSelector?: LabelSelector;
  serviceMonitorSelector?: LabelSelector;
  serviceMonitorNamespaceSelector?: LabelSelector;
  scrapeConfigSelector?: LabelSelector;
  scrapeConfigNamespaceSelector?: LabelSelector;
  probeSelector?: LabelSelector;
  probeNamespaceSelector?: LabelSelector;
}

export interface SecretKeySelector { name: string; key?: string }
export interface ConfigMapKeySelector { name: string; key?: string }

export interface TargetAllocatorTLS {
  certificateAuthorityCertificate?: { secret?: SecretKeySelector; configMap?: ConfigMapKeySelector };
  serverCertificate?: { certificateSecret: SecretKeySelector; keySecret: SecretKeySelector };
  clientCertificate?: { certificateSecret: SecretKeySelector; keySecret: SecretKeySelector };
}

export interface TargetAllocatorMTLS {
  enabled?: boolean;
  useCertManager?: boolean;
  tls?: TargetAllocatorTLS;
}

/** `spec.targetAllocator` of a collector. */
export interface TargetAllocatorEmbedded {
  enabled?: boolean;
  replicas?: number;
  nodeSelector?: { [key: string]: string };
  resources?: ResourceRequirements;
  allocationStrategy?: AllocationStrategy;
  filterStrategy?: FilterStrategy;
  serviceAccount?: string;
  image?: string;
  affinity?: Affinity;
  prometheusCR?: TargetAllocatorPrometheusCR;
  securityContext?: SecurityContext;
  podSecurityContext?: PodSecurityContext;
  topologySpreadConstraints?: TopologySpreadConstraint[];
  tolerations?: Toleration[];
  env?: EnvVar[];
  observability?: ObservabilitySpec;
  podDisruptionBudget?: PodDisruptionBudgetSpec;
  allowInsecureAuthSecrets?: boolean;
  collectorNotReadyGracePeriod?: string;
  collectorTargetReloadInterval?: string;
  mtls?: TargetAllocatorMTLS;
  telemetry?: JsonObject;
}

/** `spec` of an OpenTelemetryCollector v1beta1. */
export interface OpenTelemetryCollectorSpec {
  managementState?: ManagementState;
  resources?: ResourceRequirements;
  nodeSelector?: { [key: string]: string };
  args?: { [key: string]: string };
  replicas?: number;
  podDisruptionBudget?: PodDisruptionBudgetSpec;
  securityContext?: SecurityContext;
  podSecurityContext?: PodSecurityContext;
  podAnnotations?: { [key: string]: string };
  serviceAccount?: string;
  image?: string;
  imagePullPolicy?: string;
  volumeMounts?: VolumeMount[];
  ports?: PortsSpec[];
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  tolerations?: Toleration[];
  volumes?: Volume[];
  affinity?: Affinity;
  lifecycle?: Lifecycle;
  terminationGracePeriodSeconds?: number;
  topologySpreadConstraints?: TopologySpreadConstraint[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostUsers?: boolean;
  hostAliases?: HostAlias[];
  dnsPolicy?: string;
  shareProcessNamespace?: boolean;
  priorityClassName?: string;
  initContainers?: Container[];
  additionalContainers?: Container[];
  podDnsConfig?: PodDnsConfig;
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  trafficDistribution?: string;
  sessionAffinity?: string;
  sessionAffinityConfig?: SessionAffinityConfig;
  volumeClaimTemplates?: PersistentVolumeClaimTemplate[];
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
  serviceName?: string;
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  autoscaler?: AutoscalerSpec;
  targetAllocator?: TargetAllocatorEmbedded;
  mode?: CollectorMode;
  upgradeStrategy?: UpgradeStrategy;
  config: CollectorConfig;
  configVersions?: number;
  ingress?: IngressSpec;
  httpRoute?: HttpRouteSpec;
  networkPolicy?: { enabled?: boolean };
  livenessProbe?: ProbeSpec;
  readinessProbe?: ProbeSpec;
  startupProbe?: ProbeSpec;
  observability?: ObservabilitySpec;
  configmaps?: ConfigMapsSpec[];
  daemonSetUpdateStrategy?: DaemonSetUpdateStrategy;
  deploymentUpdateStrategy?: DeploymentStrategy;
  command?: string[];
}

export interface ScaleSubresourceStatus {
  selector?: string;
  replicas?: number;
  /** "ready/total" */
  statusReplicas?: string;
}

export interface OpenTelemetryCollectorStatus {
  scale?: ScaleSubresourceStatus;
  version?: string;
  image?: string;
  observedGeneration?: number;
  conditions?: Condition[];
}

/** A whole OpenTelemetryCollector v1beta1 object. */
export interface OpenTelemetryCollector {
  apiVersion: 'opentelemetry.io/v1beta1';
  kind: 'OpenTelemetryCollector';
  metadata: { name?: string; namespace?: string; labels?: { [key: string]: string }; annotations?: { [key: string]: string }; [key: string]: unknown };
  spec: OpenTelemetryCollectorSpec;
  status?: OpenTelemetryCollectorStatus;
}

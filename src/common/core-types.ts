/**
 * Kubernetes core types as plain JSON, the way they appear inside our custom resources.
 *
 * The CRD schemas keep these objects open (`x-kubernetes-preserve-unknown-fields`) and check only the fields we
 * rely on, so the types name those fields and leave room for the rest: the API server validates the workloads
 * we build from them anyway.
 */

/** Any JSON object we pass through without interpreting it. */
export interface JsonObject { [key: string]: unknown }

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: JsonObject;
  [key: string]: unknown;
}

export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name?: string; optional?: boolean };
  secretRef?: { name?: string; optional?: boolean };
  [key: string]: unknown;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
  [key: string]: unknown;
}

export interface Volume {
  name: string;
  [key: string]: unknown;
}

export interface ResourceRequirements {
  limits?: { [resource: string]: string | number };
  requests?: { [resource: string]: string | number };
  claims?: Array<{ name: string; request?: string }>;
}

export interface Container {
  name: string;
  image?: string;
  args?: string[];
  command?: string[];
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: Array<{ name?: string; containerPort: number; protocol?: string; hostPort?: number; [key: string]: unknown }>;
  volumeMounts?: VolumeMount[];
  resources?: ResourceRequirements;
  securityContext?: JsonObject;
  [key: string]: unknown;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: { [key: string]: string };
  matchExpressions?: LabelSelectorRequirement[];
}

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: string;
  labelSelector?: LabelSelector;
  [key: string]: unknown;
}

export interface PersistentVolumeClaimTemplate {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; labels?: { [key: string]: string }; annotations?: { [key: string]: string }; [key: string]: unknown };
  spec?: JsonObject;
  status?: JsonObject;
}

export interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
  targetPort?: number | string;
  nodePort?: number;
}

/** A Kubernetes `metav1.Condition`. */
export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** Affinity, SecurityContext, PodSecurityContext, Lifecycle, PodDNSConfig, update strategies...: passed through as is. */
export type Affinity = JsonObject;
export type SecurityContext = JsonObject;
export type PodSecurityContext = JsonObject;
export type Lifecycle = JsonObject;
export type PodDnsConfig = JsonObject;
export type HostAlias = JsonObject;
export type SessionAffinityConfig = JsonObject;
export type DaemonSetUpdateStrategy = JsonObject;
export type DeploymentStrategy = JsonObject;
export type HorizontalPodAutoscalerBehavior = JsonObject;
export type Probe = JsonObject;

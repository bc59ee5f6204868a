import { Json } from '../common/json';
import { CollectorConfigJson } from './config/model';

/**
 * The collector spec in the v1beta1 CR's wire form (camelCase keys, Kubernetes types as JSON). Both the typed
 * construct props and `fromCustomResource` are reduced to this, so every manifest rule is written once.
 */
export interface CollectorSpecJson {
  mode?: string;
  config?: CollectorConfigJson;
  image?: string;
  imagePullPolicy?: string;
  replicas?: number;
  configVersions?: number;
  args?: Record<string, string>;
  command?: string[];
  env?: Json[];
  envFrom?: Json[];
  volumes?: Json[];
  volumeMounts?: Json[];
  resources?: Json;
  nodeSelector?: Record<string, string>;
  affinity?: Json;
  tolerations?: Json[];
  securityContext?: Json;
  podSecurityContext?: Json;
  podAnnotations?: Record<string, string>;
  initContainers?: Json[];
  additionalContainers?: Json[];
  ports?: Json[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostUsers?: boolean;
  hostAliases?: Json[];
  dnsPolicy?: string;
  priorityClassName?: string;
  podDnsConfig?: Json;
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  sessionAffinity?: string;
  sessionAffinityConfig?: Json;
  trafficDistribution?: string;
  lifecycle?: Json;
  terminationGracePeriodSeconds?: number;
  topologySpreadConstraints?: Json[];
  shareProcessNamespace?: boolean;
  daemonSetUpdateStrategy?: Json;
  deploymentUpdateStrategy?: Json;
  serviceAccount?: string;
  serviceName?: string;
  podManagementPolicy?: string;
  volumeClaimTemplates?: Json[];
  persistentVolumeClaimRetentionPolicy?: Json;
  autoscaler?: Json;
  podDisruptionBudget?: Json;
  ingress?: Json;
  httpRoute?: { enabled?: boolean; gateway?: string; gatewayNamespace?: string; hostnames?: string[] };
  observability?: { metrics?: { enableMetrics?: boolean; disablePrometheusAnnotations?: boolean; extraLabels?: Record<string, string> } };
  configmaps?: Array<{ name: string; mountpath: string }>;
  livenessProbe?: Json;
  readinessProbe?: Json;
  startupProbe?: Json;
  targetAllocator?: Json;
  networkPolicy?: { enabled?: boolean };
  upgradeStrategy?: string;
  managementState?: string;
  [key: string]: unknown;
}

/** Everything a collector's manifests depend on: the CR's identity and metadata and its spec. */
export interface CollectorModel {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly spec: CollectorSpecJson;
}

/** Settings of the operator that shape the manifests (upstream's flags). */
export interface CollectorRenderOptions {
  /** image used when `spec.image` is empty (`--collector-image`) */
  readonly defaultImage?: string;
  /** regular expressions of CR label keys not propagated (`--labels-filter`) */
  readonly labelsFilter?: string[];
  /** regular expressions of CR annotation keys not propagated (`--annotations-filter`) */
  readonly annotationsFilter?: string[];
  /** reject pipelines naming undefined components and configs without pipelines (default: false for CRs) */
  readonly strictConfig?: boolean;
  /** create the NetworkPolicy upstream makes by default (gate `operand.networkpolicy`) @default true */
  readonly networkPolicy?: boolean;
  /** Prometheus operator CRDs exist, so ServiceMonitor/PodMonitor can be created @default true */
  readonly prometheusCrdsAvailable?: boolean;
  /** the operator may create ClusterRoles/Bindings (automatic RBAC) @default true */
  readonly createRbac?: boolean;
  /** the cluster serves OpenShift routes (route.openshift.io): `ingress.type: route` creates Routes @default false */
  readonly openShiftRoutesAvailable?: boolean;
  /** the Gateway API CRDs exist, so `httpRoute` creates HTTPRoutes @default true */
  readonly gatewayApiAvailable?: boolean;
  /**
   * name of a standalone TargetAllocator serving this collector (the collector carries the label
   * `opentelemetry.io/target-allocator: <name>` and that TargetAllocator exists); its prometheus receivers are
   * rewritten to use it @default - none
   */
  readonly linkedTargetAllocator?: string;
  /** HTTP(S)_PROXY/NO_PROXY variables of the operator, passed to the collector container */
  readonly proxyEnv?: Json[];
}

export const DEFAULT_COLLECTOR_IMAGE = 'ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector:0.158.0';

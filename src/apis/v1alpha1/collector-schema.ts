/**
 * OpenTelemetryCollector `opentelemetry.io/v1alpha1`: served for old clients, never stored. Differences from
 * v1beta1: `config` is a YAML string, `minReplicas`/`maxReplicas` sit at the top level, the DaemonSet strategy
 * is `updateStrategy`, the target allocator's monitor selectors are plain label maps, and the status keeps
 * `messages` and `replicas`.
 */
import * as k from '../core-schemas';
import { arr, atomicArr, bool, duration, enumOf, int32, int64, obj, str, TypeOf } from '../schema-dsl';
import { autoscalerSpec, COLLECTOR_MODES, ingressSpec, probeSpec, UPGRADE_STRATEGIES } from '../v1beta1/collector-schema';
import { ALLOCATION_STRATEGIES, MANAGEMENT_STATES, podDisruptionBudgetSpec, portsSpec } from '../v1beta1/common-schema';

export const observabilitySpecV1alpha1 = obj({
  metrics: obj({
    enableMetrics: bool(),
    extraLabels: k.stringMap(),
    // v1alpha1 spells this key with a capital D (upstream's JSON tag); conversion renames it.
    DisablePrometheusAnnotations: bool(),
  }),
});

export const targetAllocatorV1alpha1 = obj({
  replicas: int32(),
  nodeSelector: k.stringMap(),
  resources: k.resources(),
  allocationStrategy: enumOf(ALLOCATION_STRATEGIES).default('consistent-hashing'),
  filterStrategy: str().default('relabel-config'),
  serviceAccount: str(),
  image: str(),
  enabled: bool(),
  affinity: k.affinity(),
  prometheusCR: obj({
    enabled: bool(),
    scrapeInterval: duration().default('30s'),
    podMonitorSelector: k.stringMap().desc('Label map of the PodMonitors to use.'),
    serviceMonitorSelector: k.stringMap().desc('Label map of the ServiceMonitors to use.'),
  }),
  securityContext: k.securityContext(),
  podSecurityContext: k.podSecurityContext(),
  topologySpreadConstraints: arr(k.topologySpreadConstraint()),
  tolerations: arr(k.toleration()),
  env: arr(k.envVar()),
  observability: observabilitySpecV1alpha1,
  podDisruptionBudget: podDisruptionBudgetSpec,
});

export const collectorSpecV1alpha1 = obj({
  managementState: enumOf(MANAGEMENT_STATES).default('managed'),
  resources: k.resources(),
  nodeSelector: k.stringMap(),
  args: k.stringMap(),
  replicas: int32(),
  minReplicas: int32().desc('Deprecated: use autoscaler.minReplicas.'),
  maxReplicas: int32().desc('Deprecated: use autoscaler.maxReplicas.'),
  autoscaler: autoscalerSpec,
  podDisruptionBudget: podDisruptionBudgetSpec,
  securityContext: k.securityContext(),
  podSecurityContext: k.podSecurityContext(),
  podAnnotations: k.stringMap(),
  targetAllocator: targetAllocatorV1alpha1,
  mode: enumOf(COLLECTOR_MODES),
  serviceAccount: str(),
  image: str(),
  upgradeStrategy: enumOf(UPGRADE_STRATEGIES),
  imagePullPolicy: str(),
  // required as upstream's +required: the API server answers `spec.config: Required value` (issue 14 #9)
  config: str().req().desc('The collector configuration as YAML.'),
  volumeMounts: atomicArr(k.volumeMount()),
  ports: atomicArr(portsSpec),
  env: arr(k.envVar()),
  envFrom: arr(k.envFromSource()),
  volumeClaimTemplates: atomicArr(k.persistentVolumeClaim()),
  tolerations: arr(k.toleration()),
  volumes: atomicArr(k.volume()),
  ingress: ingressSpec,
  hostNetwork: bool(),
  shareProcessNamespace: bool(),
  priorityClassName: str(),
  affinity: k.affinity(),
  lifecycle: k.lifecycle(),
  terminationGracePeriodSeconds: int64(),
  livenessProbe: probeSpec,
  initContainers: arr(k.container()),
  additionalContainers: arr(k.container()),
  observability: observabilitySpecV1alpha1,
  topologySpreadConstraints: arr(k.topologySpreadConstraint()),
  configmaps: arr(obj({ name: str().req(), mountpath: str().req() })),
  updateStrategy: k.daemonSetUpdateStrategy().desc('Update strategy of the DaemonSet (v1beta1: daemonSetUpdateStrategy).'),
  deploymentUpdateStrategy: k.deploymentStrategy(),
});

export const collectorStatusV1alpha1 = obj({
  scale: obj({ selector: str(), replicas: int32(), statusReplicas: str() }),
  version: str(),
  image: str(),
  messages: atomicArr(str()).desc('Deprecated: use events.'),
  replicas: int32().desc('Deprecated: use scale.replicas.'),
});

export interface OpenTelemetryCollectorSpecV1alpha1 extends TypeOf<typeof collectorSpecV1alpha1> {}
export interface OpenTelemetryCollectorStatusV1alpha1 extends TypeOf<typeof collectorStatusV1alpha1> {}

/** A whole OpenTelemetryCollector v1alpha1 object. */
export interface OpenTelemetryCollectorV1alpha1 {
  apiVersion: 'opentelemetry.io/v1alpha1';
  kind: 'OpenTelemetryCollector';
  metadata: { name?: string; namespace?: string; labels?: { [key: string]: string }; annotations?: { [key: string]: string }; [key: string]: unknown };
  spec: OpenTelemetryCollectorSpecV1alpha1;
  status?: OpenTelemetryCollectorStatusV1alpha1;
}

/**
 * OpenTelemetryCollector `opentelemetry.io/v1beta1` (the storage version): the one declaration from which the CRD
 * schema (`collectorV1beta1Schema`) and the TypeScript types (`./collector-types`) are derived.
 */
import * as k from '../core-schemas';
import type * as core from '../../common/core-types';
import {
  arr, atomicArr, bool, duration, enumOf, int32, int64, mapOf, obj, opaque, openObj, str,
} from '../schema-dsl';
import {
  ALLOCATION_STRATEGIES, commonFields, FILTER_STRATEGIES, networkPolicySpec, observabilitySpec, podDisruptionBudgetSpec,
  prometheusCRSpec, targetAllocatorMtls, targetAllocatorTelemetry,
} from './common-schema';

export const COLLECTOR_MODES = ['daemonset', 'deployment', 'sidecar', 'statefulset'] as const;
export const UPGRADE_STRATEGIES = ['automatic', 'none'] as const;

/** Component settings are free-form; `batch:` (null) is allowed by the API server and warned about by the webhook. */
const components = () => opaque<{ [id: string]: core.JsonObject | null }>();

export const pipelineSpec = obj({
  exporters: arr(str()).req(),
  processors: arr(str()),
  receivers: arr(str()).req(),
});

export const collectorConfig = openObj({
  receivers: components().req().desc('Receivers by component id.'),
  exporters: components().req().desc('Exporters by component id.'),
  processors: components().desc('Processors by component id.'),
  connectors: components().desc('Connectors by component id.'),
  extensions: components().desc('Extensions by component id.'),
  service: obj({
    extensions: arr(str()).desc('Extensions to start.'),
    telemetry: opaque().desc('The collector\'s own telemetry settings.'),
    pipelines: mapOf(pipelineSpec).with({ 'x-kubernetes-preserve-unknown-fields': true }).req()
      .desc('Pipelines by name (traces, metrics/app, ...).'),
  }).req(),
}).desc('The collector configuration. Write empty components as `batch: {}`, not `batch:`.');

export const autoscalerSpec = obj({
  minReplicas: int32().desc('Lower bound of the autoscaler; at least 1.'),
  maxReplicas: int32().desc('Upper bound of the autoscaler; setting it enables autoscaling.'),
  behavior: k.hpaBehavior().desc('HorizontalPodAutoscaler behavior.'),
  metrics: arr(obj({ type: str().req(), pods: opaque() })).desc('Extra HPA metrics; only type Pods is supported.'),
  targetCPUUtilization: int32().desc('Average CPU utilization target in percent (90 when nothing is set).'),
  targetMemoryUtilization: int32().desc('Average memory utilization target in percent.'),
});

/** The collector probes only take timings: the handler comes from the health_check extension. */
export const probeSpec = obj({
  initialDelaySeconds: int32().with({ minimum: 0 }),
  timeoutSeconds: int32().with({ minimum: 1 }),
  periodSeconds: int32().with({ minimum: 1 }),
  successThreshold: int32().with({ minimum: 1 }),
  failureThreshold: int32().with({ minimum: 1 }),
  terminationGracePeriodSeconds: int64().with({ minimum: 1 }),
});

export const ingressSpec = obj({
  type: enumOf(['ingress', 'route'] as const).desc('ingress or route (OpenShift); nothing is created when empty.'),
  ruleType: enumOf(['path', 'subdomain'] as const).desc('Expose each receiver on a path (default) or subdomain of hostname.'),
  hostname: str(),
  annotations: k.stringMap(),
  tls: arr(obj({ hosts: atomicArr(str()), secretName: str() })),
  ingressClassName: str(),
  route: obj({ termination: enumOf(['insecure', 'edge', 'passthrough', 'reencrypt'] as const) }),
});

export const httpRouteSpec = obj({
  enabled: bool(),
  gateway: str(),
  gatewayNamespace: str(),
  hostnames: arr(str()),
});

export const targetAllocatorEmbedded = obj({
  enabled: bool().desc('Run a target allocator for this collector (statefulset or daemonset mode).'),
  replicas: int32(),
  nodeSelector: k.stringMap(),
  resources: k.resources(),
  allocationStrategy: enumOf(ALLOCATION_STRATEGIES).default('consistent-hashing'),
  filterStrategy: enumOf(FILTER_STRATEGIES).default('relabel-config'),
  serviceAccount: str(),
  image: str(),
  affinity: k.affinity(),
  prometheusCR: prometheusCRSpec,
  securityContext: k.securityContext(),
  podSecurityContext: k.podSecurityContext(),
  topologySpreadConstraints: atomicArr(k.topologySpreadConstraint()),
  tolerations: atomicArr(k.toleration()),
  env: atomicArr(k.envVar()),
  observability: observabilitySpec,
  podDisruptionBudget: podDisruptionBudgetSpec,
  allowInsecureAuthSecrets: bool().desc('Serve auth secrets over plain HTTP (only behind a mesh).'),
  collectorNotReadyGracePeriod: duration().default('30s'),
  collectorTargetReloadInterval: duration().default('30s'),
  mtls: targetAllocatorMtls,
  telemetry: targetAllocatorTelemetry,
});

const SIDECAR_FORBIDDEN = ['tolerations', 'priorityClassName', 'affinity', 'additionalContainers'] as const;

function sidecarForbids(field: typeof SIDECAR_FORBIDDEN[number]) {
  const present: Record<typeof field, string> = {
    tolerations: 'size(self.tolerations) > 0',
    priorityClassName: 'self.priorityClassName != \'\'',
    affinity: 'self.affinity != null',
    additionalContainers: 'size(self.additionalContainers) > 0',
  };
  return {
    rule: `!(self.mode == 'sidecar' && ${present[field]}) || !has(self.${field})`,
    message: `the OpenTelemetry Collector mode is set to sidecar, which does not support the attribute '${field}'`,
    holds: (self: any) => {
      const v = self?.[field];
      if (self?.mode !== 'sidecar' || v === undefined) return true;
      if (Array.isArray(v) || typeof v === 'string') return v.length === 0;
      return v === null;
    },
  };
}

export const collectorSpecV1beta1 = obj({
  ...commonFields,
  volumeClaimTemplates: atomicArr(k.persistentVolumeClaim()).desc('PVC templates (statefulset mode only).'),
  persistentVolumeClaimRetentionPolicy: obj({ whenDeleted: str(), whenScaled: str() })
    .desc('PVC retention of the StatefulSet (statefulset mode only).'),
  serviceName: str().desc('serviceName of the StatefulSet; `<name>-headless` when empty (not created by the operator).'),
  podManagementPolicy: enumOf(['OrderedReady', 'Parallel'] as const).default('Parallel'),
  autoscaler: autoscalerSpec,
  targetAllocator: targetAllocatorEmbedded,
  mode: enumOf(COLLECTOR_MODES).desc('How the collector runs: deployment (default), daemonset, statefulset or sidecar.'),
  upgradeStrategy: enumOf(UPGRADE_STRATEGIES).desc('Whether the operator upgrades this CR when it is upgraded.'),
  config: collectorConfig.req(),
  configVersions: int32().with({ minimum: 1 }).default(3).desc('Config versions (ConfigMaps) to keep.'),
  ingress: ingressSpec,
  httpRoute: httpRouteSpec,
  networkPolicy: networkPolicySpec,
  livenessProbe: probeSpec,
  readinessProbe: probeSpec,
  startupProbe: probeSpec,
  observability: observabilitySpec,
  configmaps: atomicArr(obj({ name: str().req(), mountpath: str().req() })).desc('ConfigMaps mounted as `configmap-<name>`.'),
  daemonSetUpdateStrategy: k.daemonSetUpdateStrategy().desc('Update strategy of the DaemonSet (daemonset mode).'),
  deploymentUpdateStrategy: k.deploymentStrategy().desc('Update strategy of the Deployment (deployment mode).'),
  command: atomicArr(str()).with({ minItems: 1 }).desc('Overrides the container entrypoint.'),
}).cel(...SIDECAR_FORBIDDEN.map(sidecarForbids));

export const collectorStatusV1beta1 = obj({
  scale: obj({
    selector: str(),
    replicas: int32(),
    statusReplicas: str().desc('ready/total pods'),
  }),
  version: str(),
  image: str(),
  observedGeneration: int64(),
  conditions: k.conditions(),
});

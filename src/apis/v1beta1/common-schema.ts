/**
 * Schema pieces shared by OpenTelemetryCollector v1beta1, its embedded target allocator and the TargetAllocator CR
 * (upstream's `OpenTelemetryCommonFields` and friends). Field names, enums and defaults are upstream's.
 */
import * as k from '../core-schemas';
import {
  arr, atomicArr, bool, duration, enumOf, int32, int64, intOrString, obj, opaque, str, TypeOf,
} from '../schema-dsl';

export const MANAGEMENT_STATES = ['managed', 'unmanaged'] as const;
export const ALLOCATION_STRATEGIES = ['least-weighted', 'consistent-hashing', 'per-node'] as const;
export const FILTER_STRATEGIES = ['', 'none', 'relabel-config'] as const;

export const podDisruptionBudgetSpec = obj({
  minAvailable: intOrString().desc('Pods that must stay available after an eviction (number or percentage).'),
  maxUnavailable: intOrString().desc('Pods that may be unavailable after an eviction; exclusive with minAvailable.'),
});

export const portsSpec = obj({
  ...k.servicePortFields,
  hostPort: int32().with({ minimum: 0, maximum: 65535 }).desc('Port to bind on the host in the container.'),
});

export const observabilitySpec = obj({
  metrics: obj({
    enableMetrics: bool().desc('Create a ServiceMonitor (PodMonitor in sidecar mode) for the operand.'),
    extraLabels: k.stringMap().desc('Extra labels for the ServiceMonitor.'),
    disablePrometheusAnnotations: bool().desc('Do not add the prometheus.io/{scrape,port,path} annotations.'),
  }),
});

export const networkPolicySpec = obj({
  enabled: bool().desc('Create a NetworkPolicy for the operand pods (defaults to true with the operand.networkpolicy gate).'),
});

/** `managementState` … `trafficDistribution`: what every OpenTelemetry workload CR carries. */
export const commonFields = {
  managementState: enumOf(MANAGEMENT_STATES).default('managed').desc('Whether the operator reconciles this resource.'),
  resources: k.resources().desc('Resources of the main container.'),
  nodeSelector: k.stringMap().desc('Node selector of the generated pods (not in sidecar mode).'),
  args: k.stringMap().desc('Arguments of the main container, rendered as --key=value.'),
  replicas: int32().default(1).desc('Replicas of the workload when not autoscaled.'),
  podDisruptionBudget: podDisruptionBudgetSpec.desc('PodDisruptionBudget of the workload (maxUnavailable 1 by default).'),
  securityContext: k.securityContext().desc('Security context of the main container.'),
  podSecurityContext: k.podSecurityContext().desc('Security context of the generated pods (ignored in sidecar mode).'),
  podAnnotations: k.stringMap().desc('Annotations of the generated pods.'),
  serviceAccount: str().desc('Existing service account to use; none is created when set.'),
  image: str().desc('Container image of the main container.'),
  imagePullPolicy: str().desc('Image pull policy of the main container (Always, Never, IfNotPresent).'),
  volumeMounts: atomicArr(k.volumeMount()).desc('Volume mounts of the main container.'),
  ports: atomicArr(portsSpec).desc('Extra ports of the Service and container, beyond those inferred from the config.'),
  env: arr(k.envVar()).desc('Environment variables of the main container.'),
  envFrom: arr(k.envFromSource()).desc('Environment variable sources of the main container.'),
  tolerations: arr(k.toleration()).desc('Tolerations of the generated pods (not in sidecar mode).'),
  volumes: atomicArr(k.volume()).desc('Volumes of the generated pods.'),
  affinity: k.affinity().desc('Scheduling constraints of the generated pods (not in sidecar mode).'),
  lifecycle: k.lifecycle().desc('Lifecycle hooks of the main container.'),
  terminationGracePeriodSeconds: int64().desc('Termination grace period of the generated pods.'),
  topologySpreadConstraints: arr(k.topologySpreadConstraint()).desc('Topology spread constraints of the generated pods.'),
  hostNetwork: bool().desc('Run the pods in the host network namespace.'),
  dnsPolicy: str().desc('DNS policy of the generated pods.'),
  hostPID: bool().desc('Run the pods in the host PID namespace.'),
  hostUsers: bool().desc('Use the host user namespace (false enables user namespaces).'),
  hostAliases: atomicArr(k.hostAlias()).desc('Extra /etc/hosts entries of the generated pods.'),
  shareProcessNamespace: bool().desc('Share one process namespace between the pod containers.'),
  priorityClassName: str().desc('Priority class of the generated pods (not in sidecar mode).'),
  initContainers: arr(k.container()).desc('Init containers added to the generated pods.'),
  additionalContainers: arr(k.container()).desc('Containers added to the generated pods (not in sidecar mode).'),
  podDnsConfig: k.podDnsConfig().desc('DNS parameters of the generated pods.'),
  ipFamilies: arr(str()).desc('IP families of the generated Services.'),
  ipFamilyPolicy: str().default('SingleStack').desc('IP family policy of the generated Services.'),
  trafficDistribution: str().desc('trafficDistribution of the generated Services.'),
  sessionAffinity: str().desc('sessionAffinity of the generated Services.'),
  sessionAffinityConfig: k.sessionAffinityConfig().desc('sessionAffinityConfig of the generated Services.'),
};

export const prometheusCRSpec = obj({
  enabled: bool().desc('Discover targets from Prometheus Operator resources.'),
  allowNamespaces: atomicArr(str()).desc('Only watch these namespaces (exclusive with denyNamespaces).'),
  denyNamespaces: atomicArr(str()).desc('Do not watch these namespaces (exclusive with allowNamespaces).'),
  secretNamespaces: atomicArr(str()).desc('Namespaces whose Secrets may be read; the allocator namespace if empty.'),
  denyFSAccessThroughSMs: bool().desc('Drop monitor endpoints that reference files (bearerTokenFile, tlsConfig files).'),
  scrapeInterval: duration().default('30s').desc('Default scrape interval.'),
  evaluationInterval: duration().default('30s').desc('Default rule evaluation interval.'),
  scrapeProtocols: atomicArr(str()).desc('Scrape protocols to negotiate, most preferred first.'),
  scrapeClasses: atomicArr(opaque()).desc('Prometheus Operator ScrapeClass objects.'),
  podMonitorSelector: k.labelSelector().desc('PodMonitors to use; null selects none.'),
  podMonitorNamespaceSelector: k.labelSelector().default({}).desc('Namespaces to take PodMonitors from.'),
  serviceMonitorSelector: k.labelSelector().desc('ServiceMonitors to use; null selects none.'),
  serviceMonitorNamespaceSelector: k.labelSelector().default({}).desc('Namespaces to take ServiceMonitors from.'),
  scrapeConfigSelector: k.labelSelector().desc('ScrapeConfigs to use; null selects none.'),
  scrapeConfigNamespaceSelector: k.labelSelector().default({}).desc('Namespaces to take ScrapeConfigs from.'),
  probeSelector: k.labelSelector().desc('Probes to use; null selects none.'),
  probeNamespaceSelector: k.labelSelector().default({}).desc('Namespaces to take Probes from.'),
});

const secretKeySelector = obj({ name: str().with({ minLength: 1 }).req(), key: str() });
const certificateReference = obj({ certificateSecret: secretKeySelector.req(), keySecret: secretKeySelector.req() });

export const targetAllocatorMtls = obj({
  enabled: bool().desc('Serve targets over mTLS to the collectors.'),
  useCertManager: bool().default(true).desc('Issue the certificates with cert-manager.'),
  tls: obj({
    certificateAuthorityCertificate: obj({
      secret: secretKeySelector,
      configMap: obj({ name: str().with({ minLength: 1 }).req(), key: str().default('ca.crt') }),
    }),
    serverCertificate: certificateReference,
    clientCertificate: certificateReference,
  }).desc('User-provided certificates, used when useCertManager is false.'),
});

const otlpCommon = {
  endpoint: str().req(),
  headers: atomicArr(obj({ name: str().req(), value: str().req() })),
  temporalityPreference: enumOf(['cumulative', 'delta', 'low_memory'] as const),
};

export const targetAllocatorTelemetry = obj({
  metrics: obj({
    readers: atomicArr(obj({
      periodic: obj({
        interval: duration(),
        timeout: duration(),
        exporter: obj({
          otlpGrpc: obj({ ...otlpCommon, tls: obj({ insecure: bool() }) }),
          otlpHttp: obj(otlpCommon),
        }).req(),
      }),
    })),
  }),
}).desc('Self-telemetry of the target allocator, pushed with OTLP.');

export type PodDisruptionBudgetSpec = TypeOf<typeof podDisruptionBudgetSpec>;
export type PortsSpec = TypeOf<typeof portsSpec>;
export type ObservabilitySpec = TypeOf<typeof observabilitySpec>;
export type TargetAllocatorPrometheusCR = TypeOf<typeof prometheusCRSpec>;
export type TargetAllocatorMTLS = TypeOf<typeof targetAllocatorMtls>;

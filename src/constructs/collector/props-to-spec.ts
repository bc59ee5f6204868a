import { k8s } from 'cdk8s-plus-28';
import { describeCollector, CollectorModel, CollectorSpecJson } from '../../collector';
import { OtelCollectorProps } from './props';
import { clean, Json } from '../../common/json';
import { KubeObject } from '../../common/kube';

const list = <T>(items: T[] | undefined, toJson: (t: T) => Json | undefined): Json[] | undefined =>
  items?.map((i) => toJson(i) as Json);

const intOrString = (v: k8s.IntOrString | undefined) => v?.value;

/**
 * The typed props in the CR's wire form: Kubernetes types go through cdk8s-plus-28's generated `toJson_*`
 * functions, so `Quantity`, `IntOrString` and renamed keys (hostIp → hostIP) come out as the API expects.
 */
export function propsToModel(props: OtelCollectorProps, fallbackName: string, defaultNamespace = 'default'): CollectorModel {
  const name = props.name ?? fallbackName.toLowerCase();
  const namespace = props.namespace ?? defaultNamespace;
  const a = props.autoscaler;
  const ing = props.ingress;
  const obs = props.observability;
  const spec: CollectorSpecJson = clean({
    mode: props.mode,
    config: props.config._toJson(describeCollector(name, namespace)),
    image: props.image,
    imagePullPolicy: props.imagePullPolicy,
    replicas: props.replicas,
    configVersions: props.configVersions,
    args: props.args,
    command: props.command,
    env: list(props.env, k8s.toJson_EnvVar),
    envFrom: list(props.envFrom, k8s.toJson_EnvFromSource),
    volumes: list(props.volumes, k8s.toJson_Volume),
    volumeMounts: list(props.volumeMounts, k8s.toJson_VolumeMount),
    resources: k8s.toJson_ResourceRequirements(props.resources),
    nodeSelector: props.nodeSelector,
    affinity: k8s.toJson_Affinity(props.affinity),
    tolerations: list(props.tolerations, k8s.toJson_Toleration),
    securityContext: k8s.toJson_SecurityContext(props.securityContext),
    podSecurityContext: k8s.toJson_PodSecurityContext(props.podSecurityContext),
    podAnnotations: props.podAnnotations,
    initContainers: list(props.initContainers, k8s.toJson_Container),
    additionalContainers: list(props.additionalContainers, k8s.toJson_Container),
    ports: props.ports?.map((p) => clean({ ...p })),
    hostNetwork: props.hostNetwork,
    hostPID: props.hostPid,
    hostAliases: list(props.hostAliases, k8s.toJson_HostAlias),
    dnsPolicy: props.dnsPolicy,
    priorityClassName: props.priorityClassName,
    podDnsConfig: k8s.toJson_PodDnsConfig(props.podDnsConfig),
    ipFamilies: props.ipFamilies,
    ipFamilyPolicy: props.ipFamilyPolicy,
    sessionAffinity: props.sessionAffinity,
    sessionAffinityConfig: k8s.toJson_SessionAffinityConfig(props.sessionAffinityConfig),
    trafficDistribution: props.trafficDistribution,
    lifecycle: k8s.toJson_Lifecycle(props.lifecycle),
    terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
    topologySpreadConstraints: list(props.topologySpreadConstraints, k8s.toJson_TopologySpreadConstraint),
    shareProcessNamespace: props.shareProcessNamespace,
    daemonSetUpdateStrategy: k8s.toJson_DaemonSetUpdateStrategy(props.daemonSetUpdateStrategy),
    deploymentUpdateStrategy: k8s.toJson_DeploymentStrategy(props.deploymentUpdateStrategy),
    serviceAccount: props.serviceAccount,
    podManagementPolicy: props.podManagementPolicy,
    volumeClaimTemplates: list(props.volumeClaimTemplates, k8s.toJson_KubePersistentVolumeClaimProps),
    persistentVolumeClaimRetentionPolicy: k8s.toJson_StatefulSetPersistentVolumeClaimRetentionPolicy(props.persistentVolumeClaimRetentionPolicy),
    autoscaler: a && clean({
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      targetCPUUtilization: a.targetCpuUtilization,
      targetMemoryUtilization: a.targetMemoryUtilization,
      behavior: k8s.toJson_HorizontalPodAutoscalerBehaviorV2(a.behavior),
      metrics: list(a.metrics, k8s.toJson_MetricSpecV2),
    }),
    podDisruptionBudget: props.podDisruptionBudget && clean({
      minAvailable: intOrString(props.podDisruptionBudget.minAvailable),
      maxUnavailable: intOrString(props.podDisruptionBudget.maxUnavailable),
    }),
    ingress: ing && clean({
      type: ing.type ?? 'ingress',
      ruleType: ing.ruleType,
      route: ing.routeTermination ? { termination: ing.routeTermination } : undefined,
      hostname: ing.hostname,
      annotations: ing.annotations,
      tls: list(ing.tls, k8s.toJson_IngressTls),
      ingressClassName: ing.ingressClassName,
    }),
    httpRoute: props.httpRoute && clean({ enabled: true, ...props.httpRoute }),
    observability: obs && { metrics: clean({ enableMetrics: obs.enableMetrics, disablePrometheusAnnotations: obs.disablePrometheusAnnotations, extraLabels: obs.extraLabels }) },
    configmaps: props.configMaps?.map((c) => ({ name: c.name, mountpath: c.mountPath ?? '' })),
    livenessProbe: props.livenessProbe && clean({ ...props.livenessProbe }),
    readinessProbe: props.readinessProbe && clean({ ...props.readinessProbe }),
    targetAllocator: props.targetAllocator && clean({ ...props.targetAllocator }),
    networkPolicy: props.networkPolicyEnabled === undefined ? undefined : { enabled: props.networkPolicyEnabled },
  });
  return { name, namespace, labels: props.labels, annotations: props.annotations, spec };
}

/**
 * The OpenTelemetryCollector custom resource (v1beta1, plain JSON) that typed props describe: what `OtelCollector`
 * admits and renders, and what a cluster running the operator would be given. `fallbackName` is used when
 * `props.name` is not set (lower-cased, as the construct does with its id).
 */
export function toCustomResource(props: OtelCollectorProps, fallbackName: string, defaultNamespace = 'default'): KubeObject {
  const model = propsToModel(props, fallbackName, defaultNamespace);
  return {
    apiVersion: 'opentelemetry.io/v1beta1',
    kind: 'OpenTelemetryCollector',
    metadata: clean({ name: model.name, namespace: model.namespace, labels: model.labels, annotations: model.annotations }),
    spec: model.spec,
  };
}

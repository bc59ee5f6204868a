import { buildCollectorContainer, CONFIG_MAP_KEY, CONFIG_VOLUME_NAME } from '../container';
import { CONFIG_HASH_ANNOTATION, filtered, selectorLabels } from '../../common/labels';
import { collectorName, configMapName, extraConfigMapVolumeName } from '../../common/naming';
import { ResolvedCollector } from '../resolve';
import { taMtlsVolume } from './ta-mtls';
import { clean, Json } from '../../common/json';

/** Volumes of the collector pod: the config ConfigMap, `spec.volumes`, then the extra ConfigMaps. */
export function collectorVolumes(c: ResolvedCollector): Json[] {
  const taVolume = taMtlsVolume(c);
  return [
    {
      name: CONFIG_VOLUME_NAME,
      configMap: { name: configMapName(c.name, c.configHash), items: [{ key: CONFIG_MAP_KEY, path: CONFIG_MAP_KEY }] },
    },
    ...(taVolume ? [taVolume] : []),
    ...(c.spec.volumes ?? []),
    ...extraConfigMapVolumes(c),
  ];
}

export function extraConfigMapVolumes(c: ResolvedCollector): Json[] {
  return (c.spec.configmaps ?? []).map((cm) => ({ name: extraConfigMapVolumeName(cm.name), configMap: { name: cm.name } }));
}

/**
 * Pod annotations: `podAnnotations`, then the CR's annotations where not set, then the Prometheus scrape hints
 * (unless disabled; never overriding), then the config hash, so a config change rolls the pods.
 */
export function podAnnotations(c: ResolvedCollector): Record<string, string> {
  const out: Record<string, string> = filtered(c.spec.podAnnotations, c.filters.annotations ?? []);
  for (const [k, v] of Object.entries(c.annotations)) if (!(k in out)) out[k] = v;
  if (!c.spec.observability?.metrics?.disablePrometheusAnnotations) {
    const hints: Record<string, string> = {
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8888',
      'prometheus.io/path': '/metrics',
    };
    for (const [k, v] of Object.entries(hints)) if (!(k in out)) out[k] = v;
    out['operator.opentelemetry.io/prometheus-annotations-added'] = 'true';
  }
  out[CONFIG_HASH_ANNOTATION] = c.configHash;
  return out;
}

/**
 * None when podDnsConfig names nameservers (the pod then resolves only through them, even on the host network, as
 * upstream decides), ClusterFirstWithHostNet with hostNetwork, else ClusterFirst.
 */
export function dnsPolicy(c: ResolvedCollector): string {
  if (c.spec.dnsPolicy) return c.spec.dnsPolicy;
  if (c.spec.podDnsConfig?.nameservers?.length) return 'None';
  if (c.spec.hostNetwork) return 'ClusterFirstWithHostNet';
  return 'ClusterFirst';
}

export function workloadSelector(c: ResolvedCollector): Json {
  return { matchLabels: selectorLabels(c.name, c.namespace) };
}

/** The pod template shared by the Deployment, DaemonSet and StatefulSet. */
export function collectorPodTemplate(c: ResolvedCollector): Json {
  const s = c.spec;
  const labels = { ...c.labelsFor(collectorName(c.name)), ...selectorLabels(c.name, c.namespace) };
  return {
    metadata: { labels, annotations: podAnnotations(c) },
    spec: clean({
      serviceAccountName: c.serviceAccountName,
      initContainers: s.initContainers?.length ? s.initContainers : undefined,
      // otc-container first (what `kubectl logs`/`exec` pick by default), then the user's additional containers,
      // as upstream's collector builders do (only its target allocator puts them first)
      containers: [buildCollectorContainer(c), ...(s.additionalContainers ?? [])],
      volumes: collectorVolumes(c),
      dnsPolicy: dnsPolicy(c),
      dnsConfig: s.podDnsConfig ?? {},
      hostNetwork: s.hostNetwork || undefined,
      hostPID: s.hostPID || undefined,
      hostUsers: s.hostUsers,
      hostAliases: s.hostAliases?.length ? s.hostAliases : undefined,
      shareProcessNamespace: s.shareProcessNamespace ?? false,
      tolerations: s.tolerations?.length ? s.tolerations : undefined,
      nodeSelector: s.nodeSelector && Object.keys(s.nodeSelector).length ? s.nodeSelector : undefined,
      securityContext: s.podSecurityContext,
      priorityClassName: s.priorityClassName || undefined,
      affinity: s.affinity,
      terminationGracePeriodSeconds: s.terminationGracePeriodSeconds,
      topologySpreadConstraints: s.topologySpreadConstraints?.length ? s.topologySpreadConstraints : undefined,
    }),
  };
}

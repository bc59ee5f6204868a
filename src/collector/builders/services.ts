import { selectorLabels, SERVICE_TYPE_LABEL } from '../../common/labels';
import { collectorName, extensionServiceName, headlessServiceName, monitoringServiceName } from '../../common/naming';
import { mergeServicePorts, toServicePort } from '../ports';
import { ResolvedCollector } from '../resolve';
import { objectMetadata } from './metadata';
import { clean, Json } from '../../common/json';

const HEADLESS_LABEL = 'operator.opentelemetry.io/collector-headless-service';
const MONITORING_LABEL = 'operator.opentelemetry.io/collector-monitoring-service';

function commonSpec(c: ResolvedCollector): Json {
  return clean({
    selector: selectorLabels(c.name, c.namespace),
    sessionAffinity: c.spec.sessionAffinity || undefined,
    sessionAffinityConfig: c.spec.sessionAffinityConfig,
    ipFamilies: c.spec.ipFamilies?.length ? c.spec.ipFamilies : undefined,
    ipFamilyPolicy: c.spec.ipFamilyPolicy || undefined,
    trafficDistribution: c.spec.trafficDistribution || undefined,
  });
}

/** The base Service `<name>-collector`: user ports then receiver/exporter ports; none when no port results. */
export function buildCollectorService(c: ResolvedCollector): Json | undefined {
  if (c.mode === 'sidecar') return undefined;
  let inferred = c.servicePorts;
  if (c.spec.ingress?.type === 'route') {
    // OpenShift's router reads appProtocol; gRPC must be announced as h2c
    inferred = inferred.map((p) => (p.appProtocol?.toLowerCase() === 'grpc' ? { ...p, appProtocol: 'h2c' } : p));
  }
  const ports = mergeServicePorts(c.spec.ports, inferred);
  if (ports.length === 0) return undefined;
  const name = collectorName(c.name);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMetadata(c, name, { extraLabels: { [SERVICE_TYPE_LABEL]: 'base' } }),
    spec: { ...commonSpec(c), internalTrafficPolicy: c.mode === 'daemonset' ? 'Local' : 'Cluster', ports },
  };
}

/** `<name>-collector-headless`: the base Service with `clusterIP: None` (the StatefulSet's governing Service). */
export function buildCollectorHeadlessService(c: ResolvedCollector): Json | undefined {
  const base = buildCollectorService(c);
  if (!base) return undefined;
  const name = headlessServiceName(c.name);
  return {
    ...base,
    metadata: {
      ...base.metadata,
      name,
      labels: { ...base.metadata.labels, [HEADLESS_LABEL]: 'Exists', [SERVICE_TYPE_LABEL]: 'headless' },
      annotations: { 'service.beta.openshift.io/serving-cert-secret-name': `${name}-tls`, ...(base.metadata.annotations ?? {}) },
    },
    spec: { ...base.spec, clusterIP: 'None' },
  };
}

/** `<name>-collector-monitoring`: the collector's own metrics port, always present outside sidecar mode. */
export function buildCollectorMonitoringService(c: ResolvedCollector): Json | undefined {
  if (c.mode === 'sidecar') return undefined;
  const name = monitoringServiceName(c.name);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMetadata(c, name, { extraLabels: { [MONITORING_LABEL]: 'Exists', [SERVICE_TYPE_LABEL]: 'monitoring' } }),
    spec: { ...commonSpec(c), ports: [{ name: 'monitoring', port: c.metricsPort, protocol: 'TCP', targetPort: c.metricsPort }] },
  };
}

/** `<name>-collector-extension`: ports of enabled extensions (jaeger_query, health_check...). */
export function buildCollectorExtensionService(c: ResolvedCollector): Json | undefined {
  if (c.mode === 'sidecar' || c.extensionPorts.length === 0) return undefined;
  const name = extensionServiceName(c.name);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMetadata(c, name, { extraLabels: { [SERVICE_TYPE_LABEL]: 'extension' } }),
    spec: { ...commonSpec(c), ports: c.extensionPorts.map(toServicePort) },
  };
}

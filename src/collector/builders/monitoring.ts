import { componentType } from '../components/types';
import { LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME, selectorLabels, SERVICE_TYPE_LABEL } from '../../common/labels';
import { collectorName, monitoringServiceMonitorName, podMonitorName } from '../../common/naming';
import { inferPorts } from '../ports';
import { ResolvedCollector } from '../resolve';
import { clean, Json } from '../../common/json';

const MONITORING_API = 'monitoring.coreos.com/v1';

function metricsEnabled(c: ResolvedCollector): boolean {
  return !!c.spec.observability?.metrics?.enableMetrics && c.options.prometheusCrdsAvailable !== false;
}

/**
 * Names of the ports opened by `prometheus` exporters (what Prometheus should scrape besides `monitoring`). Upstream
 * keeps the exporter ports whose name contains `prometheus`, so an id long enough to get the fallback name
 * `port-<n>` (`prometheus/a-very-long-name`) is not scraped; the same here.
 */
export function prometheusExporterPortNames(c: ResolvedCollector): string[] {
  const exporters = { ...c.enabled, exporters: c.enabled.exporters.filter((id) => componentType(id) === 'prometheus') };
  return inferPorts(c.config, exporters, ['exporters'], c.resource).map((p) => p.name).filter((name) => name.includes('prometheus'));
}

function monitorMetadata(c: ResolvedCollector, name: string): Json {
  return clean({ name, namespace: c.namespace, labels: { ...c.labelsFor(name), ...(c.spec.observability?.metrics?.extraLabels ?? {}) } });
}

/**
 * ServiceMonitors when `observability.metrics.enableMetrics` is set: `<name>-monitoring-collector` for the
 * collector's own metrics and `<name>-collector` for the prometheus exporters' ports (when there are any).
 */
export function buildCollectorServiceMonitors(c: ResolvedCollector): Json[] {
  if (c.mode === 'sidecar' || !metricsEnabled(c)) return [];
  const monitor = (name: string, serviceType: string, ports: string[]): Json => ({
    apiVersion: MONITORING_API,
    kind: 'ServiceMonitor',
    metadata: monitorMetadata(c, name),
    spec: {
      endpoints: ports.map((port) => ({ port })),
      namespaceSelector: { matchNames: [c.namespace] },
      selector: { matchLabels: { ...selectorLabels(c.name, c.namespace), [SERVICE_TYPE_LABEL]: serviceType } },
    },
  });
  const out = [monitor(monitoringServiceMonitorName(c.name), 'monitoring', ['monitoring'])];
  const exporterPorts = prometheusExporterPortNames(c);
  if (exporterPorts.length > 0) out.push(monitor(collectorName(c.name), 'base', exporterPorts));
  return out;
}

/** PodMonitor `<name>-collector` for sidecar collectors (no Service exists to monitor). */
export function buildCollectorPodMonitor(c: ResolvedCollector): Json | undefined {
  if (c.mode !== 'sidecar' || !metricsEnabled(c)) return undefined;
  return {
    apiVersion: MONITORING_API,
    kind: 'PodMonitor',
    metadata: monitorMetadata(c, podMonitorName(c.name)),
    spec: {
      jobLabel: LABEL_INSTANCE,
      // the scraped series keep which collector (and which operator) they came from
      podTargetLabels: [LABEL_NAME, LABEL_INSTANCE, LABEL_MANAGED_BY],
      podMetricsEndpoints: ['monitoring', ...prometheusExporterPortNames(c)].map((port) => ({ port })),
      namespaceSelector: { matchNames: [c.namespace] },
      // upstream's four selector labels (managed-by, instance, part-of, component), as its PodMonitor builder writes them
      selector: { matchLabels: selectorLabels(c.name, c.namespace) },
    },
  };
}

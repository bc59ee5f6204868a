import { selectorLabels } from '../../common/labels';
import { collectorName } from '../../common/naming';
import { ResolvedCollector } from '../resolve';
import { objectMetadata } from './metadata';
import { clean, Json } from '../../common/json';

/** CPU target applied when the autoscaler names neither a CPU nor a memory target (upstream's default). */
export const DEFAULT_CPU_UTILIZATION = 90;

const resourceMetric = (name: string, averageUtilization: number): Json => ({
  type: 'Resource',
  resource: { name, target: { type: 'Utilization', averageUtilization } },
});

/**
 * HorizontalPodAutoscaler `<name>-collector` (autoscaling/v2) scaling the OpenTelemetryCollector itself through its
 * scale subresource. Metrics: memory, CPU, then the user's Pods metrics.
 */
export function buildCollectorHpa(c: ResolvedCollector): Json | undefined {
  const a = c.spec.autoscaler;
  if (c.mode === 'sidecar' || !a || a.maxReplicas === undefined) return undefined;
  const metrics: Json[] = [];
  let cpu = a.targetCPUUtilization;
  const memory = a.targetMemoryUtilization;
  if (cpu === undefined && memory === undefined) cpu = DEFAULT_CPU_UTILIZATION;
  if (memory !== undefined) metrics.push(resourceMetric('memory', memory));
  if (cpu !== undefined) metrics.push(resourceMetric('cpu', cpu));
  metrics.push(...(a.metrics ?? []));
  const name = collectorName(c.name);
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: objectMetadata(c, name),
    spec: clean({
      scaleTargetRef: { apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', name: c.name },
      minReplicas: a.minReplicas ?? c.spec.replicas ?? 1,
      maxReplicas: a.maxReplicas,
      metrics,
      behavior: a.behavior,
    }),
  };
}

/** PodDisruptionBudget `<name>-collector` (deployment and statefulset): `spec.podDisruptionBudget` or maxUnavailable 1. */
export function buildCollectorPdb(c: ResolvedCollector): Json | undefined {
  if (c.mode !== 'deployment' && c.mode !== 'statefulset') return undefined;
  const pdb = c.spec.podDisruptionBudget;
  const budget = pdb && (pdb.minAvailable !== undefined || pdb.maxUnavailable !== undefined)
    ? clean({ minAvailable: pdb.minAvailable, maxUnavailable: pdb.maxUnavailable })
    : { maxUnavailable: 1 };
  const name = collectorName(c.name);
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: objectMetadata(c, name),
    spec: { ...budget, selector: { matchLabels: selectorLabels(c.name, c.namespace) } },
  };
}

import { collectorName, headlessServiceName } from '../names';
import { clean } from '../ports';
import { ResolvedCollector } from '../resolve';
import { Json } from '../spec';
import { collectorPodTemplate, workloadSelector } from './pod';

function metadata(c: ResolvedCollector, name: string): Json {
  return clean({ name, namespace: c.namespace, labels: c.labelsFor(name), annotations: nonEmpty(c.annotations) });
}

export function nonEmpty<T extends object>(o: T | undefined): T | undefined {
  return o && Object.keys(o).length > 0 ? o : undefined;
}

/** Initial replicas: autoscaler.minReplicas when set (the HPA takes over from there), else `spec.replicas` (1). */
export function initialReplicas(c: ResolvedCollector): number {
  const min = c.spec.autoscaler?.minReplicas;
  if (typeof min === 'number') return Math.max(min, c.spec.replicas ?? 1);
  return c.spec.replicas ?? 1;
}

export function buildCollectorDeployment(c: ResolvedCollector): Json {
  const name = collectorName(c.name);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(c, name),
    spec: clean({
      replicas: initialReplicas(c),
      selector: workloadSelector(c),
      strategy: nonEmpty(c.spec.deploymentUpdateStrategy),
      template: collectorPodTemplate(c),
    }),
  };
}

export function buildCollectorDaemonSet(c: ResolvedCollector): Json {
  const name = collectorName(c.name);
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: metadata(c, name),
    spec: clean({
      selector: workloadSelector(c),
      updateStrategy: nonEmpty(c.spec.daemonSetUpdateStrategy),
      template: collectorPodTemplate(c),
    }),
  };
}

export function buildCollectorStatefulSet(c: ResolvedCollector): Json {
  const name = collectorName(c.name);
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: metadata(c, name),
    spec: clean({
      serviceName: c.spec.serviceName || headlessServiceName(c.name),
      replicas: initialReplicas(c),
      podManagementPolicy: c.spec.podManagementPolicy || 'Parallel',
      selector: workloadSelector(c),
      template: collectorPodTemplate(c),
      volumeClaimTemplates: c.spec.volumeClaimTemplates?.length ? c.spec.volumeClaimTemplates : undefined,
      persistentVolumeClaimRetentionPolicy: c.spec.persistentVolumeClaimRetentionPolicy,
    }),
  };
}

/** The workload of the collector's mode; sidecar mode has none. */
export function buildCollectorWorkload(c: ResolvedCollector): Json | undefined {
  switch (c.mode) {
    case 'deployment': return buildCollectorDeployment(c);
    case 'daemonset': return buildCollectorDaemonSet(c);
    case 'statefulset': return buildCollectorStatefulSet(c);
    default: return undefined;
  }
}

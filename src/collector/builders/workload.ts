import { collectorName, headlessServiceName } from '../../common/naming';
import { ResolvedCollector } from '../resolve';
import { nonEmpty, objectMetadata } from './metadata';
import { collectorPodTemplate, workloadSelector } from './pod';
import { clean, Json } from '../../common/json';


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
    metadata: objectMetadata(c, name),
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
    metadata: objectMetadata(c, name),
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
    metadata: objectMetadata(c, name),
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

import { effectiveAnnotationValue, isFalse, isTrue, parseInstanceRef } from '../common/annotations';
import { cloneJson as clone } from '../common/json';
import { Container, EnvVar } from '../common/core-types';
import { MetaObject, Pod } from '../common/pod';
import { buildSidecarParts, SIDECAR_CONTAINER_NAME, SidecarBuilder } from './builder';

export const SIDECAR_INJECT_ANNOTATION = 'sidecar.opentelemetry.io/inject';

/**
 * What the sidecar mutator asks of the cluster: the part of the webhook's lookup it reads (the instrumentation
 * room's `MutationLookup` is a superset, so the webhook hands the same lookup to both mutators).
 */
export interface SidecarLookup {
  /** The namespace object (only its annotations are read); undefined when unknown. */
  namespace(name: string): MetaObject | undefined;
  /** An OpenTelemetryCollector (v1beta1 or v1alpha1 JSON) by namespace and name; undefined when missing. */
  collector(namespace: string, name: string): MetaObject | undefined;
  /** All OpenTelemetryCollectors of a namespace (for `sidecar.opentelemetry.io/inject: "true"`). */
  collectors(namespace: string): MetaObject[];
  /** The object an ownerReference points to (ReplicaSet → Deployment); undefined when unknown. */
  owner(namespace: string, kind: string, name: string): MetaObject | undefined;
}

export interface SidecarMutatorOptions {
  /**
   * Inject a native sidecar (an init container with `restartPolicy: Always`), as upstream does on
   * Kubernetes ≥ 1.29. @default false
   */
  readonly nativeSidecars?: boolean;
  /** `--collector-image`: the image when the collector CR sets none. */
  readonly collectorImage?: string;
  /** Builds the container from the collector CR. @default buildSidecarParts */
  readonly buildSidecar?: SidecarBuilder;
}

export interface SidecarMutationResult {
  readonly pod: Pod;
  /** Set when the whole pod must be admitted unchanged with an error (a named collector that does not exist). */
  readonly error?: string;
  /** Why nothing was injected, when that is not an error upstream (it logs and admits the pod). */
  readonly logs: string[];
}

/**
 * The collector sidecar pod mutator: `sidecar.opentelemetry.io/inject` on the pod or its namespace selects a
 * sidecar-mode OpenTelemetryCollector, whose `otc-container` is added to the pod. Pure; the input is not modified.
 */
export function mutatePodSidecar(input: Pod, lookup: SidecarLookup, options: SidecarMutatorOptions = {}): SidecarMutationResult {
  const logs: string[] = [];
  const pod = clone(input);
  const namespace = pod.metadata.namespace || 'default';
  const value = effectiveAnnotationValue(lookup.namespace(namespace), pod.metadata, SIDECAR_INJECT_ANNOTATION);
  if (value === '') return { pod, logs };
  if (isFalse(value)) {
    // An explicit "false" also removes a sidecar someone put there by hand (upstream behaviour); with native
    // sidecars on, upstream looks for it among the init containers too.
    const notSidecar = (c: Container) => c.name !== SIDECAR_CONTAINER_NAME;
    pod.spec.containers = pod.spec.containers.filter(notSidecar);
    if (options.nativeSidecars && pod.spec.initContainers) pod.spec.initContainers = pod.spec.initContainers.filter(notSidecar);
    return { pod, logs };
  }
  if (hasSidecar(pod)) {
    logs.push('pod already has sidecar in it, skipping injection');
    return { pod, logs };
  }

  let collector: MetaObject | undefined;
  if (isTrue(value)) {
    const sidecars = lookup.collectors(namespace).filter(isSidecarMode);
    if (sidecars.length !== 1) {
      logs.push(sidecars.length === 0
        ? `${SIDECAR_INJECT_ANNOTATION}: no OpenTelemetry Collector instances available `
          + `(create an OpenTelemetryCollector with mode: sidecar in namespace ${namespace}, or set the annotation to "<namespace>/<name>")`
        : `${SIDECAR_INJECT_ANNOTATION}: multiple OpenTelemetry Collector instances available, cannot determine which one to select `
          + `(sidecar collectors in ${namespace}: ${sidecars.map((c) => c.metadata?.name).sort().join(', ')}; set the annotation to one name)`);
      return { pod, logs };
    }
    collector = sidecars[0];
  } else {
    const ref = parseInstanceRef(value, namespace);
    collector = lookup.collector(ref.namespace, ref.name);
    if (!collector) {
      return {
        pod,
        logs,
        error: `${SIDECAR_INJECT_ANNOTATION}: opentelemetrycollectors.opentelemetry.io "${ref.name}" not found `
          + `(no OpenTelemetryCollector ${ref.namespace}/${ref.name}; create it or fix the annotation value "${value}")`,
      };
    }
    if (!isSidecarMode(collector)) {
      logs.push(`${SIDECAR_INJECT_ANNOTATION}: the OpenTelemetry Collector's mode is not set to sidecar `
        + `(OpenTelemetryCollector ${ref.namespace}/${ref.name} spec.mode is '${modeOf(collector)}'; use a collector with mode: sidecar)`);
      return { pod, logs };
    }
  }

  let parts;
  try {
    parts = (options.buildSidecar ?? buildSidecarParts)(collector, { collectorImage: options.collectorImage });
  } catch (e) {
    // An invalid collector CR: admit the pod unchanged and say which CR to fix.
    return { pod: clone(input), logs, error: `${SIDECAR_INJECT_ANNOTATION}: cannot build the sidecar: ${(e as Error).message}` };
  }
  const container = clone(parts.container);
  const env = (container.env ??= []);
  if (!env.some((e) => e.name === 'OTEL_RESOURCE_ATTRIBUTES')) env.push(...resourceAttributeEnv(pod, namespace, lookup));

  // Go's append of nothing to nil stays nil: no `volumes: []` on a pod that had none.
  if (parts.volumes.length > 0) pod.spec.volumes = [...(pod.spec.volumes ?? []), ...clone(parts.volumes)];
  if (parts.initContainers.length > 0) pod.spec.initContainers = [...(pod.spec.initContainers ?? []), ...clone(parts.initContainers)];
  if (options.nativeSidecars) {
    container.restartPolicy = 'Always';
    // Kubelet waits for a native sidecar's startup probe before starting the app containers.
    if (container.startupProbe === undefined && container.readinessProbe !== undefined) container.startupProbe = clone(container.readinessProbe);
    pod.spec.initContainers = [...(pod.spec.initContainers ?? []), container];
  } else {
    pod.spec.containers.push(container);
  }
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [parts.injectedLabel.key]: parts.injectedLabel.value };
  return { pod, logs };
}

function hasSidecar(pod: Pod): boolean {
  const named = (c: Container) => c.name === SIDECAR_CONTAINER_NAME;
  return pod.spec.containers.some(named) || (pod.spec.initContainers ?? []).some(named);
}

function modeOf(collector: MetaObject): string {
  return ((collector.spec as { mode?: string } | undefined)?.mode) || 'deployment';
}

function isSidecarMode(collector: MetaObject): boolean {
  return modeOf(collector) === 'sidecar';
}

/**
 * OTEL_RESOURCE_ATTRIBUTES for the collector: namespace, pod/node via the downward API, and the ReplicaSet
 * and Deployment names when the lookup knows them, with their uids when those are known (a cluster object always
 * has one; the workloads `inject` reads from a file or synthesizes often do not, and `k8s.deployment.uid=` with
 * nothing after it is no attribute at all).
 */
function resourceAttributeEnv(pod: Pod, namespace: string, lookup: SidecarLookup): EnvVar[] {
  const attrs: { [k: string]: string } = {
    'k8s.namespace.name': namespace,
    'k8s.node.name': '$(OTEL_RESOURCE_ATTRIBUTES_NODE_NAME)',
    'k8s.pod.name': '$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME)',
    'k8s.pod.uid': '$(OTEL_RESOURCE_ATTRIBUTES_POD_UID)',
  };
  const rsRef = (pod.metadata.ownerReferences ?? []).find((o) => o.kind === 'ReplicaSet');
  const rs = rsRef ? lookup.owner(namespace, 'ReplicaSet', rsRef.name) : undefined;
  if (rs) {
    attrs['k8s.replicaset.name'] = rs.metadata?.name ?? '';
    if (rs.metadata?.uid) attrs['k8s.replicaset.uid'] = rs.metadata.uid;
    const depRef = (rs.metadata?.ownerReferences ?? []).find((o) => o.kind === 'Deployment');
    const dep = depRef ? lookup.owner(namespace, 'Deployment', depRef.name) : undefined;
    if (dep) {
      attrs['k8s.deployment.name'] = dep.metadata?.name ?? '';
      if (dep.metadata?.uid) attrs['k8s.deployment.uid'] = dep.metadata.uid;
    }
  }
  const fieldRef = (name: string, fieldPath: string): EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } });
  return [
    fieldRef('OTEL_RESOURCE_ATTRIBUTES_POD_NAME', 'metadata.name'),
    fieldRef('OTEL_RESOURCE_ATTRIBUTES_POD_UID', 'metadata.uid'),
    fieldRef('OTEL_RESOURCE_ATTRIBUTES_NODE_NAME', 'spec.nodeName'),
    { name: 'OTEL_RESOURCE_ATTRIBUTES', value: Object.keys(attrs).sort().map((k) => `${k}=${attrs[k]}`).join(',') },
  ];
}

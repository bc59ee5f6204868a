import { namespaceMetadata, nodeMetadata } from './attach-metadata';
import { addObjectMetaLabels, DiscoveredGroup, joinHostPort, LabelSet, META, NAMESPACE_LABEL } from './meta';
import { Container, ContainerStatus, ObjectLookup, ObjectMeta, OwnerReference, Pod } from './objects';

/** The pod role's `__meta_kubernetes_pod_*` names (Prometheus's discovery/kubernetes/pod.go). */
export const POD = {
  ip: `${META}pod_ip`,
  ready: `${META}pod_ready`,
  phase: `${META}pod_phase`,
  nodeName: `${META}pod_node_name`,
  hostIP: `${META}pod_host_ip`,
  uid: `${META}pod_uid`,
  controllerKind: `${META}pod_controller_kind`,
  controllerName: `${META}pod_controller_name`,
  deploymentName: `${META}pod_deployment_name`,
  jobName: `${META}pod_job_name`,
  cronJobName: `${META}pod_cronjob_name`,
  containerName: `${META}pod_container_name`,
  containerID: `${META}pod_container_id`,
  containerImage: `${META}pod_container_image`,
  containerInit: `${META}pod_container_init`,
  portName: `${META}pod_container_port_name`,
  portNumber: `${META}pod_container_port_number`,
  portProtocol: `${META}pod_container_port_protocol`,
} as const;

/**
 * Prometheus's `podLabels`: the labels every target of a pod shares (also attached to endpoints targets that
 * point at the pod): ip, ready (the Ready condition lower-cased, else `unknown`), phase, node, host ip, uid,
 * name, labels and annotations, and the controller's kind and name. (Prometheus v0.313, which the collector's
 * prometheusreceiver v0.159 uses, writes no `pod_ipv4`/`pod_ipv6` labels: tools/prom-sd-fixture.) With
 * `attach_metadata` (see {@link ObjectLookup}): the Deployment of the pod's ReplicaSet, its Job, the CronJob of
 * its Job.
 */
export function podLabels(pod: Pod, lookup: ObjectLookup = {}): LabelSet {
  const status = pod.status ?? {};
  const ls: LabelSet = {
    [POD.ip]: status.podIP ?? '',
    [POD.ready]: (status.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown').toLowerCase(),
    [POD.phase]: status.phase ?? '',
    [POD.nodeName]: pod.spec?.nodeName ?? '',
    [POD.hostIP]: status.hostIP ?? '',
    [POD.uid]: pod.metadata?.uid ?? '',
  };
  addObjectMetaLabels(ls, pod.metadata, 'pod');
  const controller = controllerOf(pod.metadata);
  if (controller?.kind) ls[POD.controllerKind] = controller.kind;
  if (controller?.name) ls[POD.controllerName] = controller.name;
  const namespace = pod.metadata?.namespace ?? '';
  if (controller?.kind === 'ReplicaSet' && lookup.replicaSet) {
    const owner = controllerOf(lookup.replicaSet(namespace, controller.name ?? '')?.metadata);
    if (owner?.kind === 'Deployment') ls[POD.deploymentName] = owner.name ?? '';
  }
  if (controller?.kind === 'Job') {
    if (lookup.jobName) ls[POD.jobName] = controller.name ?? '';
    const owner = lookup.job && controllerOf(lookup.job(namespace, controller.name ?? '')?.metadata);
    if (owner?.kind === 'CronJob') ls[POD.cronJobName] = owner.name ?? '';
  }
  return ls;
}

/** Kubernetes's `GetControllerOf`: the owner reference marked as controller. */
function controllerOf(meta: ObjectMeta | undefined): OwnerReference | undefined {
  return meta?.ownerReferences?.find((r) => r.controller === true);
}

/** The pod's containers then its init containers, each with whether it is an init container. */
export function podContainers(pod: Pod): Array<{ container: Container; init: boolean }> {
  return [
    ...(pod.spec?.containers ?? []).map((container) => ({ container, init: false })),
    ...(pod.spec?.initContainers ?? []).map((container) => ({ container, init: true })),
  ];
}

function containerID(statuses: readonly ContainerStatus[] | undefined, name: string | undefined): string {
  return statuses?.find((s) => (s.name ?? '') === (name ?? ''))?.containerID ?? '';
}

/**
 * The pod role's target group (`pod/<namespace>/<name>`): one target per container port, `<podIP>:<port>`, and
 * one per container without ports, with the pod IP alone as its address (as written, an IPv6 one not bracketed:
 * the user adds the port by relabelling). A pod without an IP yet has no targets and no labels.
 * `attach_metadata` (`lookup.node`, `lookup.namespace`): the node's and the namespace's labels on the group; a pod
 * whose node the node informer does not hold (filtered out by a node selector) has no targets and no labels.
 */
export function podGroup(pod: Pod, lookup: ObjectLookup = {}): DiscoveredGroup {
  const namespace = pod.metadata?.namespace ?? '';
  const source = `pod/${namespace}/${pod.metadata?.name ?? ''}`;
  const podIP = pod.status?.podIP ?? '';
  if (podIP === '') return { source, labels: {}, targets: [] };
  const nodeName = pod.spec?.nodeName ?? '';
  if (lookup.node && !lookup.node(nodeName)) return { source, labels: {}, targets: [] };
  const labels: LabelSet = {
    ...podLabels(pod, lookup), [NAMESPACE_LABEL]: namespace, ...nodeMetadata(lookup, nodeName), ...namespaceMetadata(lookup, namespace),
  };
  const targets: LabelSet[] = [];
  for (const { container, init } of podContainers(pod)) {
    const statuses = init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses;
    const common = {
      [POD.containerName]: container.name ?? '',
      [POD.containerID]: containerID(statuses, container.name),
      [POD.containerImage]: container.image ?? '',
      [POD.containerInit]: String(init),
    };
    const ports = container.ports ?? [];
    if (ports.length === 0) {
      targets.push({ __address__: podIP, ...common });
      continue;
    }
    for (const port of ports) {
      const number = String(port.containerPort ?? 0);
      targets.push({
        __address__: joinHostPort(podIP, number), ...common,
        [POD.portNumber]: number, [POD.portName]: port.name ?? '', [POD.portProtocol]: port.protocol ?? '',
      });
    }
  }
  return { source, labels, targets };
}

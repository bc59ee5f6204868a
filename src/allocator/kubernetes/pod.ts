import { isIPv4, isIPv6 } from 'node:net';
import { addObjectMetaLabels, DiscoveredGroup, joinHostPort, LabelSet, META, NAMESPACE_LABEL } from './meta';
import { Container, ContainerStatus, Pod } from './objects';

/** The pod role's `__meta_kubernetes_pod_*` names (Prometheus's discovery/kubernetes/pod.go). */
export const POD = {
  ip: `${META}pod_ip`,
  ipv4: `${META}pod_ipv4`,
  ipv6: `${META}pod_ipv6`,
  ready: `${META}pod_ready`,
  phase: `${META}pod_phase`,
  nodeName: `${META}pod_node_name`,
  hostIP: `${META}pod_host_ip`,
  uid: `${META}pod_uid`,
  controllerKind: `${META}pod_controller_kind`,
  controllerName: `${META}pod_controller_name`,
  containerName: `${META}pod_container_name`,
  containerID: `${META}pod_container_id`,
  containerImage: `${META}pod_container_image`,
  containerInit: `${META}pod_container_init`,
  portName: `${META}pod_container_port_name`,
  portNumber: `${META}pod_container_port_number`,
  portProtocol: `${META}pod_container_port_protocol`,
} as const;

/** Go's `ip.To4() != nil`: an IPv4 address, also written IPv4-mapped (`::ffff:1.2.3.4`). */
function isV4(ip: string): boolean {
  return isIPv4(ip) || (isIPv6(ip) && /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip));
}

/** Go's `net.IP.String()` for an IPv6 address: RFC 5952 form (lower case, the longest zero run compressed). */
function canonicalIPv6(ip: string): string {
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

/**
 * Prometheus's `podLabels`: the labels every target of a pod shares (also attached to endpoints targets that
 * point at the pod): ip, ready (the Ready condition lower-cased, else `unknown`), phase, node, host ip, uid,
 * the first IPv4 and IPv6 of `podIPs`, name, labels and annotations, and the controller's kind and name.
 */
export function podLabels(pod: Pod): LabelSet {
  const status = pod.status ?? {};
  const ls: LabelSet = {
    [POD.ip]: status.podIP ?? '',
    [POD.ready]: (status.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown').toLowerCase(),
    [POD.phase]: status.phase ?? '',
    [POD.nodeName]: pod.spec?.nodeName ?? '',
    [POD.hostIP]: status.hostIP ?? '',
    [POD.uid]: pod.metadata?.uid ?? '',
  };
  for (const { ip } of status.podIPs ?? []) {
    if (!ip) continue;
    if (ls[POD.ipv4] !== undefined && ls[POD.ipv6] !== undefined) break;
    if (isV4(ip)) ls[POD.ipv4] ??= ip;
    else if (isIPv6(ip)) ls[POD.ipv6] ??= ip;
  }
  addObjectMetaLabels(ls, pod.metadata, 'pod');
  const controller = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (controller?.kind) ls[POD.controllerKind] = controller.kind;
  if (controller?.name) ls[POD.controllerName] = controller.name;
  return ls;
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
 * one per container without ports, with the pod IP alone (an IPv6 one bracketed) as its address. A pod without an
 * IP yet has no targets and no labels.
 */
export function podGroup(pod: Pod): DiscoveredGroup {
  const namespace = pod.metadata?.namespace ?? '';
  const source = `pod/${namespace}/${pod.metadata?.name ?? ''}`;
  const podIP = pod.status?.podIP ?? '';
  if (podIP === '') return { source, labels: {}, targets: [] };
  const labels = podLabels(pod);
  labels[NAMESPACE_LABEL] = namespace;
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
      const address = isIPv6(podIP) && !isV4(podIP) ? `[${canonicalIPv6(podIP)}]` : podIP;
      targets.push({ __address__: address, ...common });
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

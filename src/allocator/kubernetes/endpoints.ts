import { namespaceMetadata, nodeMetadata } from './attach-metadata';
import { addObjectMetaLabels, DiscoveredGroup, joinHostPort, LabelSet, META, NAMESPACE_LABEL } from './meta';
import { EndpointAddress, EndpointPort, Endpoints, ObjectLookup } from './objects';
import { PodPorts } from './pod-ports';
import { serviceLabels } from './service';

export const ENDPOINT = {
  nodeName: `${META}endpoint_node_name`,
  hostname: `${META}endpoint_hostname`,
  ready: `${META}endpoint_ready`,
  portName: `${META}endpoint_port_name`,
  portProtocol: `${META}endpoint_port_protocol`,
  targetKind: `${META}endpoint_address_target_kind`,
  targetName: `${META}endpoint_address_target_name`,
} as const;

/**
 * The endpoints role's target group (`endpoints/<namespace>/<name>`), as Prometheus's endpoints.go builds it:
 * - group labels: namespace, the Service of the same name if it exists (its name, labels and annotations), and
 *   the Endpoints object's own name, labels and annotations;
 * - per subset, port and address (ready ones, then not-ready ones with `endpoint_ready` "false"): a target at
 *   `<ip>:<port>` with the port's name and protocol, the address's target kind and name, node and hostname;
 * - an address whose target is a Pod known to `lookup` gets the pod's labels, and the labels of its container
 *   (init containers too) with that port, the protocol being the endpoint port's; the pod's other container ports
 *   get targets of their own;
 * - `attach_metadata` (`lookup.node`, `lookup.namespace`): the namespace's labels on the group, the labels of the
 *   address's node (its `nodeName`, else a Node target) on the target.
 */
export function endpointsGroup(eps: Endpoints, lookup: ObjectLookup = {}): DiscoveredGroup {
  const namespace = eps.metadata?.namespace ?? '';
  const name = eps.metadata?.name ?? '';
  let labels: LabelSet = { [NAMESPACE_LABEL]: namespace };
  const svc = lookup.service?.(namespace, name);
  if (svc) labels = { ...labels, ...serviceLabels(svc) };
  addObjectMetaLabels(labels, eps.metadata, 'endpoints');
  Object.assign(labels, namespaceMetadata(lookup, namespace));

  const targets: LabelSet[] = [];
  const pods = new PodPorts(lookup);
  const add = (addr: EndpointAddress, port: EndpointPort, ready: string) => {
    const target: LabelSet = {
      __address__: joinHostPort(addr.ip ?? '', port.port ?? 0),
      [ENDPOINT.portName]: port.name ?? '',
      [ENDPOINT.portProtocol]: port.protocol ?? '',
      [ENDPOINT.ready]: ready,
    };
    if (addr.targetRef) {
      target[ENDPOINT.targetKind] = addr.targetRef.kind ?? '';
      target[ENDPOINT.targetName] = addr.targetRef.name ?? '';
    }
    if (addr.nodeName !== undefined) target[ENDPOINT.nodeName] = addr.nodeName;
    if (addr.hostname) target[ENDPOINT.hostname] = addr.hostname;
    Object.assign(target, nodeMetadata(lookup, addr.nodeName ?? (addr.targetRef?.kind === 'Node' ? addr.targetRef.name ?? '' : undefined)));
    targets.push(pods.attach(target, addr.targetRef, port.port ?? 0, port.protocol ?? ''));
  };
  for (const subset of eps.subsets ?? []) {
    for (const port of subset.ports ?? []) {
      for (const addr of subset.addresses ?? []) add(addr, port, 'true');
      for (const addr of subset.notReadyAddresses ?? []) add(addr, port, 'false');
    }
  }
  targets.push(...pods.uncoveredPorts());
  return { source: `endpoints/${namespace}/${name}`, labels, targets };
}

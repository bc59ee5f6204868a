import { namespaceMetadata, nodeMetadata } from './attach-metadata';
import { addObjectMetaLabels, DiscoveredGroup, joinHostPort, LabelSet, META, NAMESPACE_LABEL, sanitizeLabelName } from './meta';
import { EndpointSlice, ObjectLookup, Service } from './objects';
import { PodPorts } from './pod-ports';
import { serviceLabels } from './service';

const SLICE = `${META}endpointslice_`;

/**
 * The endpointslice role's target group (`endpointslice/<namespace>/<name>`), as Prometheus's endpointslice.go
 * builds it (discovery.k8s.io/v1):
 * - group labels: namespace, `endpointslice_address_type`, the slice's name, labels and annotations, and the
 *   Service named by its `kubernetes.io/service-name` label if it exists;
 * - per endpoint, port and address a target `<address>:<port>` (the address alone for a port without number)
 *   with the port's name, protocol, number and app protocol, the endpoint's conditions, hostname, target kind
 *   and name, node, zone and deprecated topology, each only when set;
 * - Pod targets get the pod's labels and container port as in the endpoints role;
 * - `attach_metadata` (`lookup.node`, `lookup.namespace`): the namespace's labels on the group, the labels of the
 *   endpoint's node (a Node target, else its `nodeName`) on the target;
 * - the slice of a dual-stack Service's secondary IP family gets no targets (see {@link nonPrimaryIPFamilySlice}).
 */
export function endpointSliceGroup(slice: EndpointSlice, lookup: ObjectLookup = {}): DiscoveredGroup {
  const namespace = slice.metadata?.namespace ?? '';
  let labels: LabelSet = { [NAMESPACE_LABEL]: namespace, [`${SLICE}address_type`]: slice.addressType ?? '' };
  addObjectMetaLabels(labels, slice.metadata, 'endpointslice');
  const serviceName = slice.metadata?.labels?.['kubernetes.io/service-name'];
  const svc = serviceName === undefined ? undefined : lookup.service?.(namespace, serviceName);
  if (svc) labels = { ...labels, ...serviceLabels(svc) };
  Object.assign(labels, namespaceMetadata(lookup, namespace));
  const source = `endpointslice/${namespace}/${slice.metadata?.name ?? ''}`;
  if (nonPrimaryIPFamilySlice(svc, slice)) return { source, labels, targets: [] };

  const targets: LabelSet[] = [];
  const pods = new PodPorts(lookup);
  for (const ep of slice.endpoints ?? []) {
    for (const port of slice.ports ?? []) {
      for (const addr of ep.addresses ?? []) {
        const t: LabelSet = { __address__: port.port === undefined ? addr : joinHostPort(addr, port.port) };
        if (port.name !== undefined) t[`${SLICE}port_name`] = port.name;
        if (port.protocol !== undefined) t[`${SLICE}port_protocol`] = port.protocol;
        if (port.port !== undefined) t[`${SLICE}port`] = String(port.port);
        if (port.appProtocol !== undefined) t[`${SLICE}port_app_protocol`] = port.appProtocol;
        const c = ep.conditions ?? {};
        if (c.ready !== undefined) t[`${SLICE}endpoint_conditions_ready`] = String(c.ready);
        if (c.serving !== undefined) t[`${SLICE}endpoint_conditions_serving`] = String(c.serving);
        if (c.terminating !== undefined) t[`${SLICE}endpoint_conditions_terminating`] = String(c.terminating);
        if (ep.hostname !== undefined) t[`${SLICE}endpoint_hostname`] = ep.hostname;
        if (ep.targetRef) {
          t[`${SLICE}address_target_kind`] = ep.targetRef.kind ?? '';
          t[`${SLICE}address_target_name`] = ep.targetRef.name ?? '';
        }
        if (ep.nodeName !== undefined) t[`${SLICE}endpoint_node_name`] = ep.nodeName;
        if (ep.zone !== undefined) t[`${SLICE}endpoint_zone`] = ep.zone;
        for (const [k, v] of Object.entries(ep.deprecatedTopology ?? {})) {
          const ln = sanitizeLabelName(k);
          t[`${SLICE}endpoint_topology_${ln}`] = v;
          t[`${SLICE}endpoint_topology_present_${ln}`] = 'true';
        }
        Object.assign(t, nodeMetadata(lookup, ep.targetRef?.kind === 'Node' ? ep.targetRef.name ?? '' : ep.nodeName));
        targets.push(pods.attach(t, ep.targetRef, port.port));
      }
    }
  }
  targets.push(...pods.uncoveredPorts());
  return { source, labels, targets };
}

/**
 * Prometheus's `nonPrimaryIPFamilySlice`: a dual-stack Service (policy PreferDualStack or RequireDualStack) has a
 * slice per IP family; only the slice of its primary family (the first of `ipFamilies`) gives targets, so each
 * pod is scraped once.
 */
function nonPrimaryIPFamilySlice(svc: Service | undefined, slice: EndpointSlice): boolean {
  const policy = svc?.spec?.ipFamilyPolicy;
  if (policy !== 'PreferDualStack' && policy !== 'RequireDualStack') return false;
  const primary = svc?.spec?.ipFamilies?.[0];
  return primary !== undefined && (slice.addressType ?? '') !== primary;
}

import { namespaceMetadata } from './attach-metadata';
import { addObjectMetaLabels, DiscoveredGroup, joinHostPort, LabelSet, META, NAMESPACE_LABEL } from './meta';
import { ObjectLookup, Service } from './objects';

/** Prometheus's `serviceLabels`: namespace, name, labels and annotations (also attached to endpoints groups). */
export function serviceLabels(svc: Service): LabelSet {
  const ls: LabelSet = { [NAMESPACE_LABEL]: svc.metadata?.namespace ?? '' };
  addObjectMetaLabels(ls, svc.metadata, 'service');
  return ls;
}

/**
 * The service role's target group (`svc/<namespace>/<name>`): one target per port, addressed
 * `<name>.<namespace>.svc:<port>`, with the port's name, number and protocol, the service type, the cluster IP
 * (the external name for an ExternalName service) and, for a LoadBalancer, its `loadBalancerIP`; with
 * `attach_metadata.namespace` (`lookup.namespace`) the namespace's labels on the group.
 */
export function serviceGroup(svc: Service, lookup: ObjectLookup = {}): DiscoveredGroup {
  const name = svc.metadata?.name ?? '';
  const namespace = svc.metadata?.namespace ?? '';
  const type = svc.spec?.type ?? '';
  const targets = (svc.spec?.ports ?? []).map((port) => {
    const number = String(port.port ?? 0);
    const t: LabelSet = {
      __address__: joinHostPort(`${name}.${namespace}.svc`, number),
      [`${META}service_port_name`]: port.name ?? '',
      [`${META}service_port_number`]: number,
      [`${META}service_port_protocol`]: port.protocol ?? '',
      [`${META}service_type`]: type,
    };
    if (type === 'ExternalName') t[`${META}service_external_name`] = svc.spec?.externalName ?? '';
    else t[`${META}service_cluster_ip`] = svc.spec?.clusterIP ?? '';
    if (type === 'LoadBalancer') t[`${META}service_loadbalancer_ip`] = svc.spec?.loadBalancerIP ?? '';
    return t;
  });
  return { source: `svc/${namespace}/${name}`, labels: { ...serviceLabels(svc), ...namespaceMetadata(lookup, namespace) }, targets };
}

import { selectorLabels } from '../../common/labels';
import { networkPolicyName } from '../../common/naming';
import { containerPorts } from '../ports';
import { ResolvedCollector } from '../resolve';
import { objectMetadata } from './metadata';
import { Json } from '../../common/json';

/**
 * NetworkPolicy `<name>-collector-networkpolicy` (upstream's default, gate operand.networkpolicy): ingress allowed
 * only to the collector's container ports, over TCP as upstream writes it. Off with `networkPolicy.enabled: false`.
 */
export function buildCollectorNetworkPolicy(c: ResolvedCollector): Json | undefined {
  if (c.mode === 'sidecar' || c.options.networkPolicy === false || c.spec.networkPolicy?.enabled === false) return undefined;
  const ports = containerPorts([...c.servicePorts, ...c.extensionPorts], c.metricsPort, c.spec.ports)
    .map((p) => ({ port: p.containerPort, protocol: 'TCP' }));
  const name = networkPolicyName(c.name);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMetadata(c, name),
    spec: {
      podSelector: { matchLabels: selectorLabels(c.name, c.namespace) },
      policyTypes: ['Ingress'],
      ingress: [{ ports }],
    },
  };
}

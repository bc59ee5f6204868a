import { collectorName, ingressName } from '../../common/naming';
import { ResolvedCollector } from '../resolve';
import { nonEmpty } from './metadata';
import { exposedPorts } from './routes';
import { clean, Json } from '../../common/json';

/**
 * Ingress `<name>-ingress` exposing the receiver ports of `<name>-collector`. ruleType `path` (default): one rule on
 * `hostname` with a Prefix path `/<port name>` per port; `subdomain`: one rule per port on `<port name>.<hostname>`.
 */
export function buildCollectorIngress(c: ResolvedCollector): Json | undefined {
  const ing = c.spec.ingress;
  if (c.mode === 'sidecar' || ing?.type !== 'ingress') return undefined;
  const ports = exposedPorts(c);
  if (ports.length === 0) return undefined;
  const service = collectorName(c.name);
  const backend = (portName: string) => ({ service: { name: service, port: { name: portName } } });
  const rules = ing.ruleType === 'subdomain'
    ? ports.map((p) => ({
      host: `${p.name}.${ing.hostname}`,
      http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend(p.name) }] },
    }))
    : [clean({
      host: ing.hostname || undefined,
      http: { paths: ports.map((p) => ({ path: `/${p.name}`, pathType: 'Prefix', backend: backend(p.name) })) },
    })];
  const name = ingressName(c.name);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: clean({
      name,
      namespace: c.namespace,
      labels: c.labelsFor(name),
      annotations: nonEmpty(ing.annotations),
    }),
    spec: clean({
      ingressClassName: ing.ingressClassName || undefined,
      tls: ing.tls?.length ? ing.tls : undefined,
      rules,
    }),
  };
}

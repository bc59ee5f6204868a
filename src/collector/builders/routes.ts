import { COLLECTOR_COMPONENT, LABEL_COMPONENT, LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME } from '../../common/labels';
import { collectorName, dnsName, portName, truncateName } from '../../common/naming';
import { inferPorts, mergeServicePorts } from '../ports';
import { ResolvedCollector } from '../resolve';
import { CollectorRenderOptions, CollectorSpecJson } from '../spec';
import { nonEmpty } from './metadata';
import { clean, Json } from '../../common/json';

/** Receiver ports (and `spec.ports`) as the base Service exposes them: what routes and ingresses point at. */
export function exposedPorts(c: ResolvedCollector): Json[] {
  return mergeServicePorts(c.spec.ports, inferPorts(c.config, c.enabled, ['receivers'], c.resource));
}

const routeName = (cr: string, port: string) => dnsName(truncateName('%s-%s-route', port, cr));
const httpRouteName = (cr: string, port: string) => dnsName(truncateName('%s-%s-httproute', cr, port));

const ROUTE_TLS: Record<string, Json | undefined> = {
  insecure: undefined,
  edge: { termination: 'edge' },
  passthrough: { termination: 'passthrough' },
  reencrypt: { termination: 'reencrypt' },
};

/**
 * OpenShift Routes `<port>-<name>-route`, one per exposed port, when `ingress.type` is `route` and the cluster
 * serves route.openshift.io. Termination `edge` unless `ingress.route.termination` says otherwise. Labels are
 * upstream's fixed four (name, instance, managed-by, component), not the CR's labels.
 */
export function buildCollectorRoutes(c: ResolvedCollector): Json[] {
  const ing = c.spec.ingress;
  if (c.mode === 'sidecar' || ing?.type !== 'route' || !c.options.openShiftRoutesAvailable) return [];
  const termination = ing.route?.termination ?? 'edge';
  // an unknown termination makes upstream's builder stop without Routes
  if (!(termination in ROUTE_TLS)) return [];
  return exposedPorts(c).map((p) => {
    const name = routeName(c.name, p.name);
    const port = portName(p.name, p.port);
    return {
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: clean({
        name,
        namespace: c.namespace,
        labels: {
          [LABEL_NAME]: name,
          // not cut to 63 characters: upstream formats it directly here
          [LABEL_INSTANCE]: `${c.namespace}.${c.name}`,
          [LABEL_MANAGED_BY]: 'opentelemetry-operator',
          [LABEL_COMPONENT]: COLLECTOR_COMPONENT,
        },
        annotations: nonEmpty(ing.annotations),
      }),
      spec: clean({
        host: ing.hostname ? `${port}.${ing.hostname}` : undefined,
        to: { kind: 'Service', name: collectorName(c.name) },
        port: { targetPort: port },
        wildcardPolicy: 'None',
        tls: ROUTE_TLS[termination],
      }),
    };
  });
}

/**
 * Why a collector asking for Routes gets none: `ingress.type: route` outside sidecar mode on a cluster that does not
 * serve route.openshift.io (the operator detects it; `render` cannot, so it must be told). Undefined when Routes
 * are made or not asked for.
 */
export function skippedRoutesWarning(spec: CollectorSpecJson, options: CollectorRenderOptions): string | undefined {
  if (spec.ingress?.type !== 'route' || (spec.mode ?? 'deployment') === 'sidecar' || options.openShiftRoutesAvailable) return undefined;
  return 'spec.ingress.type is route, but the operator creates OpenShift Routes only where the cluster serves route.openshift.io, '
    + 'so no Route is rendered; say the target cluster has Routes (render --openshift-routes, option openShiftRoutesAvailable) to render them';
}

/**
 * Gateway API HTTPRoutes `<name>-<port>-httproute`, one per exposed non-gRPC port, when `httpRoute.enabled` names a
 * gateway: prefix `/<port name>` rewritten to `/`, forwarded to `<name>-collector`.
 */
export function buildCollectorHttpRoutes(c: ResolvedCollector): Json[] {
  const hr = c.spec.httpRoute as Json | undefined;
  if (c.mode === 'sidecar' || !hr?.enabled || !hr.gateway || c.options.gatewayApiAvailable === false) return [];
  return exposedPorts(c)
    .filter((p) => String(p.appProtocol ?? '').toLowerCase() !== 'grpc')
    .map((p) => {
      const name = httpRouteName(c.name, p.name);
      return {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: clean({ name, namespace: c.namespace, labels: c.labelsFor(name) }),
        spec: clean({
          parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: hr.gateway, namespace: hr.gatewayNamespace || c.namespace }],
          hostnames: hr.hostnames?.length ? hr.hostnames : undefined,
          rules: [{
            matches: [{ path: { type: 'PathPrefix', value: `/${p.name}` } }],
            filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }],
            backendRefs: [{ group: '', kind: 'Service', name: collectorName(c.name), port: p.port, weight: 1 }],
          }],
        }),
      };
    });
}

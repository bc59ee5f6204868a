import { portName } from '../../common/naming';
import { defaultEndpoint, endpointPort, singlePort } from './endpoint';
import { ComponentParser, PolicyRule, portFromEndpoint } from './types';
import { asRecord } from '../../common/json';

const READ = ['get', 'watch', 'list'];

/** Exporters: only `prometheus` opens a port (the endpoint Prometheus scrapes). */
const EXPORTERS: Record<string, ComponentParser> = {
  prometheus: singlePort({ port: 8888, withTargetPort: true }),
};

const jaegerQuery: ComponentParser = {
  ports(id, config) {
    const c = asRecord(config) ?? {};
    const httpPort = endpointPort(asRecord(c.http)) ?? 16686;
    const grpcPort = endpointPort(asRecord(c.grpc)) ?? 16685;
    return [
      { name: portName(id, httpPort), port: httpPort, protocol: 'TCP', targetPort: httpPort },
      // upstream sets no appProtocol on either port (the Service port of the gRPC API has none)
      { name: portName(`${id}-2`, grpcPort), port: grpcPort, protocol: 'TCP', targetPort: grpcPort },
    ];
  },
  defaults(config) {
    return { http: defaultEndpoint(asRecord(asRecord(config)?.http), 16686) };
  },
};

/**
 * health_check: its settings are a struct upstream, so a port (13133 unless `endpoint` names one) exists even for
 * `health_check:` with no settings. Its defaulting differs from the receivers': an endpoint is completed only when it
 * splits as `host:port` with an empty host (Go's net.SplitHostPort), so `8080` stays as written; `path` becomes `/`.
 */
const healthCheck: ComponentParser = {
  ports(id, config) {
    const port = endpointPort(config) ?? 13133;
    return [{ name: portName(id, port), port, protocol: 'TCP' }];
  },
  defaults(config) {
    const c = asRecord(config) ?? {};
    let endpoint = c.endpoint;
    if (endpoint === undefined || endpoint === null || endpoint === '') endpoint = '0.0.0.0:13133';
    else if (typeof endpoint === 'string' && /^:[^:]+$/.test(endpoint)) endpoint = `0.0.0.0${endpoint}`;
    const path = typeof c.path === 'string' && c.path !== '' ? c.path : '/';
    return { endpoint, path };
  },
  probe(config) {
    const c = asRecord(config) ?? {};
    const path = typeof c.path === 'string' && c.path !== '' ? c.path : '/';
    return { httpGet: { path, port: portFromEndpoint(c.endpoint) ?? 13133 } };
  },
};

const EXTENSIONS: Record<string, ComponentParser> = {
  health_check: healthCheck,
  jaeger_query: jaegerQuery,
  k8s_observer: {
    clusterRoleRules: () => [{ apiGroups: [''], resources: ['pods', 'services', 'nodes'], verbs: ['list', 'watch'] }],
  },
  k8s_leader_elector: {
    clusterRoleRules: () => [{
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
    }],
  },
};

function k8sAttributesRules(config: unknown): PolicyRule[] {
  const rules: PolicyRule[] = [{ apiGroups: [''], resources: ['pods', 'namespaces'], verbs: READ }];
  const replicasets: PolicyRule = { apiGroups: ['apps'], resources: ['replicasets'], verbs: READ };
  const metadata = asRecord(asRecord(config)?.extract)?.metadata;
  const fields = Array.isArray(metadata) ? metadata.map(String) : [];
  if (fields.length === 0) return [...rules, replicasets];
  // deployment names are found through the pod's ReplicaSet owner; node metadata needs the Node objects
  if (fields.some((f) => f === 'k8s.deployment.uid' || f === 'k8s.deployment.name' || f === 'service.name')) {
    rules.push(replicasets);
  }
  if (fields.some((f) => f.includes('k8s.node'))) rules.push({ apiGroups: [''], resources: ['nodes'], verbs: READ });
  return rules;
}

function resourceDetectionRules(config: unknown): PolicyRule[] {
  const detectors = asRecord(config)?.detectors;
  const list = Array.isArray(detectors) ? detectors.map(String) : [];
  const rules: PolicyRule[] = [];
  if (list.includes('k8snode')) rules.push({ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] });
  if (list.includes('openshift')) {
    rules.push({ apiGroups: ['config.openshift.io'], resources: ['infrastructures', 'infrastructures/status'], verbs: READ });
  }
  return rules;
}

const PROCESSORS: Record<string, ComponentParser> = {
  k8sattributes: { clusterRoleRules: k8sAttributesRules },
  resourcedetection: { clusterRoleRules: resourceDetectionRules },
};

const NOTHING: ComponentParser = {};

export const exporterParser = (type: string): ComponentParser => EXPORTERS[type] ?? NOTHING;
export const extensionParser = (type: string): ComponentParser => EXTENSIONS[type] ?? NOTHING;
export const processorParser = (type: string): ComponentParser => PROCESSORS[type] ?? NOTHING;

/** Extension types with a registered parser (for documentation and tests). */
export function knownExtensionTypes(): string[] {
  return Object.keys(EXTENSIONS).sort();
}

/** Exporter types with a registered parser (for documentation and tests). */
export function knownExporterTypes(): string[] {
  return Object.keys(EXPORTERS).sort();
}

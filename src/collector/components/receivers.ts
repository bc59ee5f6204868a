import { multiPort, singlePort } from './endpoint';
import { ComponentParser, PolicyRule } from './types';
import { asRecord } from '../../common/json';

const READ = ['get', 'list', 'watch'];

/** Pull-only receivers: they open no port and need nothing from the operator. */
const SCRAPERS = [
  'sshcheck', 'cloudfoundry', 'vcenter', 'oracledb', 'snmp', 'googlecloudpubsub', 'chrony', 'jmx', 'podman_stats',
  'pulsar', 'docker_stats', 'aerospike', 'zookeeper', 'prometheus_simple', 'saphana', 'riak', 'redis', 'rabbitmq',
  'purefb', 'postgresql', 'nsxt', 'nginx', 'mysql', 'memcached', 'httpcheck', 'haproxy', 'flinkmetrics', 'couchdb',
  'filelog', 'hostmetrics', 'journald', 'windowseventlog', 'k8s_observer',
];

function kubeletStatsRules(config: unknown): PolicyRule[] {
  const c = asRecord(config) ?? {};
  const rules: PolicyRule[] = [{ apiGroups: [''], resources: ['nodes/stats'], verbs: ['get'] }];
  const proxy: PolicyRule = { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] };
  const labels = c.extra_metadata_labels;
  if (Array.isArray(labels) && labels.length > 0) return [...rules, proxy];
  // the *_utilization metrics read pod specs through the kubelet proxy
  const metrics = asRecord(c.metrics) ?? {};
  const utilization = [
    'k8s.container.cpu_limit_utilization', 'k8s.container.cpu_request_utilization',
    'k8s.container.memory_limit_utilization', 'k8s.container.memory_request_utilization',
    'k8s.pod.cpu_limit_utilization', 'k8s.pod.cpu_request_utilization',
    'k8s.pod.memory_limit_utilization', 'k8s.pod.memory_request_utilization',
  ];
  if (utilization.some((m) => asRecord(metrics[m])?.enabled === true)) return [...rules, proxy];
  return rules;
}

function k8sClusterRules(config: unknown): PolicyRule[] {
  const rules: PolicyRule[] = [
    {
      apiGroups: [''],
      resources: [
        'events', 'namespaces', 'namespaces/status', 'nodes', 'nodes/spec', 'persistentvolumeclaims',
        'persistentvolumes', 'pods', 'pods/status', 'replicationcontrollers', 'replicationcontrollers/status',
        'resourcequotas', 'services',
      ],
      verbs: READ,
    },
    { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: READ },
    { apiGroups: ['extensions'], resources: ['daemonsets', 'deployments', 'replicasets'], verbs: READ },
    { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
    { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
  ];
  if (asRecord(config)?.distribution === 'openshift') {
    rules.push({ apiGroups: ['quota.openshift.io'], resources: ['clusterresourcequotas'], verbs: READ });
  }
  return rules;
}

function k8sObjectsRules(config: unknown): PolicyRule[] {
  const objects = asRecord(config)?.objects;
  if (!Array.isArray(objects)) return [];
  return objects.map((o) => {
    const obj = asRecord(o) ?? {};
    const name = typeof obj.name === 'string' ? obj.name : '';
    const verbs = ['list'];
    if (obj.mode === 'pull' && name !== 'events' && name !== 'events.k8s.io') verbs.push('get');
    else if (obj.mode === 'watch') verbs.push('watch');
    return { apiGroups: [typeof obj.group === 'string' ? obj.group : ''], resources: [name], verbs };
  });
}

const nodeNameEnv = () => [{ name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }];

/**
 * Receiver types the operator knows, with their default ports: upstream's parser registry at be89444, entry for
 * entry. A receiver type not listed here opens a port only when its `endpoint`/`listen_address` names one, and gets
 * no endpoint default. Not listed on purpose: `opencensus` (its parser went with #4316, v0.132) and `syslog` (never
 * had one; its listeners sit under `tcp`/`udp`, so no port is found and nothing is opened).
 */
const RECEIVERS: Record<string, ComponentParser> = {
  otlp: multiPort({ grpc: { port: 4317, appProtocol: 'grpc' }, http: { port: 4318, appProtocol: 'http' } }),
  skywalking: multiPort({ grpc: { port: 11800, appProtocol: 'grpc' }, http: { port: 12800, appProtocol: 'http' } }),
  jaeger: multiPort({
    grpc: { port: 14250, appProtocol: 'grpc' },
    thrift_http: { port: 14268, appProtocol: 'http' },
    thrift_compact: { port: 6831, protocol: 'UDP' },
    thrift_binary: { port: 6832, protocol: 'UDP' },
  }),
  loki: multiPort({ grpc: { port: 9095, appProtocol: 'grpc' }, http: { port: 3100, appProtocol: 'http' } }),
  awsxray: singlePort({ port: 2000, protocol: 'UDP', withTargetPort: true }),
  carbon: singlePort({ port: 2003, withTargetPort: true }),
  collectd: singlePort({ port: 8081, withTargetPort: true }),
  fluentforward: singlePort({ port: 8006, withTargetPort: true }),
  influxdb: singlePort({ port: 8086, withTargetPort: true }),
  sapm: singlePort({ port: 7276, withTargetPort: true }),
  signalfx: singlePort({ port: 9943, withTargetPort: true }),
  splunk_hec: singlePort({ port: 8088, withTargetPort: true }),
  statsd: singlePort({ port: 8125, protocol: 'UDP', withTargetPort: true }),
  tcplog: singlePort({ port: 0, protocol: 'TCP' }),
  udplog: singlePort({ port: 0, protocol: 'UDP' }),
  wavefront: singlePort({ port: 2003, withTargetPort: true }),
  zipkin: singlePort({ port: 9411, appProtocol: 'http', withTargetPort: true }),
  kubeletstats: { clusterRoleRules: kubeletStatsRules, env: nodeNameEnv },
  k8s_events: { clusterRoleRules: () => [{ apiGroups: [''], resources: ['events'], verbs: READ }] },
  k8s_cluster: { clusterRoleRules: k8sClusterRules },
  k8sobjects: { clusterRoleRules: k8sObjectsRules },
  // the prometheus receiver's targets come from its scrape configs or the target allocator: no port of its own
  prometheus: {},
  ...Object.fromEntries(SCRAPERS.map((s) => [s, {}])),
};

const UNKNOWN_RECEIVER = singlePort({ port: 0 });

export function receiverParser(type: string): ComponentParser {
  return RECEIVERS[type] ?? UNKNOWN_RECEIVER;
}

/** Receiver types with a registered parser (for documentation and tests). */
export function knownReceiverTypes(): string[] {
  return Object.keys(RECEIVERS).sort();
}

// Issue 14: where our collector objects differed from upstream's operator at be89444 on the same CR. Each test is
// built from the input the issue describes and failed before the fix.
import {
  applyConfigDefaults, buildSidecar, CollectorConfigJson, configHash, enabledComponents, goJsonMarshal, inferPorts, InferredPort,
  knownExporterTypes, knownExtensionTypes, knownReceiverTypes, renderCollector,
} from '../../src/collector';
import { renderYaml } from '../../src/render';

const find = (objs: any[], kind: string, name?: string) => objs.find((o) => o.kind === kind && (!name || o.metadata.name === name));
const pipeline = (receivers: string[]) => ({ pipelines: { p: { receivers, exporters: ['debug'] } } });
const render = (spec: Record<string, unknown>, name = 'c', namespace = 'ns') => renderCollector({ name, namespace, spec }) as any[];
const fmt = (p: InferredPort) => `${p.name}:${p.port}/${p.protocol}${p.appProtocol ? `(${p.appProtocol})` : ''}${p.targetPort ? `->${p.targetPort}` : ''}`;

function portsOf(section: 'receivers' | 'exporters' | 'extensions', id: string, settings: unknown): string[] {
  const config: CollectorConfigJson = applyConfigDefaults({
    receivers: section === 'receivers' ? { [id]: settings } : { otlp: { protocols: { grpc: {} } } },
    exporters: section === 'exporters' ? { [id]: settings } : { debug: {} },
    ...(section === 'extensions' ? { extensions: { [id]: settings } } : {}),
    service: {
      ...(section === 'extensions' ? { extensions: [id] } : {}),
      pipelines: { p: { receivers: [section === 'receivers' ? id : 'otlp'], exporters: [section === 'exporters' ? id : 'debug'] } },
    },
  });
  return inferPorts(config, enabledComponents(config), [section], 'test').map(fmt);
}

/**
 * Upstream's parser registry at be89444 (internal/components/{receivers,exporters,extensions}), every entry with the
 * ports its default settings open: name:port/protocol(appProtocol)->targetPort. A type missing here, or one here
 * we do not register, fails the test.
 */
const RECEIVER_TABLE: Record<string, [unknown, string[]]> = {
  otlp: [{ protocols: { grpc: {}, http: {} } }, ['otlp-grpc:4317/TCP(grpc)->4317', 'otlp-http:4318/TCP(http)->4318']],
  skywalking: [{ protocols: { grpc: {}, http: {} } }, ['skywalking-grpc:11800/TCP(grpc)->11800', 'skywalking-http:12800/TCP(http)->12800']],
  jaeger: [{ protocols: { grpc: {}, thrift_http: {}, thrift_compact: {}, thrift_binary: {} } },
    ['jaeger-grpc:14250/TCP(grpc)->14250', 'port-14268:14268/TCP(http)->14268', 'port-6831:6831/UDP->6831', 'port-6832:6832/UDP->6832']],
  loki: [{ protocols: { grpc: {}, http: {} } }, ['loki-grpc:9095/TCP(grpc)->9095', 'loki-http:3100/TCP(http)->3100']],
  awsxray: [{}, ['awsxray:2000/UDP->2000']],
  carbon: [{}, ['carbon:2003/TCP->2003']],
  collectd: [{}, ['collectd:8081/TCP->8081']],
  fluentforward: [{}, ['fluentforward:8006/TCP->8006']],
  influxdb: [{}, ['influxdb:8086/TCP->8086']],
  sapm: [{}, ['sapm:7276/TCP->7276']],
  signalfx: [{}, ['signalfx:9943/TCP->9943']],
  splunk_hec: [{}, ['splunk-hec:8088/TCP->8088']],
  statsd: [{}, ['statsd:8125/UDP->8125']],
  tcplog: [{ listen_address: '0.0.0.0:54525' }, ['tcplog:54525/TCP']],
  udplog: [{ listen_address: '0.0.0.0:54526' }, ['udplog:54526/UDP']],
  wavefront: [{}, ['wavefront:2003/TCP->2003']],
  zipkin: [{}, ['zipkin:9411/TCP(http)->9411']],
  kubeletstats: [{}, []],
  k8s_events: [{}, []],
  k8s_cluster: [{}, []],
  k8sobjects: [{}, []],
  prometheus: [{ config: {} }, []],
  ...Object.fromEntries([
    'sshcheck', 'cloudfoundry', 'vcenter', 'oracledb', 'snmp', 'googlecloudpubsub', 'chrony', 'jmx', 'podman_stats', 'pulsar',
    'docker_stats', 'aerospike', 'zookeeper', 'prometheus_simple', 'saphana', 'riak', 'redis', 'rabbitmq', 'purefb', 'postgresql',
    'nsxt', 'nginx', 'mysql', 'memcached', 'httpcheck', 'haproxy', 'flinkmetrics', 'couchdb', 'filelog', 'hostmetrics', 'journald',
    'windowseventlog', 'k8s_observer',
  ].map((scraper) => [scraper, [{ endpoint: 'localhost:1234' }, []]])),
};
const EXTENSION_TABLE: Record<string, [unknown, string[]]> = {
  health_check: [{}, ['health-check:13133/TCP']],
  // no appProtocol on either port (issue 14 #26)
  jaeger_query: [{ grpc: { endpoint: '0.0.0.0:16685' } }, ['jaeger-query:16686/TCP->16686', 'jaeger-query-2:16685/TCP->16685']],
  k8s_observer: [{}, []],
  k8s_leader_elector: [{}, []],
};
const EXPORTER_TABLE: Record<string, [unknown, string[]]> = {
  prometheus: [{}, ['prometheus:8888/TCP->8888']],
};

describe('#19 the parser registry is upstream\'s, entry for entry', () => {
  test('the registered types are exactly upstream\'s', () => {
    expect(knownReceiverTypes()).toEqual(Object.keys(RECEIVER_TABLE).sort());
    expect(knownExtensionTypes()).toEqual(Object.keys(EXTENSION_TABLE).sort());
    expect(knownExporterTypes()).toEqual(Object.keys(EXPORTER_TABLE).sort());
  });
  test.each(Object.entries(RECEIVER_TABLE))('receiver %s', (type, [settings, ports]) => {
    expect(portsOf('receivers', type, settings)).toEqual(ports);
  });
  test.each(Object.entries(EXTENSION_TABLE))('extension %s', (type, [settings, ports]) => {
    expect(portsOf('extensions', type, settings)).toEqual(ports);
  });
  test.each(Object.entries(EXPORTER_TABLE))('exporter %s', (type, [settings, ports]) => {
    expect(portsOf('exporters', type, settings)).toEqual(ports);
  });

  const UNPARSED: CollectorConfigJson = {
    receivers: { opencensus: {}, syslog: { tcp: { listen_address: '0.0.0.0:54527' } } },
    exporters: { debug: {} },
    service: pipeline(['opencensus', 'syslog']),
  };
  test('opencensus (parser removed in #4316) and syslog (never had one) open no port anywhere', () => {
    const objs = render({ config: UNPARSED });
    const container = find(objs, 'Deployment').spec.template.spec.containers[0];
    expect(container.ports.map((p: any) => p.name)).toEqual(['metrics']);
    expect(find(objs, 'Service', 'c-collector')).toBeUndefined();
    expect(find(objs, 'Service', 'c-collector-headless')).toBeUndefined();
    expect(find(objs, 'NetworkPolicy').spec.ingress[0].ports).toEqual([{ port: 8888, protocol: 'TCP' }]);
  });
  test('opencensus gets no endpoint default, so the ConfigMap hash is upstream\'s', () => {
    const defaulted = applyConfigDefaults(UNPARSED);
    expect(defaulted.receivers!.opencensus).toEqual({});
    // the hash of the config as written plus only the telemetry reader upstream adds
    const expected = { ...UNPARSED, service: { ...UNPARSED.service, telemetry: { metrics: { readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: 8888 } } } }] } } } };
    expect(configHash(defaulted)).toBe(configHash(expected as CollectorConfigJson));
  });
  test('an opencensus receiver with an explicit endpoint opens that port, as any unknown receiver does', () => {
    expect(portsOf('receivers', 'opencensus', { endpoint: '0.0.0.0:55678' })).toEqual(['opencensus:55678/TCP']);
  });
});

const TA_CONFIG = {
  receivers: { prometheus: { config: { scrape_configs: [{ job_name: 'j', static_configs: [{ targets: ['a:1'] }] }] } } },
  exporters: { debug: {} },
  service: { pipelines: { metrics: { receivers: ['prometheus'], exporters: ['debug'] } } },
};

describe('#18 no SHARD env behind a target allocator (upstream #4547, v0.153)', () => {
  test.each([
    ['statefulset', 'StatefulSet', 'consistent-hashing'],
    ['daemonset', 'DaemonSet', 'per-node'],
  ])('%s', (mode, kind, allocationStrategy) => {
    const objs = render({ mode, config: TA_CONFIG, targetAllocator: { enabled: true, allocationStrategy } });
    const env = find(objs, kind).spec.template.spec.containers[0].env.map((e: any) => e.name);
    expect(env).toEqual(['POD_NAME', 'GOMEMLIMIT', 'GOMAXPROCS']);
  });
});

const HEALTH = {
  receivers: { otlp: { protocols: { grpc: {} } } },
  exporters: { debug: {} },
  extensions: { health_check: { endpoint: '0.0.0.0:13134', path: '/health' } },
  service: { extensions: ['health_check'], ...pipeline(['otlp']) },
};

describe('#20 startupProbe from the health_check extension', () => {
  test('same handler as liveness and readiness, with spec.startupProbe timings only', () => {
    const c = find(render({ config: HEALTH, startupProbe: { failureThreshold: 30, periodSeconds: 10 }, livenessProbe: { initialDelaySeconds: 5 } }), 'Deployment')
      .spec.template.spec.containers[0];
    expect(c.startupProbe).toEqual({ httpGet: { path: '/health', port: 13134 }, failureThreshold: 30, periodSeconds: 10 });
    expect(c.livenessProbe).toEqual({ httpGet: { path: '/health', port: 13134 }, initialDelaySeconds: 5 });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/health', port: 13134 } });
  });
  test('the injected sidecar container gets it too (upstream builds it with the same container function)', () => {
    const parts = buildSidecar({ name: 'c', namespace: 'ns', spec: { mode: 'sidecar', config: HEALTH, startupProbe: { failureThreshold: 30 } } });
    expect(parts.container.startupProbe).toEqual({ httpGet: { path: '/health', port: 13134 }, failureThreshold: 30 });
  });
  test('no health_check, no startupProbe', () => {
    const c = find(render({ config: { ...HEALTH, service: pipeline(['otlp']) } }), 'Deployment').spec.template.spec.containers[0];
    expect(c.startupProbe).toBeUndefined();
  });
});

describe('#21 otc-container comes before additionalContainers', () => {
  test.each([['deployment', 'Deployment'], ['statefulset', 'StatefulSet'], ['daemonset', 'DaemonSet']])('%s', (mode, kind) => {
    const objs = render({ mode, config: HEALTH, additionalContainers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b' }] });
    expect(find(objs, kind).spec.template.spec.containers.map((c: any) => c.name)).toEqual(['otc-container', 'a', 'b']);
  });
});

describe('#22 PodMonitor of a sidecar collector', () => {
  test('selects on the four selector labels and keeps name, instance and managed-by as target labels', () => {
    const config = { ...HEALTH, exporters: { debug: {}, 'prometheus/x': { endpoint: '0.0.0.0:9464' } }, service: { pipelines: { p: { receivers: ['otlp'], exporters: ['prometheus/x'] } } } };
    const pm = find(render({ mode: 'sidecar', config, observability: { metrics: { enableMetrics: true } } }), 'PodMonitor');
    expect(pm.spec).toEqual({
      jobLabel: 'app.kubernetes.io/instance',
      podTargetLabels: ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/managed-by'],
      podMetricsEndpoints: [{ port: 'monitoring' }, { port: 'prometheus-x' }],
      namespaceSelector: { matchNames: ['ns'] },
      selector: {
        matchLabels: {
          'app.kubernetes.io/managed-by': 'opentelemetry-operator', 'app.kubernetes.io/instance': 'ns.c',
          'app.kubernetes.io/part-of': 'opentelemetry', 'app.kubernetes.io/component': 'opentelemetry-collector',
        },
      },
    });
  });
});

describe('monitors scrape only exporter ports named after prometheus (upstream\'s name filter)', () => {
  test('a prometheus exporter whose port falls back to port-<n> is not an endpoint of the ServiceMonitor or PodMonitor', () => {
    const config = {
      ...HEALTH,
      exporters: { 'prometheus/a': { endpoint: '0.0.0.0:9464' }, 'prometheus/a-very-long-name': { endpoint: '0.0.0.0:9465' } },
      service: { pipelines: { p: { receivers: ['otlp'], exporters: ['prometheus/a', 'prometheus/a-very-long-name'] } } },
    };
    const metrics = { observability: { metrics: { enableMetrics: true } } };
    const sm = find(render({ config, ...metrics }), 'ServiceMonitor', 'c-collector');
    expect(sm.spec.endpoints).toEqual([{ port: 'prometheus-a' }]);
    const pm = find(render({ mode: 'sidecar', config, ...metrics }), 'PodMonitor');
    expect(pm.spec.podMetricsEndpoints).toEqual([{ port: 'monitoring' }, { port: 'prometheus-a' }]);
  });
});

describe('#26 jaeger_query extension Service', () => {
  test('its ports carry no appProtocol', () => {
    const config = {
      receivers: { otlp: { protocols: { grpc: {} } } }, exporters: { debug: {} },
      extensions: { jaeger_query: { grpc: { endpoint: '0.0.0.0:16685' } } },
      service: { extensions: ['jaeger_query'], ...pipeline(['otlp']) },
    };
    const svc = find(render({ config }), 'Service', 'c-collector-extension');
    expect(svc.spec.ports).toEqual([
      { name: 'jaeger-query', port: 16686, protocol: 'TCP', targetPort: 16686 },
      { name: 'jaeger-query-2', port: 16685, protocol: 'TCP', targetPort: 16685 },
    ]);
  });
});

describe('#16 ingress.type route', () => {
  const cr = `apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata: {name: simplest, namespace: obs, labels: {team: a}}
spec:
  ingress: {type: route, annotations: {something.com: "true"}, route: {termination: insecure}}
  config:
    receivers: {otlp: {protocols: {grpc: {}, http: {}}}}
    exporters: {debug: {}}
    service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
`;
  test('without OpenShift: no Route and a warning saying why and how to get them', () => {
    const result = renderYaml(cr, 'cr.yaml');
    expect(result.objects.filter((o) => o.kind === 'Route')).toEqual([]);
    expect(result.warnings).toEqual([expect.stringMatching(
      /^OpenTelemetryCollector obs\/simplest: spec\.ingress\.type is route, but .*route\.openshift\.io.*--openshift-routes/)]);
  });
  test('with Routes available: one Route per receiver port with upstream\'s four labels, and no warning', () => {
    const result = renderYaml(cr, 'cr.yaml', { openShiftRoutesAvailable: true });
    expect(result.warnings).toEqual([]);
    const routes = result.objects.filter((o) => o.kind === 'Route');
    expect(routes.map((r) => r.metadata.name)).toEqual(['otlp-grpc-simplest-route', 'otlp-http-simplest-route']);
    expect(routes[0]).toEqual({
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: {
        name: 'otlp-grpc-simplest-route', namespace: 'obs',
        labels: {
          'app.kubernetes.io/name': 'otlp-grpc-simplest-route', 'app.kubernetes.io/instance': 'obs.simplest',
          'app.kubernetes.io/managed-by': 'opentelemetry-operator', 'app.kubernetes.io/component': 'opentelemetry-collector',
        },
        annotations: { 'something.com': 'true' },
      },
      spec: { to: { kind: 'Service', name: 'simplest-collector' }, port: { targetPort: 'otlp-grpc' }, wildcardPolicy: 'None' },
    });
  });
  test('sidecar mode asks for no Route, so no warning', () => {
    const sidecar = cr.replace('spec:\n', 'spec:\n  mode: sidecar\n');
    expect(renderYaml(sidecar, 'cr.yaml').warnings).toEqual([]);
  });
});

describe('Go map order in the config hash', () => {
  test('integer-like keys sort as strings ("10" before "9"), as Go sorts map keys', () => {
    expect(goJsonMarshal({ 9: 'a', 10: 'b', x: { 2: 1, 10: 2 } })).toBe('{"10":"b","9":"a","x":{"10":2,"2":1}}');
  });
});

import { applyConfigDefaults, collectorModelFromCustomResource, enabledComponents, inferPorts, renderCollector, renderConfigYaml, renderRewrittenConfigYaml, wireTargetAllocator } from '../../src/collector';
import { InvalidInputError } from '../../src/common/errors';
import { portName, truncateName } from '../../src/common/naming';
import { versionLabel } from '../../src/common/labels';
import { CollectorConfig, typedCollectorConfig } from '../../src/constructs';

function portsOf(receivers: Record<string, unknown>, exporters: Record<string, unknown> = {}) {
  const config = applyConfigDefaults({
    receivers, exporters,
    service: { pipelines: { p: { receivers: Object.keys(receivers), exporters: Object.keys(exporters) } } },
  });
  return inferPorts(config, enabledComponents(config), ['receivers', 'exporters'], 'test')
    .map((p) => `${p.name}:${p.port}/${p.protocol}${p.appProtocol ? `(${p.appProtocol})` : ''}`);
}

describe('receiver → port table', () => {
  test.each([
    [{ otlp: { protocols: { grpc: {}, http: {} } } }, ['otlp-grpc:4317/TCP(grpc)', 'otlp-http:4318/TCP(http)']],
    [{ 'otlp/2': { protocols: { grpc: { endpoint: '0.0.0.0:5555' } } } }, ['otlp-2-grpc:5555/TCP(grpc)']],
    [{ jaeger: { protocols: { grpc: {}, thrift_http: {}, thrift_compact: {}, thrift_binary: {} } } },
      ['jaeger-grpc:14250/TCP(grpc)', 'port-14268:14268/TCP(http)', 'port-6831:6831/UDP', 'port-6832:6832/UDP']],
    [{ zipkin: {} }, ['zipkin:9411/TCP(http)']],
    [{ skywalking: { protocols: { grpc: {}, http: {} } } }, ['skywalking-grpc:11800/TCP(grpc)', 'skywalking-http:12800/TCP(http)']],
    [{ loki: { protocols: { grpc: {}, http: {} } } }, ['loki-grpc:9095/TCP(grpc)', 'loki-http:3100/TCP(http)']],
    [{ carbon: {} }, ['carbon:2003/TCP']],
    [{ collectd: {} }, ['collectd:8081/TCP']],
    [{ fluentforward: {} }, ['fluentforward:8006/TCP']],
    [{ influxdb: {} }, ['influxdb:8086/TCP']],
    [{ sapm: {} }, ['sapm:7276/TCP']],
    [{ signalfx: {} }, ['signalfx:9943/TCP']],
    [{ splunk_hec: {} }, ['splunk-hec:8088/TCP']],
    [{ statsd: {} }, ['statsd:8125/UDP']],
    [{ awsxray: {} }, ['awsxray:2000/UDP']],
    [{ wavefront: {} }, ['wavefront:2003/TCP']],
    [{ tcplog: { listen_address: '0.0.0.0:54525' } }, ['tcplog:54525/TCP']],
    [{ udplog: { listen_address: '0.0.0.0:54526' } }, ['udplog:54526/UDP']],
    [{ tcplog: {} }, []],
    [{ prometheus: { config: {} } }, []],
    [{ kafka: {} }, []],
    [{ kubeletstats: {} }, []],
    [{ filelog: {} }, []],
    [{ myreceiver: { endpoint: '0.0.0.0:7777' } }, ['myreceiver:7777/TCP']],
    [{ myreceiver: { endpoint: '${env:PORT}' } }, []],
  ])('%j', (receivers, expected) => {
    expect(portsOf(receivers)).toEqual(expected);
  });
  test('prometheus exporter opens its endpoint port', () => {
    expect(portsOf({ otlp: { protocols: { grpc: {} } } }, { 'prometheus/prod': { endpoint: '0.0.0.0:8884' } }))
      .toEqual(['otlp-grpc:4317/TCP(grpc)', 'prometheus-prod:8884/TCP']);
  });
});

describe('names', () => {
  test('portName', () => {
    expect(portName('otlp/2-grpc', 4317)).toBe('otlp-2-grpc');
    expect(portName('a_very_long_receiver', 9)).toBe('port-9');
    expect(portName('UPPER', 9)).toBe('port-9');
  });
  test('truncateName shortens the collector name, not the suffix', () => {
    const n = truncateName('%s-collector-%s', 'x'.repeat(70), 'abcdef12');
    expect(n).toHaveLength(63);
    expect(n.endsWith('-collector-abcdef12')).toBe(true);
  });
  test('versionLabel', () => {
    expect(versionLabel(undefined)).toBe('latest');
    expect(versionLabel('otel/col')).toBe('latest');
    expect(versionLabel('otel/col:0.99.0')).toBe('0.99.0');
    expect(versionLabel('registry:5000/otel/col:1.0@sha256:abcd')).toBe('1.0');
  });
});

describe('collector.yaml', () => {
  test('without a target allocator: Go struct order, sorted component settings, 2-space indent', () => {
    expect(renderConfigYaml({ service: { pipelines: { t: { receivers: ['otlp'], exporters: ['debug'] } } }, exporters: { debug: { z: 1, a: [{ y: 1, b: 2 }] } }, receivers: { otlp: {} } }))
      .toBe('receivers:\n  otlp: {}\nexporters:\n  debug:\n    a:\n      - b: 2\n        y: 1\n    z: 1\nservice:\n  pipelines:\n    t:\n      exporters:\n        - debug\n      receivers:\n        - otlp\n');
  });
  test('after the target-allocator rewrite: sorted keys everywhere, 4-space indent', () => {
    expect(renderRewrittenConfigYaml({ service: { pipelines: { t: { receivers: ['otlp'] } } }, exporters: { debug: {} } }))
      .toBe('exporters:\n    debug: {}\nservice:\n    pipelines:\n        t:\n            receivers:\n                - otlp\n');
  });
  test('target allocator wiring drops scrape_configs and points at the allocator', () => {
    const out = wireTargetAllocator({ receivers: { prometheus: { config: { global: { scrape_interval: '1m' }, scrape_configs: [{ job_name: 'x' }] } } } }, { targetAllocatorName: 'c' });
    expect(out.receivers).toEqual({ prometheus: { config: { global: { scrape_interval: '1m' } }, target_allocator: { endpoint: 'http://c-targetallocator:80', interval: '30s', collector_id: '${POD_NAME}' } } });
  });
  test('target allocator wiring merges into the user\'s target_allocator map (http_sd_config kept, operator keys win), as upstream', () => {
    // e2e prometheus-config-validation/02-promreceiver-allocatorconfig-extra sets these keys itself
    const out = wireTargetAllocator({ receivers: { prometheus: { config: { scrape_configs: [{ job_name: 'x' }] }, target_allocator: {
      endpoint: 'http://elsewhere', interval: '10s', collector_id: 'me', http_sd_config: { refresh_interval: '10s' },
    } } } }, { targetAllocatorName: 'c', interval: '1m' });
    expect(out.receivers).toEqual({ prometheus: { config: {}, target_allocator: {
      endpoint: 'http://c-targetallocator:80', interval: '1m', collector_id: '${POD_NAME}', http_sd_config: { refresh_interval: '10s' },
    } } });
  });
  test('target allocator wiring touches only the receiver named exactly prometheus', () => {
    const named = { config: { scrape_configs: [{ job_name: 'own' }] } };
    const out = wireTargetAllocator({ receivers: { 'prometheus/own': named, prometheus: {} } }, { targetAllocatorName: 'c' });
    expect(out.receivers).toEqual({ 'prometheus/own': named, prometheus: { target_allocator: { endpoint: 'http://c-targetallocator:80', interval: '30s', collector_id: '${POD_NAME}' } } });
    // without a `prometheus` receiver there is nothing to wire
    const only = { receivers: { 'prometheus/own': named } };
    expect(wireTargetAllocator(only, { targetAllocatorName: 'c' })).toEqual(only);
  });
  test('with mTLS the client TLS files are merged into the user\'s tls settings', () => {
    const out = wireTargetAllocator({ receivers: { prometheus: { target_allocator: { tls: { insecure_skip_verify: false, ca_file: '/mine' } } } } },
      { targetAllocatorName: 'c', mtls: true, tlsDir: '/tls' });
    expect((out.receivers as any).prometheus.target_allocator).toEqual({
      endpoint: 'https://c-targetallocator:443', interval: '30s', collector_id: '${POD_NAME}',
      tls: { insecure_skip_verify: false, ca_file: '/tls/ca.crt', cert_file: '/tls/tls.crt', key_file: '/tls/tls.key', reload_interval: '5m' },
    });
  });
  test('a target_allocator (or its tls) that is not a map cannot be merged into: an error naming the field', () => {
    expect(() => wireTargetAllocator({ receivers: { prometheus: { target_allocator: 'http://x' } } }, { targetAllocatorName: 'c', resource: 'OpenTelemetryCollector ns/c' }))
      .toThrow(new InvalidInputError('OpenTelemetryCollector ns/c', 'spec.config.receivers.prometheus.target_allocator',
        "target_allocator property in the configuration doesn't contain valid target_allocator",
        'make receivers.prometheus.target_allocator a map (the operator sets its endpoint, interval and collector_id) or remove it'));
    expect(() => wireTargetAllocator({ receivers: { prometheus: { target_allocator: { tls: [] } } } }, { targetAllocatorName: 'c', mtls: true }))
      .toThrow('spec.config.receivers.prometheus.target_allocator.tls: tls property in the configuration doesn\'t contain valid tls');
  });
});

describe('custom resources', () => {
  test('v1alpha1-style YAML string config is parsed', () => {
    const objs = renderCollector(collectorModelFromCustomResource({
      kind: 'OpenTelemetryCollector', metadata: { name: 'a', namespace: 'n' },
      spec: { config: 'receivers: {zipkin: {}}\nexporters: {debug: {}}\nservice: {pipelines: {traces: {receivers: [zipkin], exporters: [debug]}}}' },
    }));
    expect(objs.find((o) => o.kind === 'Service' && o.metadata.name === 'a-collector')!.spec.ports[0]).toMatchObject({ name: 'zipkin', port: 9411 });
  });
  test('an empty config still deploys (upstream accepts it; e2e conversion-webhook-invalid-config)', () => {
    const objs = renderCollector(collectorModelFromCustomResource({
      metadata: { name: 'invalid-config-collector', namespace: 'n' },
      spec: { mode: 'deployment', config: { receivers: {}, exporters: {}, service: { pipelines: {} } } },
    }));
    expect(objs.find((o) => o.kind === 'Deployment')!.metadata.name).toBe('invalid-config-collector-collector');
    expect(objs.find((o) => o.kind === 'Service' && o.metadata.name === 'invalid-config-collector-collector')).toBeUndefined();
  });
  test('strict mode is opt-in for CRs', () => {
    const cr = { metadata: { name: 'a', namespace: 'n' }, spec: { config: { receivers: {}, exporters: {}, service: { pipelines: {} } } } };
    expect(() => renderCollector(collectorModelFromCustomResource(cr), { strictConfig: true })).toThrow(InvalidInputError);
  });
  test('label and annotation filters', () => {
    const objs = renderCollector(collectorModelFromCustomResource({
      metadata: { name: 'a', namespace: 'n', labels: { 'keep': '1', 'x.filter.out': '1' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'y': '2' } },
      spec: { config: {} },
    }), { labelsFilter: ['.*filter.out'] });
    const dep = objs.find((o) => o.kind === 'Deployment')!;
    expect(dep.metadata.labels['x.filter.out']).toBeUndefined();
    expect(dep.metadata.labels.keep).toBe('1');
    expect(dep.metadata.annotations).toEqual({ y: '2' });
  });
  test('wrong kind is rejected', () => {
    expect(() => collectorModelFromCustomResource({ kind: 'Pod', metadata: { name: 'a' } })).toThrow('expected kind OpenTelemetryCollector');
  });
});

describe('config builders', () => {
  test('builder rejects a pipeline naming an undefined component at build()', () => {
    const b = CollectorConfig.builder().addReceiver('otlp', { protocols: { grpc: {} } }).addExporter('debug')
      .addPipeline('traces', { receivers: ['otlp'], processors: ['batch'], exporters: ['debug'] });
    // the builder's own calls, not spec.config fields the user never wrote (issue 14, friction)
    expect(() => b.build()).toThrow(new InvalidInputError('CollectorConfig.builder()', 'addPipeline("traces").processors[0]',
      '"batch" is not defined', 'define it with addProcessor("batch") before build() or remove it from the pipeline'));
    expect(() => CollectorConfig.builder().addReceiver('otlp').addExporter('debug').build()).toThrow(new InvalidInputError(
      'CollectorConfig.builder()', 'addPipeline()', 'no pipelines are defined, so the collector would do nothing',
      'call addPipeline("traces", { receivers: [...], exporters: [...] }) before build()'));
    expect(() => CollectorConfig.builder().addReceiver('otlp').addExporter('debug').addPipeline('t', { receivers: ['otlp'], exporters: [] }).build())
      .toThrow(/^CollectorConfig\.builder\(\): addPipeline\("t"\)\.exporters: pipeline "t" has no exporters \(list at least one of the exporters defined with addExporter\(\)\)/);
  });
  test('builder rejects duplicate ids and malformed ids, naming the call', () => {
    expect(() => CollectorConfig.builder().addReceiver('otlp').addReceiver('otlp')).toThrow('CollectorConfig.builder(): addReceiver("otlp"): "otlp" is defined twice');
    expect(() => CollectorConfig.builder().addReceiver('bad id')).toThrow('CollectorConfig.builder(): addReceiver("bad id"): "bad id" is not a valid component id');
    const p = { receivers: ['otlp'], exporters: ['debug'] };
    expect(() => CollectorConfig.builder().addPipeline('t', p).addPipeline('t', p)).toThrow('CollectorConfig.builder(): addPipeline("t"): pipeline "t" is defined twice');
  });
  test('typedCollectorConfig: undefined ids do not compile', () => {
    const ok = typedCollectorConfig({
      receivers: { otlp: {} },
      exporters: { debug: {} },
      service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
    });
    expect(ok._toJson('x').service?.pipelines?.traces?.receivers).toEqual(['otlp']);
    typedCollectorConfig({
      receivers: { otlp: {} },
      exporters: { debug: {} },
      // @ts-expect-error zipkin is not a defined receiver
      service: { pipelines: { traces: { receivers: ['zipkin'], exporters: ['debug'] } } },
    });
  });
});

test('YAML configs may use anchors and merge keys, as Go YAML decoders allow', () => {
  const cfg = CollectorConfig.fromYaml(`
x-common: &common
  tls: {insecure: true}
receivers: {otlp: {protocols: {grpc: {}}}}
exporters:
  otlp_grpc/a: {<<: *common, endpoint: a:4317}
service: {pipelines: {traces: {receivers: [otlp], exporters: [otlp_grpc/a]}}}
`)._toJson('x');
  expect(cfg.exporters).toEqual({ 'otlp_grpc/a': { tls: { insecure: true }, endpoint: 'a:4317' } });
});

describe('extensions', () => {
  const withExtension = (settings: unknown) => ({
    receivers: { otlp: { protocols: { grpc: {} } } }, exporters: { debug: {} }, extensions: { health_check: settings },
    service: { extensions: ['health_check'], pipelines: { t: { receivers: ['otlp'], exporters: ['debug'] } } },
  });
  test.each([
    [{}, { endpoint: '0.0.0.0:13133', path: '/' }],
    [null, { endpoint: '0.0.0.0:13133', path: '/' }],
    [{ path: '/custom-health' }, { endpoint: '0.0.0.0:13133', path: '/custom-health' }],
    [{ endpoint: ':8080' }, { endpoint: '0.0.0.0:8080', path: '/' }],
    [{ endpoint: '127.0.0.1:9090', path: '/healthz' }, { endpoint: '127.0.0.1:9090', path: '/healthz' }],
    [{ endpoint: '[::1]:8080' }, { endpoint: '[::1]:8080', path: '/' }],
    [{ endpoint: '${env:HC}' }, { endpoint: '${env:HC}', path: '/' }],
    [{ endpoint: '8080' }, { endpoint: '8080', path: '/' }],
    [{ endpoint: ':8080', check_collector_pipeline: { enabled: false } }, { endpoint: '0.0.0.0:8080', path: '/', check_collector_pipeline: { enabled: false } }],
  ])('health_check %j is defaulted to %j (upstream healthcheck v1 defaulter: host only added to ":port")', (settings, expected) => {
    expect(applyConfigDefaults(withExtension(settings)).extensions).toEqual({ health_check: expected });
  });
  test('a health_check not listed in service.extensions is left as written', () => {
    const cfg = { ...withExtension({}), service: { pipelines: { t: { receivers: ['otlp'], exporters: ['debug'] } } } };
    expect(applyConfigDefaults(cfg).extensions).toEqual({ health_check: {} });
  });
  test('health_check opens 13133 even with null settings, or its endpoint port', () => {
    const ports = (settings: unknown) => {
      const cfg = applyConfigDefaults(withExtension(settings));
      return inferPorts(cfg, enabledComponents(cfg), ['extensions'], 'x').map((p) => `${p.name}:${p.port}`);
    };
    expect(ports(null)).toEqual(['health-check:13133']);
    expect(ports({ endpoint: '0.0.0.0:14000' })).toEqual(['health-check:14000']);
  });
});

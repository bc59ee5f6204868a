import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { applyConfigDefaults } from '../../src/collector/config/defaults';
import { configHash, configHashInput } from '../../src/collector/config/model';
import { goJsonMarshal } from '../../src/common/gojson';

const E2E = path.resolve(__dirname, '../../../shared/upstream-e2e');
const readCr = (rel: string) => parse(fs.readFileSync(path.join(E2E, rel), 'utf8'));

describe('ConfigMap hash (upstream e2e/versioned-configmaps)', () => {
  test.each([
    ['e2e/versioned-configmaps/00-install.yaml', '5723ff27'],
    ['e2e/versioned-configmaps/01-update.yaml', 'dfcfaead'],
  ])('%s hashes to %s', (file, expected) => {
    const cr = readCr(file);
    expect(configHash(applyConfigDefaults(cr.spec.config)).slice(0, 8)).toBe(expected);
  });

  test('the defaulted config carries the endpoints and the telemetry reader upstream adds', () => {
    const cfg = applyConfigDefaults(readCr('e2e/versioned-configmaps/00-install.yaml').spec.config);
    expect(configHashInput(cfg)).toBe(
      '{"receivers":{"otlp":{"protocols":{"grpc":{"endpoint":"0.0.0.0:4317"},"http":{"endpoint":"0.0.0.0:4318"}}}},' +
      '"exporters":{"debug":{}},"processors":{"batch":{"send_batch_size":10000,"timeout":"10s"}},' +
      '"service":{"telemetry":{"metrics":{"readers":[{"pull":{"exporter":{"prometheus":{"host":"0.0.0.0","port":8888}}}}]}},' +
      '"pipelines":{"traces":{"exporters":["debug"],"processors":["batch"],"receivers":["otlp"]}}}}');
  });

  test('a different config gives a different hash', () => {
    const a = applyConfigDefaults(readCr('e2e/versioned-configmaps/00-install.yaml').spec.config);
    const b = applyConfigDefaults(readCr('e2e/versioned-configmaps/02-update.yaml').spec.config);
    expect(configHash(a)).not.toBe(configHash(b));
  });
});

describe('goJsonMarshal', () => {
  test('sorts map keys and escapes HTML characters like Go', () => {
    expect(goJsonMarshal({ b: '<a&b>', a: [1, 2.5, 1e21, 1e-7] })).toBe('{"a":[1,2.5,1e+21,1e-7],"b":"\\u003ca\\u0026b\\u003e"}');
  });
  test('escapes U+2028 and U+2029', () => {
    expect(goJsonMarshal('\u2028\u2029')).toBe('"\\u2028\\u2029"');
  });
});

describe('applyConfigDefaults', () => {
  test('keeps an explicit host and other settings, fills a missing host', () => {
    const cfg = applyConfigDefaults({
      receivers: { otlp: { protocols: { grpc: { endpoint: 'localhost:5317', max_recv_msg_size_mib: 8 }, http: { endpoint: ':5318' } } } },
      exporters: { debug: {} },
      service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
    });
    expect(cfg.receivers).toEqual({ otlp: { protocols: { grpc: { endpoint: 'localhost:5317', max_recv_msg_size_mib: 8 }, http: { endpoint: '0.0.0.0:5318' } } } });
  });
  test('leaves configured metrics telemetry alone', () => {
    const telemetry = { metrics: { address: '0.0.0.0:9999' } };
    const cfg = applyConfigDefaults({ service: { telemetry, pipelines: {} } });
    expect(cfg.service?.telemetry).toEqual(telemetry);
  });
  test('does not default components no pipeline uses', () => {
    const cfg = applyConfigDefaults({ receivers: { zipkin: {} }, service: { pipelines: {} } });
    expect(cfg.receivers).toEqual({ zipkin: {} });
  });
  test('an unknown protocol is an error', () => {
    expect(() => applyConfigDefaults({ receivers: { otlp: { protocols: { websocket: {} } } }, service: { pipelines: { t: { receivers: ['otlp'] } } } }))
      .toThrow('unknown protocol set: websocket');
  });
});

describe('defaulting merges like mergo', () => {
  test('null user values are dropped, nested maps merged, defaults win on scalars', () => {
    const cfg = applyConfigDefaults({
      receivers: { otlp: { include_metadata: null, protocols: { grpc: null, http: { endpoint: '', cors: { allowed_origins: ['*'] } } } } },
      service: { pipelines: { t: { receivers: ['otlp'] } } },
    });
    expect(cfg.receivers).toEqual({ otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318', cors: { allowed_origins: ['*'] } } } } });
  });
  test('defaulting is idempotent (the apis room may default before the collector room does)', () => {
    const once = applyConfigDefaults({ receivers: { zipkin: null, jaeger: { protocols: { thrift_http: {} } } }, exporters: { 'prometheus': {} }, service: { pipelines: { t: { receivers: ['zipkin', 'jaeger'], exporters: ['prometheus'] } } } });
    expect(applyConfigDefaults(once)).toEqual(once);
    expect(configHash(applyConfigDefaults(once))).toBe(configHash(once));
  });
});

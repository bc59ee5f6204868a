import { App, Chart, Testing } from 'cdk8s';
import * as lib from '../src';

// The package's entry point exposes the constructs and pure functions a user needs, and they work together.
describe('public API', () => {
  test('a collector built from the entry point synthesizes its workload and config', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'obs' });
    new lib.OtelCollector(chart, 'gateway', {
      mode: lib.CollectorMode.DEPLOYMENT,
      config: lib.CollectorConfig.fromObject({
        receivers: { otlp: { protocols: { grpc: {} } } },
        exporters: { debug: {} },
        service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
      }),
    });
    const objs = Testing.synth(chart);
    expect(objs.find((o) => o.kind === 'Deployment')?.metadata.name).toBe('gateway-collector');
    expect(objs.some((o) => o.kind === 'ConfigMap' && /^gateway-collector-[0-9a-f]{8}$/.test(o.metadata.name))).toBe(true);
  });

  test('the CRDs cover the four served collector/instrumentation/allocator kinds', () => {
    const names = lib.allCrds().map((c) => c.metadata.name);
    expect(names).toEqual(expect.arrayContaining([
      'opentelemetrycollectors.opentelemetry.io', 'instrumentations.opentelemetry.io', 'targetallocators.opentelemetry.io',
    ]));
  });

  test('render rejects invalid input with InvalidInputError', () => {
    expect(() => lib.renderYaml('apiVersion: opentelemetry.io/v1beta1\nkind: OpenTelemetryCollector\nmetadata: {name: x}\nspec: {mode: nope, config: {}}\n', 'cr.yaml'))
      .toThrow(lib.InvalidInputError);
  });
});

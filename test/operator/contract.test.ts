import { KubeObject } from '../../src/common/kube';
import { operatorUnderTest } from '../../src/conformance/wiring';
import { operatorFunctions } from '../../src/operator/contract';
import { reconcileObjects } from '../../src/render';

const OTLP = { receivers: { otlp: { protocols: { grpc: {} } } }, exporters: { debug: {} }, service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } } };

describe('the operator contract (src/operator/contract.ts)', () => {
  test('the conformance runner simulates the product functions: every part is wired', () => {
    const options = operatorUnderTest({ nativeSidecars: true });
    expect(Object.keys(options).sort()).toEqual(['admit', 'configMapRetention', 'conversion', 'podMutator', 'reconciler']);
    expect(Object.values(options).every((f) => f !== undefined)).toBe(true);
  });

  test('the reconciler is reconcileObjects: the constructs, with ownerReferences kept for the uids', () => {
    const cr = {
      apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'c', namespace: 'n' },
      spec: { mode: 'statefulset', targetAllocator: { enabled: true }, config: { ...OTLP, receivers: { prometheus: { config: { scrape_configs: [{ job_name: 'j' }] } } }, service: { pipelines: { metrics: { receivers: ['prometheus'], exporters: ['debug'] } } } } },
    };
    const objects = operatorFunctions().reconciler([cr], { namespace: 'n' });
    expect(objects).toEqual(reconcileObjects([cr], { namespace: 'n' }));
    expect(objects.find((o) => o.kind === 'TargetAllocator')!.metadata.ownerReferences![0]).toMatchObject({ kind: 'OpenTelemetryCollector', name: 'c', controller: true });
  });

  test('ConfigMap retention: older versioned ConfigMaps beyond configVersions go, unrelated ones stay', () => {
    const cm = (name: string, second: number): KubeObject => ({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, creationTimestamp: `2025-01-01T00:00:0${second}Z` },
    });
    const collector = { apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'c' }, spec: { configVersions: 1 } };
    const older = [cm('c-collector-00000001', 1), cm('c-collector-00000002', 2), cm('unrelated', 0)];
    const kept = operatorFunctions().configMapRetention(collector, older, [cm('c-collector-00000003', 3)]).map((c) => c.metadata.name);
    expect(kept).toEqual(['c-collector-00000002', 'unrelated']);
  });

  test('admission defaults collectors and instrumentations, conversion goes both ways', () => {
    const fns = operatorFunctions();
    const admitted = fns.admit({ apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'c' }, spec: { config: OTLP } }, undefined);
    expect((admitted.spec as any).mode).toBe('deployment');
    const v1alpha1 = fns.conversion.convert(admitted, 'opentelemetry.io/v1alpha1');
    expect(typeof (v1alpha1.spec as any).config).toBe('string');
    expect(fns.conversion.storageVersion('OpenTelemetryCollector')).toBe('opentelemetry.io/v1beta1');
    expect(() => fns.conversion.convert(admitted, 'opentelemetry.io/v2')).toThrow(/no conversion/);
  });

  test('the pod mutator throws when the webhook would leave the pod unchanged with an error', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n', annotations: { 'sidecar.opentelemetry.io/inject': 'missing' } }, spec: { containers: [{ name: 'app', image: 'x' }] } };
    const lookup = { get: () => undefined, list: () => [] };
    expect(() => operatorFunctions().podMutator(pod, lookup)).toThrow();
  });
});

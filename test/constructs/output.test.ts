/**
 * `output: ResourceOutput.CUSTOM_RESOURCE`: the constructs emit the custom resource itself, as an instance of
 * its generated class in imports/, exactly as the operator would be given it; and imports/ is what `cdk8s
 * import` makes of `allCrds()` today.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import {
  OpenTelemetryCollector as CollectorV1alpha1, OpenTelemetryCollectorV1Beta1, TargetAllocator,
} from '../../imports/opentelemetry.io';
import { InvalidInputError } from '../../src/common/errors';
import {
  CollectorConfig, CollectorMode, OtelCollector, OtelCollectorProps, OtelTargetAllocator, ResourceOutput, TargetAllocationStrategy,
  toCustomResource,
} from '../../src/constructs';
import { render } from '../../src/render';

const CONFIG = CollectorConfig.fromObject({
  receivers: { otlp: { protocols: { grpc: {}, http: {} } }, prometheus: { config: { scrape_configs: [{ job_name: 'j', static_configs: [{ targets: ['0.0.0.0:8888'] }] }] } } },
  exporters: { debug: {} },
  service: { pipelines: { metrics: { receivers: ['otlp', 'prometheus'], exporters: ['debug'] } } },
});
// hostPid and targetCpuUtilization are written hostPID and targetCPUUtilization on the wire
const PROPS: OtelCollectorProps = {
  name: 'agg', mode: CollectorMode.STATEFULSET, config: CONFIG, hostPid: true, targetAllocator: { enabled: true },
  autoscaler: { minReplicas: 1, maxReplicas: 3, targetCpuUtilization: 75 }, labels: { team: 'a' },
};

const chart = () => new Chart(new App(), 'c', { namespace: 'obs' });

describe('output: custom resource', () => {
  test('OtelCollector emits its OpenTelemetryCollector (v1beta1 class from imports/), exactly as toCustomResource describes it', () => {
    const c = chart();
    const collector = new OtelCollector(c, 'agg', { ...PROPS, output: ResourceOutput.CUSTOM_RESOURCE });
    const objects = c.toJson();
    expect(objects).toHaveLength(1);
    expect(Object.values(collector.objects)[0]).toBeInstanceOf(OpenTelemetryCollectorV1Beta1);
    expect(objects[0]).toEqual(toCustomResource(PROPS, 'agg', 'obs'));
    expect(objects[0].spec.hostPID).toBe(true);
    expect(objects[0].spec.autoscaler.targetCPUUtilization).toBe(75);
    expect(collector.targetAllocator).toBeUndefined();
    // the names the operator will give the objects are known all the same
    expect(collector.configMapName).toMatch(/^agg-collector-[0-9a-f]{8}$/);
  });

  test('round trip: what the operator makes of the emitted resource is what the objects output synthesizes', () => {
    const asResource = chart();
    new OtelCollector(asResource, 'agg', { ...PROPS, output: ResourceOutput.CUSTOM_RESOURCE });
    const asObjects = chart();
    new OtelCollector(asObjects, 'agg', PROPS);
    expect(render(asResource.toJson()).objects).toEqual(asObjects.toJson());
  });

  test('fromCustomResource emits the resource as given, in its own version', () => {
    const c = chart();
    const cr = { apiVersion: 'opentelemetry.io/v1alpha1', kind: 'OpenTelemetryCollector', metadata: { name: 'old' }, spec: { config: 'receivers: {otlp: {protocols: {grpc: {}}}}\nexporters: {debug: {}}\nservice: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}\n' } };
    const collector = OtelCollector.fromCustomResource(c, 'old', cr, { output: ResourceOutput.CUSTOM_RESOURCE });
    expect(Object.values(collector.objects)[0]).toBeInstanceOf(CollectorV1alpha1);
    expect(c.toJson()).toEqual([{ ...cr, metadata: { name: 'old', namespace: 'obs' } }]);
    expect(collector.warnings[0]).toMatch(/v1alpha1 OpenTelemetryCollector is deprecated/);
  });

  test('OtelTargetAllocator emits its TargetAllocator (class from imports/), with prometheusCR under its wire name', () => {
    const c = chart();
    const ta = new OtelTargetAllocator(c, 'shared', {
      allocationStrategy: TargetAllocationStrategy.LEAST_WEIGHTED, prometheusCr: { enabled: true }, output: ResourceOutput.CUSTOM_RESOURCE,
    });
    expect(Object.values(ta.objects)[0]).toBeInstanceOf(TargetAllocator);
    expect(c.toJson()).toEqual([{
      apiVersion: 'opentelemetry.io/v1alpha1', kind: 'TargetAllocator', metadata: { name: 'shared', namespace: 'obs' },
      spec: { allocationStrategy: 'least-weighted', prometheusCR: { enabled: true } },
    }]);
    // and the operator's objects for it are those of the objects output
    const asObjects = chart();
    new OtelTargetAllocator(asObjects, 'shared', { allocationStrategy: TargetAllocationStrategy.LEAST_WEIGHTED, prometheusCr: { enabled: true } });
    expect(render(c.toJson()).objects).toEqual(asObjects.toJson());
  });

  test('the resource is validated as the objects would be', () => {
    const c = chart();
    expect(() => new OtelCollector(c, 'bad', { ...PROPS, mode: CollectorMode.DEPLOYMENT, output: ResourceOutput.CUSTOM_RESOURCE }))
      .toThrow(InvalidInputError);
    expect(c.node.children).toHaveLength(0);
  });
});

describe('imports/', () => {
  test('is what cdk8s import makes of allCrds(): regenerated into a temporary folder, no file differs', () => {
    const root = path.resolve(__dirname, '../..');
    // inside the project (git-ignored .cache/), so the generated file resolves cdk8s as imports/ does
    fs.mkdirSync(path.join(root, '.cache'), { recursive: true });
    const out = fs.mkdtempSync(path.join(root, '.cache', 'imports-drift-'));
    try {
      execFileSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', 'scripts/import-crds.ts', out], { cwd: root, stdio: 'pipe' });
      const committed = fs.readdirSync(path.join(root, 'imports')).sort();
      expect(fs.readdirSync(out).sort()).toEqual(committed);
      for (const file of committed) {
        const regenerated = fs.readFileSync(path.join(out, file), 'utf8');
        // a failing toEqual of 11k-line files prints a diff; say which file and how to fix it first
        if (regenerated !== fs.readFileSync(path.join(root, 'imports', file), 'utf8')) {
          throw new Error(`imports/${file} differs from what \`npx projen import\` generates from allCrds(): run it and commit the result`);
        }
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});

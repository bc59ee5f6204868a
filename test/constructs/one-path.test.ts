/**
 * One path from custom resource to objects (issue 8): a chart built with the constructs and `render` give the
 * same objects, in the same order, as the same YAML bytes; and the cdk8s layer adds, drops and rewrites nothing
 * the pure builders produced. Over data no one hand-picked: every OpenTelemetryCollector and TargetAllocator of
 * upstream's e2e install/update steps, and a generated matrix of typed props.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { stringify } from 'yaml';
import { admitCollector, collectorObjects, resolveCollector } from '../../src/collector';
import { InvalidInputError } from '../../src/common/errors';
import { sortObjects } from '../../src/common/kube';
import {
  CollectorConfig, CollectorMode, IngressType, OtelCollector, OtelCollectorProps, OtelTargetAllocator, ResourceOutput, toCustomResource,
} from '../../src/constructs';
import { render } from '../../src/render';
import { buildTargetAllocatorObjects, targetAllocatorObjectsFromResource } from '../../src/targetallocator';
import { buildExamplesApp } from '../../examples/main';
import { e2eObjects } from '../apis/e2e-data';

type Outcome = { objects: any[] } | { error: string };

function outcome(fn: () => any[]): Outcome {
  try {
    return { objects: fn() };
  } catch (e) {
    if (!(e instanceof InvalidInputError)) throw e;
    return { error: e.message };
  }
}

function chartOf(build: (chart: Chart) => void): any[] {
  const chart = new Chart(new App(), 'c');
  build(chart);
  return chart.toJson();
}

/**
 * Deep-equal and in the same order; with `bytes`, also the same YAML bytes (key order included: cdk8s writes keys
 * sorted, as kubectl does, where the pure builders keep the order they were written in).
 */
function expectSame(actual: Outcome, expected: Outcome, bytes = true): void {
  expect(actual).toEqual(expected);
  if ('objects' in actual && 'objects' in expected) {
    expect(actual.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(expected.objects.map((o) => `${o.kind}/${o.metadata.name}`));
    if (bytes) expect(stringify(actual.objects)).toBe(stringify(expected.objects));
  }
}

const withoutUidlessOwners = (o: any) => {
  if (!o.metadata.ownerReferences?.some((r: any) => !r.uid)) return o;
  const { ownerReferences: _dropped, ...metadata } = o.metadata;
  return { ...o, metadata };
};

const E2E = e2eObjects().filter(({ obj }) => obj.kind === 'OpenTelemetryCollector' || obj.kind === 'TargetAllocator');

describe('upstream e2e custom resources: a chart built with fromCustomResource equals render([cr])', () => {
  test('the data set is the whole suite, not a sample', () => {
    expect(E2E.filter(({ obj }) => obj.kind === 'OpenTelemetryCollector').length).toBeGreaterThan(100);
    expect(E2E.filter(({ obj }) => obj.kind === 'TargetAllocator').length).toBeGreaterThan(0);
  });

  test.each(E2E.map((e) => [`${e.file}#${e.index} ${e.obj.kind} ${e.obj.metadata?.name}`, e.obj]))('%s', (_name, cr) => {
    const expected = outcome(() => render([cr]).objects);
    const actual = outcome(() => chartOf((chart) => {
      if (cr.kind === 'OpenTelemetryCollector') OtelCollector.fromCustomResource(chart, 'cr', cr);
      else OtelTargetAllocator.fromCustomResource(chart, 'cr', cr);
    }));
    expectSame(actual, expected);
  });
});

describe('upstream e2e collectors: the cdk8s layer is lossless (render equals the pure builders, sorted)', () => {
  const collectors = E2E.filter(({ obj }) => obj.kind === 'OpenTelemetryCollector');
  test.each(collectors.map((e) => [`${e.file}#${e.index} ${e.obj.metadata?.name}`, e.obj]))('%s', (_name, cr) => {
    const expected = outcome(() => {
      const admitted = admitCollector(cr);
      const own = collectorObjects(resolveCollector(admitted.model));
      return sortObjects([...own, ...buildTargetAllocatorObjects(admitted.resource as any)].map(withoutUidlessOwners));
    });
    expectSame(outcome(() => render([cr]).objects), expected, false);
  });
});

describe('upstream e2e target allocators: render equals the pure builders, sorted, without uid-less owner references', () => {
  const allocators = E2E.filter(({ obj }) => obj.kind === 'TargetAllocator');
  test.each(allocators.map((e) => [`${e.file}#${e.index} ${e.obj.metadata?.name}`, e.obj]))('%s', (_name, cr) => {
    const expected = outcome(() => sortObjects(targetAllocatorObjectsFromResource(cr).map(withoutUidlessOwners)));
    expectSame(outcome(() => render([cr]).objects), expected, false);
  });
});

const CONFIG = CollectorConfig.fromObject({
  receivers: {
    otlp: { protocols: { grpc: {}, http: {} } },
    prometheus: { config: { scrape_configs: [{ job_name: 'self', scrape_interval: '10s', static_configs: [{ targets: ['0.0.0.0:8888'] }] }] } },
  },
  processors: { batch: {} },
  exporters: { debug: {} },
  service: { pipelines: { metrics: { receivers: ['otlp', 'prometheus'], processors: ['batch'], exporters: ['debug'] } } },
});

/** modes × autoscaler × ingress × observability × targetAllocator, every combination (some are invalid). */
function propsMatrix(): Array<[string, OtelCollectorProps]> {
  const out: Array<[string, OtelCollectorProps]> = [];
  for (const mode of [CollectorMode.DEPLOYMENT, CollectorMode.DAEMONSET, CollectorMode.STATEFULSET, CollectorMode.SIDECAR]) {
    for (const autoscaler of [false, true]) {
      for (const ingress of [false, true]) {
        for (const observability of [false, true]) {
          for (const targetAllocator of [false, true]) {
            const name = `${mode}${autoscaler ? '-hpa' : ''}${ingress ? '-ingress' : ''}${observability ? '-metrics' : ''}${targetAllocator ? '-ta' : ''}`;
            out.push([name, {
              name: 'm',
              namespace: 'obs',
              mode,
              config: CONFIG,
              labels: { team: 'a' },
              ...(autoscaler ? { autoscaler: { minReplicas: 2, maxReplicas: 5, targetCpuUtilization: 70 } } : {}),
              ...(ingress ? { ingress: { type: IngressType.INGRESS, hostname: 'otel.example.com' } } : {}),
              ...(observability ? { observability: { enableMetrics: true } } : {}),
              ...(targetAllocator ? { targetAllocator: { enabled: true } } : {}),
            }]);
          }
        }
      }
    }
  }
  return out;
}

describe('typed props: new OtelCollector(chart, id, props) equals render([toCustomResource(props)])', () => {
  const matrix = propsMatrix();
  test('the matrix covers 4 modes × 2⁴ options, and both valid and invalid combinations', () => {
    expect(matrix).toHaveLength(64);
    const results = matrix.map(([, props]) => outcome(() => render([toCustomResource(props, 'm')]).objects));
    expect(results.filter((r) => 'error' in r).length).toBeGreaterThan(0);
    expect(results.filter((r) => 'objects' in r).length).toBeGreaterThan(32);
  });

  test.each(matrix)('%s', (_name, props) => {
    const expected = outcome(() => render([toCustomResource(props, 'm')]).objects);
    const actual = outcome(() => chartOf((chart) => new OtelCollector(chart, 'm', props)));
    expectSame(actual, expected);
  });

  test('the examples: every collector of the example app equals render of the resource it admitted', () => {
    const app = buildExamplesApp('/tmp/unused-examples-outdir');
    const collectors = app.node.findAll().filter((c): c is OtelCollector => c instanceof OtelCollector && c.output === ResourceOutput.OBJECTS);
    expect(collectors.length).toBeGreaterThanOrEqual(4);
    expect(collectors.some((c) => c.targetAllocator)).toBe(true);
    let patched = 0;
    const json = (o: ApiObject) => {
      const j = o.toJson();
      if ((o as unknown as { patches: unknown[] }).patches.length === 0) return j;
      // the scraper example gives its allocator's container resources with a JSON patch (rendered: none, `{}`)
      patched++;
      expect(j.spec.template.spec.containers[0].resources.limits).toEqual({ memory: '512Mi' });
      j.spec.template.spec.containers[0].resources = {};
      return j;
    };
    for (const collector of collectors) {
      const mine = [...Object.values(collector.objects), ...Object.values(collector.targetAllocator?.objects ?? {})].map(json);
      expectSame({ objects: sortObjects(mine) }, outcome(() => render([collector.customResource as any]).objects));
    }
    expect(patched).toBe(1);
  });
});

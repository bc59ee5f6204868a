/**
 * The TargetAllocator CR the operator generates for a collector is applied to the API server like any other CR,
 * so it must pass our own TargetAllocator schema (strict: unknown fields are rejected). Checked for a collector
 * that sets every embedded-allocator field, and for every collector with an allocator in upstream's e2e suite.
 */
import * as fs from 'fs';
import * as path from 'path';
import { convertCollectorV1alpha1ToV1beta1, isOurCustomResource, validateCustomResource } from '../../src/apis';
import { InvalidInputError } from '../../src/common/errors';
import { KubeObject } from '../../src/common/kube';
import { buildTargetAllocatorObjects } from '../../src/targetallocator';
import { E2E, loadDocs, NS, storedCollector } from './helpers';

/** Our kinds among the objects emitted for a collector, each checked against its CRD schema. */
function ourObjects(collector: any): KubeObject[] {
  return (buildTargetAllocatorObjects(collector) as KubeObject[]).filter(isOurCustomResource);
}

function collectorWithEveryTaField(): any {
  return storedCollector({
    apiVersion: 'opentelemetry.io/v1beta1',
    kind: 'OpenTelemetryCollector',
    metadata: { name: 'full', namespace: NS, labels: { team: 'a' }, annotations: { note: 'x' } },
    spec: {
      mode: 'statefulset',
      podAnnotations: { 'p/a': 'b' },
      targetAllocator: {
        enabled: true,
        replicas: 2,
        allocationStrategy: 'consistent-hashing',
        filterStrategy: 'relabel-config',
        serviceAccount: 'ta',
        image: 'ta:1',
        nodeSelector: { zone: 'a' },
        resources: { limits: { cpu: '1' } },
        env: [{ name: 'A', value: 'b' }],
        tolerations: [{ key: 'k', operator: 'Exists' }],
        podDisruptionBudget: { minAvailable: 1 },
        allowInsecureAuthSecrets: true,
        collectorNotReadyGracePeriod: '1m',
        collectorTargetReloadInterval: '10s',
        observability: { metrics: { enableMetrics: true } },
        prometheusCR: { enabled: true, scrapeInterval: '10s', allowNamespaces: ['a'], secretNamespaces: ['s'] },
        mtls: { enabled: true },
        telemetry: { metrics: { readers: [{ periodic: { interval: '10s', exporter: { otlpHttp: { endpoint: 'http://otlp:4318' } } } }] } },
      },
      config: {
        receivers: { prometheus: { config: { scrape_configs: [{ job_name: 'app', static_configs: [{ targets: ['app:8080'] }] }] } } },
        exporters: { debug: {} },
        service: { pipelines: { metrics: { receivers: ['prometheus'], exporters: ['debug'] } } },
      },
    },
  });
}

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

/** Every collector of upstream's e2e data with an embedded allocator, as stored (converted, defaulted). */
function e2eCollectorsWithTargetAllocator(): Array<[string, any]> {
  const out: Array<[string, any]> = [];
  for (const file of yamlFiles(E2E).sort()) {
    const rel = path.relative(E2E, file);
    let docs: any[];
    try {
      docs = loadDocs(rel);
    } catch {
      continue; // templates and multi-document files chainsaw reads with bindings
    }
    docs.forEach((doc, i) => {
      if (doc?.kind !== 'OpenTelemetryCollector' || doc.spec?.targetAllocator?.enabled !== true) return;
      const v1beta1 = doc.apiVersion === 'opentelemetry.io/v1alpha1' ? convertCollectorV1alpha1ToV1beta1(doc) : doc;
      out.push([`${rel}#${i} ${doc.metadata?.name}`, storedCollector(v1beta1)]);
    });
  }
  return out;
}

describe('the generated TargetAllocator CR passes our TargetAllocator schema', () => {
  test('a collector setting every embedded allocator field', () => {
    const objects = ourObjects(collectorWithEveryTaField());
    expect(objects.map((o) => o.kind)).toEqual(['TargetAllocator']);
    expect(objects[0].spec).toMatchObject({ allowInsecureAuthSecrets: true, mtls: { enabled: true }, collectorNotReadyGracePeriod: '1m' });
    expect(() => validateCustomResource(objects[0])).not.toThrow();
  });

  const e2e = e2eCollectorsWithTargetAllocator();
  test('the e2e data has collectors with an allocator', () => {
    expect(e2e.length).toBeGreaterThan(10);
  });

  test.each(e2e)('%s', (_name, collector) => {
    let objects: KubeObject[];
    try {
      objects = ourObjects(collector);
    } catch (e) {
      // collectors the webhook rejects (no prometheus receiver, nothing to allocate) produce nothing to apply
      expect(e).toBeInstanceOf(InvalidInputError);
      return;
    }
    for (const o of objects) expect(() => validateCustomResource(o)).not.toThrow();
  });
});

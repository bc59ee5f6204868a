import { parseCustomResources, schemaProblems, validateCustomResource } from '../../src/apis';
import { InvalidInputError } from '../../src/common/errors';

const collector = (spec: object) => ({
  apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'c', namespace: 'ns' },
  spec: { config: { receivers: { otlp: {} }, exporters: { debug: {} }, service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } } }, ...spec },
});

describe('parseCustomResources', () => {
  test('reads every document, skips empty ones, expands lists', () => {
    const text = [
      'apiVersion: opentelemetry.io/v1beta1\nkind: OpenTelemetryCollector\nmetadata: {name: a}\nspec: {}',
      '',
      'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}',
    ].join('\n---\n');
    const objs = parseCustomResources(text, 'in.yaml');
    expect(objs.map(o => `${o.kind}/${o.metadata.name}`)).toEqual(['OpenTelemetryCollector/a', 'ConfigMap/b', 'ConfigMap/c']);
  });

  test('a YAML syntax error names the file, the document and the line', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: [unclosed\n';
    let err: any;
    try {
      parseCustomResources(text, 'broken.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.resource).toBe('broken.yaml document 2');
    expect(err.path).toMatch(/^line \d+$/);
    expect(err.message).toContain('invalid YAML');
  });

  test('a document without kind, or not a mapping, is an error naming its index', () => {
    expect(() => parseCustomResources('apiVersion: v1\nmetadata: {}', 'f.yaml')).toThrow('f.yaml document 1: kind: required field is missing');
    expect(() => parseCustomResources('---\n- a\n- b\n', 'g.yaml')).toThrow(/g\.yaml document 1: \(document\): expected a Kubernetes object, got a list/);
  });
});

describe('validateCustomResource', () => {
  test('a valid collector passes and is returned unchanged', () => {
    const cr = collector({ mode: 'statefulset', replicas: 3 });
    expect(validateCustomResource(cr as any)).toBe(cr);
  });

  test.each([
    [{ mode: 'cluster' }, 'spec.mode', 'must be one of "daemonset", "deployment", "sidecar", "statefulset"'],
    [{ replicas: 'three' }, 'spec.replicas', 'must be of type integer'],
    [{ configVersions: 0 }, 'spec.configVersions', 'must be >= 1'],
    [{ modes: 'deployment' }, 'spec.modes', 'unknown field'],
    [{ targetAllocator: { allocationStrategy: 'round-robin' } }, 'spec.targetAllocator.allocationStrategy', 'must be one of'],
    [{ targetAllocator: { prometheusCR: { scrapeInterval: 'PT30S' } } }, 'spec.targetAllocator.prometheusCR.scrapeInterval', 'must match format "duration"'],
    [{ ports: [{ name: 'x' }] }, 'spec.ports[0].port', 'required field is missing'],
    [{ podDisruptionBudget: { maxUnavailable: true } }, 'spec.podDisruptionBudget.maxUnavailable', 'must be an integer or a string'],
    [{ resources: { limits: { cpu: 'lots' } } }, 'spec.resources.limits.cpu', 'must match pattern'],
    [{ env: [{ value: 'x' }] }, 'spec.env[0].name', 'required field is missing'],
  ])('%j is rejected at %s', (spec, path, message) => {
    const problems = schemaProblems(collector(spec) as any);
    expect(problems).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  test('the config must have receivers, exporters and service.pipelines', () => {
    const cr: any = collector({});
    cr.spec.config = { exporters: {}, service: {} };
    expect(schemaProblems(cr)).toEqual([
      { path: 'spec.config.receivers', message: 'required field is missing' },
      { path: 'spec.config.service.pipelines', message: 'required field is missing' },
    ]);
  });

  test('the error names resource, first path, lists all problems and the fix', () => {
    const cr: any = collector({ mode: 'x', replicas: 'y' });
    let err: any;
    try {
      validateCustomResource(cr);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.resource).toBe('OpenTelemetryCollector ns/c');
    expect(err.path).toBe('spec.replicas');
    expect(err.message).toContain('spec.mode: must be one of');
    expect(err.fix).toContain('opentelemetry.io/v1beta1 OpenTelemetryCollector schema');
  });

  test('null non-nullable fields are dropped as the API server does; null components are kept', () => {
    const cr: any = collector({ ingress: null });
    cr.spec.config.processors = null;
    cr.spec.config.exporters = { debug: null };
    expect(schemaProblems(cr)).toEqual([]);
    expect(cr.spec.ingress).toBeNull(); // the caller's object is not modified
  });

  test('unknown kinds and missing names are reported', () => {
    expect(schemaProblems({ apiVersion: 'v1', kind: 'Pod', metadata: {} })[0].message).toContain('is not a resource of this operator');
    const cr: any = collector({});
    cr.metadata = {};
    expect(schemaProblems(cr)).toEqual([{ path: 'metadata.name', message: 'required field is missing' }]);
  });

  test('instrumentation enums and path patterns', () => {
    const inst = (spec: object): any => ({ apiVersion: 'opentelemetry.io/v1alpha1', kind: 'Instrumentation', metadata: { name: 'i' }, spec });
    expect(schemaProblems(inst({ sampler: { type: 'parentbased_traceidratio', argument: '0.25' }, propagators: ['b3'] }))).toEqual([]);
    expect(schemaProblems(inst({ sampler: { type: 'parentbased_jaeger_remote' } }))[0].path).toBe('spec.sampler.type');
    expect(schemaProblems(inst({ propagators: ['w3c'] }))[0].path).toBe('spec.propagators[0]');
    expect(schemaProblems(inst({ nginx: { configFile: '/etc/nginx.conf; rm -rf /' } }))[0].path).toBe('spec.nginx.configFile');
    expect(schemaProblems(inst({ apacheHttpd: { configPath: 'a'.repeat(257) } }))[0].message).toContain('must NOT have more than 256 characters');
  });

  test('v1alpha1 collector config must be a string', () => {
    const cr: any = { apiVersion: 'opentelemetry.io/v1alpha1', kind: 'OpenTelemetryCollector', metadata: { name: 'a' }, spec: { config: { receivers: {} } } };
    expect(schemaProblems(cr)).toEqual([{ path: 'spec.config', message: 'must be of type string' }]);
  });
});

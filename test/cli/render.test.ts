import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { InvalidInputError } from '../../src/common/errors';
import { renderYaml } from '../../src/render';
import { runCli } from './helpers';

const E2E = path.resolve(__dirname, '../../../shared/upstream-e2e');

const run = runCli;

function tmpFile(content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-test-'));
  const file = path.join(dir, 'cr.yaml');
  fs.writeFileSync(file, content);
  return file;
}

const collector = (name: string, extra = '') => `apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata:
  name: ${name}
spec:
${extra}  config:
    receivers:
      otlp:
        protocols: { grpc: {}, http: {} }
    exporters:
      debug: {}
    service:
      pipelines:
        traces: { receivers: [otlp], exporters: [debug] }
`;

describe('cdk8s-otel render', () => {
  test('e2e versioned-configmaps install gives ConfigMap simple-collector-5723ff27', async () => {
    const r = await run(['render', '-f', path.join(E2E, 'e2e/versioned-configmaps/00-install.yaml')]);
    expect(r.code).toBe(0);
    const kinds = parseAllDocuments(r.out).map((d) => d.toJS());
    const cm = kinds.find((o) => o.kind === 'ConfigMap');
    expect(cm.metadata.name).toBe('simple-collector-5723ff27');
    expect(kinds.find((o) => o.kind === 'Deployment').metadata.name).toBe('simple-collector');
  });

  test('the update of versioned-configmaps gives simple-collector-dfcfaead', async () => {
    const r = await run(['render', '-f', path.join(E2E, 'e2e/versioned-configmaps/01-update.yaml'), '-o', 'json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out);
    expect(list.kind).toBe('List');
    expect(list.items.filter((o: any) => o.kind === 'ConfigMap').map((o: any) => o.metadata.name)).toEqual(['simple-collector-dfcfaead']);
  });

  test('output order is stable and puts what others reference first', async () => {
    const file = tmpFile(collector('b') + '---\n' + collector('a'));
    const first = await run(['render', '-f', file]);
    const second = await run(['render', '-f', file]);
    expect(first.out).toBe(second.out);
    const objs = parseAllDocuments(first.out).map((d) => d.toJS());
    const idx = (kind: string, name: string) => objs.findIndex((o) => o.kind === kind && o.metadata.name === name);
    expect(idx('ServiceAccount', 'a-collector')).toBeLessThan(idx('Deployment', 'a-collector'));
    expect(idx('Deployment', 'a-collector')).toBeLessThan(idx('Deployment', 'b-collector'));
  });

  test('ingress.type route: a warning without --openshift-routes, the Routes with it (issue 14 #16)', async () => {
    const file = tmpFile(collector('r', '  ingress: { type: route }\n'));
    const without = await run(['render', '-f', file]);
    expect(without.code).toBe(0);
    expect(without.err).toMatch(/^warning: OpenTelemetryCollector default\/r: spec\.ingress\.type is route, .*--openshift-routes/m);
    expect(parseAllDocuments(without.out).map((d) => d.toJS()).filter((o) => o.kind === 'Route')).toEqual([]);
    const withRoutes = await run(['render', '-f', file, '--openshift-routes']);
    expect(withRoutes.code).toBe(0);
    expect(withRoutes.err).toBe('');
    expect(parseAllDocuments(withRoutes.out).map((d) => d.toJS()).filter((o) => o.kind === 'Route').map((o) => o.metadata.name))
      .toEqual(['otlp-grpc-r-route', 'otlp-http-r-route']);
  });

  test('reads standard input with -f - and honours --namespace', async () => {
    const r = await run(['render', '-f', '-', '-n', 'observability'], collector('gw'));
    expect(r.code).toBe(0);
    const objs = parseAllDocuments(r.out).map((d) => d.toJS());
    expect(objs.length).toBeGreaterThan(3);
    expect(new Set(objs.filter((o) => o.kind !== 'ClusterRole' && o.kind !== 'ClusterRoleBinding').map((o) => o.metadata.namespace))).toEqual(new Set(['observability']));
  });

  test('daemonset mode renders a DaemonSet and no Deployment', async () => {
    const r = await run(['render', '-f', '-', '-o', 'json'], collector('agent', '  mode: daemonset\n'));
    const kinds = JSON.parse(r.out).items.map((o: any) => o.kind);
    expect(kinds).toContain('DaemonSet');
    expect(kinds).not.toContain('Deployment');
  });

  test('a pipeline naming an undefined receiver: what the operator deploys with a warning; --strict exits 1 naming the field path and the fix, and prints nothing', async () => {
    const bad = collector('bad').replace('receivers: [otlp]', 'receivers: [otlp, jaeger]');
    const preview = await run(['render', '-f', '-'], bad);
    expect(preview.code).toBe(0);
    expect(preview.out).toContain('name: bad-collector');
    expect(preview.err).toBe('warning: OpenTelemetryCollector default/bad: spec.config.service.pipelines.traces.receivers[1]: "jaeger" is not defined ' +
      '(define "jaeger" under spec.config.receivers or remove it from the pipeline); the operator deploys it all the same\n');
    const r = await run(['render', '-f', '-', '--strict'], bad);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('OpenTelemetryCollector default/bad');
    expect(r.err).toContain('spec.config.service.pipelines.traces.receivers[1]');
    expect(r.err).toContain('define "jaeger"');
  });

  test('one invalid resource among valid ones prints nothing at all', async () => {
    const r = await run(['render', '-f', '-'], collector('good') + '---\n' + collector('bad', '  mode: sideways\n'));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('spec.mode');
  });

  test('YAML syntax errors exit 1 with the document and line', async () => {
    const r = await run(['render', '-f', '-'], 'a: [\n');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/<stdin> document 1: line \d+/);
  });

  test('wrong usage exits 2', async () => {
    expect((await run(['render'])).code).toBe(2);
    expect((await run(['render', '-f', '-', '-o', 'xml'])).code).toBe(2);
    expect((await run(['render', '-f', '/does/not/exist.yaml'])).code).toBe(2);
    expect((await run([])).code).toBe(2);
    expect((await run(['no-such-command'])).code).toBe(2);
  });

  test('--help exits 0', async () => {
    const r = await run(['render', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('--file');
  });

  test('non-operator objects are skipped with a warning', async () => {
    const r = await run(['render', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n' + collector('gw'));
    expect(r.code).toBe(0);
    expect(r.err).toContain('ConfigMap default/x');
    expect(r.err).toContain('skipped');
  });

  test('a v1alpha1 collector renders like its v1beta1 conversion, with a deprecation warning', async () => {
    const v1alpha1 = `apiVersion: opentelemetry.io/v1alpha1
kind: OpenTelemetryCollector
metadata:
  name: old
spec:
  config: |
    receivers:
      otlp:
        protocols:
          grpc: {}
          http: {}
    exporters:
      debug: {}
    service:
      pipelines:
        traces:
          receivers: [otlp]
          exporters: [debug]
`;
    const a = await run(['render', '-f', '-', '-o', 'json'], v1alpha1);
    const b = await run(['render', '-f', '-', '-o', 'json'], collector('old'));
    expect(a.code).toBe(0);
    expect(a.err).toContain('deprecated');
    const cm = (out: string) => JSON.parse(out).items.find((o: any) => o.kind === 'ConfigMap').metadata.name;
    expect(cm(a.out)).toBe(cm(b.out));
  });
});

describe('render with a target allocator', () => {
  const withAllocator = `apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata:
  name: stateful
spec:
  mode: statefulset
  targetAllocator:
    enabled: true
  config:
    receivers:
      prometheus:
        config:
          scrape_configs:
            - job_name: self
              static_configs: [{ targets: ['127.0.0.1:8888'] }]
    exporters:
      debug: {}
    service:
      pipelines:
        metrics: { receivers: [prometheus], exporters: [debug] }
`;

  test('a collector with targetAllocator.enabled also gets the N-targetallocator objects, applyable without owner uids', async () => {
    const r = await run(['render', '-f', '-', '-o', 'json'], withAllocator);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const items = JSON.parse(r.out).items as any[];
    const names = items.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names).toEqual(expect.arrayContaining([
      'StatefulSet/stateful-collector', 'Deployment/stateful-targetallocator', 'Service/stateful-targetallocator',
      'ServiceAccount/stateful-targetallocator',
    ]));
    // render output is meant for `kubectl apply`: no ownerReference without a uid
    for (const o of items) for (const ref of o.metadata.ownerReferences ?? []) expect(ref.uid).toBeTruthy();
    // the collector polls the allocator instead of scraping itself
    const cm = items.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('stateful-collector-'));
    expect(cm.data['collector.yaml']).toContain('endpoint: http://stateful-targetallocator:80');
    expect(cm.data['collector.yaml']).not.toContain('scrape_configs');
  });

  test('enabling the allocator on a collector without a prometheus receiver is invalid input', async () => {
    const noProm = withAllocator.replace(/prometheus/g, 'otlp').replace(/config:\n {10}scrape_configs:[\s\S]*?targets: \['127.0.0.1:8888'\] }\]\n/, 'protocols: { grpc: {} }\n');
    const r = await run(['render', '-f', '-'], noProm);
    expect(r.code).toBe(1);
    expect(r.err).toContain('prometheus');
    expect(r.out).toBe('');
  });
});

describe('every invalid input is an InvalidInputError naming the resource, the field path and the fix', () => {
  const v1alpha1 = (name: string, config: string) => `apiVersion: opentelemetry.io/v1alpha1
kind: OpenTelemetryCollector
metadata:
  name: ${name}
spec:
  config: |
${config.split('\n').map((l) => `    ${l}`).join('\n')}
`;
  const cases: Array<[string, string, string]> = [
    ['YAML syntax in a v1alpha1 config string', v1alpha1('y', 'receivers: [unclosed'), 'spec.config'],
    ['an unknown mode', collector('m', '  mode: cronjob\n'), 'spec.mode'],
    ['a port out of range in spec.ports', collector('b', '  ports: [{ name: p, port: 70000 }]\n'), 'spec.ports[0]'],
    ['a port out of range in a receiver endpoint', collector('e').replace('grpc: {}', 'grpc: { endpoint: "0.0.0.0:99999" }'), 'spec.config.receivers.otlp'],
    ['an unknown receiver protocol', collector('o').replace('grpc: {}', 'udp: {}'), 'spec.config.receivers.otlp'],
    ['a name longer than Kubernetes allows', collector('x'.repeat(254)), 'metadata.name'],
  ];
  const strictCases: Array<[string, string, string]> = [
    ['no pipelines (with strict)', collector('p').replace(/pipelines:\n.*\n/, 'pipelines: {}\n'), 'spec.config.service.pipelines'],
    ['a pipeline naming an undefined component (with strict)', collector('u').replace('receivers: [otlp]', 'receivers: [otlp, zipkin]'), 'spec.config.service.pipelines.traces.receivers[1]'],
  ];
  test.each([...cases, ...strictCases])('%s', (what, yaml, fieldPath) => {
    let err: unknown;
    let result: unknown;
    try {
      result = renderYaml(yaml, 'test.yaml', { strict: what.includes('with strict') });
    } catch (e) { err = e; }
    expect(result).toBeUndefined();
    expect(err).toBeInstanceOf(InvalidInputError);
    const e = err as InvalidInputError;
    expect(e.resource).toMatch(/^OpenTelemetryCollector default\//);
    expect(e.path).toBe(fieldPath);
    expect(e.fix.length).toBeGreaterThan(0);
  });

  test('the operator view (reconcileObjects) still accepts a v1alpha1 config that does not parse, as upstream converts it to an empty config', async () => {
    const { reconcileObjects } = await import('../../src/render');
    const objs = reconcileObjects(parseAllDocuments(v1alpha1('y', 'receivers: [unclosed')).map((d) => d.toJS()));
    expect(objs.map((o) => o.kind)).toContain('Deployment');
  });
});

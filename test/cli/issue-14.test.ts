/**
 * Regression tests for the CLI defects of issue 14 (2, 8, 9, 10, 17, 27 and the friction items `render -f DIR`
 * and the target allocator's message for the ConfigMap `render` writes), each built from the input the issue
 * describes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseAllocatorConfig } from '../../src/allocator/config';
import { EXIT_CODES_HELP } from '../../src/cli/io';
import { runCli } from './helpers';

const run = runCli;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'issue-14-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

const collector = (name: string, opts: { apiVersion?: string; kind?: string; namespace?: string; pipelines?: string } = {}) => `apiVersion: ${opts.apiVersion ?? 'opentelemetry.io/v1beta1'}
kind: ${opts.kind ?? 'OpenTelemetryCollector'}
metadata:
  name: ${name}
${opts.namespace ? `  namespace: ${opts.namespace}\n` : ''}spec:
  config:
    receivers:
      otlp:
        protocols: { grpc: {}, http: {} }
    exporters:
      debug: {}
    service:
      pipelines:${opts.pipelines ?? '\n        traces: { receivers: [otlp], exporters: [debug] }'}
`;

const objectsOf = (out: string) => parseAllDocuments(out).map((d) => d.toJS());

describe('defect 2: a document of opentelemetry.io that we cannot read is an error, not a skip', () => {
  test('a misspelled kind exits 1 naming the document, the kind/version, the kinds we know and the near one', async () => {
    const file = write('cr.yaml', `${collector('good')}---\n${collector('x', { kind: 'OpenTelemetryColector' })}`);
    const r = await run(['render', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe(`cdk8s-otel render: ${file} document 2 (OpenTelemetryColector default/x): kind: unknown kind "OpenTelemetryColector" in opentelemetry.io/v1beta1 ` +
      '(did you mean OpenTelemetryCollector?) (the kinds we know are opentelemetry.io/v1beta1 OpenTelemetryCollector, opentelemetry.io/v1alpha1 OpenTelemetryCollector, ' +
      'opentelemetry.io/v1alpha1 Instrumentation, opentelemetry.io/v1alpha1 TargetAllocator)\n');
  });

  test('an unknown apiVersion of a kind we know names the versions that serve it', async () => {
    const r = await run(['render', '-f', '-'], collector('x', { apiVersion: 'opentelemetry.io/v1' }));
    expect(r.code).toBe(1);
    expect(r.err).toContain('<stdin> document 1 (OpenTelemetryCollector default/x): apiVersion: opentelemetry.io/v1 has no kind OpenTelemetryCollector');
    expect(r.err).toContain('use apiVersion opentelemetry.io/v1beta1 or opentelemetry.io/v1alpha1');
    const inst = await run(['render', '-f', '-'], 'apiVersion: opentelemetry.io/v1beta1\nkind: Instrumentation\nmetadata: {name: i}\n');
    expect(inst.code).toBe(1);
    expect(inst.err).toContain('use apiVersion opentelemetry.io/v1alpha1');
  });

  test('an upstream kind we do not render (OpAMPBridge) is an error that says so', async () => {
    const r = await run(['render', '-f', '-'], 'apiVersion: opentelemetry.io/v1alpha1\nkind: OpAMPBridge\nmetadata: {name: b}\nspec: {endpoint: ws://x}\n');
    expect(r.code).toBe(1);
    expect(r.err).toContain('kind: OpAMPBridge is served by the upstream operator but not rendered by cdk8s-otel yet');
  });

  test('a document of another group is still skipped with a warning (exit 0)', async () => {
    const r = await run(['render', '-f', '-'], `apiVersion: example.com/v1\nkind: OpenTelemetryCollector\nmetadata: {name: other}\n---\n${collector('gw')}`);
    expect(r.code).toBe(0);
    expect(r.err).toBe('warning: OpenTelemetryCollector default/other (example.com/v1): not an opentelemetry.io resource; the operator creates nothing for it, skipped\n');
  });
});

describe('defect 8: the same resource twice in one input is an error naming both documents', () => {
  test('same kind, namespace and name twice exits 1 and prints nothing', async () => {
    const file = write('dup.yaml', `${collector('gw')}---\n${collector('other')}---\n${collector('gw')}`);
    const r = await run(['render', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain(`${file} document 3 (OpenTelemetryCollector default/gw): metadata.name: duplicates ${file} document 1 (OpenTelemetryCollector default/gw)`);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  test('v1alpha1 and v1beta1 of one collector are the same resource; a namespace given or defaulted counts', async () => {
    const v1alpha1 = 'apiVersion: opentelemetry.io/v1alpha1\nkind: OpenTelemetryCollector\nmetadata: {name: gw, namespace: default}\nspec:\n  config: "receivers: {otlp: {protocols: {grpc: {}}}}"\n';
    const r = await run(['render', '-f', '-'], `${collector('gw')}---\n${v1alpha1}`);
    expect(r.code).toBe(1);
    expect(r.err).toContain('<stdin> document 2 (OpenTelemetryCollector default/gw): metadata.name: duplicates <stdin> document 1');
  });

  test('the same name in two namespaces is two resources', async () => {
    const r = await run(['render', '-f', '-', '-o', 'json'], `${collector('gw', { namespace: 'a' })}---\n${collector('gw', { namespace: 'b' })}`);
    expect(r.code).toBe(0);
    const deployments = JSON.parse(r.out).items.filter((o: any) => o.kind === 'Deployment').map((o: any) => `${o.metadata.namespace}/${o.metadata.name}`);
    expect(deployments).toEqual(['a/gw-collector', 'b/gw-collector']);
  });
});

describe('defect 9: a v1alpha1 collector without spec.config', () => {
  test('reports the missing field as the API server does, not "no pipelines"', async () => {
    const r = await run(['render', '-f', '-'], 'apiVersion: opentelemetry.io/v1alpha1\nkind: OpenTelemetryCollector\nmetadata: {name: old}\nspec:\n  mode: deployment\n');
    expect(r.code).toBe(1);
    expect(r.err).toContain('OpenTelemetryCollector default/old: spec.config: Required value');
    expect(r.err).not.toContain('no pipelines');
    const noSpec = await run(['render', '-f', '-'], 'apiVersion: opentelemetry.io/v1alpha1\nkind: OpenTelemetryCollector\nmetadata: {name: old}\n');
    expect(noSpec.code).toBe(1);
    expect(noSpec.err).toContain('spec.config: Required value');
  });
});

describe('defect 17: a skipped cluster-scoped object has no namespace', () => {
  test('Namespace and ClusterRole are named without default/', async () => {
    const input = `apiVersion: v1\nkind: Namespace\nmetadata: {name: observability}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\n---\n${collector('gw')}`;
    const r = await run(['render', '-f', '-'], input);
    expect(r.code).toBe(0);
    expect(r.err).toContain('warning: Namespace observability (v1): not an opentelemetry.io resource');
    expect(r.err).toContain('warning: ClusterRole reader (rbac.authorization.k8s.io/v1): not an opentelemetry.io resource');
    expect(r.err).not.toContain('default/observability');
    expect(r.err).not.toContain('default/reader');
  });
});

describe('defect 27: a config with no pipelines renders what the operator deploys, with a warning', () => {
  const noPipelines = collector('idle', { pipelines: ' {}' });

  test('exit 0, the objects upstream creates, and a warning naming the field', async () => {
    const r = await run(['render', '-f', '-', '-o', 'json'], noPipelines);
    expect(r.code).toBe(0);
    expect(r.err).toBe('warning: OpenTelemetryCollector default/idle: spec.config.service.pipelines: no pipelines are defined, so the collector would do nothing ' +
      '(add a pipeline, e.g. traces: {receivers: [otlp], exporters: [debug]}); the operator deploys it all the same\n');
    const names = JSON.parse(r.out).items.map((o: any) => `${o.kind}/${o.metadata.name}`);
    expect(names).toEqual(expect.arrayContaining([
      'Deployment/idle-collector', 'ServiceAccount/idle-collector', 'Service/idle-collector-monitoring', 'PodDisruptionBudget/idle-collector',
      'NetworkPolicy/idle-collector-networkpolicy',
    ]));
    expect(names.some((n: string) => n.startsWith('ConfigMap/idle-collector-'))).toBe(true);
  });

  test('--strict keeps the check for CI: exit 1 and nothing on stdout', async () => {
    const r = await run(['render', '-f', '-', '--strict'], noPipelines);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe('cdk8s-otel render: OpenTelemetryCollector default/idle: spec.config.service.pipelines: no pipelines are defined, so the collector would do nothing ' +
      '(add a pipeline, e.g. traces: {receivers: [otlp], exporters: [debug]})\n');
  });

  test('--strict passes a clean input, and fails on any other warning (exit 1, nothing on stdout)', async () => {
    const r = await run(['render', '-f', '-', '--strict'], collector('gw'));
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const skipped = await run(['render', '-f', '-', '--strict'], `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n${collector('gw')}`);
    expect(skipped.code).toBe(1);
    expect(skipped.out).toBe('');
    expect(skipped.err).toContain('cdk8s-otel render: --strict: 1 warning(s) above, so nothing is printed');
  });
});

describe('defect 10: one exit-code rule for every command', () => {
  const workload = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: {instrumentation.opentelemetry.io/inject-java: "true"}}\nspec: {containers: [{name: app, image: app}]}\n';
  const validInput: { [command: string]: string } = { render: collector('gw'), inject: workload };
  const fileFlag: { [command: string]: string } = { 'render': '-f', 'inject': '-f', 'target-allocator': '--config' };

  test('--help of the program and of every command states the rule (and the README says the same)', async () => {
    for (const args of [['--help'], ['render', '--help'], ['inject', '--help'], ['target-allocator', '--help'], ['dev-cluster', '--help']]) {
      const r = await run(args);
      expect(r.code).toBe(0);
      expect(r.out).toContain(EXIT_CODES_HELP);
    }
    const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
    expect(readme).toContain(EXIT_CODES_HELP);
  });

  test.each(['render', 'inject', 'target-allocator'])('%s: a missing file is wrong usage (2), an empty file invalid input (1), one line each', async (command) => {
    const missing = await run([command, fileFlag[command], path.join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^[\w -]+: file not found: .*nope\.yaml \(check the path\)\n$/);
    const empty = await run([command, fileFlag[command], write('empty.yaml', '')]);
    expect(empty.code).toBe(1);
    expect(empty.out).toBe('');
    expect(empty.err.split('\n')).toHaveLength(2);
    const broken = await run([command, fileFlag[command], write('broken.yaml', 'a: [\n')]);
    expect(broken.code).toBe(1);
    expect(broken.err.split('\n')).toHaveLength(2);
  });

  test.each(['render', 'inject', 'target-allocator', 'dev-cluster'])('%s: an unknown option or a bad option value is wrong usage (2)', async (command) => {
    expect((await run([command, '--no-such-option'])).code).toBe(2);
    const bad = command === 'dev-cluster' ? ['--nodes', 'many'] : command === 'target-allocator' ? [] : ['-f', '-', '-o', 'xml'];
    expect((await run([command, ...bad], validInput[command] ?? '')).code).toBe(2);
  });

  test('inject: a missing Instrumentation and a disabled language are both warnings: exit 0 with the pod; 1 with --strict', async () => {
    const missing = await run(['inject', '-f', '-'], workload);
    expect(missing.code).toBe(0);
    expect(missing.err).toContain('warning: Pod default/p: ');
    expect(objectsOf(missing.out)[0].metadata.name).toBe('p');
    const instrumentation = 'apiVersion: opentelemetry.io/v1alpha1\nkind: Instrumentation\nmetadata: {name: i}\nspec: {exporter: {endpoint: "http://c:4318"}}\n---\n';
    const disabled = await run(['inject', '-f', '-', '--enable', 'java=false'], instrumentation + workload);
    expect(disabled.code).toBe(0);
    expect(disabled.err).toContain('warning: Pod default/p: support for Java auto instrumentation is not enabled');
    for (const args of [['inject', '-f', '-', '--strict'], ['inject', '-f', '-', '--strict', '--enable', 'java=false']]) {
      const r = await run(args, (args.length > 4 ? instrumentation : '') + workload);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
    }
  });

  test('render: a file of no opentelemetry.io resource is invalid input, like an empty one', async () => {
    const r = await run(['render', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('no opentelemetry.io resource among its 1 object(s)');
  });
});

describe('render -f DIR reads every manifest of the folder in name order, as kubectl does', () => {
  test('*.yaml, *.yml and *.json in name order; other files and subfolders are not read', async () => {
    write('b.yaml', collector('b'));
    write('a.yml', collector('a', { namespace: 'x' }));
    write('c.json', JSON.stringify(objectsOf(collector('c'))[0]));
    write('notes.txt', 'not yaml: [');
    write('sub/d.yaml', collector('d'));
    const r = await run(['render', '-f', dir, '-o', 'json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const deployments = JSON.parse(r.out).items.filter((o: any) => o.kind === 'Deployment').map((o: any) => o.metadata.name);
    expect(deployments.sort()).toEqual(['a-collector', 'b-collector', 'c-collector']);
  });

  test('errors name the file within the folder; a duplicate across files names both', async () => {
    write('1.yaml', collector('gw'));
    write('2.yaml', collector('gw'));
    const r = await run(['render', '-f', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${path.join(dir, '2.yaml')} document 1 (OpenTelemetryCollector default/gw): metadata.name: duplicates ${path.join(dir, '1.yaml')} document 1`);
  });

  test('a folder without manifests is wrong usage (2)', async () => {
    write('readme.md', '# nothing');
    const r = await run(['render', '-f', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('is a folder with no *.yaml, *.yml, *.json files');
  });
});

describe('the target allocator ConfigMap that render writes, fed to `cdk8s-otel target-allocator`', () => {
  const withAllocator = `apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata: {name: stateful}
spec:
  mode: statefulset
  targetAllocator: {enabled: true}
  config:
    receivers:
      prometheus:
        config:
          scrape_configs:
            - job_name: self
              static_configs: [{ targets: ['127.0.0.1:8888'] }]
    exporters: {debug: {}}
    service:
      pipelines:
        metrics: { receivers: [prometheus], exporters: [debug] }
`;

  test('loads as written in the pod (OTELCOL_NAMESPACE set): the collectors are discovered from their pods by its selector', async () => {
    const r = await run(['render', '-f', '-', '-o', 'json'], withAllocator);
    const cm = JSON.parse(r.out).items.find((o: any) => o.kind === 'ConfigMap' && o.metadata.name === 'stateful-targetallocator');
    const text: string = cm.data['targetallocator.yaml'];
    const config = parseAllocatorConfig(text, 'targetallocator.yaml', { OTELCOL_NAMESPACE: 'default' });
    expect(config.collectors).toEqual([]);
    expect(config.collectorNamespace).toBe('default');
    expect(config.collectorSelector.matchLabels['app.kubernetes.io/component']).toBe('opentelemetry-collector');
    // outside a pod, without the namespace, one message says what is missing
    let message = '';
    try {
      parseAllocatorConfig(text, 'targetallocator.yaml', {});
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('targetallocator.yaml: collector_namespace: required when collectors are discovered from pods');
  });
});

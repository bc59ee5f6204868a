// Issue 14: where our target allocator objects differed from upstream's operator at be89444 on the same CRs. Each
// test is built from the input the issue names and failed before the fix.
import { renderYaml } from '../../src/render';
import { buildTargetAllocatorCr } from '../../src/targetallocator';
import { storedCollector } from './helpers';
import { TARGET_ALLOCATOR_SAMPLE } from './upstream-samples';

const kindsAndNames = (objs: any[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`);
const find = (objs: any[], kind: string) => objs.find((o) => o.kind === kind);

const SAMPLE = TARGET_ALLOCATOR_SAMPLE;

/** a standalone allocator as the target allocator docs show one: its own scrape configs, nothing else */
const STANDALONE = (spec: string) => `apiVersion: opentelemetry.io/v1alpha1
kind: TargetAllocator
metadata:
  name: ta
  namespace: obs
${spec}`;

const SELECTOR = (name: string, namespace: string) => ({
  'app.kubernetes.io/managed-by': 'opentelemetry-operator',
  'app.kubernetes.io/instance': `${namespace}.${name}`,
  'app.kubernetes.io/part-of': 'opentelemetry',
  'app.kubernetes.io/component': 'opentelemetry-targetallocator',
});

describe('#3/#23 PodDisruptionBudget by default for every strategy but least-weighted', () => {
  test.each([
    ['config/samples (spec: null)', SAMPLE, 'targetallocator-sample', 'default'],
    ['spec: {}', STANDALONE('spec: {}\n'), 'ta', 'obs'],
    ['no spec', STANDALONE(''), 'ta', 'obs'],
    ['docs standalone example', STANDALONE('spec:\n  scrapeConfigs:\n  - job_name: prometheus\n    static_configs:\n    - targets: ["localhost:9090"]\n'), 'ta', 'obs'],
    ['per-node', STANDALONE('spec:\n  allocationStrategy: per-node\n'), 'ta', 'obs'],
  ])('%s: <name>-targetallocator with maxUnavailable 1', (_what, yaml, name, namespace) => {
    const pdb = find(renderYaml(yaml, 'ta.yaml').objects, 'PodDisruptionBudget');
    expect(pdb.metadata.name).toBe(`${name}-targetallocator`);
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toMatchObject(SELECTOR(name, namespace));
  });
  test('least-weighted: no budget', () => {
    const objs = renderYaml(STANDALONE('spec:\n  allocationStrategy: least-weighted\n'), 'ta.yaml').objects;
    expect(kindsAndNames(objs).filter((k) => k.startsWith('PodDisruptionBudget'))).toEqual([]);
  });
});

describe('#25 the allocator NetworkPolicy selects without app.kubernetes.io/name', () => {
  test('podSelector is the four selector labels; the Deployment still selects on its name label too', () => {
    const objs = renderYaml(STANDALONE('spec: {}\n'), 'ta.yaml').objects;
    expect(find(objs, 'NetworkPolicy').spec.podSelector).toEqual({ matchLabels: SELECTOR('ta', 'obs') });
    expect(find(objs, 'Deployment').spec.selector.matchLabels).toEqual({ ...SELECTOR('ta', 'obs'), 'app.kubernetes.io/name': 'ta-targetallocator' });
  });
});

describe('#13/#24 the TargetAllocator CR generated for a collector', () => {
  const collector = (labels?: Record<string, string>) => storedCollector({
    apiVersion: 'opentelemetry.io/v1beta1',
    kind: 'OpenTelemetryCollector',
    metadata: { name: 'col', namespace: 'obs', labels },
    spec: {
      mode: 'statefulset',
      targetAllocator: { enabled: true },
      config: {
        receivers: { prometheus: { config: { scrape_configs: [{ job_name: 'j', static_configs: [{ targets: ['a:1'] }] }] } } },
        exporters: { debug: {} },
        service: { pipelines: { metrics: { receivers: ['prometheus'], exporters: ['debug'] } } },
      },
    },
  });
  test('a collector without labels: the CR is labelled managed-by the operator', () => {
    expect(buildTargetAllocatorCr(collector())!.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'opentelemetry-operator' });
  });
  test('the collector\'s labels are copied, then managed-by is set', () => {
    expect(buildTargetAllocatorCr(collector({ team: 'a', 'app.kubernetes.io/managed-by': 'helm' }))!.metadata.labels)
      .toEqual({ team: 'a', 'app.kubernetes.io/managed-by': 'opentelemetry-operator' });
  });
});

import { casesFromFile, deselectionReason } from '../../src/conformance/cases';
import { ClusterOperation, ResourceOperation, parseTestFile, TestFileError } from '../../src/conformance/model';

const TEST = `
apiVersion: chainsaw.kyverno.io/v1alpha1
kind: Test
metadata:
  name: sample
spec:
  namespace: default
  bindings:
    - name: version
      value: (x_k8s_server_version($config))
  steps:
    - name: install
      try:
        - apply:
            file: 00-install.yaml
        - assert:
            template: false
            file: 00-assert.yaml
        - script:
            content: echo 1
            outputs:
              - name: out
                value: ($stdout)
      catch:
        - podLogs:
            selector: app=x
    - name: rbac
      use:
        template: ../templates/rbac.yaml
        with:
          bindings:
            - name: role
              value: custom
    - try:
        - delete:
            ref: { apiVersion: batch/v1, kind: Job, name: load }
        - error:
            resource: { apiVersion: v1, kind: Service, metadata: { name: s } }
`;

const TEMPLATE = `
apiVersion: chainsaw.kyverno.io/v1alpha1
kind: StepTemplate
metadata: { name: rbac }
spec:
  bindings:
    - name: role
      value: default-role
    - name: other
      value: x
  try:
    - apply:
        file: role.yaml
`;

const load = (p: string) => {
  if (p === '/suite/templates/rbac.yaml') return TEMPLATE;
  throw new Error(`unexpected ${p}`);
};

describe('parseTestFile', () => {
  const [parsed] = parseTestFile(TEST, '/suite/case/chainsaw-test.yaml', load);

  test('reads name, namespace and test bindings', () => {
    expect(parsed.name).toBe('sample');
    expect(parsed.namespace).toBe('default');
    expect(parsed.bindings).toEqual([{ name: 'version', value: '(x_k8s_server_version($config))' }]);
  });

  test('reads try operations in order; catch is not part of the steps', () => {
    expect(parsed.steps[0].operations.map((o) => o.type)).toEqual(['apply', 'assert', 'script']);
    const apply = parsed.steps[0].operations[0] as ResourceOperation;
    expect(apply).toMatchObject({ file: '00-install.yaml', baseDir: '/suite/case', template: true });
    expect((parsed.steps[0].operations[1] as ResourceOperation).template).toBe(false);
    expect((parsed.steps[0].operations[2] as ClusterOperation).outputs).toEqual(['out']);
  });

  test('a step template brings its operations, relative to the template, and `with` bindings override its defaults', () => {
    const step = parsed.steps[1];
    expect(step.template).toBe('../templates/rbac.yaml');
    expect((step.operations[0] as ResourceOperation).baseDir).toBe('/suite/templates');
    const bound = Object.fromEntries(step.bindings.map((b) => [b.name, b.value]));
    expect(bound).toEqual({ role: 'custom', other: 'x' });
  });

  test('unnamed steps get step-<index>; delete refs and inline resources are kept', () => {
    const step = parsed.steps[2];
    expect(step.name).toBe('step-2');
    expect((step.operations[0] as ResourceOperation).ref).toEqual({ apiVersion: 'batch/v1', kind: 'Job', name: 'load' });
    expect((step.operations[1] as ResourceOperation).resource).toMatchObject({ kind: 'Service' });
  });

  test('bad input names the file and the place', () => {
    expect(() => parseTestFile('kind: Other\n', '/x/chainsaw-test.yaml', load)).toThrow(TestFileError);
    expect(() => parseTestFile('kind: Test\nspec:\n  steps:\n    - try:\n        - frobnicate: {}\n', '/x/chainsaw-test.yaml', load))
      .toThrow('/x/chainsaw-test.yaml: document 0.spec.steps[0].try[0]: unknown operation "frobnicate"');
  });
});

describe('cases', () => {
  const twins = `
apiVersion: chainsaw.kyverno.io/v1alpha1
kind: Test
metadata: { name: smoke-sidecar, labels: { sidecar: legacy } }
spec: { steps: [] }
---
apiVersion: chainsaw.kyverno.io/v1alpha1
kind: Test
metadata: { name: smoke-sidecar-native, labels: { sidecar: native } }
spec: { steps: [] }
`;
  test('one case per Test document; twins are named after their Test', () => {
    const cases = casesFromFile('e2e-sidecar', 'smoke-sidecar', '/s/smoke-sidecar/chainsaw-test.yaml', twins, load);
    expect(cases.map((c) => c.name)).toEqual(['smoke-sidecar', 'smoke-sidecar-native']);
  });
  test('sidecar twins are selected by Kubernetes version, spec.skip is honoured', () => {
    const [legacy, native] = casesFromFile('e2e-sidecar', 'smoke-sidecar', '/s/chainsaw-test.yaml', twins, load).map((c) => c.test);
    expect(deselectionReason(legacy, 31)).toMatch(/native/);
    expect(deselectionReason(native, 31)).toBeUndefined();
    expect(deselectionReason(native, 28)).toMatch(/legacy/);
    expect(deselectionReason({ ...native, skip: true }, 31)).toMatch(/spec.skip/);
  });
});

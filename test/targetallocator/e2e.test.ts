import { parse } from 'yaml';
import { assertTree } from '../../src/conformance/matcher';
import { assertDocs, assertFile, dropRevision, find, loadDocs, NS, renderFiles, renderTargetAllocators } from './helpers';

/** Upstream's e2e install → assert pairs, rendered with this room's functions only. */
describe('upstream e2e asserts on target allocator objects', () => {
  test.each([
    // standalone TargetAllocator CR (the Deployment controller's revision annotation is not ours)
    [['e2e-targetallocator-cr/00-install.yaml'], 'e2e-targetallocator-cr/00-assert.yaml'],
    // collector with an embedded allocator
    [['e2e-pdb/target-allocator/00-install.yaml'], 'e2e-pdb/target-allocator/00-assert.yaml'],
    [['e2e/smoke-collector/smoke-targetallocator/00-install.yaml'], 'e2e/smoke-collector/smoke-targetallocator/00-assert.yaml'],
    [['e2e/smoke-deletion/00-install.yaml'], 'e2e/smoke-deletion/00-assert.yaml'],
    [['e2e/prometheus-config-validation/00-promreceiver-allocatorconfig.yaml'], 'e2e/prometheus-config-validation/00-assert.yaml'],
    [['e2e/prometheus-config-validation/03-promreceiver-nopromconfig.yaml'], 'e2e/prometheus-config-validation/03-assert.yaml'],
    [['e2e-targetallocator/targetallocator-features/00-install.yaml'], 'e2e-targetallocator/targetallocator-features/00-assert.yaml'],
    [['e2e-targetallocator/targetallocator-features/03-install.yaml'], 'e2e-targetallocator/targetallocator-features/03-assert.yaml'],
    [['e2e-targetallocator/targetallocator-annotations/00-install.yaml'], 'e2e-targetallocator/targetallocator-annotations/00-assert.yaml'],
    [['e2e-openshift/must-gather/install-target-allocator.yaml'], 'e2e-openshift/must-gather/assert-install-target-allocator.yaml'],
    [['e2e-openshift-upgrade/upgrade/otel-target-allocator.yaml'], 'e2e-openshift-upgrade/upgrade/assert-otel-target-allocator.yaml'],
    [['e2e/operator-restart/01-install-collector.yaml'], 'e2e/operator-restart/01-assert-collector.yaml'],
    [['e2e-openshift/networkpolicy/01-install-collector.yaml'], 'e2e-openshift/networkpolicy/01-assert-collector.yaml'],
    [['e2e-targetallocator/targetallocator-metrics/00-install.yaml'], 'e2e-targetallocator/targetallocator-metrics/00-assert.yaml'],
    [['e2e-targetallocator-cr/targetallocator-label/00-install.yaml'], 'e2e-targetallocator-cr/targetallocator-label/00-assert.yaml'],
    [['e2e-targetallocator-cr/targetallocator-label/00-install.yaml'], 'e2e-targetallocator-cr/targetallocator-label/03-assert.yaml'],
  ])('%s matches %s', (installs, assert) => {
    const rendered = renderFiles(...installs);
    expect(assertFile(rendered, assert, dropRevision)).toEqual([]);
  });

  test('e2e-targetallocator-cr step 01: with spec.serviceAccount set the operator makes no ServiceAccount', () => {
    const rendered = renderFiles('e2e-targetallocator-cr/01-install.yaml');
    // the ServiceAccount 01-assert names is the one the RBAC step template applies (serviceAccountName binding)
    const docs = loadDocs('e2e-targetallocator-cr/01-assert.yaml');
    expect(assertDocs(rendered, docs.filter((d) => d.kind !== 'ServiceAccount'), dropRevision)).toEqual([]);
    expect(rendered.filter((o) => o.kind === 'ServiceAccount')).toEqual([]);
    expect(find(rendered, 'Deployment', 'cr-targetallocator').spec.template.spec.serviceAccountName).toBe('cr-targetallocator');
  });

  test('a label links a collector to a standalone allocator (targetallocator-label steps 1 and 2)', () => {
    const ta = loadDocs('e2e-targetallocator-cr/targetallocator-label/00-install.yaml').find((d) => d.kind === 'TargetAllocator');
    const labelled = loadDocs('e2e-targetallocator-cr/targetallocator-label/01-add-ta-label.yaml');
    expect(assertFile(renderTargetAllocators([ta, ...labelled]), 'e2e-targetallocator-cr/targetallocator-label/01-assert.yaml')).toEqual([]);
    const emptied = loadDocs('e2e-targetallocator-cr/targetallocator-label/02-change-collector-config.yaml');
    expect(assertFile(renderTargetAllocators([ta, ...emptied]), 'e2e-targetallocator-cr/targetallocator-label/02-assert.yaml')).toEqual([]);
    // negative control: step 2's assert (job_name must be absent) fails on step 1's output
    expect(assertFile(renderTargetAllocators([ta, ...labelled]), 'e2e-targetallocator-cr/targetallocator-label/02-assert.yaml')).not.toEqual([]);
  });

  test('smoke-targetallocator assert-data-propagates (parse_yaml of targetallocator.yaml)', () => {
    const rendered = renderFiles('e2e/smoke-collector/smoke-targetallocator/00-install.yaml');
    const test = loadDocs('e2e/smoke-collector/smoke-targetallocator/chainsaw-test.yaml')[0];
    const step = test.spec.steps.find((s: any) => s.name === 'assert-data-propagates');
    const expected = step.try[0].assert.resource;
    expect(expected.metadata.name).toBe('stateful-targetallocator');
    const actual = find(rendered, 'ConfigMap', 'stateful-targetallocator');
    expect(assertTree(expected, actual, { bindings: { namespace: NS } })).toEqual([]);
    // negative control: another namespace breaks the collector selector
    expect(assertTree(expected, actual, { bindings: { namespace: 'elsewhere' } })).not.toEqual([]);
  });

  test('targetallocator-features step 2: a CR label app.kubernetes.io/name becomes the allocator selector', () => {
    const install = loadDocs('e2e-targetallocator/targetallocator-features/00-install.yaml')[0];
    install.metadata.labels = { 'app.kubernetes.io/name': 'test' };
    const rendered = renderTargetAllocators([install]);
    expect(assertFile(rendered, 'e2e-targetallocator/targetallocator-features/02-assert.yaml')).toEqual([]);
  });

  test('smoke-deletion step 1: disabling the allocator leaves no allocator object', () => {
    const rendered = renderFiles('e2e/smoke-deletion/01-install.yaml');
    expect(rendered).toEqual([]);
    // and the objects step 0 asserts are exactly ours
    const before = renderFiles('e2e/smoke-deletion/00-install.yaml').map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(before).toEqual([
      'ConfigMap/stateful-targetallocator', 'Deployment/stateful-targetallocator',
      'NetworkPolicy/stateful-targetallocator-networkpolicy', 'PodDisruptionBudget/stateful-targetallocator',
      'Service/stateful-targetallocator', 'ServiceMonitor/stateful-targetallocator', 'TargetAllocator/stateful',
    ]);
  });

  test('the matcher is not vacuous: a wrong assert is reported', () => {
    const rendered = renderFiles('e2e-targetallocator-cr/00-install.yaml');
    const docs = loadDocs('e2e-targetallocator-cr/00-assert.yaml');
    const service = docs.find((d) => d.kind === 'Service');
    service.spec.ports[0].port = 81;
    expect(assertDocs(rendered, [service])).toEqual(['Service/cr-targetallocator: spec.ports[0].port: expected 81, got 80']);
  });

  test('targetallocator.yaml of the standalone CR is byte-identical to the assert', () => {
    const rendered = renderFiles('e2e-targetallocator-cr/01-install.yaml');
    const expected = loadDocs('e2e-targetallocator-cr/01-assert.yaml').find((d) => d.kind === 'ConfigMap').data['targetallocator.yaml'];
    expect(find(rendered, 'ConfigMap', 'cr-targetallocator').data['targetallocator.yaml']).toBe(expected);
    expect(parse(expected).prometheus_cr.enabled).toBe(true);
  });
});

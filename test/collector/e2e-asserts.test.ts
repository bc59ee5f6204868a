import { assertMismatches, loadDocs, renderInstall } from './e2e-helpers';

/**
 * Upstream's e2e steps as a table: render the install file, match every asserted object of the kinds this room
 * creates (server-filled defaults and live-only fields excepted).
 */
const CASES: Array<[string, string]> = [
  ['e2e/extension/00-install-jaeger-extension.yaml', 'e2e/extension/00-assert-jaeger-extension.yaml'],
  ['e2e/extension/01-install-health-check-extension.yaml', 'e2e/extension/01-assert-health-check-extension.yaml'],
  ['e2e/smoke-collector/smoke-collector-deployment/00-install.yaml', 'e2e/smoke-collector/smoke-collector-deployment/00-assert.yaml'],
  ['e2e/smoke-collector/smoke-collector-statefulset/00-install.yaml', 'e2e/smoke-collector/smoke-collector-statefulset/00-assert.yaml'],
  ['e2e/smoke-collector/smoke-collector-daemonset/00-install.yaml', 'e2e/smoke-collector/smoke-collector-daemonset/00-assert.yaml'],
  ['e2e/versioned-configmaps/00-install.yaml', 'e2e/versioned-configmaps/00-assert.yaml'],
  ['e2e/ingress/00-install.yaml', 'e2e/ingress/00-assert.yaml'],
  ['e2e/ingress-subdomains/00-install.yaml', 'e2e/ingress-subdomains/00-assert.yaml'],
  ['e2e-pdb/pdb/00-install.yaml', 'e2e-pdb/pdb/00-assert.yaml'],
  ['e2e-pdb/pdb/01-install.yaml', 'e2e-pdb/pdb/01-assert.yaml'],
  ['e2e-autoscale/autoscale/00-install.yaml', 'e2e-autoscale/autoscale/00-assert.yaml'],
  ['e2e-prometheuscr/create-pm-prometheus-exporters/00-install.yaml', 'e2e-prometheuscr/create-pm-prometheus-exporters/01-assert.yaml'],
  ['e2e-prometheuscr/create-sm-prometheus-exporters/01-install.yaml', 'e2e-prometheuscr/create-sm-prometheus-exporters/01-assert.yaml'],
  ['e2e-prometheuscr/create-sm-prometheus-exporters/06-install.yaml', 'e2e-prometheuscr/create-sm-prometheus-exporters/06-assert.yaml'],
  ['e2e-prometheuscr/create-sm-prometheus-exporters/05-install.yaml', 'e2e-prometheuscr/create-sm-prometheus-exporters/05-assert.yaml'],
  ['e2e-prometheuscr/create-sm-prometheus-exporters/03-install.yaml', 'e2e-prometheuscr/create-sm-prometheus-exporters/03-assert.yaml'],
  ['e2e-prometheuscr/create-sm-prometheus-exporters/02-install.yaml', 'e2e-prometheuscr/create-sm-prometheus-exporters/02-assert.yaml'],
  ['e2e-automatic-rbac/processor-k8sattributes/01-install.yaml', 'e2e-automatic-rbac/processor-k8sattributes/01-assert.yaml'],
  ['e2e-automatic-rbac/processor-k8sattributes/02-install.yaml', 'e2e-automatic-rbac/processor-k8sattributes/02-assert.yaml'],
  ['e2e-automatic-rbac/processor-resourcedetection/01-install.yaml', 'e2e-automatic-rbac/processor-resourcedetection/01-assert.yaml'],
  ['e2e-automatic-rbac/processor-resourcedetection/02-install.yaml', 'e2e-automatic-rbac/processor-resourcedetection/02-assert.yaml'],
  ['e2e-automatic-rbac/receiver-k8sevents/01-install.yaml', 'e2e-automatic-rbac/receiver-k8sevents/01-assert.yaml'],
  ['e2e-automatic-rbac/receiver-k8sobjects/01-install.yaml', 'e2e-automatic-rbac/receiver-k8sobjects/01-assert.yaml'],
  ['e2e-automatic-rbac/receiver-kubeletstats/01-install.yaml', 'e2e-automatic-rbac/receiver-kubeletstats/01-assert.yaml'],
  ['e2e-automatic-rbac/receiver-kubeletstats/02-install.yaml', 'e2e-automatic-rbac/receiver-kubeletstats/02-assert.yaml'],
  ['e2e-automatic-rbac/receiver-kubeletstats/03-install.yaml', 'e2e-automatic-rbac/receiver-kubeletstats/03-assert.yaml'],
  ['e2e-automatic-rbac/receiver-k8scluster/01-install.yaml', 'e2e-automatic-rbac/receiver-k8scluster/01-assert.yaml'],
  ['e2e-automatic-rbac/receiver-k8scluster/02-install.yaml', 'e2e-automatic-rbac/receiver-k8scluster/02-assert.yaml'],
  ['e2e-automatic-rbac/k8s-leader-elector/01-install.yaml', 'e2e-automatic-rbac/k8s-leader-elector/01-assert.yaml'],
  ['e2e/label-change-collector/00-install-collectors-with-extra-label.yaml', 'e2e/label-change-collector/00-assert-deployment-with-extra-label.yaml'],
  ['e2e/label-change-collector/00-install-collectors-with-extra-label.yaml', 'e2e/label-change-collector/00-assert-daemonset-with-extra-label.yaml'],
  ['e2e/label-change-collector/00-install-collectors-with-extra-label.yaml', 'e2e/label-change-collector/00-assert-statefulset-with-extra-label.yaml'],
  ['e2e/label-change-collector/01-install-collectors-with-label-change.yaml', 'e2e/label-change-collector/01-assert-deployment-with-label-change.yaml'],
  ['e2e/label-change-collector/01-install-collectors-with-label-change.yaml', 'e2e/label-change-collector/01-assert-daemonset-with-label-change.yaml'],
  ['e2e/label-change-collector/01-install-collectors-with-label-change.yaml', 'e2e/label-change-collector/01-assert-statefulset-with-label-change.yaml'],
  ['e2e/annotation-change-collector/00-install-collectors-with-extra-annotation.yaml', 'e2e/annotation-change-collector/00-assert-deployment-with-extra-annotation.yaml'],
  ['e2e/annotation-change-collector/00-install-collectors-with-extra-annotation.yaml', 'e2e/annotation-change-collector/00-assert-daemonset-with-extra-annotation.yaml'],
  ['e2e/annotation-change-collector/00-install-collectors-with-extra-annotation.yaml', 'e2e/annotation-change-collector/00-assert-statefulset-with-extra-annotation.yaml'],
  ['e2e/annotation-change-collector/01-install-collectors-with-annotation-change.yaml', 'e2e/annotation-change-collector/01-assert-deployment-with-annotation-change.yaml'],
  ['e2e/annotation-change-collector/01-install-collectors-with-annotation-change.yaml', 'e2e/annotation-change-collector/01-assert-daemonset-with-annotation-change.yaml'],
  ['e2e/annotation-change-collector/01-install-collectors-with-annotation-change.yaml', 'e2e/annotation-change-collector/01-assert-statefulset-with-annotation-change.yaml'],
];

// Step 02 of label/annotation-change asserts that labels set by hand survive reconciles: runtime (apply) behaviour.
test.each(CASES)('%s matches %s', (install, assert) => {
  expect(assertMismatches(renderInstall(install), assert)).toEqual([]);
});

test.each([
  ['e2e/httpRoute/00-install.yaml', 'e2e/httpRoute/00-assert.yaml'],
  ['e2e/httpRoute/02-minimal.yaml', 'e2e/httpRoute/02-assert.yaml'],
])('%s matches %s (chainsaw namespace default)', (install, assert) => {
  expect(assertMismatches(renderInstall(install, 'default'), assert)).toEqual([]);
});

test('OpenShift routes (e2e-openshift/route) when the cluster serves them', () => {
  const install = 'e2e-openshift/route/00-install.yaml';
  expect(assertMismatches(renderInstall(install, 'ns', { openShiftRoutesAvailable: true }), 'e2e-openshift/route/00-assert.yaml')).toEqual([]);
  expect(renderInstall(install).filter((o) => o.kind === 'Route')).toEqual([]);
});

test('must-gather: ConfigMap name stateful-collector-95bef721 (jaeger + prometheus receivers, target allocator)', () => {
  const objs = renderInstall('e2e-openshift/must-gather/install-target-allocator.yaml', 'chainsaw-must-gather');
  expect(assertMismatches(objs, 'e2e-openshift/must-gather/assert-install-target-allocator.yaml').filter((m) => m.startsWith('ConfigMap/stateful-collector'))).toEqual([]);
  expect(objs.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name)).toEqual(['stateful-collector-95bef721']);
});

test('versioned-configmaps update renders the second ConfigMap name', () => {
  const names = renderInstall('e2e/versioned-configmaps/01-update.yaml').filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name);
  expect(names).toEqual(['simple-collector-dfcfaead']);
});

test('collector.yaml with a target allocator is byte-identical to upstream (smoke-targetallocator)', () => {
  const expected = loadDocs('e2e/smoke-collector/smoke-targetallocator/00-assert.yaml').find((d) => d.kind === 'ConfigMap' && d.data?.['collector.yaml']);
  const cm = renderInstall('e2e/smoke-collector/smoke-targetallocator/00-install.yaml').find((o) => o.kind === 'ConfigMap');
  expect(cm.metadata.name.startsWith('stateful-collector-')).toBe(true);
  expect(cm.data['collector.yaml']).toBe(expected.data['collector.yaml']);
});

test.each([
  ['e2e-metadata-filters/annotations/00-install.yaml', 'annotations'],
  ['e2e-metadata-filters/labels/00-install.yaml', 'labels'],
])('%s: filtered %s appear on no object (operator flags of the e2e run)', (install, field) => {
  const objs = renderInstall(install, 'ns', { annotationsFilter: ['.*filter.out', 'config.*.gke.io.*'], labelsFilter: ['.*filter.out'] });
  const keys = objs.flatMap((o) => [
    ...Object.keys(o.metadata[field] ?? {}),
    ...Object.keys(o.spec?.template?.metadata?.[field] ?? {}),
  ]);
  expect(keys.length).toBeGreaterThan(0);
  expect(keys.filter((k) => /filter\.out|gke\.io/.test(k))).toEqual([]);
});

test('create-sm step 04: enableMetrics false removes the ServiceMonitors (04-error.yaml)', () => {
  const objs = renderInstall('e2e-prometheuscr/create-sm-prometheus-exporters/04-install.yaml');
  for (const absent of loadDocs('e2e-prometheuscr/create-sm-prometheus-exporters/04-error.yaml')) {
    expect(objs.find((o) => o.kind === absent.kind && o.metadata.name === absent.metadata.name)).toBeUndefined();
  }
  expect(objs.find((o) => o.kind === 'Service' && o.metadata.name === 'simplest-collector')).toBeDefined();
});

test('target allocator over mTLS: collector.yaml identical to upstream, client certificate mounted at /tls, no SHARD env', () => {
  const dir = 'e2e-ta-collector-mtls/ta-collector-mtls';
  const expected = loadDocs(`${dir}/00-assert.yaml`).find((d) => d.kind === 'ConfigMap' && d.data?.['collector.yaml']);
  const objs = renderInstall(`${dir}/00-install.yaml`);
  expect(objs.find((o) => o.kind === 'ConfigMap').data['collector.yaml']).toBe(expected.data['collector.yaml']);
  const spec = objs.find((o) => o.kind === 'StatefulSet').spec.template.spec;
  expect(spec.volumes[1]).toEqual({ name: 'prometheus-cr-ta-client-cert', secret: { secretName: 'prometheus-cr-ta-client-cert' } });
  expect(spec.containers[0].volumeMounts[1]).toEqual({ name: 'prometheus-cr-ta-client-cert', mountPath: '/tls' });
  // upstream removed SHARD=0 in #4547 (v0.153): the allocator neutralises the hashmod rule itself
  expect(spec.containers[0].env.map((e: any) => e.name)).not.toContain('SHARD');
});

test('user-provided mTLS material is projected into the same file names', () => {
  const objs = renderInstall('e2e-ta-collector-mtls/ta-collector-mtls-user-provided/00-install.yaml');
  const vol = objs.find((o) => o.kind === 'StatefulSet').spec.template.spec.volumes[1];
  expect(vol.projected.sources).toEqual([
    { configMap: { name: 'mtls-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
    { secret: { name: 'ta-client-cert', items: [{ key: 'tls.crt', path: 'tls.crt' }] } },
    { secret: { name: 'ta-client-cert', items: [{ key: 'tls.key', path: 'tls.key' }] } },
  ]);
});

describe('collector.yaml text (e2e-targetallocator-cr/targetallocator-label)', () => {
  const dir = 'e2e-targetallocator-cr/targetallocator-label';
  const expectedText = (file: string) => loadDocs(`${dir}/${file}`).find((d) => d.kind === 'ConfigMap' && d.data?.['collector.yaml']).data['collector.yaml'];
  const collectorYaml = (objs: any[]) => objs.find((o) => o.kind === 'ConfigMap').data['collector.yaml'];
  test('no target allocator: the Go struct marshalled by upstream', () => {
    expect(collectorYaml(renderInstall(`${dir}/00-install.yaml`))).toBe(expectedText('00-assert.yaml'));
  });
  test('linked to a standalone TargetAllocator by label: rewritten config', () => {
    const objs = renderInstall(`${dir}/01-add-ta-label.yaml`, 'chainsaw-test', { linkedTargetAllocator: 'ta' });
    expect(collectorYaml(objs)).toBe(expectedText('01-assert.yaml'));
  });
});

test.each([
  ['e2e/smoke-deletion/00-install.yaml', 'e2e/smoke-deletion/00-assert.yaml'],
  ['e2e/operator-restart/01-install-collector.yaml', 'e2e/operator-restart/01-assert-collector.yaml'],
  ['e2e-openshift/networkpolicy/01-install-collector.yaml', 'e2e-openshift/networkpolicy/01-assert-collector.yaml'],
])('%s matches %s (target allocator objects belong to the targetallocator room)', (install, assert) => {
  expect(assertMismatches(renderInstall(install), assert, /targetallocator/)).toEqual([]);
});

import { parseAllDocuments } from 'yaml';
import { kwokPodStagesYaml } from '../../src/e2e/kwok-stages';

describe('kwok pod stages', () => {
  const docs = parseAllDocuments(kwokPodStagesYaml()).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS();
  });
  const byName = Object.fromEntries(docs.map((d) => [d.metadata.name, d]));

  test('ready, complete and delete stages for pods (node stages stay kwok\'s)', () => {
    expect(docs.map((d) => [d.kind, d.metadata.name, d.spec.resourceRef.kind])).toEqual([
      ['Stage', 'pod-ready', 'Pod'], ['Stage', 'pod-complete', 'Pod'], ['Stage', 'pod-delete', 'Pod']]);
  });

  test('a running pod\'s containers are started and ready (upstream\'s asserts read started: true)', () => {
    const template: string = byName['pod-ready'].spec.next.statusTemplate;
    const containers = template.slice(template.indexOf('containerStatuses:'), template.indexOf('initContainerStatuses:'));
    expect(containers).toMatch(/ready: true\n\s+started: true\n\s+restartCount: 0/);
    expect(template).toContain('phase: Running');
    // the kubelet sorts containerStatuses by name; init container statuses keep the spec's order
    expect(containers).toContain('{{ range $name := sortAlpha $names }}{{ range $.spec.containers }}{{ if eq .name $name }}');
    expect(template).toContain('reason: Completed');
  });

  test('every pod a Job owns (CronJob-made Jobs too) completes with exit code 0', () => {
    const stage = byName['pod-complete'];
    expect(stage.spec.selector.matchExpressions).toContainEqual({ key: '.metadata.ownerReferences.[].kind', operator: 'In', values: ['Job'] });
    expect(stage.spec.next.statusTemplate).toMatch(/exitCode: 0[\s\S]*phase: Succeeded/);
  });

  test('deleted pods lose their finalizers and go', () => {
    expect(byName['pod-delete'].spec.next).toEqual({ finalizers: { empty: true }, delete: true });
  });
});

describe('volumes for claims (kind\'s local-path provisioner stand-in)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { volumeFor } = require('../../src/e2e/volumes') as typeof import('../../src/e2e/volumes');

  test('a PersistentVolume pre-bound to the claim, its size, modes and class', () => {
    const pv = volumeFor({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'testvolume-smoke-0', namespace: 'chainsaw-x', uid: 'u1' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    expect(pv).toMatchObject({
      kind: 'PersistentVolume',
      metadata: { name: 'e2e-chainsaw-x-testvolume-smoke-0' },
      spec: {
        capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: '',
        claimRef: { namespace: 'chainsaw-x', name: 'testvolume-smoke-0', uid: 'u1' },
      },
    });
  });
});

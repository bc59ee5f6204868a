import type { KubeObject } from '../../src/common/kube';
import { keepOwnedMetadata } from '../../src/operator/diff';

const M = 'cdk8s-otel-operator';

const live: KubeObject = {
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: {
    name: 'c-collector', namespace: 'ns',
    labels: { 'app.kubernetes.io/name': 'c-collector', 'user-label': 'x', 'manual-label': 'true' },
    annotations: { 'user-annotation': 'y', 'deployment.kubernetes.io/revision': '2' },
    managedFields: [
      { manager: M, operation: 'Apply', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/name': {}, 'f:user-label': {} }, 'f:annotations': { 'f:user-annotation': {} } },
        'f:spec': { 'f:template': { 'f:metadata': { 'f:labels': { 'f:user-label': {} } } } } } },
      { manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:manual-label': {} } } } },
    ],
  },
  spec: { template: { metadata: { labels: { 'user-label': 'x', 'app.kubernetes.io/name': 'c-collector' } } } },
};

describe('labels and annotations merge over the live ones (upstream\'s mergeWithOverride)', () => {
  test('keys we set before and no longer want are carried over with their live values; ours win', () => {
    const desired: KubeObject = {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'c-collector', namespace: 'ns', labels: { 'app.kubernetes.io/name': 'c-collector', 'new-label': 'n' } },
      spec: { template: { metadata: { labels: { 'app.kubernetes.io/name': 'c-collector' } } } },
    };
    const out = keepOwnedMetadata(desired, live, M);
    expect(out.metadata.labels).toEqual({ 'user-label': 'x', 'app.kubernetes.io/name': 'c-collector', 'new-label': 'n' });
    // another manager's keys and the controller's annotation are not taken over
    expect(out.metadata.annotations).toEqual({ 'user-annotation': 'y' });
    expect((out as any).spec.template.metadata.labels).toEqual({ 'user-label': 'x', 'app.kubernetes.io/name': 'c-collector' });
    expect(desired.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'c-collector', 'new-label': 'n' });
  });

  test('nothing to carry over (new object, same keys, another manager): desired itself', () => {
    const same: KubeObject = { ...live, metadata: { name: 'c-collector', namespace: 'ns', labels: { 'app.kubernetes.io/name': 'c-collector', 'user-label': 'z' }, annotations: { 'user-annotation': 'y' } } };
    expect(keepOwnedMetadata(same, undefined, M)).toBe(same);
    const noTemplate = { ...same, spec: { template: { metadata: { labels: { 'user-label': 'x' } } } } };
    expect(keepOwnedMetadata(noTemplate, live, M)).toBe(noTemplate);
    expect(keepOwnedMetadata(same, live, 'someone-else')).toBe(same);
  });
});

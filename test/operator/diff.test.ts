import { differences, writeReasons } from '../../src/operator/diff';

const FM = 'cdk8s-otel-operator';
const cm = (data: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'n', labels: { a: '1' } }, data, ...extra,
});

describe('writeReasons', () => {
  test('absent object needs a write', () => {
    expect(writeReasons(cm({ k: 'v' }), undefined, FM)).toEqual(['absent']);
  });

  test('live holding everything we set (plus server defaults and others\' fields) needs none', () => {
    const live = { ...cm({ k: 'v' }), metadata: { name: 'x', namespace: 'n', uid: 'u', resourceVersion: '5', labels: { a: '1', other: 'x' } } };
    expect(writeReasons(cm({ k: 'v' }), live, FM)).toEqual([]);
  });

  test('a changed value or label is a write', () => {
    expect(writeReasons(cm({ k: 'v2' }), cm({ k: 'v' }), FM)).toEqual(['data.k']);
    const live = cm({ k: 'v' });
    expect(writeReasons({ ...cm({ k: 'v' }), metadata: { ...live.metadata, labels: { a: '2' } } }, live, FM)).toEqual(['metadata.labels.a']);
  });

  test('empty values we set may be omitted by the server; int-or-string compares by text', () => {
    const desired = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: {}, ports: [{ name: 'p', port: 80, targetPort: 8080 }], sessionAffinityConfig: null, publishNotReadyAddresses: false } };
    const live = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ name: 'p', port: 80, protocol: 'TCP', targetPort: '8080' }], clusterIP: '10.0.0.1' } };
    expect(writeReasons(desired, live, FM)).toEqual([]);
  });

  test('keyed lists: others may add elements; ours must all be there', () => {
    const desired = { apiVersion: 'v1', kind: 'X', metadata: { name: 'x' }, spec: { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] } };
    const withExtra = { ...desired, spec: { env: [{ name: 'A', value: '1' }, { name: 'INJECTED', value: 'x' }, { name: 'B', value: '2' }] } };
    expect(writeReasons(desired, withExtra, FM)).toEqual([]);
    const missing = { ...desired, spec: { env: [{ name: 'A', value: '1' }] } };
    expect(writeReasons(desired, missing, FM)).toEqual(['spec.env[name=B]']);
  });

  test('atomic lists must match in length', () => {
    const desired = { apiVersion: 'v1', kind: 'X', metadata: { name: 'x' }, spec: { args: ['--a', '--b'] } };
    expect(writeReasons(desired, { ...desired, spec: { args: ['--a'] } }, FM)[0]).toMatch(/^spec.args \(length 2 vs 1\)/);
  });

  test('a field our manager owns that we no longer set is a write (apply removes it); another manager\'s is not', () => {
    const managedFields = (manager: string) => [{
      manager, operation: 'Apply', fieldsV1: { 'f:data': { 'f:k': {}, 'f:old': {} }, 'f:metadata': { 'f:labels': { 'f:a': {} } } },
    }];
    const live = (manager: string) => ({ ...cm({ k: 'v', old: 'x' }), metadata: { name: 'x', namespace: 'n', labels: { a: '1' }, managedFields: managedFields(manager) } });
    expect(writeReasons(cm({ k: 'v' }), live(FM), FM)).toEqual(['data.old (no longer set)']);
    expect(writeReasons(cm({ k: 'v' }), live('manager'), FM)).toEqual([]);
  });

  test('owned list elements by key (k:) and value (v:)', () => {
    const fieldsV1 = { 'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} }, 'k:{"port":81,"protocol":"TCP"}': { '.': {} } }, 'f:finalizers': { 'v:"a"': {} } } };
    const live = { apiVersion: 'v1', kind: 'X', metadata: { name: 'x', managedFields: [{ manager: FM, operation: 'Apply', fieldsV1 }] }, spec: { ports: [{ port: 80 }, { port: 81 }], finalizers: ['a'] } };
    const desired = { apiVersion: 'v1', kind: 'X', metadata: { name: 'x' }, spec: { ports: [{ port: 80 }], finalizers: ['a'] } };
    expect(writeReasons(desired, live, FM)).toEqual(['spec.ports[{"port":81,"protocol":"TCP"}] (no longer set)']);
  });
});

describe('differences', () => {
  test('status: equal when every field we would write is there', () => {
    expect(differences({ version: '1', scale: { replicas: 1 } }, { version: '1', scale: { replicas: 1, selector: 's' }, image: 'i' })).toEqual([]);
    expect(differences({ scale: { statusReplicas: '1/1' } }, { scale: { statusReplicas: '0/1' } })).toEqual(['scale.statusReplicas']);
  });
});

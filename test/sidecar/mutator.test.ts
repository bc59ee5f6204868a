import { lookupFromObjects } from '../../src/instrumentation/lookup';
import { MetaObject, Pod } from '../../src/instrumentation/types';
import { mutatePodSidecar } from '../../src/sidecar/mutator';

const NS = 'apps';
const KEY = 'sidecar.opentelemetry.io/inject';
const config = { receivers: { otlp: { protocols: { grpc: {} } } }, exporters: { debug: {} },
  service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } } };
const collector = (name: string, mode = 'sidecar', namespace = NS, spec = {}): MetaObject =>
  ({ apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name, namespace }, spec: { mode, config, ...spec } });
const owners: MetaObject[] = [
  { kind: 'ReplicaSet', metadata: { name: 'web-7c9', namespace: NS, uid: 'rs-1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }] } },
  { kind: 'Deployment', metadata: { name: 'web', namespace: NS, uid: 'dep-1' } },
];
const pod = (annotations: { [k: string]: string }, containers: Array<{ name: string; image?: string }> = [{ name: 'app', image: 'app:1' }]): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { generateName: 'web-7c9-', namespace: NS, annotations, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7c9' }] },
  spec: { containers },
});
const run = (p: Pod, objects: MetaObject[], native = false) => mutatePodSidecar(p, lookupFromObjects([...objects, ...owners], NS), { nativeSidecars: native });

describe('sidecar injection', () => {
  test('"true" injects the only sidecar-mode collector of the namespace, with label and resource attributes', () => {
    const r = run(pod({ [KEY]: 'true' }), [collector('agent'), collector('gateway', 'deployment')]);
    expect(r.pod.spec.containers.map((c) => c.name)).toEqual(['app', 'otc-container']);
    const sidecar = r.pod.spec.containers[1];
    expect(sidecar.args).toEqual(['--config=env:OTEL_CONFIG']);
    expect(sidecar.volumeMounts ?? []).not.toContainEqual(expect.objectContaining({ mountPath: '/conf' }));
    expect(sidecar.env!.map((e) => e.name)).toEqual(['POD_NAME', 'GOMEMLIMIT', 'GOMAXPROCS', 'OTEL_CONFIG',
      'OTEL_RESOURCE_ATTRIBUTES_POD_NAME', 'OTEL_RESOURCE_ATTRIBUTES_POD_UID', 'OTEL_RESOURCE_ATTRIBUTES_NODE_NAME', 'OTEL_RESOURCE_ATTRIBUTES']);
    expect(sidecar.env!.find((e) => e.name === 'OTEL_RESOURCE_ATTRIBUTES')!.value).toBe(
      'k8s.deployment.name=web,k8s.deployment.uid=dep-1,k8s.namespace.name=apps,k8s.node.name=$(OTEL_RESOURCE_ATTRIBUTES_NODE_NAME),'
      + 'k8s.pod.name=$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME),k8s.pod.uid=$(OTEL_RESOURCE_ATTRIBUTES_POD_UID),k8s.replicaset.name=web-7c9,k8s.replicaset.uid=rs-1');
    expect(sidecar.env!.find((e) => e.name === 'OTEL_CONFIG')!.value).toContain('0.0.0.0:4317');
    expect(r.pod.metadata.labels).toEqual({ 'sidecar.opentelemetry.io/injected': 'apps.agent' });
  });

  test('owners without a uid give names only, and a pod without volumes gets no volumes: [] (issue 14 #11)', () => {
    const noUids: MetaObject[] = owners.map((o) => ({ ...o, metadata: { ...o.metadata, uid: undefined } }));
    const r = mutatePodSidecar(pod({ [KEY]: 'true' }), lookupFromObjects([collector('agent'), ...noUids], NS));
    const attrs = r.pod.spec.containers[1].env!.find((e) => e.name === 'OTEL_RESOURCE_ATTRIBUTES')!.value!;
    expect(attrs).toBe('k8s.deployment.name=web,k8s.namespace.name=apps,k8s.node.name=$(OTEL_RESOURCE_ATTRIBUTES_NODE_NAME),'
      + 'k8s.pod.name=$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME),k8s.pod.uid=$(OTEL_RESOURCE_ATTRIBUTES_POD_UID),k8s.replicaset.name=web-7c9');
    expect(r.pod.spec).not.toHaveProperty('volumes');
  });

  test('a namespace annotation applies to pods without one; a pod "false" wins', () => {
    const nsObj = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, annotations: { [KEY]: 'agent' } } };
    expect(run(pod({}), [collector('agent'), nsObj]).pod.spec.containers).toHaveLength(2);
    expect(run(pod({ [KEY]: 'false' }), [collector('agent'), nsObj]).pod.spec.containers).toHaveLength(1);
  });

  test('"ns/name" selects a collector of another namespace', () => {
    const r = run(pod({ [KEY]: 'observability/shared' }), [collector('shared', 'sidecar', 'observability')]);
    expect(r.pod.metadata.labels!['sidecar.opentelemetry.io/injected']).toBe('observability.shared');
  });

  test('no, several, or a non-sidecar collector: the pod is admitted unchanged and the reason logged', () => {
    const p = pod({ [KEY]: 'true' });
    expect(run(p, []).pod).toEqual(p);
    expect(run(p, []).error).toBeUndefined();
    expect(run(p, []).logs[0]).toContain('no OpenTelemetry Collector instances available');
    expect(run(p, [collector('a'), collector('b')]).logs[0]).toContain('multiple OpenTelemetry Collector instances available, cannot determine which one to select');
    const named = run(pod({ [KEY]: 'gateway' }), [collector('gateway', 'deployment')]);
    expect(named.pod.spec.containers).toHaveLength(1);
    expect(named.logs[0]).toContain("the OpenTelemetry Collector's mode is not set to sidecar");
  });

  test('a named collector that does not exist is an error', () => {
    const r = run(pod({ [KEY]: 'missing' }), []);
    expect(r.error).toContain('opentelemetrycollectors.opentelemetry.io "missing" not found');
  });

  test('"false" removes an otc-container put there by hand; an existing one is left alone', () => {
    const withSidecar = [{ name: 'app' }, { name: 'otc-container', image: 'mine' }];
    expect(run(pod({ [KEY]: 'false' }, withSidecar), [collector('agent')]).pod.spec.containers.map((c) => c.name)).toEqual(['app']);
    expect(run(pod({ [KEY]: 'true' }, withSidecar), [collector('agent')]).pod.spec.containers[1].image).toBe('mine');
  });

  test('native sidecars: an init container with restartPolicy Always, startupProbe from readinessProbe', () => {
    const col = collector('agent', 'sidecar', NS, { config: { ...config, extensions: { health_check: {} },
      service: { ...config.service, extensions: ['health_check'] } } });
    const r = run(pod({ [KEY]: 'true' }), [col], true);
    expect(r.pod.spec.containers.map((c) => c.name)).toEqual(['app']);
    const init = r.pod.spec.initContainers![0];
    expect(init).toMatchObject({ name: 'otc-container', restartPolicy: 'Always' });
    expect(init.startupProbe).toEqual(init.readinessProbe);
  });

  test('CR volumes, configmaps and initContainers come along', () => {
    const col = collector('agent', 'sidecar', NS, { configmaps: [{ name: 'extra', mountpath: '/x' }], initContainers: [{ name: 'prep', image: 'busybox' }] });
    const r = run(pod({ [KEY]: 'true' }), [col]);
    expect(r.pod.spec.volumes!.map((v) => v.name)).toContain('configmap-extra');
    expect(r.pod.spec.initContainers!.map((c) => c.name)).toEqual(['prep']);
  });

  test('native sidecars: "false" also removes an otc-container from the init containers', () => {
    const p = pod({ [KEY]: 'false' });
    p.spec.initContainers = [{ name: 'prep' }, { name: 'otc-container', restartPolicy: 'Always' }];
    const r = run(p, [collector('agent')], true);
    expect(r.pod.spec.initContainers!.map((c) => c.name)).toEqual(['prep']);
    // without native sidecars only regular containers are touched, as upstream does with the gate off
    expect(run(p, [collector('agent')]).pod.spec.initContainers!.map((c) => c.name)).toEqual(['prep', 'otc-container']);
  });

  test('the injected label is cut to a 63-character label value by shortening the namespace first', () => {
    const longNs = 'a-namespace-with-a-rather-long-name-for-testing-labels';
    const p = { ...pod({ [KEY]: 'true' }), metadata: { generateName: 'x-', namespace: longNs, annotations: { [KEY]: 'true' } } };
    const r = mutatePodSidecar(p, lookupFromObjects([collector('sidecar-collector', 'sidecar', longNs)], longNs));
    const label = r.pod.metadata.labels!['sidecar.opentelemetry.io/injected'];
    expect(label.length).toBeLessThanOrEqual(63);
    expect(label.endsWith('.sidecar-collector')).toBe(true);
    expect(label.startsWith('a-namespace-with')).toBe(true);
  });

  test('namespace precedence: a pod "true" under a namespace naming a collector takes the namespace value', () => {
    const nsObj = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, annotations: { [KEY]: 'second' } } };
    const r = run(pod({ [KEY]: 'true' }), [collector('first'), collector('second'), nsObj]);
    expect(r.pod.metadata.labels).toEqual({ 'sidecar.opentelemetry.io/injected': 'apps.second' });
  });

  test('the input pod is not modified', () => {
    const p = pod({ [KEY]: 'true' });
    const before = JSON.stringify(p);
    run(p, [collector('agent')]);
    expect(JSON.stringify(p)).toBe(before);
  });
});

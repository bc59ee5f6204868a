/**
 * The manager and the controllers on an in-memory API: create, no write on resync, bad input as an Event and a
 * condition, a 409 retried, unmanaged, pruning with the configVersions rule, the RBAC finalizer.
 */
import { KubeApiError, KubeObject } from '../../src/kube';
import { silentLogger } from '../../src/common/log';
import { Manager } from '../../src/operator/manager';
import { FakeKubeApi } from './fake-api';

const NS = 'obs';

function collector(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name, namespace: NS },
    spec: {
      mode: 'deployment',
      config: {
        receivers: { otlp: { protocols: { grpc: {} } } },
        exporters: { debug: {} },
        service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
      },
      ...spec,
    },
  };
}

async function started(api: FakeKubeApi): Promise<Manager> {
  const m = new Manager({ api, log: silentLogger, syncPeriodMs: 0, processMetrics: false });
  await m.start();
  await m.whenIdle();
  return m;
}

const names = (api: FakeKubeApi, kind: string) => [...api.objects.values()].filter((o) => o.kind === kind).map((o) => o.metadata.name).sort();
const settle = async (m: Manager) => {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 20));
    await m.whenIdle();
  }
};

describe('Manager', () => {
  let m: Manager | undefined;
  afterEach(async () => {
    await m?.stop();
    m = undefined;
  });

  test('creates the objects with owner references, writes status, and writes nothing on a resync', async () => {
    const api = new FakeKubeApi();
    const cr = api.seed(collector('simple'));
    m = await started(api);
    await settle(m);
    expect(names(api, 'Deployment')).toEqual(['simple-collector']);
    expect(names(api, 'Service')).toEqual(['simple-collector', 'simple-collector-headless', 'simple-collector-monitoring']);
    const dep = api.objects.get('Deployment/obs/simple-collector')!;
    expect(dep.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'OpenTelemetryCollector', name: 'simple', uid: cr.metadata.uid, controller: true })]);
    const status = api.objects.get('OpenTelemetryCollector/obs/simple')!.status as any;
    expect(status.version).toBe('0.158.0');
    expect(status.conditions[0]).toMatchObject({ type: 'Ready', status: 'True', reason: 'Reconciled' });
    expect(api.calls.filter((c) => c.kind === 'Event' && c.verb === 'create')).toHaveLength(1);

    const before = api.writeCalls().length;
    m.cache.informer('OpenTelemetryCollector')!.resync();
    await settle(m);
    expect(api.writeCalls().slice(before)).toEqual([]);
  });

  test('bad input: a Warning Event with the InvalidInputError message and Ready=False, nothing written, no crash', async () => {
    const api = new FakeKubeApi();
    api.seed(collector('bad', { mode: 'sidecar', config: { receivers: { otlp: { protocols: { nope: {} } } }, exporters: { debug: {} }, service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } } } }));
    m = await started(api);
    await settle(m);
    const events = [...api.objects.values()].filter((o) => o.kind === 'Event');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'Warning', reason: 'Error', involvedObject: { name: 'bad' } });
    expect((events[0] as any).message).toMatch(/OpenTelemetryCollector obs\/bad/);
    const status = api.objects.get('OpenTelemetryCollector/obs/bad')!.status as any;
    expect(status.conditions[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'ReconcileError' });
    expect(names(api, 'ConfigMap')).toEqual([]);
  });

  test('a 409 Conflict fails the reconcile, which is retried and converges', async () => {
    const api = new FakeKubeApi();
    api.seed(collector('c'));
    api.failures.push({ verb: 'apply', kind: 'Deployment', error: new KubeApiError('PATCH deployments', 409, 'Conflict', 'the object has been modified') });
    m = await started(api);
    await settle(m);
    expect(names(api, 'Deployment')).toEqual(['c-collector']);
    const retries = await m.metrics.registry.getSingleMetricAsString('workqueue_retries_total');
    expect(retries).toMatch(/workqueue_retries_total\{name="opentelemetrycollector"\} 1/);
    const warnings = [...api.objects.values()].filter((o) => o.kind === 'Event' && (o as any).type === 'Warning');
    expect((warnings[0] as any).message).toMatch(/409 Conflict/);
    expect((api.objects.get('OpenTelemetryCollector/obs/c')!.status as any).conditions[0].reason).toBe('Reconciled');
  });

  test('managementState unmanaged: nothing is written', async () => {
    const api = new FakeKubeApi();
    api.seed(collector('frozen', { managementState: 'unmanaged' }));
    m = await started(api);
    await settle(m);
    expect(api.writeCalls()).toEqual([]);
  });

  test('config changes keep configVersions older ConfigMaps and delete the rest; removed objects are pruned', async () => {
    const api = new FakeKubeApi();
    api.seed(collector('v', { configVersions: 1 }));
    m = await started(api);
    await settle(m);
    const cms = () => names(api, 'ConfigMap');
    const first = cms();
    for (const timeout of ['1s', '2s']) {
      const cur = api.objects.get('OpenTelemetryCollector/obs/v')!;
      api.seed({ ...cur, spec: { ...(cur.spec as object), config: { ...(cur.spec as any).config, processors: { batch: { timeout } }, service: { pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['debug'] } } } } } });
      await settle(m);
    }
    expect(cms()).toHaveLength(2);
    expect(cms()).not.toContain(first[0]);
    // mode change to sidecar: Deployment, Services, PDB, NetworkPolicy are no longer desired
    const cur = api.objects.get('OpenTelemetryCollector/obs/v')!;
    api.seed({ ...cur, spec: { ...(cur.spec as object), mode: 'sidecar' } });
    await settle(m);
    expect(names(api, 'Deployment')).toEqual([]);
    expect(names(api, 'Service')).toEqual([]);
  });

  test('cluster RBAC: finalizer added, and on deletion the ClusterRole/Binding go before the finalizer', async () => {
    const api = new FakeKubeApi();
    const cr = collector('r');
    (cr.spec as any).config.processors = { k8sattributes: {} };
    (cr.spec as any).config.service.pipelines.traces.processors = ['k8sattributes'];
    api.seed(cr);
    m = await started(api);
    await settle(m);
    expect(names(api, 'ClusterRole')).toEqual(['r-obs-cluster-role']);
    expect(api.objects.get('OpenTelemetryCollector/obs/r')!.metadata.finalizers).toEqual(['opentelemetrycollector.opentelemetry.io/finalizer']);
    await api.delete({ apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', namespace: NS, name: 'r' });
    await settle(m);
    expect(names(api, 'ClusterRole')).toEqual([]);
    expect(names(api, 'ClusterRoleBinding')).toEqual([]);
    expect(api.objects.get('OpenTelemetryCollector/obs/r')).toBeUndefined();
  });

  test('an operator that may not manage ClusterRoles (SelfSubjectAccessReviews at start) makes no auto-RBAC objects, as upstream', async () => {
    const api = new FakeKubeApi();
    api.accessAllowed = (spec) => spec.resourceAttributes?.resource !== 'clusterrolebindings';
    const cr = collector('r');
    (cr.spec as any).config.processors = { k8sattributes: {} };
    (cr.spec as any).config.service.pipelines.traces.processors = ['k8sattributes'];
    api.seed(cr);
    m = await started(api);
    await settle(m);
    expect(m.capabilities?.rbacPermissions).toBe(false);
    expect(names(api, 'Deployment')).toEqual(['r-collector']);
    expect([...names(api, 'ClusterRole'), ...names(api, 'ClusterRoleBinding')]).toEqual([]);
  });

  test('a collector with targetAllocator.enabled: its TargetAllocator CR is created and owns the allocator objects (uids filled)', async () => {
    const api = new FakeKubeApi();
    const cr = api.seed(collector('stateful', {
      mode: 'statefulset',
      targetAllocator: { enabled: true },
      config: {
        receivers: { prometheus: { config: { scrape_configs: [{ job_name: 'x', static_configs: [{ targets: ['a:1'] }] }] } } },
        exporters: { debug: {} },
        service: { pipelines: { metrics: { receivers: ['prometheus'], exporters: ['debug'] } } },
      },
    }));
    m = await started(api);
    await settle(m);
    const ta = api.objects.get('TargetAllocator/obs/stateful')!;
    expect(ta.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'OpenTelemetryCollector', uid: cr.metadata.uid })]);
    const dep = api.objects.get('Deployment/obs/stateful-targetallocator')!;
    expect(dep.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'TargetAllocator', name: 'stateful', uid: ta.metadata.uid })]);
    expect(names(api, 'StatefulSet')).toEqual(['stateful-collector']);
    // disabling the allocator prunes the TargetAllocator and its objects
    const cur = api.objects.get('OpenTelemetryCollector/obs/stateful')!;
    api.seed({ ...cur, spec: { ...(cur.spec as object), targetAllocator: { enabled: false } } });
    await settle(m);
    expect(api.objects.get('TargetAllocator/obs/stateful')).toBeUndefined();
    expect(api.objects.get('Deployment/obs/stateful-targetallocator')).toBeUndefined();
  });

  test('a standalone TargetAllocator is reconciled by its own controller, with status version and image', async () => {
    const api = new FakeKubeApi();
    const ta = api.seed({ apiVersion: 'opentelemetry.io/v1alpha1', kind: 'TargetAllocator', metadata: { name: 'cr', namespace: NS },
      spec: { scrapeConfigs: [{ job_name: 'prometheus', static_configs: [{ targets: ['localhost:9090'] }] }] } });
    m = await started(api);
    await settle(m);
    const dep = api.objects.get('Deployment/obs/cr-targetallocator')!;
    expect(dep.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'TargetAllocator', uid: ta.metadata.uid })]);
    expect(names(api, 'ConfigMap')).toEqual(['cr-targetallocator']);
    expect(api.objects.get('TargetAllocator/obs/cr')!.status).toEqual({ version: '0.158.0', image: 'ghcr.io/open-telemetry/opentelemetry-operator/target-allocator:0.158.0' });
    const before = api.writeCalls().length;
    m.cache.informer('TargetAllocator')!.resync();
    await settle(m);
    expect(api.writeCalls().slice(before)).toEqual([]);
  });

  test('a standalone TargetAllocator prunes nothing (upstream passes its controller no owned objects): its ServiceAccount stays once spec.serviceAccount names it', async () => {
    // e2e-targetallocator-cr: the ServiceAccount the allocator made (or adopted) is then named in spec.serviceAccount
    const api = new FakeKubeApi();
    api.seed({ apiVersion: 'opentelemetry.io/v1alpha1', kind: 'TargetAllocator', metadata: { name: 'cr', namespace: NS }, spec: {} });
    m = await started(api);
    await settle(m);
    expect(names(api, 'ServiceAccount')).toEqual(['cr-targetallocator']);
    const live = api.objects.get('TargetAllocator/obs/cr')!;
    await api.replace({ ...live, spec: { serviceAccount: 'cr-targetallocator', podDisruptionBudget: { maxUnavailable: 1 } } });
    await settle(m);
    expect(api.objects.get('Deployment/obs/cr-targetallocator')!.spec).toMatchObject({ template: { spec: { serviceAccountName: 'cr-targetallocator' } } });
    expect(names(api, 'ServiceAccount')).toEqual(['cr-targetallocator']);
    expect(api.calls.filter((c) => c.verb === 'delete')).toEqual([]);
  });

  test('an immutable field (422 "field is immutable") deletes and re-creates the workload', async () => {
    const api = new FakeKubeApi();
    api.seed(collector('imm'));
    m = await started(api);
    await settle(m);
    const first = api.objects.get('Deployment/obs/imm-collector')!;
    api.failures.push({ verb: 'apply', kind: 'Deployment', error: new KubeApiError('PATCH deployments', 422, 'Invalid', 'Deployment.apps "imm-collector" is invalid: spec.selector: Invalid value: {...}: field is immutable') });
    const cur = api.objects.get('OpenTelemetryCollector/obs/imm')!;
    api.seed({ ...cur, metadata: { ...cur.metadata, labels: { team: 'a' } } });
    await settle(m);
    expect(api.calls.filter((c) => c.kind === 'Deployment' && c.verb === 'delete')).toHaveLength(1);
    const recreated = api.objects.get('Deployment/obs/imm-collector')!;
    expect(recreated.metadata.uid).not.toBe(first.metadata.uid);
    expect(recreated.metadata.labels?.team).toBe('a');
  });
});

import { parseAllocatorConfig } from '../../src/allocator/config';
import { Hasher, loadHasher } from '../../src/allocator/hasher';
import { InformerPool, KubernetesDiscovery } from '../../src/allocator/kubernetes/discovery';
import { parseKubernetesSDConfigs } from '../../src/allocator/kubernetes/sd-config';
import { AllocatorMetrics } from '../../src/allocator/metrics';
import { AllocatorService } from '../../src/allocator/service';
import { KubeObject } from '../../src/kube';
import { FakeKubeApi } from '../operator/fake-api';

const sd = (yaml: object) => parseKubernetesSDConfigs([yaml], 'ta.yaml', 'sd', 'obs')[0];
const flush = () => new Promise((r) => setTimeout(r, 20));

function appPod(name: string, ns: string, ip: string, node = 'node-a'): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: { app: 'web' }, uid: `uid-${name}` },
    spec: { nodeName: node, containers: [{ name: 'app', image: 'web:1', ports: [{ name: 'metrics', containerPort: 9090, protocol: 'TCP' }] }] },
    status: { phase: 'Running', podIP: ip, hostIP: '10.1.0.1', conditions: [{ type: 'Ready', status: 'True' }] },
  } as any;
}

describe('kubernetes_sd_configs over shared informers', () => {
  test('the endpoints role joins Endpoints with their Service and Pods, and follows changes of any of them', async () => {
    const api = new FakeKubeApi();
    api.seed({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', labels: { tier: 'front' } }, spec: { ports: [{ name: 'metrics', port: 9090 }] } } as any);
    api.seed(appPod('web-0', 'shop', '10.0.0.5'));
    api.seed({
      apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'shop' },
      subsets: [{ addresses: [{ ip: '10.0.0.5', nodeName: 'node-a', targetRef: { kind: 'Pod', name: 'web-0', namespace: 'shop' } }], ports: [{ name: 'metrics', port: 9090, protocol: 'TCP' }] }],
    } as any);
    const pool = new InformerPool(api);
    let changes = 0;
    const d = new KubernetesDiscovery(sd({ role: 'endpoints', namespaces: { names: ['shop'] } }), pool, () => changes++);
    await pool.start();
    const [group] = d.groups();
    expect(group.source).toBe('endpoints/shop/web');
    expect(group.labels).toMatchObject({
      __meta_kubernetes_namespace: 'shop', __meta_kubernetes_service_name: 'web', __meta_kubernetes_service_label_tier: 'front',
      __meta_kubernetes_endpoints_name: 'web',
    });
    expect(group.targets).toEqual([expect.objectContaining({
      __address__: '10.0.0.5:9090', __meta_kubernetes_endpoint_ready: 'true', __meta_kubernetes_endpoint_port_name: 'metrics',
      __meta_kubernetes_pod_name: 'web-0', __meta_kubernetes_pod_container_name: 'app', __meta_kubernetes_pod_label_app: 'web',
    })]);
    // unchanged objects give the very same group (the builder then skips relabelling it)
    expect(d.groups()[0]).toBe(group);

    const before = changes;
    api.seed({ ...appPod('web-0', 'shop', '10.0.0.5'), metadata: { name: 'web-0', namespace: 'shop', labels: { app: 'web', v: '2' } } } as any);
    await flush();
    expect(changes).toBeGreaterThan(before);
    expect(d.groups()[0].targets[0].__meta_kubernetes_pod_label_v).toBe('2');

    await api.delete({ apiVersion: 'v1', kind: 'Endpoints', namespace: 'shop', name: 'web' });
    await flush();
    expect(d.groups()).toEqual([]);
    await pool.stop();
  });

  test('a target ref to a pod of another namespace resolves only when the config watches all namespaces, as Prometheus\'s per-namespace stores do', async () => {
    const api = new FakeKubeApi();
    api.seed(appPod('web-0', 'other', '10.0.0.5'));
    api.seed({
      apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'shop' },
      subsets: [{ addresses: [{ ip: '10.0.0.5', targetRef: { kind: 'Pod', name: 'web-0', namespace: 'other' } }], ports: [{ port: 9090 }] }],
    } as any);
    const pool = new InformerPool(api);
    const listed = new KubernetesDiscovery(sd({ role: 'endpoints', namespaces: { names: ['shop', 'other'] } }), pool, () => undefined);
    const all = new KubernetesDiscovery(sd({ role: 'endpoints' }), pool, () => undefined);
    await pool.start();
    expect(listed.groups()[0].targets.map((t) => t.__meta_kubernetes_pod_name)).toEqual([undefined]);
    expect(all.groups()[0].targets.map((t) => t.__meta_kubernetes_pod_name)).toEqual(['web-0']);
    await pool.stop();
  });

  test('jobs watching the same kind, namespaces and selectors share one informer; other selectors get their own', async () => {
    const api = new FakeKubeApi();
    const pool = new InformerPool(api);
    new KubernetesDiscovery(sd({ role: 'pod', namespaces: { names: ['b', 'a'] } }), pool, () => undefined);
    new KubernetesDiscovery(sd({ role: 'pod', namespaces: { names: ['a', 'b'] } }), pool, () => undefined);
    new KubernetesDiscovery(sd({ role: 'endpoints', namespaces: { names: ['a', 'b'] } }), pool, () => undefined);
    new KubernetesDiscovery(sd({ role: 'pod', selectors: [{ role: 'pod', label: 'app=web' }] }), pool, () => undefined);
    new KubernetesDiscovery(sd({ role: 'node', namespaces: { names: ['a'] } }), pool, () => undefined);
    // Pod(a,b) shared by three configs, Endpoints(a,b), Service(a,b), Pod(all, app=web), Node (cluster-scoped)
    expect(pool.size).toBe(5);
    await pool.start();
    expect(api.calls.filter((c) => c.verb === 'list' && c.kind === 'Pod').map((c) => c.namespace ?? '*').sort()).toEqual(['*', 'a', 'b']);
    await pool.stop();
  });

  test('selectors reach the API server as label and field selectors', async () => {
    const api = new FakeKubeApi();
    const seen: Array<{ kind: string; label?: string; field?: string }> = [];
    const list = api.list.bind(api);
    api.list = async (v, kind, o = {}) => {
      seen.push({ kind, label: o.labelSelector, field: o.fieldSelector });
      return list(v, kind, o);
    };
    const pool = new InformerPool(api);
    new KubernetesDiscovery(sd({ role: 'endpointslice', selectors: [{ role: 'service', label: 'app=web' }, { role: 'endpointslice', field: 'metadata.name=x' }] }), pool, () => undefined);
    await pool.start();
    expect(seen.sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
      { kind: 'EndpointSlice', label: undefined, field: 'metadata.name=x' },
      { kind: 'Pod', label: undefined, field: undefined },
      { kind: 'Service', label: 'app=web', field: undefined },
    ]);
    await pool.stop();
  });
});

describe('attach_metadata', () => {
  test('node, namespace, deployment, job and cronjob are parsed; bad input says where', () => {
    expect(sd({ role: 'pod', attach_metadata: { node: true, namespace: true, job: true, cronjob: false } })).toMatchObject({
      attachMetadata: { node: true, namespace: true, deployment: false, job: true, cronjob: false }, ignored: [],
    });
    expect(sd({ role: 'pod' }).attachMetadata).toEqual({ node: false, namespace: false, deployment: false, job: false, cronjob: false });
    expect(() => sd({ role: 'pod', attach_metadata: { nodes: true } })).toThrow(/sd\[0\]\.attach_metadata\.nodes.*unknown key.*node, namespace, deployment, job, cronjob/);
    expect(() => sd({ role: 'pod', attach_metadata: { node: 'yes' } })).toThrow(/sd\[0\]\.attach_metadata\.node.*must be true or false/);
    expect(() => sd({ role: 'pod', attach_metadata: [] })).toThrow(/sd\[0\]\.attach_metadata.*must be a mapping/);
  });

  test('the pod role watches nodes and namespaces only when asked, and a node or namespace change rebuilds the groups', async () => {
    const api = new FakeKubeApi();
    api.seed(appPod('web-0', 'shop', '10.0.0.5'));
    api.seed({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', labels: { zone: 'z1' } } } as any);
    api.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', annotations: { owner: 'team-a' } } } as any);
    const pool = new InformerPool(api);
    const plain = new KubernetesDiscovery(sd({ role: 'pod' }), pool, () => undefined);
    const attached = new KubernetesDiscovery(sd({ role: 'pod', attach_metadata: { node: true, namespace: true } }), pool, () => undefined);
    expect(pool.size).toBe(3); // pods (shared), nodes, namespaces
    await pool.start();
    expect(plain.groups()[0].labels?.__meta_kubernetes_node_name).toBeUndefined();
    expect(attached.groups()[0].labels).toMatchObject({
      __meta_kubernetes_node_name: 'node-a', __meta_kubernetes_node_label_zone: 'z1', __meta_kubernetes_namespace_annotation_owner: 'team-a',
    });
    api.seed({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', labels: { zone: 'z2' } } } as any);
    await flush();
    expect(attached.groups()[0].labels?.__meta_kubernetes_node_label_zone).toBe('z2');
    // a pod on a node the node informer does not hold gives an empty group, as in Prometheus
    await api.delete({ apiVersion: 'v1', kind: 'Node', name: 'node-a' });
    await flush();
    expect(attached.groups()[0]).toEqual({ source: 'pod/shop/web-0', labels: {}, targets: [] });
    expect(plain.groups()[0].targets).toHaveLength(1);
    await pool.stop();
  });

  test('deployment and cronjob watch ReplicaSets and Jobs in the config\'s namespaces (job needs no watch); a ReplicaSet change rebuilds', async () => {
    const api = new FakeKubeApi();
    api.seed({ ...appPod('web-0', 'shop', '10.0.0.5'), metadata: { name: 'web-0', namespace: 'shop', ownerReferences: [{ kind: 'ReplicaSet', name: 'web-1a', controller: true }] } } as any);
    api.seed({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1a', namespace: 'shop', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] } } as any);
    const pool = new InformerPool(api);
    const d = new KubernetesDiscovery(sd({ role: 'pod', namespaces: { names: ['shop'] }, attach_metadata: { deployment: true, job: true } }), pool, () => undefined);
    new KubernetesDiscovery(sd({ role: 'endpoints', namespaces: { names: ['shop'] }, attach_metadata: { cronjob: true } }), pool, () => undefined);
    await pool.start();
    expect(api.calls.filter((c) => c.verb === 'list').map((c) => `${c.kind}/${c.namespace ?? '*'}`).sort())
      .toEqual(['Endpoints/shop', 'Job/shop', 'Pod/shop', 'ReplicaSet/shop', 'Service/shop']);
    expect(d.groups()[0].labels?.__meta_kubernetes_pod_deployment_name).toBe('web');
    api.seed({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1a', namespace: 'shop', ownerReferences: [{ kind: 'Deployment', name: 'web2', controller: true }] } } as any);
    await flush();
    expect(d.groups()[0].labels?.__meta_kubernetes_pod_deployment_name).toBe('web2');
    await pool.stop();
  });
});

describe('the allocator service in a cluster', () => {
  let hasher: Hasher;
  beforeAll(async () => {
    hasher = await loadHasher();
  });

  test('pods discovered by kubernetes_sd_configs are allocated to the collector pods; collectors joining and leaving move them', async () => {
    const api = new FakeKubeApi();
    for (let i = 0; i < 20; i++) api.seed(appPod(`web-${i}`, 'shop', `10.0.0.${i + 1}`));
    api.seed({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'col-0', namespace: 'obs', labels: { c: 'y' } }, spec: { nodeName: 'n' }, status: { phase: 'Running' } } as any);
    const config = parseAllocatorConfig(`
collector_namespace: obs
collector_selector: {matchlabels: {c: y}, matchexpressions: []}
config:
  scrape_configs:
  - job_name: pods
    kubernetes_sd_configs: [{role: pod, namespaces: {names: [shop]}}]
    relabel_configs:
    - {source_labels: [__meta_kubernetes_pod_container_port_name], regex: metrics, action: keep}
`, 'ta.yaml');
    const logs: string[] = [];
    const service = new AllocatorService(config, hasher, {
      configDir: '.', log: { info: (m) => logs.push(m), warn: (m) => logs.push(m) }, metrics: new AllocatorMetrics(), kube: api, debounceMs: 5, collectorDebounceMs: 5,
    });
    await service.start();
    try {
      expect(service.allocator.collectors.map((c) => c.name)).toEqual(['col-0']);
      expect(service.allocator.targetsFor('pods', 'col-0')).toHaveLength(20);
      expect(service.allocator.targetsFor('pods', 'col-0')[0].ownLabels.__meta_kubernetes_pod_container_port_number).toBe('9090');

      api.seed({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'col-1', namespace: 'obs', labels: { c: 'y' } }, spec: { nodeName: 'n' }, status: { phase: 'Running' } } as any);
      await flush();
      const split = ['col-0', 'col-1'].map((c) => service.allocator.targetsFor('pods', c).length);
      expect(split[0] + split[1]).toBe(20);
      expect(split[1]).toBeGreaterThan(0);

      api.seed(appPod('web-20', 'shop', '10.0.0.99'));
      await flush();
      expect(service.allocator.targetsOfJob('pods')).toHaveLength(21);

      await api.delete({ apiVersion: 'v1', kind: 'Pod', namespace: 'obs', name: 'col-0' });
      await flush();
      expect(service.allocator.targetsFor('pods', 'col-1')).toHaveLength(21);
      expect(logs).toContain('collectors: col-1');
    } finally {
      await service.stop();
    }
  });

  test('a config that needs the cluster fails to start without one, saying how to give it', async () => {
    const config = parseAllocatorConfig('collector_namespace: obs\nconfig: {scrape_configs: [{job_name: x}]}\n', 'ta.yaml');
    const service = new AllocatorService(config, hasher, { configDir: '.', log: { info: () => {}, warn: () => {} }, metrics: new AllocatorMetrics() });
    await expect(service.start()).rejects.toThrow('the config lists no collectors, so they are discovered from their pods, which needs the Kubernetes API: run in a pod with a service account, or give a kubeconfig');
  });
});

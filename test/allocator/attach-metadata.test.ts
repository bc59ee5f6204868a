import { InformerPool, KubernetesDiscovery } from '../../src/allocator/kubernetes/discovery';
import { parseKubernetesSDConfigs } from '../../src/allocator/kubernetes/sd-config';
import { KubeObject } from '../../src/kube';
import { FakeKubeApi } from '../operator/fake-api';

const sd = (yaml: object) => parseKubernetesSDConfigs([yaml], 'ta.yaml', 'sd', 'obs')[0];
const flush = () => new Promise((r) => setTimeout(r, 20));

const node = (name: string, labels: Record<string, string>): KubeObject => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name, labels, annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
  status: { addresses: [{ type: 'InternalIP', address: '10.1.0.1' }] },
} as any);
const pod = (name: string, nodeName: string): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', labels: { app: 'web' } },
  spec: { nodeName, containers: [{ name: 'app', image: 'web:1', ports: [{ name: 'metrics', containerPort: 9090, protocol: 'TCP' }] }] },
  status: { phase: 'Running', podIP: '10.0.0.5', conditions: [{ type: 'Ready', status: 'True' }] },
} as any);
const NODE_A = {
  __meta_kubernetes_node_name: 'node-a', __meta_kubernetes_node_label_zone: 'z1', __meta_kubernetes_node_labelpresent_zone: 'true',
  __meta_kubernetes_node_annotation_node_alpha_kubernetes_io_ttl: '0', __meta_kubernetes_node_annotationpresent_node_alpha_kubernetes_io_ttl: 'true',
};

describe('attach_metadata: {node: true} (Prometheus addNodeLabels)', () => {
  test('parsed; roles other than pod, endpoints and endpointslice watch no Nodes for it; bad shapes are refused', () => {
    expect(sd({ role: 'pod', attach_metadata: { node: true } })).toMatchObject({ attachMetadata: { node: true }, ignored: [] });
    expect(sd({ role: 'endpointslice', attach_metadata: { node: true } }).attachMetadata.node).toBe(true);
    expect(sd({ role: 'pod', attach_metadata: { node: false } }).attachMetadata.node).toBe(false);
    expect(sd({ role: 'pod', attach_metadata: { node: null } }).attachMetadata.node).toBe(false);
    const pool = new InformerPool(new FakeKubeApi());
    new KubernetesDiscovery(sd({ role: 'service', attach_metadata: { node: true } }), pool, () => undefined);
    expect(pool.size).toBe(1);
    expect(() => sd({ role: 'pod', attach_metadata: { nodes: true } })).toThrow(/sd\[0\].attach_metadata.nodes: unknown key/);
    expect(() => sd({ role: 'pod', attach_metadata: { node: 'yes' } })).toThrow(/attach_metadata.node: must be true or false/);
  });

  test('pod role: the group carries its node\'s labels and annotations, and follows changes of the node', async () => {
    const api = new FakeKubeApi();
    api.seed(node('node-a', { zone: 'z1' }));
    api.seed(pod('web-0', 'node-a'));
    api.seed(pod('web-1', 'node-unknown'));
    const pool = new InformerPool(api);
    let changes = 0;
    const plain = new KubernetesDiscovery(sd({ role: 'pod', namespaces: { names: ['shop'] } }), pool, () => undefined);
    const d = new KubernetesDiscovery(sd({ role: 'pod', namespaces: { names: ['shop'] }, attach_metadata: { node: true } }), pool, () => changes++);
    await pool.start();
    const [a, b] = d.groups();
    expect(a.labels).toMatchObject({ ...NODE_A, __meta_kubernetes_pod_node_name: 'node-a' });
    // a pod on a node the informer does not hold (filtered out by a node selector) has an empty group, as in
    // Prometheus (tools/prom-sd-fixture proves it)
    expect(b).toEqual({ source: 'pod/shop/web-1', labels: {}, targets: [] });
    expect(Object.keys(plain.groups()[0].labels ?? {}).filter((k) => k.startsWith('__meta_kubernetes_node_'))).toEqual([]);
    expect(d.groups()[0]).toBe(a);

    const before = changes;
    api.seed(node('node-a', { zone: 'z2' }));
    await flush();
    expect(changes).toBeGreaterThan(before);
    expect(d.groups()[0].labels?.__meta_kubernetes_node_label_zone).toBe('z2');
    await pool.stop();
  });

  test('endpointslice role: per target, from a Node targetRef or the endpoint\'s nodeName', async () => {
    const api = new FakeKubeApi();
    api.seed(node('node-a', { zone: 'z1' }));
    api.seed(node('node-b', { zone: 'z9' }));
    api.seed({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { ports: [{ name: 'metrics', port: 9090 }] } } as any);
    api.seed({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-1', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4', ports: [{ name: 'metrics', port: 9090, protocol: 'TCP' }],
      endpoints: [
        { addresses: ['10.0.0.1'], nodeName: 'node-a' },
        { addresses: ['10.0.0.2'], nodeName: 'node-a', targetRef: { kind: 'Node', name: 'node-b' } },
        { addresses: ['10.0.0.3'] },
      ],
    } as any);
    const pool = new InformerPool(api);
    const d = new KubernetesDiscovery(sd({ role: 'endpointslice', namespaces: { names: ['shop'] }, attach_metadata: { node: true } }), pool, () => undefined);
    await pool.start();
    const zones = d.groups()[0].targets.map((t) => [t.__address__, t.__meta_kubernetes_node_label_zone, t.__meta_kubernetes_node_name]);
    expect(zones).toEqual([['10.0.0.1:9090', 'z1', 'node-a'], ['10.0.0.2:9090', 'z9', 'node-b'], ['10.0.0.3:9090', undefined, undefined]]);
    await pool.stop();
  });

  test('endpoints role: per target, from the address\'s nodeName, else a Node targetRef', async () => {
    const api = new FakeKubeApi();
    api.seed(node('node-a', { zone: 'z1' }));
    api.seed(node('node-b', { zone: 'z9' }));
    api.seed({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { ports: [{ name: 'metrics', port: 9090 }] } } as any);
    api.seed({
      apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'shop' },
      subsets: [{ addresses: [{ ip: '10.0.0.1', nodeName: 'node-a', targetRef: { kind: 'Node', name: 'node-b' } }, { ip: '10.0.0.2', targetRef: { kind: 'Node', name: 'node-b' } }],
        ports: [{ name: 'metrics', port: 9090, protocol: 'TCP' }] }],
    } as any);
    const pool = new InformerPool(api);
    const d = new KubernetesDiscovery(sd({ role: 'endpoints', namespaces: { names: ['shop'] }, attach_metadata: { node: true } }), pool, () => undefined);
    await pool.start();
    expect(d.groups()[0].targets.map((t) => t.__meta_kubernetes_node_label_zone)).toEqual(['z1', 'z9']);
    await pool.stop();
  });
});

import type { KubeObject } from '../../src/common/kube';
import { KubeApiError } from '../../src/kube';
import type { KubeApi } from '../../src/kube';
import { silentLogger } from '../../src/common/log';
import { ensureOperatorNetworkPolicy, operatorNetworkPolicy } from '../../src/operator/operator-network-policy';

describe('the operator\'s NetworkPolicy (gate operator.networkpolicy)', () => {
  test('upstream\'s shape: webhook and metrics ports in, API server port out, owned by the Deployment', () => {
    expect(operatorNetworkPolicy({ namespace: 'opentelemetry-operator-system', webhookPort: 9443, metricsPort: 8443 }, { name: 'opentelemetry-operator-controller-manager', uid: 'u1' })).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: 'opentelemetry-operator',
        namespace: 'opentelemetry-operator-system',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'opentelemetry-operator-controller-manager', uid: 'u1', controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'opentelemetry-operator' } },
        ingress: [{ ports: [{ protocol: 'TCP', port: 9443 }, { protocol: 'TCP', port: 8443 }] }],
        egress: [{ ports: [{ protocol: 'TCP', port: 6443 }] }],
        policyTypes: ['Ingress', 'Egress'],
      },
    });
  });

  test('no webhook and no metrics: an empty ingress rule, as upstream', () => {
    expect(operatorNetworkPolicy({ namespace: 'ns' }).spec).toMatchObject({ ingress: [{}] });
  });

  const fakeApi = (deployment: KubeObject | undefined, createError?: Error) => {
    const created: KubeObject[] = [];
    const api = {
      get: async () => deployment,
      create: async (o: KubeObject) => {
        if (createError) throw createError;
        created.push(o);
        return o;
      },
    } as unknown as KubeApi;
    return { api, created };
  };
  const deployment: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'opentelemetry-operator-controller-manager', namespace: 'ns', uid: 'dep-uid' } };

  test('created once with the Deployment\'s uid; an existing policy (409) is left alone', async () => {
    const ok = fakeApi(deployment);
    await ensureOperatorNetworkPolicy(ok.api, { namespace: 'ns', webhookPort: 9443 }, silentLogger);
    expect(ok.created).toHaveLength(1);
    expect(ok.created[0].metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', uid: 'dep-uid' });
    const exists = fakeApi(deployment, new KubeApiError('create', 409, 'AlreadyExists', 'exists'));
    await expect(ensureOperatorNetworkPolicy(exists.api, { namespace: 'ns' }, silentLogger)).resolves.toBeUndefined();
    const broken = fakeApi(deployment, new KubeApiError('create', 403, 'Forbidden', 'no'));
    await expect(ensureOperatorNetworkPolicy(broken.api, { namespace: 'ns' }, silentLogger)).rejects.toThrow('403');
  });

  test('without the operator\'s Deployment nothing is made (an operator outside the cluster)', async () => {
    const none = fakeApi(undefined);
    await expect(ensureOperatorNetworkPolicy(none.api, { namespace: 'ns' }, silentLogger)).resolves.toBeUndefined();
    expect(none.created).toEqual([]);
  });
});

describe('operator flags for the policy', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseOperatorFlags } = require('../../src/cli/operator') as typeof import('../../src/cli/operator');

  test('on by default in the operator\'s namespace, with the webhook and metrics ports', () => {
    expect(parseOperatorFlags({}, { POD_NAMESPACE: 'otel' }).manager.operatorNetworkPolicy).toEqual({ namespace: 'otel', webhookPort: 9443, metricsPort: 8443 });
    expect(parseOperatorFlags({ webhookPort: '9000', metricsAddr: '127.0.0.1:9090', enableWebhooks: false }, { POD_NAMESPACE: 'otel' }).manager.operatorNetworkPolicy)
      .toEqual({ namespace: 'otel', webhookPort: undefined, metricsPort: 9090 });
  });

  test('off with -operator.networkpolicy, and outside a cluster (no namespace to put it in)', () => {
    expect(parseOperatorFlags({ featureGates: '-operator.networkpolicy' }, { POD_NAMESPACE: 'otel' }).manager.operatorNetworkPolicy).toBeUndefined();
    expect(parseOperatorFlags({}, {}).manager.operatorNetworkPolicy).toBeUndefined();
  });
});

/**
 * The operator's own NetworkPolicy (upstream's gate `operator.networkpolicy`, beta, on by default): `opentelemetry-operator`
 * in the operator's namespace, selecting the operator pods, letting in the webhook and metrics ports and out only the
 * API server port (6443), owned by the operator's Deployment so it goes with it. Made once when the operator leads;
 * an existing one is left as it is (upstream creates and ignores AlreadyExists). The policy is pure; the I/O is
 * `ensureOperatorNetworkPolicy`.
 */
import type { KubeObject } from '../common/kube';
import type { KubeApi } from '../kube';
import { KubeApiError } from '../kube';
import type { Logger } from '../common/log';

export const OPERATOR_NETWORK_POLICY = 'opentelemetry-operator';
/** The Deployment of upstream's install (kustomize namePrefix + controller-manager). */
export const OPERATOR_DEPLOYMENT = 'opentelemetry-operator-controller-manager';
/** Upstream allows egress to this port only (kube-apiserver's usual secure port). */
export const API_SERVER_PORT = 6443;

export interface OperatorNetworkPolicyOptions {
  readonly namespace: string;
  /** webhook server port, let in when set @default - none */
  readonly webhookPort?: number;
  /** metrics port, let in when set @default - none */
  readonly metricsPort?: number;
}

/** The policy, owned by the Deployment `owner` (name and uid) when given. */
export function operatorNetworkPolicy(opts: OperatorNetworkPolicyOptions, owner?: { name: string; uid: string }): KubeObject {
  const ports = [opts.webhookPort, opts.metricsPort].filter((p): p is number => !!p).map((port) => ({ protocol: 'TCP', port }));
  // blockOwnerDeletion is outside common/kube's owner reference shape
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: OPERATOR_NETWORK_POLICY,
      namespace: opts.namespace,
      ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'opentelemetry-operator' } },
      ingress: [ports.length ? { ports } : {}],
      egress: [{ ports: [{ protocol: 'TCP', port: API_SERVER_PORT }] }],
      policyTypes: ['Ingress', 'Egress'],
    },
  } as KubeObject;
}

/**
 * Creates the policy unless it exists. Without the operator's Deployment (an operator run outside the cluster with
 * no install) there is nothing to own it: a warning, no policy (upstream's manager would fail to start instead).
 */
export async function ensureOperatorNetworkPolicy(api: KubeApi, opts: OperatorNetworkPolicyOptions, log: Logger): Promise<KubeObject | undefined> {
  const where = `${opts.namespace}/${OPERATOR_DEPLOYMENT}`;
  const deployment = await api.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: opts.namespace, name: OPERATOR_DEPLOYMENT });
  if (!deployment?.metadata.uid) {
    log.warn({ deployment: where }, 'operator NetworkPolicy not created: the operator\'s Deployment is missing (turn the gate off with --feature-gates=-operator.networkpolicy)');
    return undefined;
  }
  const policy = operatorNetworkPolicy(opts, { name: OPERATOR_DEPLOYMENT, uid: deployment.metadata.uid });
  try {
    const created = await api.create(policy, { fieldManager: 'opentelemetry-operator' });
    log.info({ networkPolicy: `${opts.namespace}/${OPERATOR_NETWORK_POLICY}` }, 'operator NetworkPolicy created');
    return created;
  } catch (e) {
    if (e instanceof KubeApiError && e.isConflict) return undefined;
    throw e;
  }
}

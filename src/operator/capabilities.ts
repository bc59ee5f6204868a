/**
 * What only a live cluster knows, detected at start as upstream does: which optional APIs are served
 * (Prometheus operator, Gateway API, OpenShift routes, cert-manager) and where the API server listens (the
 * `kubernetes` EndpointSlice), for the target allocator NetworkPolicy's egress rule.
 */
import type { RenderOptions } from '../render';
import { KubeApi } from '../kube';
import { Logger } from '../common/log';
import { operatorCanCreateRbac } from './webhooks/access-review';

export interface ClusterCapabilities {
  readonly prometheusCrds: boolean;
  readonly gatewayApi: boolean;
  readonly openShiftRoutes: boolean;
  readonly certManager: boolean;
  readonly instrumentationCrd: boolean;
  readonly targetAllocatorCrd: boolean;
  /**
   * the operator may manage ClusterRoles and ClusterRoleBindings (upstream's `CreateRBACPermissions`); without,
   * collectors get no auto-RBAC objects, as upstream
   */
  readonly rbacPermissions: boolean;
  /** addresses and port of the API server, when the EndpointSlice could be read */
  readonly kubeApiServer?: { readonly port: number; readonly ips: string[] };
}

export async function detectCapabilities(api: KubeApi, log: Logger): Promise<ClusterCapabilities> {
  const served = async (apiVersion: string, kind: string) => (await api.served(apiVersion, kind)) !== undefined;
  const [prometheusCrds, gatewayApi, openShiftRoutes, certManager, instrumentationCrd, targetAllocatorCrd] = await Promise.all([
    served('monitoring.coreos.com/v1', 'ServiceMonitor'),
    served('gateway.networking.k8s.io/v1', 'HTTPRoute'),
    served('route.openshift.io/v1', 'Route'),
    served('cert-manager.io/v1', 'Certificate'),
    served('opentelemetry.io/v1alpha1', 'Instrumentation'),
    served('opentelemetry.io/v1alpha1', 'TargetAllocator'),
  ]);
  let rbacPermissions = true;
  try {
    rbacPermissions = await operatorCanCreateRbac(api);
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'could not ask whether the operator may manage ClusterRoles; assuming it may');
  }
  let kubeApiServer: ClusterCapabilities['kubeApiServer'];
  try {
    const slices = await api.list('discovery.k8s.io/v1', 'EndpointSlice', { namespace: 'default', labelSelector: 'kubernetes.io/service-name=kubernetes' });
    const ips: string[] = [];
    let port: number | undefined;
    for (const s of slices.items as Array<{ endpoints?: Array<{ addresses?: string[] }>; ports?: Array<{ name?: string; port?: number }> }>) {
      for (const e of s.endpoints ?? []) ips.push(...(e.addresses ?? []));
      port ??= (s.ports ?? []).find((p) => p.name === 'https')?.port ?? s.ports?.[0]?.port;
    }
    if (port) kubeApiServer = { port, ips: [...new Set(ips)].sort() };
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'could not read the kubernetes EndpointSlice; NetworkPolicies allow the API server on any address');
  }
  const caps = { prometheusCrds, gatewayApi, openShiftRoutes, certManager, instrumentationCrd, targetAllocatorCrd, rbacPermissions, kubeApiServer };
  log.info({ capabilities: caps }, 'cluster capabilities detected');
  return caps;
}

/** The render options the capabilities decide. */
export function renderOptionsFor(caps: ClusterCapabilities): RenderOptions {
  return {
    prometheusCrdsAvailable: caps.prometheusCrds,
    gatewayApiAvailable: caps.gatewayApi,
    openShiftRoutesAvailable: caps.openShiftRoutes,
    certManagerAvailable: caps.certManager,
    kubeApiServer: caps.kubeApiServer,
    ...(caps.rbacPermissions ? {} : { createRbac: false }),
  };
}

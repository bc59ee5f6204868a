/**
 * Beyond upstream (its issue #2078): a sidecar-mode collector's config lives in the pods it was injected into
 * (env OTEL_CONFIG), and pods are immutable, so upstream never updates them. With the opt-in annotation
 * `sidecar.opentelemetry.io/restart-on-config-change: "true"` on the collector, the operator restarts the workloads
 * (Deployment, StatefulSet, DaemonSet) whose pods carry an older config, as `kubectl rollout restart` does: a
 * `kubectl.kubernetes.io/restartedAt` annotation on the pod template, so the webhook injects the new config into
 * the new pods. The template also records the config hash it was restarted for, so a rollout in progress is not
 * restarted again, and a workload whose pods are current is never touched.
 */
import { isCollectorConfigMapName, SIDECAR_INJECTED_LABEL } from '../../collector';
import { truncateName } from '../../common/naming';
import { describeObject } from '../../common/kube';
import { KubeObject } from '../../kube';
import { ReconcileContext } from './context';

/** On the collector: `"true"` opts in. */
export const RESTART_ON_CONFIG_CHANGE_ANNOTATION = 'sidecar.opentelemetry.io/restart-on-config-change';
/** On a restarted workload's pod template: the 8-hex config hash it was restarted for. */
export const RESTARTED_FOR_CONFIG_ANNOTATION = 'sidecar.opentelemetry.io/restarted-for-config';
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

interface PodLike {
  metadata: KubeObject['metadata'];
  spec?: { containers?: Array<{ name: string; env?: Array<{ name: string; value?: string }> }>; initContainers?: Array<{ name: string; env?: Array<{ name: string; value?: string }> }> };
}

/** The config a pod's injected collector runs with, if it has one. */
function podConfig(pod: PodLike): string | undefined {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  return containers.find((c) => c.name === 'otc-container')?.env?.find((e) => e.name === 'OTEL_CONFIG')?.value;
}

/** Restarts the workloads running an older config of `cr`; returns what was restarted (`restarted Deployment ns/x`). */
export async function restartStaleSidecarWorkloads(ctx: ReconcileContext, cr: KubeObject, desired: KubeObject[]): Promise<string[]> {
  if ((cr.spec as { mode?: string } | undefined)?.mode !== 'sidecar') return [];
  if (cr.metadata.annotations?.[RESTART_ON_CONFIG_CHANGE_ANNOTATION] !== 'true') return [];
  const namespace = cr.metadata.namespace!;
  const configMap = desired.find((o) => o.kind === 'ConfigMap' && isCollectorConfigMapName(cr.metadata.name!, o.metadata.name!));
  const config = (configMap as { data?: Record<string, string> } | undefined)?.data?.['collector.yaml'];
  if (!configMap || config === undefined) return [];
  const hash = configMap.metadata.name!.slice(-8);
  const injected = truncateName('%s.%s', namespace, cr.metadata.name!);
  const pods = await ctx.api.list('v1', 'Pod', { namespace, labelSelector: `${SIDECAR_INJECTED_LABEL}=${injected}` });
  const stale = new Map<string, { apiVersion: string; kind: string; name: string }>();
  for (const pod of pods.items as unknown as PodLike[]) {
    if (pod.metadata.deletionTimestamp || podConfig(pod) === undefined || podConfig(pod) === config) continue;
    const workload = await workloadOf(ctx, namespace, pod);
    if (workload) stale.set(`${workload.kind}/${workload.name}`, workload);
  }
  const restarted: string[] = [];
  for (const w of stale.values()) {
    const live = await ctx.api.get({ ...w, namespace });
    const annotations = ((live?.spec as { template?: { metadata?: { annotations?: Record<string, string> } } } | undefined)?.template?.metadata?.annotations) ?? {};
    if (!live || annotations[RESTARTED_FOR_CONFIG_ANNOTATION] === hash) continue;
    await ctx.api.patch({ ...w, namespace }, {
      spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), [RESTARTED_FOR_CONFIG_ANNOTATION]: hash } } } },
    }, 'merge', { fieldManager: ctx.writer.fieldManager });
    restarted.push(`restarted ${describeObject({ kind: w.kind, metadata: { namespace, name: w.name } })}`);
  }
  return restarted;
}

/** The workload that owns a pod: a StatefulSet or DaemonSet directly, a Deployment through its ReplicaSet. */
async function workloadOf(ctx: ReconcileContext, namespace: string, pod: PodLike): Promise<{ apiVersion: string; kind: string; name: string } | undefined> {
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller);
  if (!owner) return undefined;
  if (owner.kind === 'StatefulSet' || owner.kind === 'DaemonSet') return { apiVersion: 'apps/v1', kind: owner.kind, name: owner.name };
  if (owner.kind !== 'ReplicaSet') return undefined;
  const rs = ctx.cache.get('apps/v1', 'ReplicaSet', namespace, owner.name) ?? await ctx.api.get({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace, name: owner.name });
  const deployment = rs?.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'Deployment');
  return deployment ? { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.name } : undefined;
}

/**
 * The few `script`/`command` operations whose effect is plain enough to simulate on the store: reading the
 * collector version from the operator log, `kubectl get <kind> <name> -o jsonpath='{.a.b}'`, and
 * `kubectl create job --from cronjob/<name> <job>`. Everything else needs a live cluster (returns undefined).
 */
import { KubeObject } from '../common/kube';
import { Bindings, ExpressionEnv } from './expressions';
import { ClusterOperation } from './model';
import { SimulatedCluster } from './simulator';
import { clone } from './store';
import { bindingValue } from './templating';

export interface SimulatedOutcome {
  /** Bindings produced by the operation's `outputs`. */
  readonly outputs: Record<string, unknown>;
  readonly detail: string;
}

const KIND_ALIASES: Record<string, { apiVersion: string; kind: string }> = {
  svc: { apiVersion: 'v1', kind: 'Service' }, service: { apiVersion: 'v1', kind: 'Service' },
  pod: { apiVersion: 'v1', kind: 'Pod' }, cm: { apiVersion: 'v1', kind: 'ConfigMap' }, configmap: { apiVersion: 'v1', kind: 'ConfigMap' },
  deployment: { apiVersion: 'apps/v1', kind: 'Deployment' }, deploy: { apiVersion: 'apps/v1', kind: 'Deployment' },
  daemonset: { apiVersion: 'apps/v1', kind: 'DaemonSet' }, ds: { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  statefulset: { apiVersion: 'apps/v1', kind: 'StatefulSet' }, sts: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  cronjob: { apiVersion: 'batch/v1', kind: 'CronJob' }, job: { apiVersion: 'batch/v1', kind: 'Job' },
};

export function simulateClusterOperation(op: ClusterOperation, cluster: SimulatedCluster, bindings: Bindings,
  env: ExpressionEnv, opts: { namespace: string; collectorVersion: string }): SimulatedOutcome | undefined {
  const text = op.type === 'script' ? String(op.raw.content ?? '')
    : op.type === 'command' ? [op.raw.entrypoint, ...((op.raw.args as unknown[]) ?? [])].map(String).join(' ') : undefined;
  if (text === undefined) return undefined;
  const stdout = simulateStdout(text, cluster, opts);
  if (stdout === undefined) return undefined;
  const outputs: Record<string, unknown> = {};
  const scope = { ...bindings, stdout: stdout.stdout, stderr: '', error: null };
  for (const o of (op.raw.outputs as Array<{ name: string; value: unknown }> | undefined) ?? []) {
    outputs[o.name] = bindingValue(o.value, scope, env);
  }
  return { outputs, detail: stdout.detail };
}

function simulateStdout(text: string, cluster: SimulatedCluster, opts: { namespace: string; collectorVersion: string }):
  { stdout: string; detail: string } | undefined {
  if (/kubectl logs deployment\/opentelemetry-operator-controller-manager/.test(text) && text.includes('collector-image')) {
    return { stdout: opts.collectorVersion, detail: `collector version ${opts.collectorVersion} from the operator log` };
  }
  const get = /kubectl get (\w+) (\S+) -n \S+ -o jsonpath='?\{\.([\w.]+)\}'?/.exec(text);
  if (get) {
    const type = KIND_ALIASES[get[1].replace(/s$/, '')];
    if (!type) return undefined;
    const obj = cluster.get(type.apiVersion, type.kind, opts.namespace, get[2]);
    let value: unknown = obj;
    for (const part of get[3].split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
    const stdout = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    return { stdout, detail: `kubectl get ${type.kind} ${get[2]} .${get[3]} = ${JSON.stringify(stdout)}` };
  }
  const job = /kubectl\s+(?:-n\s+\S+\s+)?create\s+job\s+--from[= ]cronjob\/(\S+)\s+(\S+)/.exec(text);
  if (job) {
    const cron = cluster.get('batch/v1', 'CronJob', opts.namespace, job[1]);
    if (!cron) return undefined;
    cluster.write(jobFromCronJob(cron, job[2]), 'create', opts.namespace);
    return { stdout: `job.batch/${job[2]} created`, detail: `job ${job[2]} created from cronjob ${job[1]}` };
  }
  return undefined;
}

/** What `kubectl create job --from cronjob/x` sends: the job template, an owner reference, the manual annotation. */
export function jobFromCronJob(cron: KubeObject, name: string): KubeObject {
  const jobTemplate = ((cron.spec as Record<string, any>)?.jobTemplate ?? {}) as Record<string, any>;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: cron.metadata.namespace,
      labels: clone(jobTemplate.metadata?.labels),
      annotations: { ...(jobTemplate.metadata?.annotations ?? {}), 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cron.metadata.name ?? '', uid: cron.metadata.uid, controller: true }],
    },
    spec: clone(jobTemplate.spec ?? {}),
  };
}

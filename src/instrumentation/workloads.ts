import { MetaObject, OwnerReference, Pod, PodSpec } from './types';

/**
 * The pod a workload controller would create, with the owner chain the webhook sees: a Deployment's pod is
 * owned by its ReplicaSet `<deployment>-<pod-template-hash>`, a CronJob's by a Job it owns, and so on.
 * `owners` are the intermediate objects (and the workload itself) for a lookup to serve, so owner-derived
 * names (OTEL_SERVICE_NAME, k8s.deployment.name, ...) come out as in the cluster.
 */
export interface WorkloadPod {
  readonly pod: Pod;
  readonly owners: MetaObject[];
}

export const POD_WORKLOAD_KINDS = ['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];

type Template = { metadata?: { labels?: { [k: string]: string }; annotations?: { [k: string]: string }; [k: string]: unknown }; spec?: PodSpec };

/** Returns undefined for kinds that have no pod template. */
export function podForWorkload(obj: MetaObject, defaultNamespace = 'default'): WorkloadPod | undefined {
  const name = obj.metadata?.name ?? '';
  const namespace = obj.metadata?.namespace ?? defaultNamespace;
  const spec = (obj.spec ?? {}) as { template?: Template; jobTemplate?: { spec?: { template?: Template } } };
  const self: MetaObject = { ...obj, metadata: { ...obj.metadata, namespace } };
  switch (obj.kind) {
    case 'Pod':
      return { pod: JSON.parse(JSON.stringify({ ...obj, apiVersion: obj.apiVersion ?? 'v1', metadata: { ...obj.metadata, namespace } })), owners: [] };
    case 'Deployment': {
      const template = spec.template ?? {};
      const hash = podTemplateHash(template);
      const rsName = `${name}-${hash}`;
      const rs: MetaObject = {
        apiVersion: 'apps/v1', kind: 'ReplicaSet',
        metadata: { name: rsName, namespace, ownerReferences: [controllerRef('apps/v1', 'Deployment', obj)] },
      };
      return { pod: templatePod(template, namespace, `${rsName}-`, controllerRef('apps/v1', 'ReplicaSet', rs), { 'pod-template-hash': hash }), owners: [self, rs] };
    }
    case 'ReplicaSet':
    case 'DaemonSet':
      return { pod: templatePod(spec.template ?? {}, namespace, `${name}-`, controllerRef('apps/v1', obj.kind, obj)), owners: [self] };
    case 'StatefulSet': {
      const pod = templatePod(spec.template ?? {}, namespace, undefined, controllerRef('apps/v1', 'StatefulSet', obj));
      pod.metadata.name = `${name}-0`;
      return { pod, owners: [self] };
    }
    case 'Job':
      return { pod: templatePod(spec.template ?? {}, namespace, `${name}-`, controllerRef('batch/v1', 'Job', obj), { 'job-name': name }), owners: [self] };
    case 'CronJob': {
      const jobTemplate = spec.jobTemplate?.spec?.template ?? {};
      const jobName = `${name}-${numericHash(JSON.stringify(jobTemplate))}`;
      const job: MetaObject = {
        apiVersion: 'batch/v1', kind: 'Job',
        metadata: { name: jobName, namespace, ownerReferences: [controllerRef('batch/v1', 'CronJob', obj)] },
      };
      return { pod: templatePod(jobTemplate, namespace, `${jobName}-`, controllerRef('batch/v1', 'Job', job), { 'job-name': jobName }), owners: [self, job] };
    }
    default:
      return undefined;
  }
}

function controllerRef(apiVersion: string, kind: string, owner: MetaObject): OwnerReference {
  const ref: OwnerReference = { apiVersion, kind, name: owner.metadata?.name ?? '', controller: true, blockOwnerDeletion: true };
  if (owner.metadata?.uid) ref.uid = owner.metadata.uid;
  return ref;
}

function templatePod(template: Template, namespace: string, generateName: string | undefined, owner: OwnerReference,
  extraLabels: { [k: string]: string } = {}): Pod {
  const t = JSON.parse(JSON.stringify(template)) as Template;
  const metadata: Pod['metadata'] = { ...(t.metadata ?? {}), namespace };
  if (generateName) metadata.generateName = generateName;
  const labels = { ...(t.metadata?.labels ?? {}), ...extraLabels };
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  metadata.ownerReferences = [owner];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: t.spec ?? { containers: [] } };
}

/**
 * A stand-in for the Deployment controller's pod-template-hash: FNV-1a of the template's JSON, rendered with
 * Kubernetes' "safe" alphabet. The shape matches; the value differs from the cluster's (which hashes Go's
 * in-memory dump of the template), so only the `<deployment>-` prefix of the ReplicaSet name is reliable.
 */
export function podTemplateHash(template: unknown): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return String(fnv32a(JSON.stringify(template ?? {}))).split('').map((ch) => alphabet[ch.charCodeAt(0) % alphabet.length]).join('');
}

function numericHash(s: string): string {
  return String(fnv32a(s) % 100000000).padStart(8, '0');
}

function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(s, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

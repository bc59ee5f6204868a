/**
 * What the built-in controllers and the API server would add, so that pod asserts can be evaluated without
 * a cluster: the pods a workload gets (names, labels, owner references), the ServiceAccount admission
 * plugin's token volume, and the API server defaults that asserts commonly spell out (`protocol: TCP`, ...).
 * Pure.
 */
import { createHash } from 'crypto';
import { KubeObject } from '../common/kube';
import { clone, isMap } from './store';

/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no confusable digits). */
const SAFE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** A deterministic k8s-looking suffix of `length` characters derived from `seed`. */
export function safeSuffix(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += SAFE_CHARS[digest[i] % SAFE_CHARS.length];
  return out;
}

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'] as const;

export function isWorkload(obj: KubeObject): boolean {
  return (WORKLOAD_KINDS as ReadonlyArray<string>).includes(obj.kind)
    && (obj.apiVersion === 'apps/v1' || obj.apiVersion === 'batch/v1');
}

/** Hash of a pod template: a changed template means new pods (a rollout). */
export function templateHash(obj: KubeObject): string {
  const template = (obj.spec as Record<string, unknown> | undefined)?.template;
  return safeSuffix(JSON.stringify(template ?? {}), 10);
}

export interface SynthesizedPods {
  /** Intermediate objects (a Deployment's ReplicaSet). */
  readonly controllers: KubeObject[];
  /** Pods before admission (no defaults, no mutation). */
  readonly pods: KubeObject[];
}

/** How many pods we create at most per workload: asserts look at one, rollouts at a handful. */
const MAX_PODS = 5;

/** The pods a workload's controller would create for its current template. */
export function synthesizePods(workload: KubeObject): SynthesizedPods {
  const spec = (workload.spec ?? {}) as Record<string, any>;
  const template = (spec.template ?? {}) as Record<string, any>;
  const ns = workload.metadata.namespace;
  const name = workload.metadata.name ?? '';
  const hash = templateHash(workload);
  const ownerRef = (owner: KubeObject) => ({
    apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid,
    controller: true, blockOwnerDeletion: true,
  });
  const replicas = Math.min(MAX_PODS, Math.max(0, Number(spec.replicas ?? 1)));
  const pod = (podName: string, extraLabels: Record<string, string>, owner: KubeObject, generateName?: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName,
      ...(generateName ? { generateName } : {}),
      namespace: ns,
      labels: { ...(template.metadata?.labels ?? {}), ...extraLabels },
      ...(template.metadata?.annotations ? { annotations: clone(template.metadata.annotations) } : {}),
      ownerReferences: [ownerRef(owner)],
    },
    spec: clone(template.spec ?? {}),
  });
  switch (workload.kind) {
    case 'Deployment': {
      const rsName = `${name}-${hash}`;
      const rs: KubeObject = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: rsName, namespace: ns,
          labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash },
          ...(template.metadata?.annotations ? { annotations: clone(template.metadata.annotations) } : {}),
          ownerReferences: [ownerRef(workload)],
        },
        spec: {
          replicas: spec.replicas ?? 1,
          selector: mergeSelector(spec.selector, { 'pod-template-hash': hash }),
          template: { ...clone(template), metadata: { ...clone(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash } } },
        },
      };
      const pods = range(replicas).map((i) => pod(`${rsName}-${safeSuffix(`${rsName}/${i}`, 5)}`, { 'pod-template-hash': hash }, rs, `${rsName}-`));
      return { controllers: [rs], pods };
    }
    case 'StatefulSet': {
      const revision = `${name}-${hash}`;
      const pods = range(replicas).map((i) => pod(`${name}-${i}`, {
        'controller-revision-hash': revision,
        'statefulset.kubernetes.io/pod-name': `${name}-${i}`,
        'apps.kubernetes.io/pod-index': String(i),
      }, workload));
      for (const p of pods) (p.spec as Record<string, unknown>).hostname = p.metadata.name;
      return { controllers: [], pods };
    }
    case 'DaemonSet': {
      // one node in the simulated cluster
      const podName = `${name}-${safeSuffix(`${name}/${hash}`, 5)}`;
      return { controllers: [], pods: [pod(podName, { 'controller-revision-hash': hash, 'pod-template-generation': '1' }, workload, `${name}-`)] };
    }
    case 'Job': {
      const uid = String(workload.metadata.uid ?? '');
      const labels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
      const podName = `${name}-${safeSuffix(`${name}/${hash}`, 5)}`;
      return { controllers: [], pods: [pod(podName, labels, workload, `${name}-`)] };
    }
    default:
      return { controllers: [], pods: [] };
  }
}

function mergeSelector(selector: unknown, extra: Record<string, string>): unknown {
  const s = isMap(selector) ? clone(selector) : {};
  return { ...s, matchLabels: { ...((s as Record<string, any>).matchLabels ?? {}), ...extra } };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * The ServiceAccount admission plugin: default service account and the projected token volume mounted into
 * every container. It runs before the webhooks and again after them (the API server re-runs in-tree
 * plugins when a webhook changed the object), which is why injected init containers get the mount last.
 * Idempotent.
 */
export function admitServiceAccount(pod: KubeObject): KubeObject {
  const out = clone(pod) as KubeObject & { spec: Record<string, any> };
  const spec = out.spec;
  spec.serviceAccountName = spec.serviceAccountName ?? spec.serviceAccount ?? 'default';
  spec.serviceAccount = spec.serviceAccountName;
  if (spec.automountServiceAccountToken === false) return out;
  const mountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
  const existing = (spec.volumes ?? []).find((v: Record<string, unknown>) => String(v.name).startsWith('kube-api-access-'));
  const volumeName = existing?.name ?? `kube-api-access-${safeSuffix(String(pod.metadata.name), 5)}`;
  if (!existing) spec.volumes = [...(spec.volumes ?? []), {
    name: volumeName,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  }];
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const mounts = c.volumeMounts ?? [];
    if (!mounts.some((m: Record<string, unknown>) => m.mountPath === mountPath)) {
      c.volumeMounts = [...mounts, { name: volumeName, mountPath, readOnly: true }];
    }
  }
  return out;
}

/** API server defaults that asserts spell out; applied to every stored object of these kinds. */
export function applyDefaults(obj: KubeObject): KubeObject {
  const out = clone(obj) as KubeObject & Record<string, any>;
  switch (out.kind) {
    case 'Pod':
      defaultPodSpec(out.spec);
      break;
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job':
      defaultPodSpec(out.spec?.template?.spec);
      if (out.kind === 'StatefulSet') defaultVolumeClaimTemplates(out.spec?.volumeClaimTemplates);
      if (out.kind === 'DaemonSet' && out.spec) defaultDaemonSet(out.spec);
      break;
    case 'CronJob':
      defaultPodSpec(out.spec?.jobTemplate?.spec?.template?.spec);
      break;
    case 'HorizontalPodAutoscaler':
      if (out.apiVersion === 'autoscaling/v2' && out.spec) defaultHpa(out.spec);
      break;
    case 'Service':
      for (const p of out.spec?.ports ?? []) {
        p.protocol = p.protocol ?? 'TCP';
        p.targetPort = p.targetPort ?? p.port;
      }
      if (out.spec) defaultService(out.spec, String(out.metadata.name));
      break;
    default:
      break;
  }
  return out;
}

function defaultPodSpec(spec: Record<string, any> | undefined): void {
  if (!spec) return;
  spec.restartPolicy = spec.restartPolicy ?? 'Always';
  spec.dnsPolicy = spec.dnsPolicy ?? 'ClusterFirst';
  spec.schedulerName = spec.schedulerName ?? 'default-scheduler';
  spec.terminationGracePeriodSeconds = spec.terminationGracePeriodSeconds ?? 30;
  spec.securityContext = spec.securityContext ?? {};
  for (const v of spec.volumes ?? []) {
    // SetDefaults_Volume: a volume naming no source is an emptyDir (the operator passes spec.volumes through as given)
    if (Object.keys(v).every((k) => k === 'name')) v.emptyDir = {};
    for (const source of [v.configMap, v.secret, v.projected]) if (source) source.defaultMode = source.defaultMode ?? 420;
  }
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    c.terminationMessagePath = c.terminationMessagePath ?? '/dev/termination-log';
    c.terminationMessagePolicy = c.terminationMessagePolicy ?? 'File';
    if (c.image && !c.imagePullPolicy) {
      const tag = /:([^/@]+)$/.exec(String(c.image).split('@')[0])?.[1];
      c.imagePullPolicy = !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
    }
    for (const p of c.ports ?? []) p.protocol = p.protocol ?? 'TCP';
    for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) defaultProbe(probe);
    for (const e of c.env ?? []) {
      if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion = e.valueFrom.fieldRef.apiVersion ?? 'v1';
      if (e.valueFrom?.resourceFieldRef) e.valueFrom.resourceFieldRef.divisor = e.valueFrom.resourceFieldRef.divisor ?? '0';
    }
  }
}

/** SetDefaults_DaemonSet: a rolling update one pod at a time, no surge, ten old revisions kept. */
function defaultDaemonSet(spec: Record<string, any>): void {
  spec.updateStrategy = { type: 'RollingUpdate', ...spec.updateStrategy };
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate = { maxUnavailable: 1, maxSurge: 0, ...spec.updateStrategy.rollingUpdate };
  }
  spec.revisionHistoryLimit = spec.revisionHistoryLimit ?? 10;
}

/**
 * StatefulSet claim templates as stored: the API server fills in their type (so `kubectl get -o yaml` shows
 * `apiVersion: v1, kind: PersistentVolumeClaim`), `volumeMode: Filesystem` and the claim's initial phase.
 */
function defaultVolumeClaimTemplates(templates: Array<Record<string, any>> | undefined): void {
  for (const t of templates ?? []) {
    t.apiVersion = t.apiVersion ?? 'v1';
    t.kind = t.kind ?? 'PersistentVolumeClaim';
    t.spec = { ...t.spec, volumeMode: t.spec?.volumeMode ?? 'Filesystem' };
    t.status = { ...t.status, phase: t.status?.phase ?? 'Pending' };
  }
}

function defaultProbe(probe: Record<string, any> | undefined): void {
  if (!probe) return;
  probe.timeoutSeconds = probe.timeoutSeconds ?? 1;
  probe.periodSeconds = probe.periodSeconds ?? 10;
  probe.successThreshold = probe.successThreshold ?? 1;
  probe.failureThreshold = probe.failureThreshold ?? 3;
  if (probe.httpGet) probe.httpGet.scheme = probe.httpGet.scheme ?? 'HTTP';
}

/** autoscaling/v2 defaults: a given `behavior` gets the default rules wherever a field is left out. */
function defaultHpa(spec: Record<string, any>): void {
  spec.minReplicas = spec.minReplicas ?? 1;
  if (!spec.behavior) return;
  const fill = (rules: Record<string, any> | undefined, defaults: Record<string, any>) => ({ ...defaults, ...(rules ?? {}) });
  spec.behavior.scaleUp = fill(spec.behavior.scaleUp, {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
  });
  spec.behavior.scaleDown = fill(spec.behavior.scaleDown, {
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  });
}

/** Service defaults and the ClusterIP allocation (a stable fake address per name; headless stays None). */
function defaultService(spec: Record<string, any>, name: string): void {
  spec.type = spec.type ?? 'ClusterIP';
  spec.sessionAffinity = spec.sessionAffinity ?? 'None';
  if (spec.type === 'ExternalName') return;
  if (!spec.clusterIP) {
    const digest = createHash('sha256').update(name).digest();
    spec.clusterIP = `10.96.${digest[0]}.${(digest[1] % 253) + 1}`;
  }
  spec.clusterIPs = spec.clusterIPs ?? [spec.clusterIP];
  spec.ipFamilyPolicy = spec.ipFamilyPolicy ?? 'SingleStack';
  spec.ipFamilies = spec.ipFamilies ?? ['IPv4'];
  spec.internalTrafficPolicy = spec.internalTrafficPolicy ?? 'Cluster';
}

import { ENV_POD_NAME, ENV_RESOURCE_ATTRIBUTES, RESOURCE_ATTRIBUTE_ANNOTATION_PREFIX } from './constants';
import { indexOfEnv } from './env';
import { MutationLookup } from './lookup';
import { Container, InstrumentationResource, OwnerReference, Pod } from './types';

/**
 * Resource attributes and the service name/version/instance id, derived the way upstream derives them
 * (which follows the OpenTelemetry semantic conventions' non-normative "k8s attributes" guide).
 */

const LABEL_APP_INSTANCE = 'app.kubernetes.io/instance';
const LABEL_APP_NAME = 'app.kubernetes.io/name';
const LABEL_APP_VERSION = 'app.kubernetes.io/version';

export type ResourceMap = { [key: string]: string };

/** `resource.opentelemetry.io/<attr>` annotation, else (with useLabels) the first non-empty label. */
export function labelOrAnnotation(pod: Pod, useLabels: boolean, attribute: string, labelKeys: string[]): string {
  const fromAnnotation = pod.metadata.annotations?.[RESOURCE_ATTRIBUTE_ANNOTATION_PREFIX + attribute];
  if (fromAnnotation) return fromAnnotation;
  if (useLabels) {
    for (const key of labelKeys) {
      const v = pod.metadata.labels?.[key];
      if (v) return v;
    }
  }
  return '';
}

/** OTEL_SERVICE_NAME: annotation, labels, the nearest workload owner, the pod name, else the container name. */
export function chooseServiceName(pod: Pod, useLabels: boolean, res: ResourceMap, container: Container): string {
  const explicit = labelOrAnnotation(pod, useLabels, 'service.name', [LABEL_APP_INSTANCE, LABEL_APP_NAME]);
  if (explicit) return explicit;
  for (const key of ['k8s.deployment.name', 'k8s.replicaset.name', 'k8s.statefulset.name', 'k8s.daemonset.name',
    'k8s.cronjob.name', 'k8s.job.name', 'k8s.pod.name']) {
    if (res[key]) return res[key];
  }
  return container.name;
}

export function chooseServiceVersion(pod: Pod, useLabels: boolean, container: Container): string {
  const explicit = labelOrAnnotation(pod, useLabels, 'service.version', [LABEL_APP_VERSION]);
  if (explicit) return explicit;
  return serviceVersionFromImage(container.image ?? '');
}

const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;
const REPO_PATH = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/**
 * The service version an image reference implies: `tag`, `tag@digest` or `digest`; empty when the
 * reference has neither or does not parse (e.g. upper-case repository names), like docker's reference parser.
 */
export function serviceVersionFromImage(image: string): string {
  if (!image) return '';
  let rest = image;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return '';
  }
  let tag = '';
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return '';
  }
  // The first path element is a registry host when it has a '.' or ':' or is "localhost".
  const parts = rest.split('/');
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost')) parts.shift();
  if (!REPO_PATH.test(parts.join('/'))) return '';
  if (digest) return tag ? `${tag}@${digest}` : digest;
  return tag;
}

/** Names (and with `withUid` the uids) of the pod's workload owners, following ReplicaSet→Deployment and Job→CronJob. */
export function ownerAttributes(namespace: string, owners: readonly OwnerReference[] | undefined, withUid: boolean,
  lookup: MutationLookup, out: ResourceMap = {}, depth = 0): ResourceMap {
  for (const owner of owners ?? []) {
    const kind = owner.kind.toLowerCase();
    const attr = OWNER_ATTRIBUTE[kind];
    if (!attr) continue;
    out[`k8s.${attr}.name`] = owner.name;
    if (withUid) out[`k8s.${attr}.uid`] = owner.uid ?? '';
    // A ReplicaSet's and a Job's own owners name the Deployment and the CronJob.
    if ((kind === 'replicaset' || kind === 'job') && depth < 2) {
      const parent = lookup.owner(namespace, owner.kind, owner.name);
      ownerAttributes(namespace, parent?.metadata?.ownerReferences, withUid, lookup, out, depth + 1);
    }
  }
  return out;
}

const OWNER_ATTRIBUTE: { [kind: string]: string } = {
  replicaset: 'replicaset',
  deployment: 'deployment',
  statefulset: 'statefulset',
  daemonset: 'daemonset',
  job: 'job',
  cronjob: 'cronjob',
};

/**
 * The resource attributes for one container, lowest precedence first: the CR's resourceAttributes,
 * Kubernetes-derived values, pod `resource.opentelemetry.io/*` annotations, service.namespace. Keys the
 * container's own OTEL_RESOURCE_ATTRIBUTES already sets are left out (the user's value wins).
 */
export function createResourceMap(inst: InstrumentationResource, namespace: string, pod: Pod, container: Container,
  lookup: MutationLookup): ResourceMap {
  const existing = existingResourceKeys(container);
  const res: ResourceMap = {};
  for (const [k, v] of Object.entries(inst.spec.resource?.resourceAttributes ?? {})) {
    if (!existing.has(k)) res[k] = v;
  }
  const withUid = inst.spec.resource?.addK8sUIDAttributes === true;
  const k8s: ResourceMap = {
    'k8s.namespace.name': namespace,
    'k8s.container.name': container.name,
    'k8s.pod.name': pod.metadata.name ?? '',
    'k8s.pod.uid': pod.metadata.uid ?? '',
    'k8s.node.name': pod.spec.nodeName ?? '',
    'service.instance.id': serviceInstanceId(pod, namespace, `$(${ENV_POD_NAME})`, container.name),
  };
  ownerAttributes(namespace, pod.metadata.ownerReferences, withUid, lookup, k8s);
  for (const [k, v] of Object.entries(k8s)) {
    if (!existing.has(k) && v !== '') res[k] = v;
  }
  for (const [k, v] of Object.entries(pod.metadata.annotations ?? {})) {
    if (!k.startsWith(RESOURCE_ATTRIBUTE_ANNOTATION_PREFIX)) continue;
    const key = k.slice(RESOURCE_ATTRIBUTE_ANNOTATION_PREFIX.length);
    if (!existing.has(key) && key !== 'service.name') res[key] = v;
  }
  const serviceNamespace = labelOrAnnotation(pod, false, 'service.namespace', []) || namespace;
  if (serviceNamespace && !existing.has('service.namespace')) res['service.namespace'] = serviceNamespace;
  return res;
}

/** Never derived from labels: several containers of one pod would share it, and the id must be unique. */
function serviceInstanceId(pod: Pod, namespace: string, podName: string, containerName: string): string {
  const explicit = labelOrAnnotation(pod, false, 'service.instance.id', []);
  if (explicit) return explicit;
  return namespace && podName && containerName ? `${namespace}.${podName}.${containerName}` : '';
}

function existingResourceKeys(container: Container): Set<string> {
  const keys = new Set<string>();
  const idx = indexOfEnv(container.env, ENV_RESOURCE_ATTRIBUTES);
  if (idx < 0) return keys;
  for (const kv of (container.env![idx].value ?? '').split(',')) {
    const parts = kv.trim().split('=');
    if (parts.length === 2) keys.add(parts[0]);
  }
  return keys;
}

/** Sorted `k=v` pairs joined with ",". */
export function resourceMapToString(res: ResourceMap): string {
  return Object.keys(res).sort().map((k) => `${k}=${res[k]}`).join(',');
}

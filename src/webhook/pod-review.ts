/**
 * The `/mutate-v1-pod` webhook (`mpod.kb.io`, failurePolicy Ignore) as an AdmissionReview handler: the sidecar,
 * then the instrumentation mutator, on CREATE. Every failure admits the pod unchanged with the message, so a
 * broken lookup or an odd pod never blocks a workload. Pure: the cluster is read through the lookup it is given.
 */
import { KubeObject } from '../common/kube';
import { MutationLookup } from '../instrumentation';
import { MutationEvent } from '../instrumentation';
import { buildSidecarParts, SidecarBuilder, SidecarParts } from '../sidecar';
import { admissionResponse } from './admission';
import { mutatePod, PodMutationOptions } from './pod-mutator';
import { AdmissionHandler, AdmissionReview, allow } from './review';

export interface PodWebhookOptions extends PodMutationOptions {
  /**
   * Told about the events the mutation records on a pod (upstream records them with the pod's event recorder);
   * the operator writes them as Events. @default - dropped
   */
  readonly onEvents?: (pod: KubeObject, events: readonly MutationEvent[]) => void;
}

/**
 * `base` memoized by what the sidecar depends on (the collector's name, namespace, labels, annotations and spec, and
 * the default image): building it renders the collector config to YAML, the bulk of a pod admission's time, while a
 * cluster has few sidecar collectors and many pods. Each call gets its own copy. Least recently used entries go first.
 */
export function memoizedSidecarBuilder(base: SidecarBuilder = buildSidecarParts, maxEntries = 256): SidecarBuilder {
  const cache = new Map<string, SidecarParts>();
  return (collector, options) => {
    const m = collector.metadata ?? {};
    // an object from the API server is one version of one object: its uid and resourceVersion say it all
    const key = m.uid && m.resourceVersion
      ? `${m.uid}/${String(m.resourceVersion)}/${options.collectorImage ?? ''}`
      : JSON.stringify([m.namespace, m.name, m.labels, m.annotations, (collector as { spec?: unknown }).spec, options.collectorImage]);
    let parts = cache.get(key);
    if (parts) {
      cache.delete(key);
    } else {
      parts = base(collector, options);
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    }
    cache.set(key, parts);
    // plain JSON: a JSON round trip copies it faster than structuredClone
    return JSON.parse(JSON.stringify(parts)) as SidecarParts;
  };
}

/**
 * `lookup` is asked for the cluster's view on each request, with that request (the operator gives its informer
 * caches plus the owners it fetched for that very request). A lookup that throws admits the pod unchanged with the
 * error, as any mutator error does.
 */
export function podMutationWebhook(lookup: (review: AdmissionReview) => MutationLookup, options: PodWebhookOptions = {}): AdmissionHandler {
  const mutation: PodWebhookOptions = { ...options, buildSidecar: options.buildSidecar ?? memoizedSidecarBuilder() };
  return (review) => {
    const request = review.request!;
    if (request.operation !== undefined && request.operation !== 'CREATE') return allow(request);
    return admissionResponse(review as Parameters<typeof admissionResponse>[0], (pod) => {
      const result = mutatePod(pod, lookup(review), mutation);
      if (result.events.length > 0) options.onEvents?.(result.pod, result.events);
      return { object: result.pod, errors: result.errors, warnings: result.warnings };
    });
  };
}

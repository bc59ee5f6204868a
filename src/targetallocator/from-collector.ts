import { CollectorConfigJson, wireTargetAllocator } from '../collector';
import { LABEL_MANAGED_BY } from '../common/labels';
import { TARGET_ALLOCATOR_API_VERSION } from './model';
import { Json } from '../common/json';

const COLLECTOR_MODES_WITH_TA = ['statefulset', 'daemonset'];

/** Whether the operator runs a target allocator for this (defaulted, v1beta1) collector. */
export function collectorWantsTargetAllocator(collector: Json): boolean {
  const spec = collector?.spec ?? {};
  return spec.targetAllocator?.enabled === true && COLLECTOR_MODES_WITH_TA.includes(spec.mode);
}

/** Keeps the fields that are set (Go's omitempty), so the generated CR reads like one a user would write. */
function setOnly(o: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}

/**
 * The `opentelemetry.io/v1alpha1` TargetAllocator the operator creates for a collector with
 * `spec.targetAllocator.enabled` (statefulset and daemonset modes only; the webhook rejects the others). It has
 * the collector's name, labels (plus `app.kubernetes.io/managed-by`) and annotations, is controlled by the collector, and carries the embedded
 * settings; the scrape configs are not copied, the allocator reads them from the collector when it is built.
 * Expects the collector already defaulted (as stored). Returns undefined when no allocator is wanted.
 */
export function buildTargetAllocatorCr(collector: Json): Json | undefined {
  if (!collectorWantsTargetAllocator(collector)) return undefined;
  const meta = collector.metadata ?? {};
  const spec = collector.spec;
  const ta = spec.targetAllocator as Json;
  const metadata: Json = setOnly({
    name: meta.name,
    namespace: meta.namespace,
    // the collector's labels, marked as the operator's (upstream's builder adds managed-by, so the allocator CR of a
    // collector without labels is still told apart from one a user wrote)
    labels: { ...(meta.labels ?? {}), [LABEL_MANAGED_BY]: 'opentelemetry-operator' },
    annotations: meta.annotations && Object.keys(meta.annotations).length > 0 ? { ...meta.annotations } : undefined,
  });
  metadata.ownerReferences = [{
    apiVersion: collector.apiVersion ?? 'opentelemetry.io/v1beta1',
    kind: 'OpenTelemetryCollector',
    name: meta.name,
    ...(meta.uid ? { uid: meta.uid } : {}),
    controller: true,
    blockOwnerDeletion: true,
  }];
  // Sent as upstream sends it: the TargetAllocator webhook (apis defaultTargetAllocator) adds the default budget.
  return {
    apiVersion: TARGET_ALLOCATOR_API_VERSION,
    kind: 'TargetAllocator',
    metadata,
    spec: setOnly({
      replicas: ta.replicas ?? 1,
      nodeSelector: ta.nodeSelector,
      resources: ta.resources,
      serviceAccount: ta.serviceAccount || undefined,
      image: ta.image || undefined,
      affinity: ta.affinity,
      securityContext: ta.securityContext,
      podSecurityContext: ta.podSecurityContext,
      topologySpreadConstraints: ta.topologySpreadConstraints,
      tolerations: ta.tolerations,
      env: ta.env,
      // the allocator pods get the collector's pod annotations
      podAnnotations: spec.podAnnotations,
      podDisruptionBudget: ta.podDisruptionBudget,
      allocationStrategy: ta.allocationStrategy || 'consistent-hashing',
      filterStrategy: ta.filterStrategy,
      prometheusCR: ta.prometheusCR,
      observability: ta.observability,
      networkPolicy: spec.networkPolicy,
      collectorNotReadyGracePeriod: ta.collectorNotReadyGracePeriod,
      allowInsecureAuthSecrets: ta.allowInsecureAuthSecrets || undefined,
      mtls: ta.mtls,
      telemetry: ta.telemetry,
    }),
  };
}

/**
 * The collector's config as it is written to `collector.yaml` when a target allocator serves its prometheus
 * receivers: `config.scrape_configs` removed, `target_allocator {endpoint http://<name>-targetallocator:80,
 * interval, collector_id ${POD_NAME}}` added (https on 443 plus client TLS files with mTLS).
 *
 * The ConfigMap NAME hash is computed from the defaulted `spec.config` BEFORE this rewrite (upstream hashes
 * `Spec.Config`, then writes the rewritten YAML), so enabling a target allocator does not rename the ConfigMap;
 * only its `collector.yaml` content changes. This delegates to the collector room, which owns collector.yaml.
 */
export function rewriteCollectorConfigForTargetAllocator(config: CollectorConfigJson, collector: Json): CollectorConfigJson {
  if (!collectorWantsTargetAllocator(collector)) return config;
  const ta = collector.spec.targetAllocator;
  return wireTargetAllocator(config, {
    targetAllocatorName: collector.metadata?.name,
    interval: ta.collectorTargetReloadInterval,
    mtls: ta.mtls?.enabled === true,
  });
}

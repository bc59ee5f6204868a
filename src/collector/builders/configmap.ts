import { toGoConfigStruct } from '../config/model';
import { renderConfigYaml, renderRewrittenConfigYaml, wireTargetAllocator } from '../config/render';
import { CONFIG_MAP_KEY } from '../container';
import { collectorName, configMapName } from '../../common/naming';
import { ResolvedCollector } from '../resolve';
import { TA_TLS_DIR, taMtlsEnabled } from './ta-mtls';
import { objectMetadata } from './metadata';
import { Json } from '../../common/json';

/**
 * The target allocator serving this collector: the embedded one (`spec.targetAllocator.enabled`, named like the
 * collector) or a standalone TargetAllocator the collector is linked to (label `opentelemetry.io/target-allocator`,
 * passed in by the caller that looked it up).
 */
export function linkedTargetAllocatorName(c: ResolvedCollector): string | undefined {
  if (c.spec.targetAllocator?.enabled) return c.name;
  return c.options.linkedTargetAllocator || undefined;
}

/** The collector.yaml content: the defaulted config, wired to the target allocator when there is one. */
export function collectorConfigYaml(c: ResolvedCollector): string {
  const taName = linkedTargetAllocatorName(c);
  if (!taName) return renderConfigYaml(c.config);
  const ta = c.spec.targetAllocator;
  // upstream rewrites the YAML of its config struct, so keys outside the struct are gone by then
  return renderRewrittenConfigYaml(wireTargetAllocator(toGoConfigStruct(c.config), {
    targetAllocatorName: taName,
    interval: ta?.enabled ? ta.collectorTargetReloadInterval : undefined,
    mtls: taMtlsEnabled(c),
    tlsDir: TA_TLS_DIR,
    resource: c.resource,
  }));
}

/** ConfigMap `<name>-collector-<hash8>` with key collector.yaml (all modes, sidecar included). */
export function buildCollectorConfigMap(c: ResolvedCollector): Json {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMetadata(c, configMapName(c.name, c.configHash), { labelsName: collectorName(c.name) }),
    data: { [CONFIG_MAP_KEY]: collectorConfigYaml(c) },
  };
}

/** ServiceAccount `<name>-collector`, unless `spec.serviceAccount` names an existing one. */
export function buildCollectorServiceAccount(c: ResolvedCollector): Json | undefined {
  if (c.spec.serviceAccount) return undefined;
  const name = collectorName(c.name);
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: objectMetadata(c, name),
  };
}

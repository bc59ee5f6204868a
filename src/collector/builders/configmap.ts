import { renderConfigYaml, wireTargetAllocator } from '../config/render';
import { CONFIG_MAP_KEY } from '../container';
import { collectorName, configMapName } from '../names';
import { clean } from '../ports';
import { ResolvedCollector } from '../resolve';
import { Json } from '../spec';
import { TA_TLS_DIR, taMtlsEnabled } from './ta-mtls';
import { nonEmpty } from './workload';

/** The collector.yaml content: the defaulted config, wired to the target allocator when one is enabled. */
export function collectorConfigYaml(c: ResolvedCollector): string {
  const ta = c.spec.targetAllocator;
  const config = ta?.enabled
    ? wireTargetAllocator(c.config, { collectorName: c.name, interval: ta.collectorTargetReloadInterval, mtls: taMtlsEnabled(c), tlsDir: TA_TLS_DIR })
    : c.config;
  return renderConfigYaml(config);
}

/** ConfigMap `<name>-collector-<hash8>` with key collector.yaml (all modes, sidecar included). */
export function buildCollectorConfigMap(c: ResolvedCollector): Json {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: clean({
      name: configMapName(c.name, c.configHash),
      namespace: c.namespace,
      labels: c.labelsFor(collectorName(c.name)),
      annotations: nonEmpty(c.annotations),
    }),
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
    metadata: clean({ name, namespace: c.namespace, labels: c.labelsFor(name), annotations: nonEmpty(c.annotations) }),
  };
}

/**
 * Types and schemas come from one declaration (`TypeOf<typeof node>`); these exhaustive key tables make tsc
 * (npm run typecheck) fail when a type gains or loses a field, and jest fail when the CRD schema differs.
 */
import type { InstrumentationSpec, OpenTelemetryCollectorSpec, TargetAllocatorEmbedded, TargetAllocatorSpec } from '../../src/apis';
import { openTelemetryCollectorCrd, instrumentationCrd, targetAllocatorCrd } from '../../src/apis';

type KeyTable<T> = { [K in keyof Required<T>]: true };

const collectorKeys: KeyTable<OpenTelemetryCollectorSpec> = {
  managementState: true, resources: true, nodeSelector: true, args: true, replicas: true, podDisruptionBudget: true,
  securityContext: true, podSecurityContext: true, podAnnotations: true, serviceAccount: true, image: true,
  imagePullPolicy: true, volumeMounts: true, ports: true, env: true, envFrom: true, tolerations: true, volumes: true,
  affinity: true, lifecycle: true, terminationGracePeriodSeconds: true, topologySpreadConstraints: true,
  hostNetwork: true, dnsPolicy: true, hostPID: true, hostUsers: true, hostAliases: true, shareProcessNamespace: true,
  priorityClassName: true, initContainers: true, additionalContainers: true, podDnsConfig: true, ipFamilies: true,
  ipFamilyPolicy: true, trafficDistribution: true, sessionAffinity: true, sessionAffinityConfig: true,
  volumeClaimTemplates: true, persistentVolumeClaimRetentionPolicy: true, serviceName: true, podManagementPolicy: true,
  autoscaler: true, targetAllocator: true, mode: true, upgradeStrategy: true, config: true, configVersions: true,
  ingress: true, httpRoute: true, networkPolicy: true, livenessProbe: true, readinessProbe: true, startupProbe: true,
  observability: true, configmaps: true, daemonSetUpdateStrategy: true, deploymentUpdateStrategy: true, command: true,
};

const embeddedTaKeys: KeyTable<TargetAllocatorEmbedded> = {
  enabled: true, replicas: true, nodeSelector: true, resources: true, allocationStrategy: true, filterStrategy: true,
  serviceAccount: true, image: true, affinity: true, prometheusCR: true, securityContext: true, podSecurityContext: true,
  topologySpreadConstraints: true, tolerations: true, env: true, observability: true, podDisruptionBudget: true,
  allowInsecureAuthSecrets: true, collectorNotReadyGracePeriod: true, collectorTargetReloadInterval: true, mtls: true,
  telemetry: true,
};

const instrumentationKeys: KeyTable<InstrumentationSpec> = {
  exporter: true, resource: true, propagators: true, sampler: true, defaults: true, env: true, imagePullPolicy: true,
  initContainerSecurityContext: true, java: true, nodejs: true, python: true, dotnet: true, go: true, apacheHttpd: true, nginx: true,
};

const taKeys: KeyTable<TargetAllocatorSpec> = {
  ...(({ mode, config, configVersions, ingress, httpRoute, startupProbe, configmaps, daemonSetUpdateStrategy,
    deploymentUpdateStrategy, command, autoscaler, targetAllocator, upgradeStrategy, volumeClaimTemplates,
    persistentVolumeClaimRetentionPolicy, serviceName, podManagementPolicy, livenessProbe, readinessProbe, networkPolicy,
    observability, ...common }) => common)(collectorKeys),
  allocationStrategy: true, filterStrategy: true, global: true, scrapeConfigs: true, prometheusCR: true, observability: true,
  networkPolicy: true, collectorNotReadyGracePeriod: true, weightOverrides: true, livenessProbe: true, readinessProbe: true,
  mtls: true, telemetry: true, allowInsecureAuthSecrets: true,
};

function specProperties(crd: any, version: string, sub: string[] = []): string[] {
  let s = crd.spec.versions.find((v: any) => v.name === version).schema.openAPIV3Schema.properties.spec;
  for (const p of sub) s = s.properties[p];
  return Object.keys(s.properties).sort();
}

describe('types and schemas name the same fields', () => {
  test.each([
    ['collector v1beta1 spec', collectorKeys, specProperties(openTelemetryCollectorCrd(), 'v1beta1')],
    ['collector v1beta1 spec.targetAllocator', embeddedTaKeys, specProperties(openTelemetryCollectorCrd(), 'v1beta1', ['targetAllocator'])],
    ['instrumentation spec', instrumentationKeys, specProperties(instrumentationCrd(), 'v1alpha1')],
    ['target allocator spec', taKeys, specProperties(targetAllocatorCrd(), 'v1alpha1')],
  ])('%s', (_name, table, schemaKeys) => {
    expect(Object.keys(table).sort()).toEqual(schemaKeys);
  });

  test('every upstream spec field named in the brief is declared', () => {
    for (const f of ['env', 'envFrom', 'volumes', 'volumeMounts', 'resources', 'nodeSelector', 'affinity', 'tolerations',
      'securityContext', 'podSecurityContext', 'podAnnotations', 'initContainers', 'additionalContainers', 'ports', 'hostNetwork',
      'priorityClassName', 'podDnsConfig', 'ipFamilies', 'ipFamilyPolicy', 'sessionAffinity', 'lifecycle', 'terminationGracePeriodSeconds',
      'topologySpreadConstraints', 'deploymentUpdateStrategy', 'daemonSetUpdateStrategy', 'args', 'autoscaler', 'podDisruptionBudget',
      'ingress', 'observability', 'targetAllocator', 'configmaps', 'volumeClaimTemplates', 'persistentVolumeClaimRetentionPolicy',
      'serviceAccount', 'image', 'imagePullPolicy', 'mode', 'replicas', 'managementState', 'upgradeStrategy', 'livenessProbe',
      'readinessProbe', 'shareProcessNamespace', 'configVersions', 'serviceName', 'trafficDistribution', 'networkPolicy']) {
      expect(collectorKeys).toHaveProperty(f);
    }
  });
});

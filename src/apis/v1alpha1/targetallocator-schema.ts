/**
 * TargetAllocator `opentelemetry.io/v1alpha1`: a standalone target allocator. It shares upstream's common workload
 * fields with the collector and adds the Prometheus settings the collector would otherwise provide.
 */
import * as k from '../core-schemas';
import { atomicArr, bool, duration, enumOf, int32, obj, opaque, str, TypeOf } from '../schema-dsl';
import {
  ALLOCATION_STRATEGIES, commonFields, FILTER_STRATEGIES, networkPolicySpec, observabilitySpec, prometheusCRSpec,
  targetAllocatorMtls, targetAllocatorTelemetry,
} from '../v1beta1/common-schema';

export const targetAllocatorSpecV1alpha1 = obj({
  ...commonFields,
  allocationStrategy: enumOf(ALLOCATION_STRATEGIES).default('consistent-hashing'),
  filterStrategy: enumOf(FILTER_STRATEGIES).default('relabel-config'),
  global: opaque().desc('Prometheus `global` configuration.'),
  scrapeConfigs: atomicArr(opaque())
    .desc('Static Prometheus scrape configurations.'),
  prometheusCR: prometheusCRSpec,
  observability: observabilitySpec,
  networkPolicy: networkPolicySpec,
  collectorNotReadyGracePeriod: duration().default('30s'),
  // the operator copies it from a collector's embedded allocator into the TargetAllocator it generates
  allowInsecureAuthSecrets: bool().desc('Serve auth secrets over plain HTTP (only behind a mesh).'),
  weightOverrides: atomicArr(obj({ jobName: str(), weight: int32() }))
    .desc('Weight classes of targets by job name (least-weighted strategy).'),
  livenessProbe: k.probe(),
  readinessProbe: k.probe(),
  mtls: targetAllocatorMtls,
  telemetry: targetAllocatorTelemetry,
});

export const targetAllocatorStatusV1alpha1 = obj({
  version: str(),
  image: str(),
});

export interface TargetAllocatorSpec extends TypeOf<typeof targetAllocatorSpecV1alpha1> {}
export interface TargetAllocatorStatus extends TypeOf<typeof targetAllocatorStatusV1alpha1> {}

/** A whole TargetAllocator object. */
export interface TargetAllocator {
  apiVersion: 'opentelemetry.io/v1alpha1';
  kind: 'TargetAllocator';
  metadata: { name?: string; namespace?: string; labels?: { [key: string]: string }; annotations?: { [key: string]: string }; [key: string]: unknown };
  spec: TargetAllocatorSpec;
  status?: TargetAllocatorStatus;
}

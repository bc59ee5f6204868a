/**
 * OpenTelemetryCollector `opentelemetry.io/v1beta1` as TypeScript types (plain JSON shape, field names as in the
 * CRD). Every type here is derived from the schema declaration in `./collector-schema`, so they cannot drift.
 */
import type { Condition } from '../../common/core-types';
import type { TypeOf } from '../schema-dsl';
import type * as s from './collector-schema';
import type * as c from './common-schema';

export type CollectorMode = typeof s.COLLECTOR_MODES[number];
export type ManagementState = typeof c.MANAGEMENT_STATES[number];
export type UpgradeStrategy = typeof s.UPGRADE_STRATEGIES[number];
export type AllocationStrategy = typeof c.ALLOCATION_STRATEGIES[number];
export type FilterStrategy = typeof c.FILTER_STRATEGIES[number];

/** One pipeline of `service.pipelines`. */
export type PipelineConfig = TypeOf<typeof s.pipelineSpec>;
/** The collector configuration as an object (v1beta1). Component settings are free-form. */
export type CollectorConfig = TypeOf<typeof s.collectorConfig>;
export type ServiceConfig = CollectorConfig['service'];
export type AutoscalerSpec = TypeOf<typeof s.autoscalerSpec>;
export type ProbeSpec = TypeOf<typeof s.probeSpec>;
export type IngressSpec = TypeOf<typeof s.ingressSpec>;
export type HttpRouteSpec = TypeOf<typeof s.httpRouteSpec>;
/** `spec.targetAllocator` of a collector. */
export type TargetAllocatorEmbedded = TypeOf<typeof s.targetAllocatorEmbedded>;
export type PodDisruptionBudgetSpec = c.PodDisruptionBudgetSpec;
export type PortsSpec = c.PortsSpec;
export type ObservabilitySpec = c.ObservabilitySpec;
export type MetricsConfigSpec = NonNullable<ObservabilitySpec['metrics']>;
export type TargetAllocatorPrometheusCR = c.TargetAllocatorPrometheusCR;
export type TargetAllocatorMTLS = c.TargetAllocatorMTLS;
export type ConfigMapsSpec = NonNullable<OpenTelemetryCollectorSpec['configmaps']>[number];

/** `spec` of an OpenTelemetryCollector v1beta1. */
export interface OpenTelemetryCollectorSpec extends TypeOf<typeof s.collectorSpecV1beta1> {}

export type ScaleSubresourceStatus = NonNullable<OpenTelemetryCollectorStatus['scale']>;

export interface OpenTelemetryCollectorStatus extends TypeOf<typeof s.collectorStatusV1beta1> {
  conditions?: Condition[];
}

/** A whole OpenTelemetryCollector v1beta1 object. */
export interface OpenTelemetryCollector {
  apiVersion: 'opentelemetry.io/v1beta1';
  kind: 'OpenTelemetryCollector';
  metadata: { name?: string; namespace?: string; labels?: { [key: string]: string }; annotations?: { [key: string]: string }; [key: string]: unknown };
  spec: OpenTelemetryCollectorSpec;
  status?: OpenTelemetryCollectorStatus;
}

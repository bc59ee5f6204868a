/**
 * The CustomResourceDefinitions (`apiextensions.k8s.io/v1`) as plain JSON, built from the schema declarations.
 * Names, short names, printer columns and subresources are upstream's, so `kubectl get otelcol` reads the same.
 */
import type { KubeObject } from '../common/kube';
import type { JSONSchemaProps, Node } from './schema-dsl';
import { collectorSpecV1alpha1, collectorStatusV1alpha1 } from './v1alpha1/collector-schema';
import { instrumentationSpecV1alpha1, instrumentationStatusV1alpha1 } from './v1alpha1/instrumentation-schema';
import { targetAllocatorSpecV1alpha1, targetAllocatorStatusV1alpha1 } from './v1alpha1/targetallocator-schema';
import { collectorSpecV1beta1, collectorStatusV1beta1 } from './v1beta1/collector-schema';

export const GROUP = 'opentelemetry.io';

/** Where the API server sends ConversionReview requests for the collector (upstream's names by default). */
export interface ConversionWebhookOptions {
  /** @default 'opentelemetry-operator-webhook-service' */
  readonly serviceName?: string;
  /** @default 'opentelemetry-operator-system' */
  readonly serviceNamespace?: string;
  /** @default '/convert' */
  readonly path?: string;
  /** @default 443 */
  readonly port?: number;
  /** PEM CA bundle, base64-encoded; usually injected by cert-manager instead. @default - none */
  readonly caBundle?: string;
}

export interface CrdOptions {
  /** Labels on the CRD objects. @default - none */
  readonly labels?: { [key: string]: string };
  /** Annotations on the CRD objects (e.g. `cert-manager.io/inject-ca-from`). @default - none */
  readonly annotations?: { [key: string]: string };
  /**
   * Conversion of the collector between v1alpha1 and v1beta1: a webhook (upstream's setup), or `false` for
   * strategy None, e.g. in a test API server without the operator (v1alpha1 objects are then not converted).
   * @default - webhook at upstream's service
   */
  readonly conversionWebhook?: ConversionWebhookOptions | false;
}

interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'date' | 'number' | 'boolean';
  jsonPath: string;
  description?: string;
}

interface VersionDef {
  name: string;
  storage: boolean;
  spec: Node<unknown, boolean>;
  status: Node<unknown, boolean>;
  columns: PrinterColumn[];
  scale?: boolean;
  deprecationWarning?: string;
}

const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
const MANAGEMENT: PrinterColumn = {
  name: 'Management', type: 'string', jsonPath: '.spec.managementState', description: 'Management State',
};
const COLLECTOR_COLUMNS: PrinterColumn[] = [
  { name: 'Mode', type: 'string', jsonPath: '.spec.mode', description: 'Deployment Mode' },
  { name: 'Version', type: 'string', jsonPath: '.status.version', description: 'OpenTelemetry Version' },
  { name: 'Ready', type: 'string', jsonPath: '.status.scale.statusReplicas' },
  AGE,
  { name: 'Image', type: 'string', jsonPath: '.status.image' },
  MANAGEMENT,
];

/** The top-level schema of one version: the object envelope around spec and status. */
export function versionSchema(spec: Node<unknown, boolean>, status: Node<unknown, boolean>): JSONSchemaProps {
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: spec.json,
      status: status.json,
    },
  };
}

function buildCrd(
  names: { kind: string; plural: string; singular: string; listKind: string; shortNames?: string[] },
  versions: VersionDef[],
  options: CrdOptions,
  conversion?: object,
): KubeObject {
  const metadata: { [key: string]: unknown } = { name: `${names.plural}.${GROUP}` };
  if (options.labels) metadata.labels = { ...options.labels };
  if (options.annotations) metadata.annotations = { ...options.annotations };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata,
    spec: {
      group: GROUP,
      names: { ...names },
      scope: 'Namespaced',
      ...(conversion ? { conversion } : {}),
      versions: versions.map(v => ({
        name: v.name,
        served: true,
        storage: v.storage,
        ...(v.deprecationWarning ? { deprecated: true, deprecationWarning: v.deprecationWarning } : {}),
        additionalPrinterColumns: v.columns,
        schema: { openAPIV3Schema: versionSchema(v.spec, v.status) },
        subresources: v.scale
          ? {
            status: {},
            scale: {
              specReplicasPath: '.spec.replicas',
              statusReplicasPath: '.status.scale.replicas',
              labelSelectorPath: '.status.scale.selector',
            },
          }
          : { status: {} },
      })),
    },
  };
}

/** OpenTelemetryCollector: v1beta1 (storage) and the deprecated v1alpha1, converted by the operator's webhook. */
export function openTelemetryCollectorCrd(options: CrdOptions = {}): KubeObject {
  const hook = options.conversionWebhook;
  const conversion = hook === false
    ? { strategy: 'None' }
    : {
      strategy: 'Webhook',
      webhook: {
        conversionReviewVersions: ['v1alpha1', 'v1beta1'],
        clientConfig: {
          ...(hook?.caBundle ? { caBundle: hook.caBundle } : {}),
          service: {
            name: hook?.serviceName ?? 'opentelemetry-operator-webhook-service',
            namespace: hook?.serviceNamespace ?? 'opentelemetry-operator-system',
            path: hook?.path ?? '/convert',
            port: hook?.port ?? 443,
          },
        },
      },
    };
  return buildCrd(
    { kind: 'OpenTelemetryCollector', plural: 'opentelemetrycollectors', singular: 'opentelemetrycollector', listKind: 'OpenTelemetryCollectorList', shortNames: ['otelcol', 'otelcols'] },
    [
      {
        name: 'v1alpha1', storage: false, spec: collectorSpecV1alpha1, status: collectorStatusV1alpha1, columns: COLLECTOR_COLUMNS, scale: true,
        deprecationWarning: 'OpenTelemetryCollector v1alpha1 is deprecated. Migrate to v1beta1.',
      },
      { name: 'v1beta1', storage: true, spec: collectorSpecV1beta1, status: collectorStatusV1beta1, columns: COLLECTOR_COLUMNS, scale: true },
    ],
    options,
    conversion,
  );
}

export function instrumentationCrd(options: CrdOptions = {}): KubeObject {
  return buildCrd(
    { kind: 'Instrumentation', plural: 'instrumentations', singular: 'instrumentation', listKind: 'InstrumentationList', shortNames: ['otelinst', 'otelinsts'] },
    [{
      name: 'v1alpha1', storage: true, spec: instrumentationSpecV1alpha1, status: instrumentationStatusV1alpha1,
      columns: [
        AGE,
        { name: 'Endpoint', type: 'string', jsonPath: '.spec.exporter.endpoint' },
        { name: 'Sampler', type: 'string', jsonPath: '.spec.sampler.type' },
        { name: 'Sampler Arg', type: 'string', jsonPath: '.spec.sampler.argument' },
      ],
    }],
    options,
  );
}

export function targetAllocatorCrd(options: CrdOptions = {}): KubeObject {
  return buildCrd(
    { kind: 'TargetAllocator', plural: 'targetallocators', singular: 'targetallocator', listKind: 'TargetAllocatorList' },
    [{
      name: 'v1alpha1', storage: true, spec: targetAllocatorSpecV1alpha1, status: targetAllocatorStatusV1alpha1,
      columns: [AGE, { name: 'Image', type: 'string', jsonPath: '.status.image' }, MANAGEMENT],
    }],
    options,
  );
}

/** Every CRD we own, in a stable order (collector, instrumentation, target allocator). */
export function allCrds(options: CrdOptions = {}): KubeObject[] {
  return [openTelemetryCollectorCrd(options), instrumentationCrd(options), targetAllocatorCrd(options)];
}

/**
 * What a construct synthesizes: the objects the operator would create (for clusters without the operator), or
 * the custom resource itself (for clusters that run the operator, which then creates the objects).
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Instrumentation as InstrumentationResource, OpenTelemetryCollector as CollectorResourceV1alpha1,
  OpenTelemetryCollectorV1Beta1 as CollectorResourceV1beta1, TargetAllocator as TargetAllocatorResource,
} from '../../imports/opentelemetry.io';
import { InvalidInputError } from '../common/errors';
import { Json } from '../common/json';
import { describeObject } from '../common/kube';

/** What a construct synthesizes. */
export enum ResourceOutput {
  /** the Kubernetes objects the operator would create (Deployment, Services, ConfigMap, ...) */
  OBJECTS = 'objects',
  /** the custom resource itself (OpenTelemetryCollector, TargetAllocator), for a cluster that runs the operator */
  CUSTOM_RESOURCE = 'custom-resource',
}

/** The generated class (imports/, from our own CRDs) of each custom resource version. */
const RESOURCE_CLASSES: { [apiVersionAndKind: string]: typeof ApiObject } = {
  'opentelemetry.io/v1beta1/OpenTelemetryCollector': CollectorResourceV1beta1,
  'opentelemetry.io/v1alpha1/OpenTelemetryCollector': CollectorResourceV1alpha1,
  'opentelemetry.io/v1alpha1/TargetAllocator': TargetAllocatorResource,
  'opentelemetry.io/v1alpha1/Instrumentation': InstrumentationResource,
};

/**
 * Adds the custom resource `manifest` under `scope` as an instance of its generated class in imports/ (so it
 * is an `OpenTelemetryCollectorV1Beta1`, a `TargetAllocator`...). It is written exactly as given: the generated
 * `toJson` re-maps typed props by their TypeScript names and would drop wire names such as `hostPID` or
 * `prometheusCR`, so the object serialises as a plain `ApiObject` does.
 */
export function addCustomResource(scope: Construct, id: string, manifest: Json): ApiObject {
  const cls = RESOURCE_CLASSES[`${manifest.apiVersion}/${manifest.kind}`];
  if (!cls) {
    throw new InvalidInputError(describeObject(manifest), 'apiVersion', `no generated class for ${manifest.apiVersion} ${manifest.kind}`,
      `use one of ${Object.keys(RESOURCE_CLASSES).join(', ')}`);
  }
  const { apiVersion: _apiVersion, kind: _kind, ...props } = manifest;
  const obj = new (cls as unknown as new (scope: Construct, id: string, props: Json) => ApiObject)(scope, id, props);
  Object.defineProperty(obj, 'toJson', { value: () => ApiObject.prototype.toJson.call(obj) });
  return obj;
}

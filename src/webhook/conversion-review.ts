/**
 * The `/convert` webhook: a ConversionReview (apiextensions.k8s.io/v1) of OpenTelemetryCollectors between v1alpha1
 * and v1beta1, through the pure conversion of the apis room. Pure.
 */
import { KubeObject } from '../common/kube';
import { convertCollectorV1alpha1ToV1beta1, convertCollectorV1beta1ToV1alpha1 } from '../apis';
import type { OpenTelemetryCollectorV1alpha1 } from '../apis';
import type { OpenTelemetryCollector } from '../apis';

export interface ConversionReview {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly request?: { readonly uid: string; readonly desiredAPIVersion: string; readonly objects: KubeObject[] };
}

export interface ConversionReviewResponse {
  /** the request's: the API server sends v1beta1 reviews when the CRD lists `v1beta1` first among conversionReviewVersions */
  readonly apiVersion: 'apiextensions.k8s.io/v1' | 'apiextensions.k8s.io/v1beta1';
  readonly kind: 'ConversionReview';
  readonly response: {
    readonly uid: string;
    readonly convertedObjects: KubeObject[];
    readonly result: { readonly status: 'Success' | 'Failure'; readonly message?: string };
  };
}

const VERSIONS = ['opentelemetry.io/v1alpha1', 'opentelemetry.io/v1beta1'];
/**
 * Both ConversionReview versions have the same shape. Upstream's CRD lists `conversionReviewVersions: [v1alpha1,
 * v1beta1]`, of which the API server understands v1beta1 only, so that is what it sends.
 */
const REVIEW_VERSIONS = ['apiextensions.k8s.io/v1', 'apiextensions.k8s.io/v1beta1'];

/** Why a body is not a ConversionReview we can answer (HTTP 400), or undefined. */
export function conversionReviewProblem(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'the body is not a JSON object';
  const review = body as ConversionReview;
  if (review.kind !== 'ConversionReview') return `kind is ${JSON.stringify(review.kind)}, expected "ConversionReview"`;
  if (!REVIEW_VERSIONS.includes(review.apiVersion as string)) {
    return `apiVersion is ${JSON.stringify(review.apiVersion)}, expected one of ${REVIEW_VERSIONS.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  const request = review.request;
  if (!request || typeof request !== 'object') return 'request is missing';
  if (typeof request.uid !== 'string' || request.uid === '') return 'request.uid is missing';
  if (typeof request.desiredAPIVersion !== 'string') return 'request.desiredAPIVersion is missing';
  if (!Array.isArray(request.objects)) return 'request.objects is not a list';
  return undefined;
}

function convertOne(obj: KubeObject, desired: string): KubeObject {
  if (obj?.kind !== 'OpenTelemetryCollector' || !VERSIONS.includes(obj.apiVersion)) {
    throw new Error(`cannot convert ${obj?.apiVersion ?? '<no apiVersion>'} ${obj?.kind ?? '<no kind>'} ${obj?.metadata?.name ?? ''}: only OpenTelemetryCollector ${VERSIONS.join(' and ')} are converted`);
  }
  if (obj.apiVersion === desired) return obj;
  return (desired === VERSIONS[1]
    ? convertCollectorV1alpha1ToV1beta1(obj as unknown as OpenTelemetryCollectorV1alpha1)
    : convertCollectorV1beta1ToV1alpha1(obj as unknown as OpenTelemetryCollector)) as unknown as KubeObject;
}

/**
 * Converts every object to `desiredAPIVersion`. One object that cannot be converted fails the whole review with
 * its reason, as the API server expects (it then answers the client with that message).
 */
export function convertReview(review: ConversionReview): ConversionReviewResponse {
  const request = review.request!;
  const base = { apiVersion: review.apiVersion === 'apiextensions.k8s.io/v1beta1' ? 'apiextensions.k8s.io/v1beta1' as const : 'apiextensions.k8s.io/v1' as const, kind: 'ConversionReview' as const };
  if (!VERSIONS.includes(request.desiredAPIVersion)) {
    return { ...base, response: { uid: request.uid, convertedObjects: [], result: { status: 'Failure', message: `desiredAPIVersion ${request.desiredAPIVersion} is not one of ${VERSIONS.join(', ')}` } } };
  }
  try {
    const convertedObjects = request.objects.map((o) => convertOne(o, request.desiredAPIVersion));
    return { ...base, response: { uid: request.uid, convertedObjects, result: { status: 'Success' } } };
  } catch (e) {
    return { ...base, response: { uid: request.uid, convertedObjects: [], result: { status: 'Failure', message: (e as Error).message } } };
  }
}

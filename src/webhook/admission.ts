import { compare } from 'fast-json-patch';
import { KubeObject } from '../common/kube';

/** The parts of an AdmissionReview (admission.k8s.io/v1) request we read. */
export interface AdmissionReviewRequest {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly request?: {
    readonly uid: string;
    readonly operation?: string;
    readonly namespace?: string;
    readonly object?: unknown;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

export interface AdmissionReviewResponse {
  readonly apiVersion: 'admission.k8s.io/v1';
  readonly kind: 'AdmissionReview';
  readonly response: {
    readonly uid: string;
    readonly allowed: boolean;
    readonly patchType?: 'JSONPatch';
    /** Base64 of the RFC 6902 JSON patch. */
    readonly patch?: string;
    readonly status?: { readonly code: number; readonly message: string };
    readonly warnings?: string[];
  };
}

/** What a mutation returns to the admission wrapper. */
export interface AdmissionMutation {
  readonly object: KubeObject;
  /** Non-empty: admit the object unchanged, reporting the errors (upstream's failurePolicy Ignore contract). */
  readonly errors?: string[];
  readonly warnings?: string[];
}

/**
 * Wraps a pure mutation as an AdmissionReview v1 response: an RFC 6902 patch from the request object to the
 * mutated one. Errors never deny: the object is admitted unchanged with status code 500 and the message, the
 * way upstream's pod webhook answers (and the API server then records it).
 */
export function admissionResponse(review: AdmissionReviewRequest, mutate: (object: KubeObject) => AdmissionMutation): AdmissionReviewResponse {
  const uid = review.request?.uid ?? '';
  const base = { apiVersion: 'admission.k8s.io/v1' as const, kind: 'AdmissionReview' as const };
  const object = review.request?.object;
  if (!review.request || typeof object !== 'object' || object === null) {
    return { ...base, response: { uid, allowed: true, status: { code: 400, message: 'AdmissionReview has no request.object to mutate' } } };
  }
  // The namespace of a pod being created arrives in the request, not always in the object.
  const input = JSON.parse(JSON.stringify(object)) as KubeObject & { metadata: { namespace?: string } };
  if (!input.metadata) (input as { metadata: object }).metadata = {};
  if (!input.metadata.namespace && review.request.namespace) input.metadata.namespace = review.request.namespace;
  let result: AdmissionMutation;
  try {
    result = mutate(input);
  } catch (e) {
    return { ...base, response: { uid, allowed: true, status: { code: 500, message: (e as Error).message } } };
  }
  const warnings = result.warnings && result.warnings.length > 0 ? { warnings: [...result.warnings] } : {};
  if (result.errors && result.errors.length > 0) {
    return { ...base, response: { uid, allowed: true, status: { code: 500, message: result.errors.join('\n') }, ...warnings } };
  }
  // Compared with the namespaced copy: a namespace filled in from the request is not part of the patch.
  const ops = compare(input, result.object as object);
  if (ops.length === 0) return { ...base, response: { uid, allowed: true, ...warnings } };
  return {
    ...base,
    response: { uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64'), ...warnings },
  };
}

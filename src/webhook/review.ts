/**
 * AdmissionReview (admission.k8s.io/v1) plumbing shared by every webhook handler: reading a request, and the
 * three answers a handler gives (a patch, a denial, an allowance with warnings). Pure.
 */
import { compare } from 'fast-json-patch';
import { InvalidInputError } from '../common/errors';
import { KubeObject } from '../common/kube';
import { AdmissionReviewResponse } from './admission';

/** The request part of an AdmissionReview v1, the fields the handlers read. */
export interface AdmissionRequest {
  readonly uid: string;
  readonly kind?: { readonly group: string; readonly version: string; readonly kind: string };
  readonly operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  readonly namespace?: string;
  readonly name?: string;
  readonly object?: KubeObject | null;
  readonly oldObject?: KubeObject | null;
  readonly dryRun?: boolean;
  readonly userInfo?: { readonly username?: string; readonly groups?: string[] };
}

/** A whole AdmissionReview as the API server posts it. */
export interface AdmissionReview {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly request?: AdmissionRequest;
}

/** A handler of one webhook path: review in, review out. Throwing is a bug; handlers answer every input. */
export type AdmissionHandler = (review: AdmissionReview) => AdmissionReviewResponse;

/** A handler that asks the cluster (e.g. SubjectAccessReviews) before it answers. */
export type AsyncAdmissionHandler = (review: AdmissionReview) => Promise<AdmissionReviewResponse>;

const BASE = { apiVersion: 'admission.k8s.io/v1' as const, kind: 'AdmissionReview' as const };

/**
 * Why a body is not an AdmissionReview the handlers can answer, or undefined when it is one. The server turns
 * a reason into HTTP 400, since there is no uid to answer a review with.
 */
export function admissionReviewProblem(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'the body is not a JSON object';
  const review = body as { apiVersion?: unknown; kind?: unknown; request?: { uid?: unknown } };
  if (review.kind !== 'AdmissionReview') return `kind is ${JSON.stringify(review.kind)}, expected "AdmissionReview"`;
  if (review.apiVersion !== 'admission.k8s.io/v1') {
    return `apiVersion is ${JSON.stringify(review.apiVersion)}; only admission.k8s.io/v1 is served (set admissionReviewVersions: [v1])`;
  }
  if (!review.request || typeof review.request !== 'object') return 'request is missing';
  if (typeof review.request.uid !== 'string' || review.request.uid === '') return 'request.uid is missing';
  return undefined;
}

/** Allowed, with optional warnings (kubectl prints them). */
export function allow(request: AdmissionRequest, warnings: readonly string[] = []): AdmissionReviewResponse {
  return { ...BASE, response: { uid: request.uid, allowed: true, ...warningsOf(warnings) } };
}

/**
 * Denied with `message`; the API server shows it as `admission webhook "<name>" denied the request: <message>`.
 * 403 as controller-runtime's `Denied`; 400 for a request we cannot read.
 */
export function deny(request: AdmissionRequest, message: string, code = 403, warnings: readonly string[] = []): AdmissionReviewResponse {
  return { ...BASE, response: { uid: request.uid, allowed: false, status: { code, message }, ...warningsOf(warnings) } };
}

/** Allowed with the RFC 6902 patch from `original` to `mutated` (no patch when they are equal). */
export function patchTo(request: AdmissionRequest, original: object, mutated: object, warnings: readonly string[] = []): AdmissionReviewResponse {
  const ops = compare(original, mutated);
  if (ops.length === 0) return allow(request, warnings);
  return {
    ...BASE,
    response: {
      uid: request.uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64'), ...warningsOf(warnings),
    },
  };
}

/**
 * The message a webhook answers for an error of a pure validator: upstream's words alone for an
 * `InvalidInputError` (the API server already names the object), the message otherwise.
 */
export function admissionMessage(e: unknown): string {
  if (e instanceof InvalidInputError) return e.problem;
  return e instanceof Error ? e.message : String(e);
}

function warningsOf(warnings: readonly string[]): { warnings?: string[] } {
  return warnings.length > 0 ? { warnings: [...warnings] } : {};
}

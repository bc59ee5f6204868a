export { admissionResponse } from './admission';
export type { AdmissionMutation, AdmissionReviewRequest, AdmissionReviewResponse } from './admission';
export { mutatePod } from './pod-mutator';
export type { PodMutationOptions, PodMutationResult } from './pod-mutator';
export { admissionReviewProblem, allow, deny, patchTo, admissionMessage } from './review';
export type { AdmissionHandler, AdmissionRequest, AdmissionReview } from './review';
export {
  collectorDefaultingWebhook, collectorValidatingWebhook, instrumentationDefaultingWebhook, instrumentationValidatingWebhook,
  targetAllocatorDefaultingWebhook, targetAllocatorValidatingWebhook, instrumentationAdmission,
} from './cr-admission';
export type { CustomResourceWebhookOptions } from './cr-admission';
export { convertReview, conversionReviewProblem } from './conversion-review';
export type { ConversionReview, ConversionReviewResponse } from './conversion-review';
export { podMutationWebhook, memoizedSidecarBuilder } from './pod-review';
export type { PodWebhookOptions } from './pod-review';
export { withPrivilegeEscalationCheck, autoRbacGrant } from './privilege-escalation';
export type { AccessReviewer, AccessSubject, PolicyRule } from './privilege-escalation';
export type { AsyncAdmissionHandler } from './review';
export {
  withCollectorRbacWarnings, withTargetAllocatorRbacWarnings, warningsGroupedByResource, reviewAttributes, missingRuleWarnings,
  serviceAccountUser, TARGET_ALLOCATOR_PROMETHEUS_CR_RULES,
} from './rbac-warnings';
export type { SubjectReviewer, ReviewAttributes, ReviewRule, RbacWarningOptions } from './rbac-warnings';
export { parseFipsDisabledComponents, fipsDisabledComponentsIn, fipsRejection, isEmptyFipsList } from './fips';
export type { FipsDisabledComponents } from './fips';

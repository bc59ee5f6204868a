export { admissionResponse } from './admission';
export type { AdmissionMutation, AdmissionReviewRequest, AdmissionReviewResponse } from './admission';
export { mutatePod } from './pod-mutator';
export type { PodMutationOptions, PodMutationResult } from './pod-mutator';

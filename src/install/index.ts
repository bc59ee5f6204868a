// The operator's own install (pure): names, RBAC, workload, webhooks; the OperatorInstall construct is in constructs/.
export {
  API_SERVER_ENDPOINTS_ROLE, API_SERVER_ENDPOINTS_ROLE_BINDING, buildOperatorInstallObjects, DEFAULT_OPERATOR_IMAGE, WEBHOOK_CERT_ROLE, WEBHOOK_CERT_ROLE_BINDING,
} from './objects';
export type { OperatorInstallProps, OperatorResources } from './props';
export * from './names';
export { COLLECTOR_CRD } from './rbac';
export { MUTATING_WEBHOOKS, VALIDATING_WEBHOOKS } from './webhooks';

// Public API of the collector room. Builders take a ResolvedCollector (validated, defaulted) and return plain
// Kubernetes JSON; the OtelCollector construct (src/constructs) turns them into cdk8s objects.
export * from './spec';
export { goJsonMarshal, goJsonSha256 } from './gojson';
export * from './config/model';
export * from './config/defaults';
export * from './config/validate';
export * from './config/render';
export * from './components/types';
export { receiverParser, knownReceiverTypes } from './components/receivers';
export { exporterParser, extensionParser, knownExporterTypes, knownExtensionTypes, processorParser } from './components/others';
export * from './ports';
export * from './resolve';
export * from './container';
export * from './builders/pod';
export * from './builders/metadata';
export * from './builders/workload';
export * from './builders/configmap';
export * from './builders/services';
export * from './builders/scaling';
export * from './builders/ingress';
export * from './builders/routes';
export * from './builders/monitoring';
export * from './builders/rbac';
export * from './builders/network-policy';
export * from './builders/sidecar';
export * from './builders/ta-mtls';
export * from './render';
export * from './config-versions';

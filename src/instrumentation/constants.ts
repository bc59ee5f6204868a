/** Annotation keys, env var names and object names that upstream's webhook reads or writes, verbatim. */

const PREFIX = 'instrumentation.opentelemetry.io/';

export const ANNOTATION_CONTAINER_NAMES = `${PREFIX}container-names`;
/** Go reads its own list from the pod to refuse more than one target (multi-instrumentation on). */
export const ANNOTATION_GO_CONTAINER_NAMES = `${PREFIX}go-container-names`;
export const ANNOTATION_GO_TARGET_EXE = `${PREFIX}otel-go-auto-target-exe`;
export const ANNOTATION_DOTNET_RUNTIME = `${PREFIX}otel-dotnet-auto-runtime`;
export const ANNOTATION_PYTHON_PLATFORM = `${PREFIX}otel-python-platform`;
/** Pod annotations `resource.opentelemetry.io/<attribute>` set resource attributes. */
export const RESOURCE_ATTRIBUTE_ANNOTATION_PREFIX = 'resource.opentelemetry.io/';

export const ENV_NODE_IP = 'OTEL_NODE_IP';
export const ENV_POD_IP = 'OTEL_POD_IP';
export const ENV_SERVICE_NAME = 'OTEL_SERVICE_NAME';
export const ENV_EXPORTER_ENDPOINT = 'OTEL_EXPORTER_OTLP_ENDPOINT';
export const ENV_EXPORTER_CERTIFICATE = 'OTEL_EXPORTER_OTLP_CERTIFICATE';
export const ENV_EXPORTER_CLIENT_CERTIFICATE = 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE';
export const ENV_EXPORTER_CLIENT_KEY = 'OTEL_EXPORTER_OTLP_CLIENT_KEY';
export const ENV_POD_NAME = 'OTEL_RESOURCE_ATTRIBUTES_POD_NAME';
export const ENV_POD_UID = 'OTEL_RESOURCE_ATTRIBUTES_POD_UID';
export const ENV_NODE_NAME = 'OTEL_RESOURCE_ATTRIBUTES_NODE_NAME';
export const ENV_RESOURCE_ATTRIBUTES = 'OTEL_RESOURCE_ATTRIBUTES';
export const ENV_PROPAGATORS = 'OTEL_PROPAGATORS';
export const ENV_TRACES_SAMPLER = 'OTEL_TRACES_SAMPLER';
export const ENV_TRACES_SAMPLER_ARG = 'OTEL_TRACES_SAMPLER_ARG';

/** The collector sidecar's container name (upstream's naming, in common); the "already instrumented" check ignores it. */
export { COLLECTOR_CONTAINER_NAME } from '../common/naming';
/** Name of the Go agent sidecar; its presence also marks a pod as already instrumented. */
export const GO_SIDECAR_NAME = 'opentelemetry-auto-instrumentation';
export const INIT_CONTAINER_PREFIX = 'opentelemetry-auto-instrumentation';
export const VOLUME_PREFIX = 'opentelemetry-auto-instrumentation';

/** The size of an injected emptyDir when the language spec sets no volumeLimitSize. */
export const DEFAULT_VOLUME_SIZE = '200Mi';

/**
 * Instrumentation `opentelemetry.io/v1alpha1` (the only served version): schema and types from one declaration.
 * Quirk kept from upstream: java's resources field is `resources`, every other language's is `resourceRequirements`.
 */
import * as k from '../core-schemas';
import { arr, bool, enumOf, intOrString, mapOf, obj, opaque, str, TypeOf } from '../schema-dsl';

export const PROPAGATORS = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'xray', 'ottrace', 'none'] as const;
export const SAMPLER_TYPES = [
  'always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off',
  'parentbased_traceidratio', 'jaeger_remote', 'xray',
] as const;

/** `^[A-Za-z0-9._/-]*$`, at most 256 characters: the paths end up in shell commands of the init containers. */
const safePath = () => str().with({ pattern: '^[A-Za-z0-9._/-]*$', maxLength: 256 });

const volumeClaimTemplate = () => obj({
  metadata: obj({ labels: k.stringMap(), annotations: k.stringMap(), name: str(), namespace: str(), finalizers: arr(str()) }),
  spec: opaque().req(),
}).desc('Ephemeral volume for the agent files; an emptyDir of volumeLimitSize (200Mi) when omitted.');

const volumeLimitSize = () => intOrString().with({ pattern: k.QUANTITY_PATTERN })
  .desc('Deprecated: size of the emptyDir holding the agent (200Mi when unset).');

/** What every language section has; `resources` is named per language. */
function languageFields() {
  return {
    image: str().desc('Image holding the agent / SDK; the operator default when empty.'),
    volumeClaimTemplate: volumeClaimTemplate(),
    volumeLimitSize: volumeLimitSize(),
    env: arr(k.envVar()).desc('Language-specific env vars (they win over spec.env).'),
  };
}

export const javaSpec = obj({
  ...languageFields(),
  resources: k.resources(),
  extensions: arr(obj({ image: str().req(), dir: str().req() })).desc('Extension JARs copied next to the agent.'),
});
export const nodejsSpec = obj({ ...languageFields(), resourceRequirements: k.resources() });
export const pythonSpec = obj({ ...languageFields(), resourceRequirements: k.resources() });
export const dotnetSpec = obj({ ...languageFields(), resourceRequirements: k.resources() });
export const goSpec = obj({ ...languageFields(), resourceRequirements: k.resources(), securityContext: k.securityContext() });
export const apacheHttpdSpec = obj({
  ...languageFields(),
  attrs: arr(k.envVar()).desc('Agent attributes (otel-webserver-module).'),
  version: str().desc('Apache HTTPD version: 2.4 (default) or 2.2.'),
  configPath: safePath().desc('Apache configuration directory (default /usr/local/apache2/conf).'),
  resourceRequirements: k.resources(),
});
export const nginxSpec = obj({
  ...languageFields(),
  attrs: arr(k.envVar()).desc('Agent attributes (otel-webserver-module).'),
  configFile: safePath().desc('nginx configuration file (default /etc/nginx/nginx.conf).'),
  resourceRequirements: k.resources(),
});

export const instrumentationSpecV1alpha1 = obj({
  exporter: obj({
    endpoint: str().desc('OTLP endpoint; becomes OTEL_EXPORTER_OTLP_ENDPOINT.'),
    tls: obj({
      secretName: str(),
      configMapName: str(),
      ca_file: str(),
      cert_file: str(),
      key_file: str(),
    }),
  }),
  resource: obj({
    resourceAttributes: k.stringMap(),
    addK8sUIDAttributes: bool(),
  }),
  propagators: arr(enumOf(PROPAGATORS)).desc('Becomes OTEL_PROPAGATORS.'),
  sampler: obj({
    type: enumOf(SAMPLER_TYPES).desc('Becomes OTEL_TRACES_SAMPLER.'),
    argument: str().desc('Becomes OTEL_TRACES_SAMPLER_ARG.'),
  }),
  defaults: obj({ useLabelsForResourceAttributes: bool() }),
  env: arr(k.envVar()).desc('Env vars of every language.'),
  imagePullPolicy: str().desc('Pull policy of the injected init containers and Go sidecar.'),
  initContainerSecurityContext: k.securityContext().desc('Security context of the injected init containers.'),
  java: javaSpec,
  nodejs: nodejsSpec,
  python: pythonSpec,
  dotnet: dotnetSpec,
  go: goSpec,
  apacheHttpd: apacheHttpdSpec,
  nginx: nginxSpec,
});

export const instrumentationStatusV1alpha1 = obj({
  upgradeBlockedVersions: mapOf(str()),
});

export interface InstrumentationSpec extends TypeOf<typeof instrumentationSpecV1alpha1> {}
export interface InstrumentationStatus extends TypeOf<typeof instrumentationStatusV1alpha1> {}

/** A whole Instrumentation object. */
export interface Instrumentation {
  apiVersion: 'opentelemetry.io/v1alpha1';
  kind: 'Instrumentation';
  metadata: { name?: string; namespace?: string; labels?: { [key: string]: string }; annotations?: { [key: string]: string }; [key: string]: unknown };
  spec: InstrumentationSpec;
  status?: InstrumentationStatus;
}

export type JavaSpec = TypeOf<typeof javaSpec>;
export type GoSpec = TypeOf<typeof goSpec>;
export type ApacheHttpdSpec = TypeOf<typeof apacheHttpdSpec>;
export type NginxSpec = TypeOf<typeof nginxSpec>;
export type Propagator = typeof PROPAGATORS[number];
export type SamplerType = typeof SAMPLER_TYPES[number];

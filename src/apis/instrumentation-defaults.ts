/**
 * Upstream's default auto-instrumentation images and resources (operator 0.158.0), used by the Instrumentation
 * defaulting (`defaultInstrumentation`) and by the pod mutators. Overridable per language with the operator's
 * `--auto-instrumentation-<lang>-image` flags.
 */

const OPERATOR_IMAGES = 'ghcr.io/open-telemetry/opentelemetry-operator';

export const DEFAULT_JAVA_IMAGE = `${OPERATOR_IMAGES}/autoinstrumentation-java:2.30.0`;
export const DEFAULT_NODEJS_IMAGE = `${OPERATOR_IMAGES}/autoinstrumentation-nodejs:0.78.0`;
export const DEFAULT_PYTHON_IMAGE = `${OPERATOR_IMAGES}/autoinstrumentation-python:0.64b0`;
export const DEFAULT_DOTNET_IMAGE = `${OPERATOR_IMAGES}/autoinstrumentation-dotnet:1.16.0`;
export const DEFAULT_APACHE_HTTPD_IMAGE = `${OPERATOR_IMAGES}/autoinstrumentation-apache-httpd:1.0.4`;
/** nginx is instrumented by the same otel-webserver-module image as Apache HTTPD. */
export const DEFAULT_NGINX_IMAGE = DEFAULT_APACHE_HTTPD_IMAGE;
export const DEFAULT_GO_IMAGE = 'ghcr.io/open-telemetry/opentelemetry-go-instrumentation/autoinstrumentation-go:v0.24.0';

/** The languages of an Instrumentation, by their spec key. */
export type InstrumentationLanguage = 'java' | 'nodejs' | 'python' | 'dotnet' | 'go' | 'apacheHttpd' | 'nginx';

/** Default image per spec key. */
export const DEFAULT_INSTRUMENTATION_IMAGES: Readonly<Record<InstrumentationLanguage, string>> = {
  java: DEFAULT_JAVA_IMAGE,
  nodejs: DEFAULT_NODEJS_IMAGE,
  python: DEFAULT_PYTHON_IMAGE,
  dotnet: DEFAULT_DOTNET_IMAGE,
  go: DEFAULT_GO_IMAGE,
  apacheHttpd: DEFAULT_APACHE_HTTPD_IMAGE,
  nginx: DEFAULT_NGINX_IMAGE,
};

/** Annotation suffix per language: `instrumentation.opentelemetry.io/default-auto-instrumentation-<suffix>-image`. */
export const LANGUAGE_ANNOTATION_NAMES: Readonly<Record<InstrumentationLanguage, string>> = {
  java: 'java', nodejs: 'nodejs', python: 'python', dotnet: 'dotnet', go: 'go', apacheHttpd: 'apache-httpd', nginx: 'nginx',
};

export function defaultImageAnnotation(language: InstrumentationLanguage): string {
  return `instrumentation.opentelemetry.io/default-auto-instrumentation-${LANGUAGE_ANNOTATION_NAMES[language]}-image`;
}

/** Resources the defaulting webhook gives each injected init container when none are set. */
export const DEFAULT_INSTRUMENTATION_RESOURCES: Readonly<Record<InstrumentationLanguage, {
  limits: { cpu: string; memory: string };
  requests: { cpu: string; memory: string };
}>> = {
  java: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '50m', memory: '64Mi' } },
  nodejs: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '50m', memory: '128Mi' } },
  python: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '50m', memory: '64Mi' } },
  dotnet: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '50m', memory: '128Mi' } },
  go: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '50m', memory: '64Mi' } },
  apacheHttpd: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '1m', memory: '128Mi' } },
  nginx: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '1m', memory: '128Mi' } },
};

export const DEFAULT_APACHE_HTTPD_VERSION = '2.4';
export const DEFAULT_APACHE_HTTPD_CONFIG_PATH = '/usr/local/apache2/conf';
export const DEFAULT_NGINX_CONFIG_FILE = '/etc/nginx/nginx.conf';
/** emptyDir sizeLimit of the agent volume when neither volumeLimitSize nor volumeClaimTemplate is set. */
export const DEFAULT_INSTRUMENTATION_VOLUME_SIZE = '200Mi';

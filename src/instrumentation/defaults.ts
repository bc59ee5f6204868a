import { InstrumentationSpec, ResourceRequirements } from './types';

/**
 * Defaults the Instrumentation defaulting webhook applies on admission (operator 0.158.0). The mutators apply
 * them again to what the lookup returns, so Instrumentations that never went through the webhook (a YAML file
 * given to `cdk8s-otel inject`, a construct at synth time) behave like stored ones.
 *
 * NOTE: src/apis is to own `defaultInstrumentation` and the image constants; this module is the stand-in
 * until it does (same values), and then should re-export from there.
 */
export const DEFAULT_AUTO_INSTRUMENTATION_IMAGES = {
  java: 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.30.0',
  nodejs: 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-nodejs:0.78.0',
  python: 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-python:0.64b0',
  dotnet: 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-dotnet:1.16.0',
  go: 'ghcr.io/open-telemetry/opentelemetry-go-instrumentation/autoinstrumentation-go:v0.24.0',
  apacheHttpd: 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-apache-httpd:1.0.4',
  nginx: 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-apache-httpd:1.0.4',
} as const;

const LIMITS = { cpu: '500m', memory: '256Mi' };
const REQUESTS: { [lang: string]: { cpu: string; memory: string } } = {
  java: { cpu: '50m', memory: '64Mi' },
  python: { cpu: '50m', memory: '64Mi' },
  go: { cpu: '50m', memory: '64Mi' },
  nodejs: { cpu: '50m', memory: '128Mi' },
  dotnet: { cpu: '50m', memory: '128Mi' },
  apacheHttpd: { cpu: '1m', memory: '128Mi' },
  nginx: { cpu: '1m', memory: '128Mi' },
};

/** Images to use instead of the defaults (the operator's `--auto-instrumentation-<lang>-image` flags). */
export type ImageOverrides = { [K in keyof typeof DEFAULT_AUTO_INSTRUMENTATION_IMAGES]?: string };

/** A defaulted copy of the spec: empty images, resources and web server paths filled in. */
export function defaultInstrumentationSpec(spec: InstrumentationSpec, images: ImageOverrides = {}): InstrumentationSpec {
  const out = JSON.parse(JSON.stringify(spec ?? {})) as InstrumentationSpec;
  for (const lang of Object.keys(DEFAULT_AUTO_INSTRUMENTATION_IMAGES) as Array<keyof typeof DEFAULT_AUTO_INSTRUMENTATION_IMAGES>) {
    const section = ((out as { [k: string]: unknown })[lang] ??= {}) as { image?: string; resources?: ResourceRequirements; resourceRequirements?: ResourceRequirements };
    if (!section.image) section.image = images[lang] ?? DEFAULT_AUTO_INSTRUMENTATION_IMAGES[lang];
    // Java's field is `resources`, every other language's `resourceRequirements` (an upstream quirk).
    const field = lang === 'java' ? 'resources' : 'resourceRequirements';
    const current = section[field] ?? {};
    section[field] = {
      ...current,
      limits: current.limits && Object.keys(current.limits).length > 0 ? current.limits : { ...LIMITS },
      requests: current.requests && Object.keys(current.requests).length > 0 ? current.requests : { ...REQUESTS[lang] },
    };
  }
  out.apacheHttpd!.version ||= '2.4';
  out.apacheHttpd!.configPath ||= '/usr/local/apache2/conf';
  out.nginx!.configFile ||= '/etc/nginx/nginx.conf';
  return out;
}

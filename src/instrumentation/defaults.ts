import { defaultInstrumentation, InstrumentationLanguage, Instrumentation } from '../apis';
import { InstrumentationResource } from './types';

/** Images to use instead of the defaults (the operator's `--auto-instrumentation-<lang>-image` flags), by spec key. */
export type ImageOverrides = Partial<Record<InstrumentationLanguage, string>>;

/**
 * The Instrumentation as the defaulting webhook would have stored it (src/apis owns the rules). The mutators
 * apply this to what the lookup returns, so Instrumentations that never went through the webhook (a YAML file
 * given to `cdk8s-otel inject`, a construct at synth time) behave like stored ones; applying it twice is harmless.
 */
export function defaultedInstrumentation(inst: InstrumentationResource, images: ImageOverrides = {}): InstrumentationResource {
  const cr = { apiVersion: 'opentelemetry.io/v1alpha1', kind: 'Instrumentation', ...inst, spec: inst.spec ?? {} };
  return defaultInstrumentation(cr as unknown as Instrumentation, { images }) as unknown as InstrumentationResource;
}

/**
 * An OpenTelemetryCollector custom resource as the operator's controller receives it: after the API server's
 * schema validation, the conversion webhook (v1alpha1 → v1beta1) and the defaulting and validating webhooks. The
 * `OtelCollector` construct runs every CR (and its typed props, turned into a CR) through this one function, so
 * a cdk8s app, `render` and the runtime operator see the same collector.
 */
import {
  convertCollectorV1alpha1ToV1beta1, defaultCollector, validateCollectorSemantics, validateCustomResource,
} from '../apis';
import type { OpenTelemetryCollector } from '../apis';
import { Json } from '../common/json';
import { describeObject, KubeObject } from '../common/kube';
import { defaultConfigOf } from './config/defaults';
import { CollectorConfigJson } from './config/model';
import { parseConfigYaml } from './config/validate';
import { collectorModelFromCustomResource } from './render';
import { skippedRoutesWarning } from './builders/routes';
import { CollectorModel, CollectorRenderOptions, CollectorSpecJson } from './spec';

export const COLLECTOR_V1ALPHA1 = 'opentelemetry.io/v1alpha1';
export const COLLECTOR_V1BETA1 = 'opentelemetry.io/v1beta1';

/** A collector CR after admission: what the controller reconciles. */
export interface AdmittedCollector {
  /** the CR as stored and served in v1beta1, defaulted, with its namespace */
  readonly resource: OpenTelemetryCollector;
  /** the builders' view of it */
  readonly model: CollectorModel;
  /** deprecations and the webhook's warnings, each starting with `OpenTelemetryCollector ns/name:` */
  readonly warnings: string[];
}

/**
 * Admits an OpenTelemetryCollector CR (v1beta1 or v1alpha1, plain JSON): schema validation, conversion,
 * defaulting, then the webhook's semantic checks (and a warning when Routes are asked for where none can be made). Throws `InvalidInputError` (resource, field, fix) for the first
 * problem. `namespace` is used when the CR names none, as `kubectl apply` does. Unless `strictConfig` is false, a v1alpha1
 * config string that is not YAML is reported as such (the conversion webhook would silently empty it).
 */
export function admitCollector(cr: Json, options: CollectorRenderOptions & { readonly namespace?: string } = {}): AdmittedCollector {
  const namespaced = withNamespace(cr, options.namespace);
  validateCustomResource(namespaced);
  const warnings: string[] = [];
  const resource = describeObject(namespaced);
  if (namespaced.apiVersion === COLLECTOR_V1ALPHA1) {
    warnings.push(`${resource}: opentelemetry.io/v1alpha1 OpenTelemetryCollector is deprecated; converted to ${COLLECTOR_V1BETA1}`);
    // The conversion webhook turns an unparsable config string into an empty config (upstream never fails a
    // conversion), which would then be reported as "no pipelines"; strict callers name the real problem instead.
    const config = (namespaced.spec as { config?: unknown } | undefined)?.config;
    if (options.strictConfig !== false && typeof config === 'string') parseConfigYaml(config, resource);
  }
  const defaulted = defaultedCollector(namespaced, options);
  const { warnings: semanticWarnings } = validateCollectorSemantics(defaulted);
  warnings.push(...semanticWarnings.map((w) => `${resource}: ${w}`));
  const routes = skippedRoutesWarning(defaulted.spec as CollectorSpecJson, options);
  if (routes) warnings.push(`${resource}: ${routes}`);
  return { resource: defaulted, model: collectorModelFromCustomResource(defaulted), warnings };
}

/**
 * The collector as the operator sees it after the conversion and defaulting webhooks, without the validation
 * (what a TargetAllocator reads of the collectors of its namespace).
 */
export function defaultedCollector(cr: Json, options: CollectorRenderOptions & { readonly namespace?: string } = {}): OpenTelemetryCollector {
  const namespaced = withNamespace(cr, options.namespace);
  let v1beta1 = namespaced as unknown as OpenTelemetryCollector;
  if (namespaced.apiVersion === COLLECTOR_V1ALPHA1) v1beta1 = convertCollectorV1alpha1ToV1beta1(namespaced as never) as OpenTelemetryCollector;
  return defaultCollector(v1beta1, {
    applyConfigDefaults: ((config: CollectorConfigJson) => defaultConfigOf(config, describeObject(namespaced))) as never,
    networkPolicyGate: options.networkPolicy,
  });
}

function withNamespace(cr: Json, namespace: string | undefined): KubeObject {
  const metadata = (cr?.metadata ?? {}) as Json;
  if (metadata.namespace) return cr as KubeObject;
  return { ...cr, metadata: { ...metadata, namespace: namespace || 'default' } } as KubeObject;
}

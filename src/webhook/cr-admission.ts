/**
 * The defaulting and validating webhooks of our custom resources, as AdmissionReview handlers around the pure
 * defaulters and validators of the apis room, answering with upstream's messages and warnings:
 *
 * - OpenTelemetryCollector v1beta1 (`mopentelemetrycollectorbeta.kb.io`, `vopentelemetrycollector{createupdate,delete}beta.kb.io`).
 *   Upstream registers no v1alpha1 webhook: with `matchPolicy: Equivalent` the API server converts a v1alpha1
 *   request to v1beta1 before calling. A v1alpha1 object that reaches us anyway (a configuration with
 *   `matchPolicy: Exact`, or the v1alpha1 paths older installs registered) is converted here and answered in its
 *   own version, so the outcome is the same.
 * - Instrumentation v1alpha1 (`minstrumentation.kb.io`, `vinstrumentation{createupdate,delete}.kb.io`).
 * - TargetAllocator (`mtargetallocatorbeta.kb.io`, `vtargetallocator{createupdate,delete}beta.kb.io`).
 *
 * Not here, because they need the cluster: the RBAC reviews (SubjectAccessReviews for auto-RBAC and the target
 * allocator's prometheusCR) and the FIPS component check.
 */
import { KubeObject } from '../common/kube';
import { convertCollectorV1alpha1ToV1beta1, convertCollectorV1beta1ToV1alpha1 } from '../apis';
import { CollectorDefaultingOptions, defaultCollector, defaultInstrumentation, defaultTargetAllocator, InstrumentationDefaultingOptions } from '../apis';
import type { Instrumentation } from '../apis';
import type { OpenTelemetryCollectorV1alpha1 } from '../apis';
import type { TargetAllocator } from '../apis';
import { validateCollectorSemantics, validatePorts } from '../apis';
import type { OpenTelemetryCollector } from '../apis';
import { InvalidInputError } from '../common/errors';
import { describeObject } from '../common/kube';
import { configDefaultEvents, defaultConfigOf, enabledComponents } from '../collector';
import type { CollectorConfigJson, ConfigDefaultEvent } from '../collector';
import { inferPorts } from '../collector';
import type { AdmissionReviewResponse } from './admission';
import { FipsDisabledComponents, fipsDisabledComponentsIn, fipsRejection } from './fips';
import { AdmissionHandler, AdmissionRequest, admissionMessage, allow, deny, patchTo } from './review';

export interface CustomResourceWebhookOptions {
  /** The `operand.networkpolicy` feature gate (beta upstream). @default true */
  readonly networkPolicyGate?: boolean;
  /** Image per language for Instrumentation defaulting (the `--auto-instrumentation-<lang>-image` flags). @default - upstream's */
  readonly instrumentationImages?: InstrumentationDefaultingOptions['images'];
  /**
   * Receives the Events upstream's collector defaulter records (e.g. `Spec.Service.Telemetry.DefaultsApplied`) on the
   * collector as admitted; the operator writes them with its event recorder. @default - none recorded
   */
  readonly onEvent?: (collector: KubeObject, event: ConfigDefaultEvent) => void;
  /**
   * Component types a collector may not use: `--fips-disabled-components`, handed over only when the host is in FIPS
   * mode (as upstream installs its check). @default - no FIPS check
   */
  readonly fipsDisabledComponents?: FipsDisabledComponents;
}

const V1ALPHA1 = 'opentelemetry.io/v1alpha1';

/** The object a review is about: `object` for CREATE/UPDATE, `oldObject` for DELETE (as controller-runtime decodes it). */
function subject(request: AdmissionRequest): KubeObject | undefined {
  const obj = request.operation === 'DELETE' ? request.oldObject : request.object;
  if (!obj || typeof obj !== 'object') return undefined;
  // the namespace of an object being created may be in the request only
  if (!obj.metadata?.namespace && request.namespace) return { ...obj, metadata: { ...obj.metadata, namespace: request.namespace } };
  return obj;
}

/** Runs `answer` on the review's request, turning a missing object into a 400 and any throw into a denial. */
function handle(expectedKind: string, answer: (request: AdmissionRequest, obj: KubeObject) => AdmissionReviewResponse): AdmissionHandler {
  return (review) => {
    const request = review.request!;
    const obj = subject(request);
    if (!obj) return deny(request, `the AdmissionReview has no ${request.operation === 'DELETE' ? 'oldObject' : 'object'} to admit`, 400);
    if (obj.kind !== expectedKind) return deny(request, `expected an ${expectedKind}, received ${obj.kind}`, 400);
    try {
      return answer(request, obj);
    } catch (e) {
      return deny(request, admissionMessage(e));
    }
  };
}

function toV1beta1(obj: KubeObject): OpenTelemetryCollector {
  return obj.apiVersion === V1ALPHA1
    ? convertCollectorV1alpha1ToV1beta1(obj as unknown as OpenTelemetryCollectorV1alpha1)
    : obj as unknown as OpenTelemetryCollector;
}

/** `mopentelemetrycollectorbeta.kb.io`: upstream's defaults, the config defaults included. */
export function collectorDefaultingWebhook(options: CustomResourceWebhookOptions = {}): AdmissionHandler {
  const defaulting: CollectorDefaultingOptions = { networkPolicyGate: options.networkPolicyGate };
  return handle('OpenTelemetryCollector', (request, obj) => {
    if (request.operation === 'DELETE') return allow(request);
    const cr = toV1beta1(obj);
    const events: ConfigDefaultEvent[] = [];
    const defaulted = defaultCollector(cr, {
      ...defaulting,
      applyConfigDefaults: (config) => {
        const out = defaultConfigOf(config as never, `OpenTelemetryCollector ${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`) as never;
        events.push(...configDefaultEvents(config as never));
        return out;
      },
    });
    // recorded on the collector as it came in, once the defaults are known to apply (a rejected config records none)
    for (const e of events) options.onEvent?.(obj, e);
    const answer = obj.apiVersion === V1ALPHA1 ? convertCollectorV1beta1ToV1alpha1(defaulted) : defaulted;
    return patchTo(request, request.object as object, { ...answer, metadata: request.object!.metadata });
  });
}

/**
 * `vopentelemetrycollectorcreateupdatebeta.kb.io` and `…deletebeta.kb.io` (one path): the semantic checks, the
 * mode immutability on UPDATE; warnings such as null components; the FIPS deny list. Upstream validates on DELETE too.
 */
export function collectorValidatingWebhook(options: CustomResourceWebhookOptions = {}): AdmissionHandler {
  return handle('OpenTelemetryCollector', (request, obj) => {
    const old = request.operation === 'UPDATE' && request.oldObject ? toV1beta1(request.oldObject) : undefined;
    const cr = toV1beta1(obj);
    const { warnings } = validateCollectorSemantics(cr, old);
    validateConfigPorts(cr);
    if (options.fipsDisabledComponents && request.operation !== 'DELETE') {
      // upstream's last check, answered without the warnings; not on DELETE (upstream's would make a collector
      // created before the flag was set impossible to delete)
      const denied = fipsDisabledComponentsIn(cr.spec.config as unknown as CollectorConfigJson, options.fipsDisabledComponents);
      if (denied.length > 0) return deny(request, fipsRejection(denied));
    }
    return allow(request, warnings);
  });
}

/**
 * Upstream's `GetAllPorts` check: the ports the enabled receivers and exporters open must be readable and valid
 * ("the OpenTelemetry config is incorrect. The port numbers are invalid: …"), else the collector could never get its
 * Service.
 */
function validateConfigPorts(cr: OpenTelemetryCollector): void {
  const config = cr.spec.config as unknown as CollectorConfigJson;
  try {
    inferPorts(config, enabledComponents(config), ['receivers', 'exporters'], describeObject(cr));
  } catch (e) {
    if (!(e instanceof InvalidInputError)) throw e;
    throw new InvalidInputError(e.resource, e.path, `the OpenTelemetry config is incorrect. The port numbers are invalid: ${e.problem}`, e.fix);
  }
}

/** `minstrumentation.kb.io`: images (the operator's flags), init-container resources, the default-image annotations. */
export function instrumentationDefaultingWebhook(options: CustomResourceWebhookOptions = {}): AdmissionHandler {
  return handle('Instrumentation', (request, obj) => {
    if (request.operation === 'DELETE') return allow(request);
    const defaulted = defaultInstrumentation(obj as unknown as Instrumentation, { images: options.instrumentationImages });
    return patchTo(request, request.object as object, { ...defaulted, metadata: { ...request.object!.metadata, ...pick(defaulted.metadata, 'labels', 'annotations') } });
  });
}

/** `vinstrumentationcreateupdate.kb.io` / `vinstrumentationdelete.kb.io`. */
export function instrumentationValidatingWebhook(): AdmissionHandler {
  return handle('Instrumentation', (request, obj) => {
    const { error, warnings } = instrumentationAdmission(obj as unknown as Instrumentation);
    return error ? deny(request, error, 403, warnings) : allow(request, warnings);
  });
}

/** `mtargetallocatorbeta.kb.io`: replicas 1, labels present, a PDB for consistent-hashing. */
export function targetAllocatorDefaultingWebhook(): AdmissionHandler {
  return handle('TargetAllocator', (request, obj) => {
    if (request.operation === 'DELETE') return allow(request);
    const defaulted = defaultTargetAllocator(obj as unknown as TargetAllocator);
    // Without a spec, none is added: the API server would then apply the CRD's defaults inside it (filterStrategy,
    // collectorNotReadyGracePeriod), which upstream never gets, since its TargetAllocator webhooks are registered for
    // v1beta1, a version the CRD does not serve (targetallocator-label asserts filter_strategy "" and no grace period).
    // The operator defaults a spec-less allocator the same way when it renders it.
    const spec = (obj as { spec?: unknown }).spec;
    const patched = spec === undefined || spec === null ? { ...(request.object as object), metadata: { ...request.object!.metadata, labels: defaulted.metadata?.labels } }
      : { ...defaulted, metadata: { ...request.object!.metadata, ...pick(defaulted.metadata, 'labels') } };
    return patchTo(request, request.object as object, patched);
  });
}

/** `vtargetallocatorcreateupdatebeta.kb.io` / `…deletebeta.kb.io`: the ports (the prometheusCR RBAC review needs the cluster). */
export function targetAllocatorValidatingWebhook(): AdmissionHandler {
  return handle('TargetAllocator', (request, obj) => {
    validatePorts(obj, (obj as unknown as TargetAllocator).spec?.ports as Array<{ name?: string; port: number }> | undefined);
    return allow(request);
  });
}

function pick<T extends object>(o: T | undefined, ...keys: Array<keyof T>): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (o?.[k] !== undefined) out[k] = o[k];
  return out;
}

const FIXED_SAMPLERS = ['always_on', 'always_off', 'parentbased_always_on', 'parentbased_always_off', 'xray'];
const VOLUME_LANGUAGES: Array<[string, string]> = [
  ['apacheHttpd', 'apachehttpd'], ['dotnet', 'dotnet'], ['go', 'go'], ['java', 'java'], ['nginx', 'nginx'], ['nodejs', 'nodejs'], ['python', 'python'],
];

/** Go's strconv.ParseFloat on the forms a sampler argument takes. */
function parseFloatGo(s: string): number | undefined {
  return /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(s) || /^[-+]?(inf|infinity|nan)$/i.test(s) ? Number(s.replace(/inf(inity)?/i, 'Infinity')) : undefined;
}

function jaegerRemoteError(argument: string): string | undefined {
  for (const part of argument.split(',')) {
    const kv = part.split('=');
    if (kv.length !== 2) return `invalid argument: ${part}, the argument should be in the form of key=value`;
    const [key, value] = kv;
    if (key === 'endpoint' && value === '') return 'endpoint cannot be empty';
    if (key === 'pollingIntervalMs' && !/^[-+]?\d+$/.test(value)) return `invalid pollingIntervalMs: ${value}`;
    if (key === 'initialSamplingRate') {
      const rate = parseFloatGo(value);
      if (rate === undefined) return `invalid initialSamplingRate: ${value}`;
      if (rate < 0 || rate > 1) return `initialSamplingRate should be in rage [0..1]: ${value}`;
    }
  }
  return undefined;
}

/**
 * Upstream's Instrumentation validation, word for word (its typos included: kubectl users and tests match them):
 * the sampler, one of volumeClaimTemplate/volumeLimitSize per language, and exporter TLS warnings.
 */
export function instrumentationAdmission(inst: Instrumentation): { error?: string; warnings: string[] } {
  const warnings: string[] = [];
  const spec = (inst.spec ?? {}) as { [key: string]: any };
  const type: string = spec.sampler?.type ?? '';
  const argument: string = spec.sampler?.argument ?? '';
  if (type === '') {
    warnings.push('sampler type not set');
  } else if (type === 'traceidratio' || type === 'parentbased_traceidratio') {
    if (argument !== '') {
      const rate = parseFloatGo(argument);
      if (rate === undefined) return { error: `spec.sampler.argument is not a number: ${argument}`, warnings };
      if (rate < 0 || rate > 1) return { error: `spec.sampler.argument should be in rage [0..1]: ${argument}`, warnings };
    }
  } else if (type === 'jaeger_remote' || type === 'parentbased_jaeger_remote') {
    const err = argument === '' ? undefined : jaegerRemoteError(argument);
    if (err) return { error: `spec.sampler.argument is not a valid argument for sampler ${type}: ${err}`, warnings };
  } else if (!FIXED_SAMPLERS.includes(type)) {
    return { error: `spec.sampler.type is not valid: ${type}`, warnings };
  }
  for (const [key, name] of VOLUME_LANGUAGES) {
    const section = spec[key] as { volumeClaimTemplate?: object; volumeLimitSize?: unknown } | undefined;
    if (section?.volumeClaimTemplate && Object.keys(section.volumeClaimTemplate).length > 0 && section.volumeLimitSize !== undefined) {
      return { error: `spec.${name}.volumeClaimTemplate and spec.${name}.volumeSizeLimit cannot both be defined: unable to resolve volume size`, warnings };
    }
  }
  const endpoint: string = spec.exporter?.endpoint ?? '';
  const tls = spec.exporter?.tls as { key_file?: string; cert_file?: string } | undefined;
  if (tls) {
    if (Boolean(tls.key_file) !== Boolean(tls.cert_file)) warnings.push('both exporter.tls.key and exporter.tls.cert mut be set');
    if (!endpoint.startsWith('https://')) warnings.push('exporter.tls is configured but exporter.endpoint is not enabling TLS with https://');
  }
  if (endpoint.startsWith('https://') && !tls) warnings.push('exporter is using https:// but exporter.tls is unset');
  return { warnings };
}

import { effectiveAnnotationValue, isFalse, isTrue, parseInstanceRef } from '../common/annotations';
import { ANNOTATION_CONTAINER_NAMES, COLLECTOR_CONTAINER_NAME, ENV_NODE_NAME, GO_SIDECAR_NAME } from './constants';
import { containerNamesProblem, multiInstrumentationProblem, resolveTargets } from './containers';
import { defaultedInstrumentation, ImageOverrides } from './defaults';
import { hasEnv } from './env';
import { Language, LanguageDefinition, LANGUAGES } from './languages';
import { MutationLookup } from './lookup';
import { clone } from './pod-utils';
import { InstrumentationResource, Pod } from './types';
import { APACHE_ATTACH_CONTAINER_NAME, CLONE_CONTAINER_NAME } from './webserver';

/** Operator flags that change what the instrumentation mutator does. */
export interface InstrumentationMutatorOptions {
  /** `--enable-multi-instrumentation`. @default true */
  readonly enableMultiInstrumentation?: boolean;
  /**
   * `--enable-<lang>-instrumentation`, by language; unset ones keep upstream's default (Go and Nginx off).
   * SDK injection cannot be switched off.
   */
  readonly enabledLanguages?: { readonly [language: string]: boolean };
  /** `--auto-instrumentation-<lang>-image` overrides of the default images. */
  readonly images?: ImageOverrides;
  /**
   * How to enable a language, for the note on a rejected one: the caller's own switch (the CLI's `--enable <lang>`).
   * @default - the operator's flag: "start the operator with --enable-<lang>-instrumentation"
   */
  readonly enableHint?: (language: string) => string;
}

/** An event the webhook records on the pod (upstream: InstrumentationRequestRejected). */
export interface MutationEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export interface InstrumentationMutationResult {
  /** The mutated pod; the unchanged input (a copy) when `error` is set or nothing applied. */
  readonly pod: Pod;
  /** Why the whole pod was left alone; the webhook admits it anyway and reports this (HTTP 500, allowed). */
  readonly error?: string;
  readonly events: MutationEvent[];
  /** Info-level notes: skipped containers or languages and why. */
  readonly logs: string[];
}

const ALREADY_INJECTED_INIT_CONTAINERS = [
  'opentelemetry-auto-instrumentation-java', 'opentelemetry-auto-instrumentation-nodejs',
  'opentelemetry-auto-instrumentation-python', 'opentelemetry-auto-instrumentation-dotnet',
  APACHE_ATTACH_CONTAINER_NAME, CLONE_CONTAINER_NAME,
];

/** Whether an earlier admission already instrumented the pod (then the whole pod is skipped). */
export function isAutoInstrumentationInjected(pod: Pod): boolean {
  if ((pod.spec.initContainers ?? []).some((c) => ALREADY_INJECTED_INIT_CONTAINERS.includes(c.name))) return true;
  return pod.spec.containers.some((c) => c.name === GO_SIDECAR_NAME
    // The collector sidecar carries this variable too, so it does not count.
    || (c.name !== COLLECTOR_CONTAINER_NAME && hasEnv(c.env, ENV_NODE_NAME)));
}

/** Thrown inside the mutator for conditions that abort the whole pod. */
class AbortPod extends Error {}

/**
 * The auto-instrumentation pod mutator: reads the `instrumentation.opentelemetry.io/inject-*` annotations of
 * the pod and its namespace, picks the Instrumentation for each requested language and injects the agents.
 * Pure: the input pod is not modified, the cluster is read only through `lookup`.
 */
export function mutatePodInstrumentation(input: Pod, lookup: MutationLookup,
  options: InstrumentationMutatorOptions = {}): InstrumentationMutationResult {
  const events: MutationEvent[] = [];
  const logs: string[] = [];
  const unchanged = (error?: string): InstrumentationMutationResult => ({ pod: clone(input), error, events, logs });
  if (!input.spec?.containers?.length) return unchanged();
  if (isAutoInstrumentationInjected(input)) {
    logs.push('Skipping pod instrumentation - already instrumented');
    return unchanged();
  }
  const pod = clone(input);
  const namespace = pod.metadata.namespace || 'default';
  const nsObject = lookup.namespace(namespace);
  const multi = options.enableMultiInstrumentation ?? true;

  type Requested = { def: LanguageDefinition; inst: InstrumentationResource; names: string[]; variant: string };
  const requested: Requested[] = [];
  try {
    for (const def of LANGUAGES) {
      const inst = selectInstrumentation(effectiveAnnotationValue(nsObject, pod.metadata, def.injectAnnotation), def, namespace, lookup);
      if (!inst) continue;
      const enabled = def.language === Language.SDK ? true : options.enabledLanguages?.[def.language] ?? def.enabledByDefault;
      if (!enabled) {
        const message = `support for ${def.display} auto instrumentation is not enabled`;
        events.push({ type: 'Warning', reason: 'InstrumentationRequestRejected', message });
        const hint = options.enableHint?.(def.language) ?? `start the operator with --enable-${def.language}-instrumentation`;
        logs.push(`${message} (${hint})`);
        continue;
      }
      const variant = def.variantAnnotation ? effectiveAnnotationValue(nsObject, pod.metadata, def.variantAnnotation) : '';
      requested.push({ def, inst: defaultedInstrumentation(inst, options.images), names: [], variant });
    }
    if (requested.length === 0) return unchanged();

    const common = effectiveAnnotationValue(nsObject, pod.metadata, ANNOTATION_CONTAINER_NAMES);
    abortIf(containerNamesProblem(ANNOTATION_CONTAINER_NAMES, common));
    if (common !== '') for (const r of requested) r.names = common.split(',');

    abortIf(tlsProblems(requested.map((r) => r.inst), namespace, lookup));

    if (multi) {
      for (const r of requested) {
        const own = effectiveAnnotationValue(nsObject, pod.metadata, r.def.containerNamesAnnotation);
        abortIf(containerNamesProblem(r.def.containerNamesAnnotation, own));
        if (own !== '') r.names = [...r.names, ...own.split(',')];
      }
      const layout = multiInstrumentationProblem(requested.map((r) => ({ display: r.def.display, names: r.names })));
      if (layout) {
        logs.push(`skipping instrumentation injection: ${layout}`);
        return unchanged();
      }
    }
  } catch (e) {
    if (e instanceof AbortPod) return unchanged(e.message);
    throw e;
  }

  for (const r of requested) {
    r.def.inject({
      inst: r.inst,
      namespace,
      pod,
      lookup,
      targets: resolveTargets(pod, r.names),
      containerNames: r.names,
      variant: r.variant,
      multiInstrumentation: multi,
      log: (m) => logs.push(m),
    });
  }
  return { pod, events, logs };
}

function abortIf(problem: string | undefined): void {
  if (problem) throw new AbortPod(problem);
}

/** "true" → the only Instrumentation of the namespace; "name" / "ns/name" → that one; "false"/"" → none. */
function selectInstrumentation(value: string, def: LanguageDefinition, namespace: string,
  lookup: MutationLookup): InstrumentationResource | undefined {
  if (value === '' || isFalse(value)) return undefined;
  const key = def.injectAnnotation;
  if (isTrue(value)) {
    const all = lookup.instrumentations(namespace);
    if (all.length === 0) {
      throw new AbortPod(`${key}: no OpenTelemetry Instrumentation instances available `
        + `(create an Instrumentation in namespace ${namespace}, or set the annotation to "<namespace>/<name>" of an existing one)`);
    }
    if (all.length > 1) {
      throw new AbortPod(`${key}: multiple OpenTelemetry Instrumentation instances available, cannot determine which one to select `
        + `(namespace ${namespace} has ${all.map((i) => i.metadata.name).sort().join(', ')}; set the annotation to the name of one)`);
    }
    return all[0];
  }
  const ref = parseInstanceRef(value, namespace);
  const inst = lookup.instrumentation(ref.namespace, ref.name);
  if (!inst) {
    throw new AbortPod(`${key}: instrumentations.opentelemetry.io "${ref.name}" not found `
      + `(no Instrumentation ${ref.namespace}/${ref.name}; create it or fix the annotation value "${value}")`);
  }
  return inst;
}

/** Exporter TLS Secrets and ConfigMaps must exist in the pod's namespace, or the pod could not start. */
function tlsProblems(insts: InstrumentationResource[], namespace: string, lookup: MutationLookup): string | undefined {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const inst of insts) {
    const tls = inst.spec.exporter?.tls;
    const id = `${inst.metadata.namespace ?? namespace}/${inst.metadata.name}`;
    if (!tls || seen.has(id)) continue;
    seen.add(id);
    const where = `Instrumentation ${inst.metadata.namespace ?? namespace}/${inst.metadata.name} spec.exporter.tls`;
    if (tls.secretName && lookup.secretExists && !lookup.secretExists(namespace, tls.secretName)) {
      problems.push(`secret ${namespace}/${tls.secretName} with certificates does not exists `
        + `(${where}.secretName: create the Secret in the pod's namespace ${namespace})`);
    }
    if (tls.configMapName && lookup.configMapExists && !lookup.configMapExists(namespace, tls.configMapName)) {
      problems.push(`configmap ${namespace}/${tls.configMapName} with CA certificate does not exists `
        + `(${where}.configMapName: create the ConfigMap in the pod's namespace ${namespace})`);
    }
  }
  return problems.length > 0 ? problems.join('\n') : undefined;
}

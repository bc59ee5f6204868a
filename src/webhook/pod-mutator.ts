import { KubeObject } from '../common/kube';
import { MutationLookup, InstrumentationMutatorOptions, mutatePodInstrumentation, MutationEvent, Pod } from '../instrumentation';
import { mutatePodSidecar, SidecarMutatorOptions } from '../sidecar';

export interface PodMutationOptions extends InstrumentationMutatorOptions, SidecarMutatorOptions {}

export interface PodMutationResult {
  /** The pod as the webhook admits it: mutated, or (when `errors` is non-empty) a copy of the input. */
  readonly pod: KubeObject;
  /** Errors that made the webhook leave the pod unchanged (upstream answers HTTP 500 with allowed=true). */
  readonly errors: string[];
  /** Warnings worth showing a user (rejected languages, skipped containers, no collector selected). */
  readonly warnings: string[];
  /** Events the webhook records on the pod. */
  readonly events: MutationEvent[];
}

/**
 * What upstream's `/mutate-v1-pod` webhook does to a pod on CREATE: the collector sidecar mutator, then the
 * auto-instrumentation mutator. Either failing leaves the whole pod unchanged. Pure: the cluster is read
 * through `lookup`, and nothing is written.
 */
export function mutatePod(pod: KubeObject, lookup: MutationLookup, options: PodMutationOptions = {}): PodMutationResult {
  const original = JSON.parse(JSON.stringify(pod)) as KubeObject;
  const input = pod as unknown as Pod;
  if (!input.spec || !Array.isArray(input.spec.containers)) {
    return { pod: original, errors: [`${describe(input)}: spec.containers is missing (give a Pod with at least one container)`], warnings: [], events: [] };
  }
  const sidecar = mutatePodSidecar(input, lookup, options);
  if (sidecar.error) return { pod: original, errors: [sidecar.error], warnings: sidecar.logs, events: [] };
  const inst = mutatePodInstrumentation(sidecar.pod, lookup, options);
  const warnings = [...sidecar.logs, ...inst.logs];
  if (inst.error) return { pod: original, errors: [inst.error], warnings, events: inst.events };
  return { pod: inst.pod as unknown as KubeObject, errors: [], warnings, events: inst.events };
}

function describe(pod: Pod): string {
  const m = pod.metadata ?? {};
  return `Pod ${m.namespace ? `${m.namespace}/` : ''}${m.name ?? m.generateName ?? '<unnamed>'}`;
}

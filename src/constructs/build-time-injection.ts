import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { InvalidInputError } from '../common/errors';
import { KubeObject } from '../common/kube';
import { mutatePod } from '../webhook';
import { ANNOTATION_CONTAINER_NAMES, multiInstrumentationProblem, languageDefinition, Language, MutationLookup, InstrumentationResource, MetaObject, Pod } from '../instrumentation';
import type { SidecarBuilder } from '../sidecar';

/**
 * Build-time injection: the pod mutators applied to a workload's pod template when the cdk8s app is
 * synthesized, so a cluster without the operator's webhook runs the same pods. Every request on one workload
 * is collected and applied in a single mutation (the webhook also sees all annotations at once; a second pass
 * would find the pod already instrumented and skip it).
 */

export interface InstrumentationRequest {
  readonly language: Language;
  readonly instrumentation: InstrumentationResource;
  readonly containerNames: readonly string[];
}

export interface SidecarRequest {
  /** The collector CR (for names and the sidecar-mode check). */
  readonly collector: MetaObject;
  /** Builds the container (the collector construct's own parts). */
  readonly build: SidecarBuilder;
}

interface WorkloadRequests {
  readonly instrumentations: InstrumentationRequest[];
  sidecar?: SidecarRequest;
  nativeSidecars?: boolean;
}

const REQUESTS = new WeakMap<ApiObject, WorkloadRequests>();

/** JSON pointer of the pod template inside each workload kind ('' for a Pod). */
const TEMPLATE_PATH: { [kind: string]: string } = {
  Pod: '',
  Deployment: '/spec/template',
  StatefulSet: '/spec/template',
  DaemonSet: '/spec/template',
  ReplicaSet: '/spec/template',
  Job: '/spec/template',
  CronJob: '/spec/jobTemplate/spec/template',
  PodTemplate: '/template',
};

export function requestInstrumentation(workload: IConstruct, request: InstrumentationRequest): void {
  const reqs = requestsFor(workload);
  if (reqs.instrumentations.some((r) => r.language === request.language)) {
    throw new InvalidInputError(workload.node.path, 'inject.language', `${request.language} instrumentation is already injected into this workload`,
      'inject each language once; list all its containers in containerNames');
  }
  reqs.instrumentations.push(request);
}

export function requestSidecar(workload: IConstruct, request: SidecarRequest, nativeSidecars: boolean): void {
  const reqs = requestsFor(workload);
  if (reqs.sidecar) {
    throw new InvalidInputError(workload.node.path, 'injectCollectorSidecar', 'a collector sidecar is already injected into this workload',
      'inject one collector per workload (a pod gets one otc-container)');
  }
  reqs.sidecar = request;
  reqs.nativeSidecars = nativeSidecars;
}

function requestsFor(workload: IConstruct): WorkloadRequests {
  const apiObject = ApiObject.of(workload);
  const existing = REQUESTS.get(apiObject);
  if (existing) return existing;
  const base = TEMPLATE_PATH[apiObject.kind];
  if (base === undefined) {
    throw new InvalidInputError(workload.node.path, 'kind', `cannot inject into a ${apiObject.kind}`,
      'use a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob');
  }
  const reqs: WorkloadRequests = { instrumentations: [] };
  REQUESTS.set(apiObject, reqs);

  // The mutation runs on the finished JSON of the object: the original toJson() is wrapped rather than
  // given JSON patches, because an L1 import class (what cdk8s-plus workloads are made of) maps its typed props
  // to JSON *after* the patches are applied, and that mapping reads IntOrString/Quantity wrappers: plain values
  // written by a patch (a probe's port 8080, a cpu "500m") came out as `tcpSocket: {}` and `limits: {}`.
  const toJson = apiObject.toJson.bind(apiObject);
  apiObject.toJson = () => {
    const json = toJson() as { [k: string]: unknown };
    const pod = mutateTemplate(workload.node.path, apiObject.kind, json, base, reqs);
    return pointerSet(json, base, { ...(pointerGet(json, base) as object), metadata: pod.metadata, spec: pod.spec });
  };
  return reqs;
}

/** Returns `obj` with the value at `pointer` replaced (the whole object for ''). */
function pointerSet(obj: { [k: string]: unknown }, pointer: string, value: unknown): { [k: string]: unknown } {
  if (pointer === '') return value as { [k: string]: unknown };
  const keys = pointer.split('/').slice(1);
  let cur = obj;
  for (const k of keys.slice(0, -1)) cur = (cur[k] ??= {}) as { [k: string]: unknown };
  cur[keys[keys.length - 1]] = value;
  return obj;
}

function pointerGet(obj: unknown, pointer: string): unknown {
  if (pointer === '') return obj;
  return pointer.split('/').slice(1).reduce<unknown>((o, k) => (o as { [k: string]: unknown } | undefined)?.[k], obj);
}

function mutateTemplate(path: string, kind: string, json: { [k: string]: unknown }, base: string, reqs: WorkloadRequests): Pod {
  const meta = (json.metadata ?? {}) as { name?: string; namespace?: string; uid?: string };
  const namespace = meta.namespace ?? 'default';
  const template = JSON.parse(JSON.stringify(pointerGet(json, base) ?? {})) as { metadata?: Pod['metadata']; spec?: Pod['spec'] };
  const annotations: { [k: string]: string } = { ...(template.metadata?.annotations ?? {}) };
  const instrumentations: InstrumentationResource[] = [];
  for (const r of reqs.instrumentations) {
    const def = languageDefinition(r.language);
    const inst = { ...r.instrumentation, metadata: { ...r.instrumentation.metadata, namespace: r.instrumentation.metadata.namespace ?? namespace } };
    instrumentations.push(inst);
    annotations[def.injectAnnotation] = `${inst.metadata.namespace}/${inst.metadata.name}`;
    if (r.containerNames.length > 0) annotations[def.containerNamesAnnotation] = r.containerNames.join(',');
  }
  // The webhook leaves a pod with an ambiguous multi-language layout alone without an error; at synth time the
  // request was explicit, so say so instead of emitting an uninstrumented workload.
  const common = annotations[ANNOTATION_CONTAINER_NAMES] ?? '';
  const layout = multiInstrumentationProblem(reqs.instrumentations.map((r) => {
    const own = annotations[languageDefinition(r.language).containerNamesAnnotation] ?? '';
    return { display: r.language, names: [...(common ? common.split(',') : []), ...(own ? own.split(',') : [])] };
  }));
  if (layout) {
    throw new InvalidInputError(path, 'inject.containerNames', `cannot inject ${reqs.instrumentations.map((r) => r.language).join(' and ')}: ${layout}`,
      'give containerNames to each inject() call');
  }
  const collector = reqs.sidecar?.collector;
  if (collector) {
    annotations['sidecar.opentelemetry.io/inject'] = `${collector.metadata?.namespace ?? namespace}/${collector.metadata?.name}`;
  }
  // The pod the controller would create, as far as it is known at synth time: the workload is the owner
  // (so OTEL_SERVICE_NAME is the workload's name); generated names and the ReplicaSet are not known yet.
  const pod: Pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { ...(template.metadata ?? {}), namespace, annotations,
      ...(kind === 'Pod' ? {} : { ownerReferences: [{ apiVersion: String(json.apiVersion ?? ''), kind, name: meta.name ?? '' }] }) },
    spec: template.spec ?? { containers: [] },
  };
  const find = (ns: string, name: string) => instrumentations.find((i) => i.metadata.namespace === ns && i.metadata.name === name);
  const lookup: MutationLookup = {
    namespace: () => undefined,
    instrumentation: find,
    instrumentations: (ns) => instrumentations.filter((i) => i.metadata.namespace === ns),
    collector: (ns, name) => (collector && (collector.metadata?.namespace ?? namespace) === ns && collector.metadata?.name === name
      ? collector : undefined),
    collectors: (ns) => (collector && (collector.metadata?.namespace ?? namespace) === ns ? [collector] : []),
    owner: () => undefined,
  };
  const result = mutatePod(pod as unknown as KubeObject, lookup, {
    enabledLanguages: { java: true, nodejs: true, python: true, dotnet: true, go: true, 'apache-httpd': true, nginx: true },
    nativeSidecars: reqs.nativeSidecars,
    buildSidecar: reqs.sidecar?.build,
  });
  if (result.errors.length > 0) throw new InvalidInputError(path, 'inject', `cannot inject: ${result.errors.join('; ')}`, 'fix the workload or the injected resource as the message says');
  const out = JSON.parse(JSON.stringify(result.pod)) as Pod;
  // A pod template carries neither a namespace nor owners; those were only for the derivations above.
  if (kind !== 'Pod') {
    delete out.metadata.namespace;
    delete out.metadata.ownerReferences;
  } else if (meta.namespace === undefined) {
    delete out.metadata.namespace;
  }
  return out;
}

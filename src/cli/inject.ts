import { parseCustomResources } from '../apis';
import { KubeObject, withoutIncompleteOwnerReferences } from '../common/kube';
import { lookupFromObjects } from '../instrumentation/lookup';
import { MetaObject } from '../instrumentation/types';
import { podForWorkload, POD_WORKLOAD_KINDS } from '../instrumentation/workloads';
import { mutatePod } from '../webhook/pod-mutator';
import { CliIo, EXIT_INVALID_INPUT, EXIT_OK, EXIT_USAGE, formatObjects, parseOutputFormat, readInput, UsageError } from './io';

export interface InjectOptions {
  /** A multi-document YAML file, or `-` for standard input. */
  readonly file: string;
  /** @default 'yaml' */
  readonly output?: string;
  /**
   * Languages to enable beyond upstream's defaults (`go`, `nginx`), like the operator's
   * `--enable-<lang>-instrumentation` flags; `--enable-<lang>-instrumentation=false` is `<lang>=false`.
   */
  readonly enable?: readonly string[];
  /** Inject native sidecars (Kubernetes ≥ 1.29). @default false */
  readonly nativeSidecars?: boolean;
  /** Namespace of objects without one. @default 'default' */
  readonly namespace?: string;
}

/**
 * `cdk8s-otel inject -f FILE`: prints the pods of the workloads in FILE as the operator's pod webhook would
 * admit them, using the Instrumentations, collectors, Namespaces, Secrets and ConfigMaps of the same file.
 * A Deployment's pod is the one its ReplicaSet creates, so owner-derived names come out as in a cluster; owner
 * references without a uid (the ReplicaSet, and workloads given without one) are left out of the printed pods,
 * so they can be applied.
 * Exit codes: 0 ok, 1 invalid input (or a pod the webhook would leave unchanged with an error), 2 usage.
 */
export async function runInject(opts: InjectOptions, io: CliIo): Promise<number> {
  let format: 'yaml' | 'json';
  let text: string;
  let enabledLanguages: { [lang: string]: boolean };
  try {
    format = parseOutputFormat(opts.output);
    enabledLanguages = parseEnable(opts.enable ?? []);
    text = await readInput(opts.file, io);
  } catch (e) {
    io.stderr(`cdk8s-otel inject: ${(e as Error).message}\n`);
    return e instanceof UsageError ? EXIT_USAGE : EXIT_INVALID_INPUT;
  }
  const source = opts.file === '-' ? '<stdin>' : opts.file;
  const namespace = opts.namespace ?? 'default';

  let objects: MetaObject[];
  try {
    objects = parseObjects(text, source);
  } catch (e) {
    io.stderr(`cdk8s-otel inject: ${(e as Error).message}\n`);
    return EXIT_INVALID_INPUT;
  }
  const workloads = objects.filter((o) => POD_WORKLOAD_KINDS.includes(o.kind ?? ''));
  if (workloads.length === 0) {
    io.stderr(`cdk8s-otel inject: ${source}: no workloads found (add a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob to inject into)\n`);
    return EXIT_INVALID_INPUT;
  }
  const built = workloads.map((w) => ({ workload: w, ...podForWorkload(w, namespace)! }));
  const lookup = lookupFromObjects([...objects, ...built.flatMap((b) => b.owners)], namespace);

  let failed = false;
  const pods: KubeObject[] = [];
  for (const b of built) {
    const what = `${b.workload.kind} ${b.pod.metadata.namespace}/${b.workload.metadata?.name}`;
    const result = mutatePod(b.pod as unknown as KubeObject, lookup, {
      enabledLanguages, nativeSidecars: opts.nativeSidecars, enableHint: (language) => `run inject with --enable ${language}`,
    });
    for (const w of result.warnings) io.stderr(`warning: ${what}: ${w}\n`);
    for (const ev of result.events) io.stderr(`event ${ev.type} ${ev.reason}: ${what}: ${ev.message}\n`);
    for (const err of result.errors) {
      failed = true;
      io.stderr(`error: ${what}: ${err}; the webhook admits this pod unchanged\n`);
    }
    pods.push(withoutIncompleteOwnerReferences(result.pod));
  }
  io.stdout(formatObjects(pods, format));
  return failed ? EXIT_INVALID_INPUT : EXIT_OK;
}

function parseEnable(values: readonly string[]): { [lang: string]: boolean } {
  const known = ['java', 'nodejs', 'python', 'dotnet', 'go', 'apache-httpd', 'nginx'];
  const out: { [lang: string]: boolean } = {};
  for (const v of values) {
    const [lang, flag] = v.split('=');
    if (!known.includes(lang) || (flag !== undefined && flag !== 'true' && flag !== 'false')) {
      throw new UsageError(`--enable: '${v}' is not <language>[=true|false] with a language among ${known.join(', ')}`);
    }
    out[lang] = flag !== 'false';
  }
  return out;
}

/** Every object of a multi-document YAML, `kind: List` items flattened; a broken document names its index. */
/**
 * The objects of FILE: parsing, `List` expansion and the apiVersion/kind checks are the CRD room's
 * `parseCustomResources`, so `inject` and `render` report bad YAML the same way; a workload also needs a name
 * and a pod template.
 */
function parseObjects(text: string, source: string): MetaObject[] {
  return parseCustomResources(text, source).map((obj, i) => {
    const o = obj as unknown as MetaObject;
    const where = `${source}: object ${i + 1}`;
    if (typeof o.metadata?.name !== 'string' || !o.metadata.name) {
      throw new Error(`${where}: ${o.kind}: metadata.name is missing (give the object a name)`);
    }
    if (POD_WORKLOAD_KINDS.includes(o.kind ?? '') && o.kind !== 'Pod' && o.kind !== 'CronJob' && typeof (o.spec as { template?: unknown })?.template !== 'object') {
      throw new Error(`${where}: ${o.kind} ${o.metadata.name}: spec.template is missing (a ${o.kind} needs a pod template)`);
    }
    return o;
  });
}

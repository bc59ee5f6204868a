import { parseCustomResources, sourceOf } from '../apis';
import { InvalidInputError } from '../common/errors';
import { KubeObject, withoutIncompleteOwnerReferences } from '../common/kube';
import { lookupFromObjects } from '../instrumentation/lookup';
import { MetaObject } from '../instrumentation/types';
import { podForWorkload, POD_WORKLOAD_KINDS } from '../instrumentation/workloads';
import { mutatePod } from '../webhook/pod-mutator';
import { CliIo, EXIT_INVALID_INPUT, EXIT_OK, formatObjects, parseOutputFormat, readInputs, reportError, UsageError } from './io';

export interface InjectOptions {
  /** A multi-document YAML file, a folder of them (`*.yaml`, `*.yml`, `*.json`), or `-` for standard input. */
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
  /**
   * Fail (exit 1, nothing on stdout) on any warning or webhook error, e.g. a pod left uninstrumented because its
   * Instrumentation is missing or its language is not enabled. @default false
   */
  readonly strict?: boolean;
}

const COMMAND = 'cdk8s-otel inject';

/**
 * `cdk8s-otel inject -f FILE`: prints the pods of the workloads in FILE as the operator's pod webhook would
 * admit them, using the Instrumentations, collectors, Namespaces, Secrets and ConfigMaps of the same file.
 * A Deployment's pod is the one its ReplicaSet creates, so owner-derived names come out as in a cluster; owner
 * references without a uid (the ReplicaSet, and workloads given without one) are left out of the printed pods,
 * so they can be applied.
 * Exit codes as {@link EXIT_CODES_HELP}: the webhook admits every pod, so a pod it leaves unchanged (a missing
 * Instrumentation, a language not enabled) is printed with a warning and exit 0, or exit 1 with `strict`;
 * 1 for invalid input, 2 for wrong usage.
 */
export async function runInject(opts: InjectOptions, io: CliIo): Promise<number> {
  try {
    return await inject(opts, io);
  } catch (e) {
    return reportError(COMMAND, e, io);
  }
}

async function inject(opts: InjectOptions, io: CliIo): Promise<number> {
  const format = parseOutputFormat(opts.output);
  const enabledLanguages = parseEnable(opts.enable ?? []);
  const files = await readInputs(opts.file, io);
  const source = opts.file === '-' ? '<stdin>' : opts.file;
  const namespace = opts.namespace ?? 'default';

  const objects = files.flatMap((f) => parseObjects(f.text, f.source));
  const workloads = objects.filter((o) => POD_WORKLOAD_KINDS.includes(o.kind ?? ''));
  if (workloads.length === 0) {
    throw new InvalidInputError(source, '(document)', 'no workloads found, so there is nothing to inject into',
      'add a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob');
  }
  const built = workloads.map((w) => ({ workload: w, ...podForWorkload(w, namespace)! }));
  const lookup = lookupFromObjects([...objects, ...built.flatMap((b) => b.owners)], namespace);

  let warnings = 0;
  const pods: KubeObject[] = [];
  for (const b of built) {
    const what = `${b.workload.kind} ${b.pod.metadata.namespace}/${b.workload.metadata?.name}`;
    const result = mutatePod(b.pod as unknown as KubeObject, lookup, {
      enabledLanguages, nativeSidecars: opts.nativeSidecars, enableHint: (language) => `run inject with --enable ${language}`,
    });
    for (const w of result.warnings) io.stderr(`warning: ${what}: ${w}\n`);
    for (const ev of result.events) io.stderr(`event ${ev.type} ${ev.reason}: ${what}: ${ev.message}\n`);
    // the webhook logs these and admits the pod unchanged: a warning of the preview, as render's
    for (const err of result.errors) io.stderr(`warning: ${what}: ${err}; the webhook admits this pod unchanged\n`);
    warnings += result.warnings.length + result.errors.length;
    pods.push(withoutIncompleteOwnerReferences(result.pod));
  }
  if (opts.strict && warnings > 0) {
    io.stderr(`${COMMAND}: --strict: ${warnings} warning(s) above, so nothing is printed (fix them, or run without --strict to see the pods as admitted)\n`);
    return EXIT_INVALID_INPUT;
  }
  io.stdout(formatObjects(pods, format));
  return EXIT_OK;
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

/** The apiVersion of each workload kind `inject` reads. */
const WORKLOAD_API_VERSIONS: { [kind: string]: string } = {
  Pod: 'v1', Deployment: 'apps/v1', ReplicaSet: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', Job: 'batch/v1', CronJob: 'batch/v1',
};

/** A DNS-1123 subdomain, the rule for the names of these kinds. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The objects of FILE: parsing, `List` expansion and the apiVersion/kind checks are the CRD room's
 * `parseCustomResources`, so `inject` and `render` report bad YAML the same way; a workload also needs a name
 * and a pod template.
 */
function parseObjects(text: string, source: string): MetaObject[] {
  return parseCustomResources(text, source).map((obj, i) => {
    const o = obj as unknown as MetaObject;
    const where = sourceOf(obj) ?? `${source} object ${i + 1}`;
    if (typeof o.metadata?.name !== 'string' || !o.metadata.name) {
      throw new InvalidInputError(`${where} (${o.kind})`, 'metadata.name', 'is missing', 'give the object a name');
    }
    const apiVersion = WORKLOAD_API_VERSIONS[o.kind ?? ''];
    if (apiVersion && o.apiVersion !== apiVersion) {
      throw new InvalidInputError(`${where} (${o.kind} ${o.metadata.name})`, 'apiVersion', `${o.apiVersion} has no kind ${o.kind}`, `use apiVersion ${apiVersion}`);
    }
    if (apiVersion && (o.metadata.name.length > 253 || !DNS_SUBDOMAIN.test(o.metadata.name))) {
      throw new InvalidInputError(`${where} (${o.kind})`, 'metadata.name', `${JSON.stringify(o.metadata.name)} is not a valid name (the API server rejects it)`,
        'use at most 253 lowercase letters, digits, - and ., starting and ending with a letter or digit');
    }
    if (POD_WORKLOAD_KINDS.includes(o.kind ?? '') && o.kind !== 'Pod' && o.kind !== 'CronJob' && typeof (o.spec as { template?: unknown })?.template !== 'object') {
      throw new InvalidInputError(`${where} (${o.kind} ${o.metadata.name})`, 'spec.template', 'is missing', `a ${o.kind} needs a pod template`);
    }
    return o;
  });
}

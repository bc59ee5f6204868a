import { allCrds } from '../apis/crds';
import { InvalidInputError } from '../common/errors';
import { buildOperatorInstallObjects, OPERATOR_NAMESPACE, WEBHOOK_SERVICE } from '../install';
import { CliIo, EXIT_INVALID_INPUT, EXIT_OK, EXIT_USAGE, formatObjects, parseOutputFormat, UsageError } from './io';

export interface InstallCommandOptions {
  /** @default 'opentelemetry-operator-system' */
  readonly namespace?: string;
  /** comma-separated namespaces (the flag may repeat) @default - all namespaces */
  readonly watchNamespace?: string[];
  readonly image?: string;
  readonly certManager?: boolean;
  /** as given on the command line @default '1' */
  readonly replicas?: string;
  readonly collectorImage?: string;
  readonly serviceMonitor?: boolean;
  /** @default true */
  readonly crds?: boolean;
  /** @default 'yaml' */
  readonly output?: string;
}

/**
 * `cdk8s-otel install`: prints every object that runs the operator (`kubectl apply -f <(cdk8s-otel install)`).
 * Exit codes: 0 ok, 1 invalid input, 2 usage.
 */
export function runInstall(opts: InstallCommandOptions, io: CliIo): number {
  return print('install', io, opts.output, () => {
    const replicas = opts.replicas === undefined ? undefined : Number(opts.replicas.trim() === '' ? NaN : opts.replicas);
    if (replicas !== undefined && !Number.isInteger(replicas)) {
      throw new UsageError(`--replicas must be a whole number, got '${opts.replicas}'`);
    }
    return buildOperatorInstallObjects({
      namespace: opts.namespace,
      watchNamespaces: opts.watchNamespace?.flatMap((v) => v.split(',')),
      image: opts.image,
      certManager: opts.certManager,
      replicas,
      collectorImage: opts.collectorImage,
      serviceMonitor: opts.serviceMonitor,
      crds: opts.crds,
    });
  });
}

export interface CrdsCommandOptions {
  /** namespace of the operator, where the collector's conversion webhook is called @default 'opentelemetry-operator-system' */
  readonly namespace?: string;
  /** @default 'yaml' */
  readonly output?: string;
}

/** `cdk8s-otel crds`: prints the CustomResourceDefinitions, descriptions included, each small enough for client-side apply. */
export function runCrds(opts: CrdsCommandOptions, io: CliIo): number {
  return print('crds', io, opts.output, () => {
    const namespace = opts.namespace ?? OPERATOR_NAMESPACE;
    // the same checks as the install's namespace
    buildOperatorInstallObjects({ namespace, crds: false });
    return allCrds({ labels: { 'app.kubernetes.io/name': 'opentelemetry-operator' }, conversionWebhook: { serviceName: WEBHOOK_SERVICE, serviceNamespace: namespace } });
  });
}

function print(command: string, io: CliIo, output: string | undefined, build: () => object[]): number {
  try {
    const format = parseOutputFormat(output);
    io.stdout(formatObjects(build(), format));
    return EXIT_OK;
  } catch (e) {
    if (e instanceof UsageError || e instanceof InvalidInputError) {
      io.stderr(`cdk8s-otel ${command}: ${e.message}\n`);
      return e instanceof UsageError ? EXIT_USAGE : EXIT_INVALID_INPUT;
    }
    throw e;
  }
}

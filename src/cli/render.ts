import { InvalidInputError } from '../common/errors';
import { renderYaml } from '../render';
import { CliIo, EXIT_INVALID_INPUT, EXIT_OK, EXIT_USAGE, formatObjects, parseOutputFormat, readInput, UsageError } from './io';

export interface RenderCommandOptions {
  /** A multi-document YAML file of custom resources, or `-` for standard input. */
  readonly file: string;
  /** @default 'yaml' */
  readonly output?: string;
  /** Namespace of resources that name none. @default 'default' */
  readonly namespace?: string;
  /** Collector image used where `spec.image` is empty (the operator's `--collector-image`). */
  readonly collectorImage?: string;
  /**
   * The target cluster serves OpenShift Routes, so `ingress.type: route` renders them (the operator detects this).
   * @default false
   */
  readonly openshiftRoutes?: boolean;
}

/**
 * `cdk8s-otel render -f FILE|- [-o yaml|json]`: prints the objects the operator would create for the custom
 * resources in FILE. Exit codes: 0 ok, 1 invalid input (message on stderr, nothing on stdout), 2 usage.
 */
export async function runRender(opts: RenderCommandOptions, io: CliIo): Promise<number> {
  let format;
  let text: string;
  try {
    format = parseOutputFormat(opts.output);
    text = await readInput(opts.file, io);
  } catch (e) {
    io.stderr(`cdk8s-otel render: ${(e as Error).message}\n`);
    return e instanceof UsageError ? EXIT_USAGE : EXIT_INVALID_INPUT;
  }
  const source = opts.file === '-' ? '<stdin>' : opts.file;
  try {
    const result = renderYaml(text, source, {
      namespace: opts.namespace, defaultImage: opts.collectorImage, openShiftRoutesAvailable: opts.openshiftRoutes,
    });
    for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
    if (result.objects.length === 0) {
      io.stderr(`cdk8s-otel render: ${source}: no OpenTelemetryCollector found; the operator would create nothing\n`);
    }
    io.stdout(formatObjects(result.objects, format));
    return EXIT_OK;
  } catch (e) {
    if (e instanceof InvalidInputError) {
      io.stderr(`cdk8s-otel render: ${e.message}\n`);
      return EXIT_INVALID_INPUT;
    }
    throw e;
  }
}


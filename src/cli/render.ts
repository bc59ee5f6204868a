import { isOpenTelemetryGroup, parseCustomResources } from '../apis';
import { InvalidInputError } from '../common/errors';
import { KubeObject } from '../common/kube';
import { render } from '../render';
import { CliIo, EXIT_INVALID_INPUT, EXIT_OK, formatObjects, parseOutputFormat, readInputs, reportError } from './io';

export interface RenderCommandOptions {
  /** A multi-document YAML file of custom resources, a folder of them (`*.yaml`, `*.yml`, `*.json`), or `-` for standard input. */
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
  /**
   * Fail (exit 1, nothing on stdout) on any warning, e.g. a config with no pipelines, which the operator deploys.
   * @default false
   */
  readonly strict?: boolean;
}

const COMMAND = 'cdk8s-otel render';

/**
 * `cdk8s-otel render -f FILE|DIR|- [-o yaml|json] [--strict]`: prints the objects the operator would create for
 * the custom resources in FILE. Exit codes as {@link EXIT_CODES_HELP}: 0 ok (warnings on stderr), 1 invalid input
 * or, with `strict`, a warning (message on stderr, nothing on stdout), 2 usage.
 */
export async function runRender(opts: RenderCommandOptions, io: CliIo): Promise<number> {
  try {
    const format = parseOutputFormat(opts.output);
    const files = await readInputs(opts.file, io);
    const source = opts.file === '-' ? '<stdin>' : opts.file;
    const crs: KubeObject[] = files.flatMap((f) => parseCustomResources(f.text, f.source));
    if (crs.length === 0) {
      throw new InvalidInputError(source, '(document)', 'no objects found, so there is nothing to render', 'give OpenTelemetryCollector, TargetAllocator or Instrumentation resources');
    }
    if (!crs.some((cr) => isOpenTelemetryGroup(cr.apiVersion))) {
      throw new InvalidInputError(source, '(document)', `no opentelemetry.io resource among its ${crs.length} object(s), so the operator would create nothing`,
        'give OpenTelemetryCollector, TargetAllocator or Instrumentation resources');
    }
    const result = render(crs, {
      namespace: opts.namespace, defaultImage: opts.collectorImage, openShiftRoutesAvailable: opts.openshiftRoutes, strict: opts.strict,
    });
    for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
    if (opts.strict && result.warnings.length > 0) {
      io.stderr(`${COMMAND}: --strict: ${result.warnings.length} warning(s) above, so nothing is printed (fix them, or run without --strict to see what the operator would create)\n`);
      return EXIT_INVALID_INPUT;
    }
    io.stdout(formatObjects(result.objects, format));
    return EXIT_OK;
  } catch (e) {
    return reportError(COMMAND, e, io);
  }
}

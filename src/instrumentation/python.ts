import { ANNOTATION_PYTHON_PLATFORM } from './constants';
import { appendIfNotSet, valueFromConflict } from './env';
import { appendToEnvValue, injectCopyAgent, LanguageContext } from './language';

const PYTHONPATH = 'PYTHONPATH';
const MOUNT = '/otel-auto-instrumentation-python';
const PATH_PREFIX = `${MOUNT}/opentelemetry/instrumentation/auto_instrumentation`;

/** The image directory to copy for each supported `otel-python-platform` annotation value. */
const SOURCE_BY_PLATFORM: { [platform: string]: string } = {
  '': '/autoinstrumentation/.',
  'glibc': '/autoinstrumentation/.',
  'musl': '/autoinstrumentation-musl/.',
};

/**
 * Python: the auto-instrumentation package goes on PYTHONPATH (prefix and suffix around the user's value),
 * and since the Python distro only ships the OTLP/HTTP exporter, protocol and exporters default to it.
 */
export function injectPython(ctx: LanguageContext): void {
  const spec = ctx.inst.spec.python;
  const platform = ctx.variant;
  const source = SOURCE_BY_PLATFORM[platform];
  injectCopyAgent(ctx, {
    key: 'python',
    display: 'Python SDK',
    spec,
    resources: spec?.resourceRequirements,
    command: ['cp', '-r', source ?? SOURCE_BY_PLATFORM[''], MOUNT],
    initMountPath: MOUNT,
    mountPath: () => MOUNT,
    validate: (c) => valueFromConflict(c.env, PYTHONPATH) ?? (source === undefined
      ? `provided ${ANNOTATION_PYTHON_PLATFORM} annotation value '${platform}' is not supported (use "glibc" or "musl")`
      : undefined),
    containerEnv: (c) => appendToEnvValue(c, PYTHONPATH, `${PATH_PREFIX}:${MOUNT}`, (cur) => `${PATH_PREFIX}:${cur}:${MOUNT}`),
    defaultEnv: (c) => {
      appendIfNotSet(c.env!,
        { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'http/protobuf' },
        { name: 'OTEL_TRACES_EXPORTER', value: 'otlp' },
        { name: 'OTEL_METRICS_EXPORTER', value: 'otlp' },
        { name: 'OTEL_LOGS_EXPORTER', value: 'otlp' });
    },
  });
}

import { appendIfNotSet, valueFromConflict } from './env';
import { appendToEnvValue, injectCopyAgent, LanguageContext } from './language';

const NODE_OPTIONS = 'NODE_OPTIONS';
const MOUNT = '/otel-auto-instrumentation-nodejs';
const REQUIRE = ` --require ${MOUNT}/autoinstrumentation.js`;

/** Node.js: `--require` of the auto-instrumentation script in NODE_OPTIONS, and metrics over OTLP unless set (≥v0.158). */
export function injectNodeJS(ctx: LanguageContext): void {
  const spec = ctx.inst.spec.nodejs;
  injectCopyAgent(ctx, {
    key: 'nodejs',
    display: 'NodeJS SDK',
    spec,
    resources: spec?.resourceRequirements,
    command: ['cp', '-r', '/autoinstrumentation/.', MOUNT],
    initMountPath: MOUNT,
    mountPath: () => MOUNT,
    validate: (c) => valueFromConflict(c.env, NODE_OPTIONS),
    defaultEnv: (c) => {
      appendToEnvValue(c, NODE_OPTIONS, REQUIRE, (cur) => cur + REQUIRE);
      appendIfNotSet(c.env!, { name: 'OTEL_METRICS_EXPORTER', value: 'otlp' });
    },
  });
}

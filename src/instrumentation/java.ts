import { valueFromConflict } from './env';
import { appendToEnvValue, CopyAgentLanguage, injectCopyAgent, LanguageContext } from './language';
import { withOptional } from './pod-utils';
import { Container } from './types';

const JAVA_TOOL_OPTIONS = 'JAVA_TOOL_OPTIONS';
const INIT_MOUNT = '/otel-auto-instrumentation-java';

/**
 * Java: the agent jar is copied into a shared volume that each target mounts at its own path
 * (`/otel-auto-instrumentation-java-<container>`), and `-javaagent` is appended to JAVA_TOOL_OPTIONS.
 */
export function injectJava(ctx: LanguageContext): void {
  const spec = ctx.inst.spec.java;
  const hasExtensions = (spec?.extensions ?? []).length > 0;
  const mountPath = (c: Container) => `${INIT_MOUNT}-${c.name}`;
  const lang: CopyAgentLanguage = {
    key: 'java',
    display: 'javaagent',
    spec,
    resources: spec?.resources,
    command: ['cp', '/javaagent.jar', `${INIT_MOUNT}/javaagent.jar`],
    initMountPath: INIT_MOUNT,
    mountPath,
    validate: (c) => valueFromConflict(c.env, JAVA_TOOL_OPTIONS),
    defaultEnv: (c) => {
      let arg = ` -javaagent:${mountPath(c)}/javaagent.jar`;
      if (hasExtensions) arg += ` -Dotel.javaagent.extensions=${mountPath(c)}/extensions`;
      appendToEnvValue(c, JAVA_TOOL_OPTIONS, arg, (cur) => cur + arg);
    },
    // Extension images only copy files; upstream gives them the Java resources but no pull policy.
    extraInitContainers: (volumeName) => (spec?.extensions ?? []).map((ext, i) => withOptional<Container>({
      name: `opentelemetry-auto-instrumentation-extension-${i}`,
      image: ext.image,
      command: ['cp', '-r', `${ext.dir}/.`, `${INIT_MOUNT}/extensions`],
      volumeMounts: [{ name: volumeName, mountPath: INIT_MOUNT }],
    }, { resources: spec?.resources })),
  };
  injectCopyAgent(ctx, lang);
}

import { INIT_CONTAINER_PREFIX, VOLUME_PREFIX } from './constants';
import { appendIfNotSet } from './env';
import { insertInitContainer, instrumentationVolume, setInitSecurityContext, withOptional } from './pod-utils';
import { injectCommonEnv, injectCommonSdkConfig, SdkConfigContext } from './sdk-config';
import { Container, EnvVar, LanguageSpec, ResourceRequirements } from './types';

/** What a language injector gets: the resolved Instrumentation, the pod and the containers to instrument. */
export interface LanguageContext extends SdkConfigContext {
  /** Target containers, init containers first (in pod order), then regular ones. */
  readonly targets: Container[];
  /** The target names as the annotations gave them (Go reads the raw list). */
  readonly containerNames: string[];
  /** Effective value of the language's extra annotation (python platform, dotnet runtime), or "". */
  readonly variant: string;
  /** Whether multi-instrumentation is on (Go reads a different annotation then). */
  readonly multiInstrumentation: boolean;
  /** Records why a container or language was skipped (upstream logs these at info level). */
  log(message: string): void;
}

/** The shape shared by the Java, Node.js, Python and .NET injectors: an init container copies the agent into a volume. */
export interface CopyAgentLanguage {
  /** e.g. "java"; the init container and volume are `opentelemetry-auto-instrumentation-<key>`. */
  readonly key: string;
  /** Human name for log messages. */
  readonly display: string;
  readonly spec: LanguageSpec | undefined;
  readonly resources: ResourceRequirements | undefined;
  /** The init container's command. */
  readonly command: string[];
  /** Where the init container mounts the volume. */
  readonly initMountPath: string;
  /** Where a target mounts the volume. */
  mountPath(container: Container): string;
  /** Returns a reason to skip this container, or undefined. */
  validate(container: Container): string | undefined;
  /** Language variables set right after the language env, before the common env (Python's PYTHONPATH). */
  containerEnv?(container: Container): void;
  /** Language variables set after the common env (OTEL_NODE_IP, OTEL_POD_IP, spec.env). */
  defaultEnv(container: Container): void;
  /** Extra init containers after the main one (Java extensions). */
  extraInitContainers?(volumeName: string): Container[];
}

/**
 * Runs one copy-agent language over the targets: per container validation, language env, mount, common env,
 * language variables and SDK config; then the volume and init container, once per pod.
 */
export function injectCopyAgent(ctx: LanguageContext, lang: CopyAgentLanguage): void {
  if (ctx.targets.length === 0) return;
  const initName = `${INIT_CONTAINER_PREFIX}-${lang.key}`;
  const volume = instrumentationVolume(lang.spec, `${VOLUME_PREFIX}-${lang.key}`);
  for (const c of ctx.targets) {
    const reason = lang.validate(c);
    if (reason) {
      ctx.log(`Skipping ${lang.display} injection into container ${c.name}: ${reason}`);
      continue;
    }
    c.env = appendIfNotSet(c.env ?? [], ...(lang.spec?.env ?? []));
    lang.containerEnv?.(c);
    (c.volumeMounts ??= []).push({ name: volume.name, mountPath: lang.mountPath(c) });
    injectCommonEnv(ctx.inst, c);
    lang.defaultEnv(c);
    injectCommonSdkConfig(ctx, c, c);
  }
  const pod = ctx.pod;
  if ((pod.spec.initContainers ?? []).some((c) => c.name === initName)) return;
  (pod.spec.volumes ??= []).push(volume);
  const first = ctx.targets[0];
  const init = withOptional<Container>({ name: initName }, {
    image: lang.spec?.image,
    command: lang.command,
    resources: lang.resources,
  });
  init.volumeMounts = [{ name: volume.name, mountPath: lang.initMountPath }];
  withOptional(init, { imagePullPolicy: ctx.inst.spec.imagePullPolicy });
  insertInitContainer(pod, init, first.name);
  const extras = lang.extraInitContainers?.(volume.name) ?? [];
  for (const extra of extras) insertInitContainer(pod, extra, first.name);
  // Java's extension containers get the agent container's securityContext too (upstream, like the agent's).
  setInitSecurityContext(pod, ctx.inst, first, [initName, ...extras.map((e) => e.name)]);
}

/** Sets `name` to `ours`, or appends `ours` to an existing literal value; a `valueFrom` value is left alone. */
export function appendToEnvValue(container: Container, name: string, ours: string, join: (cur: string) => string): void {
  const env: EnvVar[] = (container.env ??= []);
  const idx = env.findIndex((e) => e.name === name);
  if (idx < 0) env.push({ name, value: ours });
  else if (env[idx].valueFrom === undefined) env[idx] = { ...env[idx], value: join(env[idx].value ?? '') };
}

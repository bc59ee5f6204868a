import { ANNOTATION_CONTAINER_NAMES, ANNOTATION_GO_CONTAINER_NAMES, ANNOTATION_GO_TARGET_EXE, GO_SIDECAR_NAME } from './constants';
import { appendIfNotSet, hasEnv } from './env';
import { LanguageContext } from './language';
import { clone, isInitContainer, withOptional } from './pod-utils';
import { injectCommonEnv, injectCommonSdkConfig } from './sdk-config';
import { Container, EnvVar } from './types';

const TARGET_EXE = 'OTEL_GO_AUTO_TARGET_EXE';
const KERNEL_DEBUG = 'kernel-debug';
const KERNEL_DEBUG_PATH = '/sys/kernel/debug';

/**
 * Go: an eBPF agent sidecar that attaches to the app's process, so the pod must share its process namespace.
 * Only one container can be instrumented, and the agent needs the path of the executable (annotation or
 * `OTEL_GO_AUTO_TARGET_EXE` in go.env / spec.env); without it the pod is left as it was.
 */
export function injectGo(ctx: LanguageContext): void {
  const pod = ctx.pod;
  const before = clone(pod.spec);
  const targetName = ctx.containerNames[0] ?? pod.spec.containers[0]?.name;
  if (!targetName) return;
  if (isInitContainer(pod, targetName)) {
    ctx.log(`Skipping Go SDK injection into container ${targetName}: is init container`);
    return;
  }
  if (pod.spec.shareProcessNamespace === false) {
    ctx.log('Skipping Go SDK injection: shared process namespace has been explicitly disabled');
    return;
  }
  const listKey = ctx.multiInstrumentation ? ANNOTATION_GO_CONTAINER_NAMES : ANNOTATION_CONTAINER_NAMES;
  const listed = pod.metadata.annotations?.[listKey];
  if (listed !== undefined && listed.split(',').length > 1) {
    ctx.log(`Skipping Go SDK injection: go instrumentation cannot be injected into a pod, multiple containers configured in ${listKey}`);
    return;
  }
  const app = pod.spec.containers.find((c) => c.name === targetName) ?? pod.spec.containers[0];
  const spec = ctx.inst.spec.go;

  // The annotation is read from the pod only and beats go.env.
  const env: EnvVar[] = [];
  const exe = pod.metadata.annotations?.[ANNOTATION_GO_TARGET_EXE];
  if (exe !== undefined) env.push({ name: TARGET_EXE, value: exe });
  appendIfNotSet(env, ...(spec?.env ?? []));

  const agent = withOptional<Container>({ name: GO_SIDECAR_NAME }, { image: spec?.image, resources: spec?.resourceRequirements });
  agent.securityContext = clone(spec?.securityContext) ?? { runAsUser: 0, privileged: true };
  agent.volumeMounts = [{ mountPath: KERNEL_DEBUG_PATH, name: KERNEL_DEBUG }];
  withOptional(agent, { imagePullPolicy: ctx.inst.spec.imagePullPolicy });
  agent.env = env;

  pod.spec.shareProcessNamespace = true;
  pod.spec.containers.push(agent);
  (pod.spec.volumes ??= []).push({ name: KERNEL_DEBUG, hostPath: { path: KERNEL_DEBUG_PATH } });

  injectCommonEnv(ctx.inst, agent);
  injectCommonSdkConfig(ctx, agent, app);

  if (!hasEnv(agent.env, TARGET_EXE)) {
    ctx.log(`Skipping Go SDK injection into container ${targetName}: ${TARGET_EXE} not set `
      + `(set the pod annotation ${ANNOTATION_GO_TARGET_EXE} to the path of the Go executable)`);
    pod.spec = before;
  }
}

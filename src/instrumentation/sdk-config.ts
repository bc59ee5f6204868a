import {
  ENV_NODE_IP, ENV_NODE_NAME, ENV_POD_IP, ENV_POD_NAME, ENV_POD_UID, ENV_PROPAGATORS, ENV_RESOURCE_ATTRIBUTES,
  ENV_SERVICE_NAME, ENV_TRACES_SAMPLER, ENV_TRACES_SAMPLER_ARG,
} from './constants';
import { appendIfNotSet, fieldRefEnv, hasEnv, indexOfEnv, moveEnvToEnd } from './env';
import { configureExporter } from './exporter';
import { MutationLookup } from './lookup';
import { chooseServiceName, chooseServiceVersion, createResourceMap, resourceMapToString } from './resource';
import { Container, InstrumentationResource, Pod } from './types';

/**
 * Step 1 of the common env (§4 of the spec): OTEL_NODE_IP and OTEL_POD_IP go first (so later values can
 * reference `$(OTEL_NODE_IP)`), then the Instrumentation's `spec.env` where not already set.
 */
export function injectCommonEnv(inst: InstrumentationResource, container: Container): void {
  let env = container.env ?? [];
  if (!hasEnv(env, ENV_POD_IP)) env = [fieldRefEnv(ENV_POD_IP, 'status.podIP'), ...env];
  if (!hasEnv(env, ENV_NODE_IP)) env = [fieldRefEnv(ENV_NODE_IP, 'status.hostIP'), ...env];
  container.env = appendIfNotSet(env, ...(inst.spec.env ?? []));
}

/** Everything one SDK needs to find the collector and describe itself. */
export interface SdkConfigContext {
  readonly inst: InstrumentationResource;
  readonly namespace: string;
  readonly pod: Pod;
  readonly lookup: MutationLookup;
}

/**
 * Steps 3–9 of the common env, written into `container`; names and versions are derived from `appContainer`
 * (they differ only for Go, whose agent runs in its own sidecar).
 */
export function injectCommonSdkConfig(ctx: SdkConfigContext, container: Container, appContainer: Container): void {
  const { inst, pod } = ctx;
  const useLabels = inst.spec.defaults?.useLabelsForResourceAttributes === true;
  const res = createResourceMap(inst, ctx.namespace, pod, appContainer, ctx.lookup);
  const env = (container.env ??= []);

  if (!hasEnv(env, ENV_SERVICE_NAME)) {
    env.push({ name: ENV_SERVICE_NAME, value: chooseServiceName(pod, useLabels, res, appContainer) });
  }
  configureExporter(inst.spec.exporter, pod, container);

  // The pod name is only known once the API server generates it, so it always comes from the downward API.
  if (!hasEnv(env, ENV_POD_NAME)) env.push(fieldRefEnv(ENV_POD_NAME, 'metadata.name'));
  res['k8s.pod.name'] = `$(${ENV_POD_NAME})`;

  if (inst.spec.resource?.addK8sUIDAttributes && !res['k8s.pod.uid']) {
    if (!hasEnv(env, ENV_POD_UID)) env.push(fieldRefEnv(ENV_POD_UID, 'metadata.uid'));
    res['k8s.pod.uid'] = `$(${ENV_POD_UID})`;
  }

  const raIdx = indexOfEnv(env, ENV_RESOURCE_ATTRIBUTES);
  if (raIdx < 0 || !(env[raIdx].value ?? '').includes('service.version')) {
    const version = chooseServiceVersion(pod, useLabels, appContainer);
    if (version) res['service.version'] = version;
  }

  if (!res['k8s.node.name']) {
    if (!hasEnv(env, ENV_NODE_NAME)) env.push(fieldRefEnv(ENV_NODE_NAME, 'spec.nodeName'));
    res['k8s.node.name'] = `$(${ENV_NODE_NAME})`;
  }

  const attrs = resourceMapToString(res);
  const idx = indexOfEnv(env, ENV_RESOURCE_ATTRIBUTES);
  if (idx < 0) {
    env.push({ name: ENV_RESOURCE_ATTRIBUTES, value: attrs });
  } else {
    const current = env[idx].value ?? '';
    env[idx] = { ...env[idx], value: current + (current.endsWith(',') ? '' : ',') + attrs };
  }

  const propagators = inst.spec.propagators ?? [];
  if (!hasEnv(env, ENV_PROPAGATORS) && propagators.length > 0) {
    env.push({ name: ENV_PROPAGATORS, value: propagators.join(',') });
  }

  // A user who sets either sampler variable configures sampling themselves; we add neither.
  const sampler = inst.spec.sampler;
  if (sampler?.type && !hasEnv(env, ENV_TRACES_SAMPLER) && !hasEnv(env, ENV_TRACES_SAMPLER_ARG)) {
    env.push({ name: ENV_TRACES_SAMPLER, value: sampler.type });
    if (sampler.argument) env.push({ name: ENV_TRACES_SAMPLER_ARG, value: sampler.argument });
  }

  // Kubelet expands $(VAR) only from variables defined earlier in the list.
  moveEnvToEnd(env, ENV_RESOURCE_ATTRIBUTES);
}

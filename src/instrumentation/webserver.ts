import { LanguageContext } from './language';
import { chooseServiceName, createResourceMap } from './resource';
import { appendIfNotSet, fieldRefEnv } from './env';
import { Container, EnvVar, WebServerAttr } from './types';

/** Shared by the Apache HTTPD and Nginx injectors: both configure a native agent module through a config file. */

export const AGENT_DIR = '/opt/opentelemetry-webserver/agent';
export const SOURCE_CONF_DIR = '/opt/opentelemetry-webserver/source-conf';
export const SID_PLACEHOLDER = '<<SID-PLACEHOLDER>>';
/** The config-copying init container; Apache and Nginx share the name, so a pod gets one (upstream behaviour). */
export const CLONE_CONTAINER_NAME = 'otel-agent-source-container-clone';
export const APACHE_ATTACH_CONTAINER_NAME = 'otel-agent-attach-apache';

/**
 * The agent's key/value settings, sorted by key. Service name and namespace come from the pod as for the
 * SDKs; the instance id is a placeholder the attach script replaces with the pod name. `values` replaces some
 * default values (by key without the prefix); `attrs` replace or add settings last.
 */
export function webServerSettings(ctx: LanguageContext, container: Container, prefix: string, fallbackNamespace: string,
  attrs: readonly WebServerAttr[] | undefined, values: { readonly [key: string]: string } = {}): Array<[string, string]> {
  const res = createResourceMap(ctx.inst, ctx.namespace, ctx.pod, container, ctx.lookup);
  const useLabels = ctx.inst.spec.defaults?.useLabelsForResourceAttributes === true;
  const settings: { [key: string]: string } = {
    [`${prefix}Enabled`]: 'ON',
    [`${prefix}OtelSpanExporter`]: 'otlp',
    [`${prefix}OtelExporterEndpoint`]: ctx.inst.spec.exporter?.endpoint || 'http://localhost:4317/',
    [`${prefix}ServiceName`]: chooseServiceName(ctx.pod, useLabels, res, container),
    [`${prefix}ServiceNamespace`]: ctx.pod.metadata.namespace || res['k8s.namespace.name'] || fallbackNamespace,
    [`${prefix}ServiceInstanceId`]: SID_PLACEHOLDER,
    [`${prefix}ResolveBackends`]: 'ON',
    [`${prefix}TraceAsError`]: 'ON',
  };
  for (const [k, v] of Object.entries(values)) settings[`${prefix}${k}`] = v;
  for (const a of attrs ?? []) settings[a.name] = a.value;
  return Object.keys(settings).sort().map((k) => [k, settings[k]]);
}

/**
 * The attach container's env (upstream's initContainerUserEnv): the language's env, then the Instrumentation's
 * env and OTEL_POD_IP/OTEL_NODE_IP where not yet set, then the agent's own variables. The order lets the kubelet
 * expand `$(OTEL_NODE_IP)` (or any user variable) in the generated agent config, e.g. in the exporter endpoint.
 */
export function attachContainerEnv(ctx: LanguageContext, languageEnv: readonly EnvVar[] | undefined, ...own: EnvVar[]): EnvVar[] {
  const env = appendIfNotSet([], ...(languageEnv ?? []), ...(ctx.inst.spec.env ?? []),
    fieldRefEnv('OTEL_POD_IP', 'status.podIP'), fieldRefEnv('OTEL_NODE_IP', 'status.hostIP'));
  return [...env, ...own];
}

/**
 * The init container that copies the web server's configuration out of the app image: a clone of the app
 * container keeping only what it needs to start (image, env, mounts, security, pull policy).
 */
export function cloneContainer(app: Container, name: string, command: string[], confVolume: string,
  resources: unknown): Container {
  const clone: Container = { name, command };
  for (const key of ['image', 'env', 'envFrom', 'volumeMounts', 'securityContext', 'imagePullPolicy']) {
    // An empty list is Go's nil there (the app's env is only started, not filled, when the clone is made): omitted.
    const value = app[key];
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) clone[key] = JSON.parse(JSON.stringify(value));
  }
  clone.volumeMounts = [...(clone.volumeMounts ?? []), { name: confVolume, mountPath: SOURCE_CONF_DIR }];
  if (resources !== undefined) clone.resources = JSON.parse(JSON.stringify(resources));
  return clone;
}

/** Removes the first mount whose path lies in the config directory: our copy replaces it. */
export function dropConfigMount(container: Container, confDir: string): void {
  const mounts = container.volumeMounts ?? [];
  const idx = mounts.findIndex((m) => m.mountPath.includes(confDir));
  if (idx >= 0) mounts.splice(idx, 1);
}

import { EnvVarJson, ProbeJson } from './components/types';
import { receiverParser } from './components/receivers';
import { extensionParser } from './components/others';
import { componentType } from './components/types';
import { taMtlsMount } from './builders/ta-mtls';
import { extraConfigMapVolumeName } from '../common/naming';
import { containerPorts } from './ports';
import { ResolvedCollector } from './resolve';
import { clean, Json } from '../common/json';
import { COLLECTOR_CONTAINER_NAME } from '../common/naming';

export { COLLECTOR_CONTAINER_NAME };
export const CONFIG_VOLUME_NAME = 'otc-internal';
export const CONFIG_MAP_KEY = 'collector.yaml';

/** Variables the enabled receivers need (kubeletstats ⇒ K8S_NODE_NAME), sorted by name. */
export function configEnvVars(c: ResolvedCollector): EnvVarJson[] {
  const receivers = (c.config.receivers ?? {}) as Record<string, unknown>;
  const out: EnvVarJson[] = [];
  for (const id of c.enabled.receivers) {
    const p = receiverParser(componentType(id));
    if (p.env) out.push(...p.env(receivers[id]));
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Liveness/readiness/startup probe from the first enabled extension that defines one (health_check). */
export function configProbe(c: ResolvedCollector): ProbeJson | undefined {
  const exts = (c.config.extensions ?? {}) as Record<string, unknown>;
  for (const id of c.enabled.extensions) {
    const p = extensionParser(componentType(id));
    const probe = p.probe?.(exts[id]);
    if (probe) return probe;
  }
  return undefined;
}

const PROBE_TIMINGS = ['initialDelaySeconds', 'periodSeconds', 'failureThreshold', 'successThreshold', 'timeoutSeconds', 'terminationGracePeriodSeconds'];

function probeWith(base: ProbeJson | undefined, overrides: Json | undefined): Json | undefined {
  if (!base) return undefined;
  const probe: Json = { httpGet: { ...base.httpGet } };
  for (const k of PROBE_TIMINGS) if (overrides?.[k] !== undefined) probe[k] = overrides[k];
  return probe;
}

/**
 * `spec.args` as sorted `--key=value` strings; a `config` key is dropped because the operator passes the config
 * itself. Sorting the strings (not the keys) keeps the order stable across reconciles, as upstream does.
 */
export function userArgs(c: ResolvedCollector): string[] {
  return Object.entries(c.spec.args ?? {})
    .filter(([k]) => k !== 'config')
    .map(([k, v]) => `--${k}=${v}`)
    .sort();
}

/** `--config=<path>` first, then the user's args. */
export function collectorArgs(c: ResolvedCollector, configArg: string): string[] {
  return [configArg, ...userArgs(c)];
}

const fieldEnv = (name: string, fieldPath: string): Json => ({ name, valueFrom: { fieldRef: { fieldPath } } });
const resourceEnv = (name: string, resource: string): Json => ({
  name, valueFrom: { resourceFieldRef: { resource, containerName: COLLECTOR_CONTAINER_NAME } },
});

/**
 * Environment of the collector container: `spec.env`, then what the operator adds unless the user already set a
 * variable of that name: POD_NAME, GOMEMLIMIT/GOMAXPROCS from the container's limits, variables the receivers
 * need, the operator's proxy settings. No `SHARD`: upstream stopped adding `SHARD=0` behind a target allocator
 * (#4547, v0.153), since the allocator neutralises the Prometheus-Operator hashmod rule itself.
 */
export function collectorEnv(c: ResolvedCollector): Json[] {
  const env: Json[] = [...(c.spec.env ?? [])];
  const add = (v: Json) => { if (!env.some((e) => e.name === v.name)) env.push(v); };
  add(fieldEnv('POD_NAME', 'metadata.name'));
  add(resourceEnv('GOMEMLIMIT', 'limits.memory'));
  add(resourceEnv('GOMAXPROCS', 'limits.cpu'));
  for (const v of configEnvVars(c)) add({ ...v });
  for (const v of c.options.proxyEnv ?? []) add(v);
  return env;
}

/** Mounts of the extra ConfigMaps of `spec.configmaps`. */
export function extraConfigMapMounts(c: ResolvedCollector): Json[] {
  return (c.spec.configmaps ?? []).map((cm) => ({
    name: extraConfigMapVolumeName(cm.name),
    mountPath: joinPath('/var/conf', cm.mountpath ?? '', extraConfigMapVolumeName(cm.name)),
  }));
}

function joinPath(...parts: string[]): string {
  return `/${parts.join('/').split('/').filter((p) => p !== '' && p !== '.').join('/')}`;
}

/** The `otc-container` of a Deployment/DaemonSet/StatefulSet (config mounted from the ConfigMap at /conf). */
export function buildCollectorContainer(c: ResolvedCollector): Json {
  const taMount = taMtlsMount(c);
  const mounts: Json[] = [
    { name: CONFIG_VOLUME_NAME, mountPath: '/conf' }, ...(taMount ? [taMount] : []), ...(c.spec.volumeMounts ?? []), ...extraConfigMapMounts(c),
  ];
  return baseContainer(c, collectorArgs(c, `--config=/conf/${CONFIG_MAP_KEY}`), mounts, collectorEnv(c));
}

export function baseContainer(c: ResolvedCollector, args: string[], volumeMounts: Json[], env: Json[]): Json {
  const probe = configProbe(c);
  return clean({
    name: COLLECTOR_CONTAINER_NAME,
    image: c.image,
    imagePullPolicy: c.spec.imagePullPolicy || undefined,
    command: c.spec.command?.length ? c.spec.command : undefined,
    args,
    ports: containerPorts([...c.servicePorts, ...c.extensionPorts], c.metricsPort, c.spec.ports),
    env,
    envFrom: c.spec.envFrom?.length ? c.spec.envFrom : undefined,
    volumeMounts: volumeMounts.length ? volumeMounts : undefined,
    resources: c.spec.resources ?? {},
    securityContext: c.spec.securityContext,
    livenessProbe: probeWith(probe, c.spec.livenessProbe),
    readinessProbe: probeWith(probe, c.spec.readinessProbe),
    // upstream derives a startup probe from the same extension since #4348, timed by spec.startupProbe
    startupProbe: probeWith(probe, c.spec.startupProbe),
    lifecycle: c.spec.lifecycle,
  });
}

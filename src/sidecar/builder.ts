import { stringify } from 'yaml';
import { applyConfigDefaults } from '../collector/config/defaults';
import { CollectorConfigJson } from '../collector/config/model';
import { parseConfigYaml } from '../collector/config/validate';
import { Container, EnvVar, MetaObject, Volume } from '../instrumentation/types';

/** The collector image when neither the CR nor the operator names one (operator 0.158.0). */
export const SIDECAR_DEFAULT_COLLECTOR_IMAGE = 'ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector:0.158.0';
export const SIDECAR_CONTAINER_NAME = 'otc-container';

/** What a sidecar-mode collector adds to a pod. */
export interface SidecarParts {
  /** The `otc-container`, without the resource-attribute env (the mutator adds it, it depends on the pod). */
  readonly container: Container;
  /** Pod volumes the container mounts (CR volumes, `configmap-<name>` for `spec.configmaps`). */
  readonly volumes: Volume[];
  /** The CR's `spec.initContainers`. */
  readonly initContainers: Container[];
}

/**
 * Builds the sidecar parts from an OpenTelemetryCollector (v1beta1 JSON, or v1alpha1 with a string config).
 * The collector room owns the full container builder; this is the seam it plugs into.
 */
export type SidecarBuilder = (collector: MetaObject, options: { readonly collectorImage?: string }) => SidecarParts;

type Json = { [key: string]: unknown };

/**
 * Our own sidecar builder, used until the collector room exports its container builder: upstream's sidecar
 * container (config in env OTEL_CONFIG, `--config=env:OTEL_CONFIG`, no `/conf` mount) with env, args,
 * mounts, resources, security context and ports from the CR. Ports are the CR's `spec.ports` only; the
 * ports inferred from the config come with the collector room's builder.
 */
export const buildSidecarParts: SidecarBuilder = (collector, options) => {
  const spec = (collector.spec ?? {}) as Json;
  const resource = `OpenTelemetryCollector ${collector.metadata?.namespace ?? ''}/${collector.metadata?.name ?? ''}`;
  const rawConfig = spec.config;
  const config: CollectorConfigJson = typeof rawConfig === 'string'
    ? parseConfigYaml(rawConfig, resource)
    : (rawConfig as CollectorConfigJson | undefined) ?? {};
  const defaulted = applyConfigDefaults(config);

  const env: EnvVar[] = [...((spec.env as EnvVar[] | undefined) ?? []).map((e) => ({ ...e }))];
  const add = (e: EnvVar) => { if (!env.some((x) => x.name === e.name)) env.push(e); };
  add({ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
  add({ name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { containerName: SIDECAR_CONTAINER_NAME, resource: 'limits.memory' } } });
  add({ name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { containerName: SIDECAR_CONTAINER_NAME, resource: 'limits.cpu' } } });
  if (Object.keys(defaulted.receivers ?? {}).some((id) => id.split('/')[0] === 'kubeletstats')) {
    add({ name: 'K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
  }
  add({ name: 'OTEL_CONFIG', value: stringify(defaulted) });

  const args = Object.entries((spec.args as { [k: string]: string } | undefined) ?? {})
    .filter(([k]) => k !== 'config')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `--${k}=${v}`);
  args.push('--config=env:OTEL_CONFIG');

  const volumeMounts = [...((spec.volumeMounts as Json[] | undefined) ?? [])] as Container['volumeMounts'] & object;
  const volumes: Volume[] = [...((spec.volumes as Volume[] | undefined) ?? [])];
  for (const cm of (spec.configmaps as Array<{ name: string; mountpath: string }> | undefined) ?? []) {
    volumes.push({ name: `configmap-${cm.name}`, configMap: { name: cm.name } });
    volumeMounts.push({ name: `configmap-${cm.name}`, mountPath: `/var/conf/${cm.mountpath.replace(/^\/+/, '')}/configmap-${cm.name}` });
  }

  const container: Container = {
    name: SIDECAR_CONTAINER_NAME,
    image: (spec.image as string | undefined) || options.collectorImage || SIDECAR_DEFAULT_COLLECTOR_IMAGE,
    args,
    env,
  };
  const optional: Json = {
    command: spec.command,
    imagePullPolicy: spec.imagePullPolicy,
    envFrom: spec.envFrom,
    ports: (spec.ports as Json[] | undefined)?.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol ?? 'TCP' })),
    resources: spec.resources,
    securityContext: spec.securityContext,
    lifecycle: spec.lifecycle,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) container[k] = JSON.parse(JSON.stringify(v));
  if (volumeMounts.length > 0) container.volumeMounts = volumeMounts;
  return { container, volumes, initContainers: [...((spec.initContainers as Container[] | undefined) ?? [])] };
};

import { truncateName } from '../../common/naming';
import { baseContainer, collectorEnv, extraConfigMapMounts, userArgs } from '../container';
import { resolveCollector, ResolvedCollector } from '../resolve';
import { CollectorModel, CollectorRenderOptions } from '../spec';
import { buildCollectorConfigMap, collectorConfigYaml } from './configmap';
import { extraConfigMapVolumes } from './pod';
import { Json } from '../../common/json';

/** Label the sidecar webhook puts on a pod it injected: value `<namespace>.<collector name>`. */
export const SIDECAR_INJECTED_LABEL = 'sidecar.opentelemetry.io/injected';
export const OTEL_CONFIG_ENV = 'OTEL_CONFIG';

/** Everything the sidecar injector adds to a pod for one sidecar-mode collector. */
export interface SidecarParts {
  /**
   * The `otc-container`: config passed inline in env OTEL_CONFIG (`--config=env:OTEL_CONFIG`), no /conf mount. Env
   * ends with OTEL_CONFIG; the injector appends the OTEL_RESOURCE_ATTRIBUTES* variables, which depend on the pod.
   */
  readonly container: Json;
  /** `spec.initContainers` of the collector, added to the pod's init containers */
  readonly initContainers: Json[];
  /** `spec.volumes` plus `configmap-<name>` volumes for `spec.configmaps` */
  readonly volumes: Json[];
  /** label key/value marking the pod as injected */
  readonly injectedLabel: { readonly key: string; readonly value: string };
  /** the collector.yaml content placed in OTEL_CONFIG */
  readonly configYaml: string;
  /** the ConfigMap the operator still creates for sidecar collectors */
  readonly configMap: Json;
  /** the config hash (full hex) */
  readonly configHash: string;
}

export function sidecarPartsFromResolved(c: ResolvedCollector): SidecarParts {
  const configYaml = collectorConfigYaml(c);
  // the sidecar gets its config inline, so the config argument comes last, after the user's
  const args = [...userArgs(c), `--config=env:${OTEL_CONFIG_ENV}`];
  const env = collectorEnv(c).filter((e) => e.name !== OTEL_CONFIG_ENV);
  env.push({ name: OTEL_CONFIG_ENV, value: configYaml });
  const mounts = [...(c.spec.volumeMounts ?? []), ...extraConfigMapMounts(c)];
  return {
    container: baseContainer(c, args, mounts, env),
    initContainers: [...(c.spec.initContainers ?? [])],
    volumes: [...(c.spec.volumes ?? []), ...extraConfigMapVolumes(c)],
    // a label value holds at most 63 characters: upstream shortens the namespace part first
    injectedLabel: { key: SIDECAR_INJECTED_LABEL, value: truncateName('%s.%s', c.namespace, c.name) },
    configYaml,
    configMap: buildCollectorConfigMap(c),
    configHash: c.configHash,
  };
}

/**
 * What a sidecar-mode collector contributes to a pod, computed from the CR (name, namespace, metadata and v1beta1
 * spec in wire form). Pure; throws `InvalidInputError` for an invalid spec. The mode is not checked here: the
 * injector decides which collector applies.
 */
export function buildSidecar(model: CollectorModel, options: CollectorRenderOptions = {}): SidecarParts {
  return sidecarPartsFromResolved(resolveCollector(model, options));
}

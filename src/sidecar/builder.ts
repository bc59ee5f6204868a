import { buildSidecar, collectorModelFromCustomResource } from '../collector';
import { Container, Volume } from '../common/core-types';
import { MetaObject } from '../common/pod';

/** The sidecar's container name, `otc-container` (one home: the collector room). */
export { COLLECTOR_CONTAINER_NAME as SIDECAR_CONTAINER_NAME } from '../collector';

/** What a sidecar-mode collector adds to a pod. */
export interface SidecarParts {
  /** The `otc-container`, without the resource-attribute env (the mutator adds it, it depends on the pod). */
  readonly container: Container;
  /** Pod volumes the container mounts (CR volumes, `configmap-<name>` for `spec.configmaps`). */
  readonly volumes: Volume[];
  /** The CR's `spec.initContainers`. */
  readonly initContainers: Container[];
  /** `sidecar.opentelemetry.io/injected: <namespace>.<name>`, cut to a label value's 63 characters. */
  readonly injectedLabel: { readonly key: string; readonly value: string };
}

/** Builds the sidecar parts from an OpenTelemetryCollector custom resource (plain JSON). */
export type SidecarBuilder = (collector: MetaObject, options: { readonly collectorImage?: string }) => SidecarParts;

/**
 * The collector room's sidecar builder (the same container logic as the collector workloads, with the config
 * inline in OTEL_CONFIG): the default of the sidecar mutator. Throws `InvalidInputError` for an invalid CR.
 */
export const buildSidecarParts: SidecarBuilder = (collector, options) => {
  const parts = buildSidecar(collectorModelFromCustomResource(collector), { defaultImage: options.collectorImage });
  return {
    container: parts.container as unknown as Container,
    volumes: parts.volumes as unknown as Volume[],
    initContainers: parts.initContainers as unknown as Container[],
    injectedLabel: parts.injectedLabel,
  };
};

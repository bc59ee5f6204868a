import { IConstruct } from 'constructs';
import { InvalidInputError } from '../common/errors';
import { requestSidecar } from './build-time-injection';
import { Container, Volume } from '../instrumentation';

/** What build-time sidecar injection needs from a collector; `OtelCollector` provides it. */
export interface ISidecarCollector {
  /** The collector's name. */
  readonly collectorName: string;
  /** The collector's namespace. */
  readonly namespace: string;
  /** The created objects, by `Kind/name` (a sidecar-mode collector has no Deployment/DaemonSet/StatefulSet). */
  readonly objects: { readonly [kindAndName: string]: unknown };
  /** What sidecar injection adds to a pod for this collector. */
  sidecarParts(): {
    readonly container: object; readonly volumes: object[]; readonly initContainers: object[];
    readonly injectedLabel: { readonly key: string; readonly value: string };
  };
}

/** Options of `injectCollectorSidecar`. */
export interface InjectCollectorSidecarOptions {
  /** Inject a native sidecar (init container with restartPolicy Always; Kubernetes ≥ 1.29). @default false */
  readonly nativeSidecar?: boolean;
}

/**
 * Adds a sidecar-mode collector's `otc-container` to a workload's pod template at synth time, exactly as the
 * operator's webhook would for `sidecar.opentelemetry.io/inject`, so no webhook is needed in the cluster.
 */
export function injectCollectorSidecar(workload: IConstruct, collector: ISidecarCollector, options: InjectCollectorSidecarOptions = {}): void {
  const workloadKinds = Object.keys(collector.objects).map((k) => k.split('/')[0])
    .filter((k) => k === 'Deployment' || k === 'DaemonSet' || k === 'StatefulSet');
  if (workloadKinds.length > 0) {
    throw new InvalidInputError(`OpenTelemetryCollector ${collector.namespace}/${collector.collectorName}`, 'spec.mode',
      `the OpenTelemetry Collector's mode is not set to sidecar (it creates a ${workloadKinds[0]})`, 'set mode: sidecar to inject it into pods');
  }
  requestSidecar(workload, {
    collector: { apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector',
      metadata: { name: collector.collectorName, namespace: collector.namespace }, spec: { mode: 'sidecar' } },
    build: () => {
      const parts = collector.sidecarParts();
      return {
        container: parts.container as Container,
        volumes: parts.volumes as Volume[],
        initContainers: parts.initContainers as Container[],
        injectedLabel: parts.injectedLabel,
      };
    },
  }, options.nativeSidecar ?? false);
}

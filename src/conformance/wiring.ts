/**
 * Where the runner finds the operator's pure functions. Each is loaded lazily and guarded: a module that
 * does not exist yet (or fails to load) is reported by name, and the runner carries on without it.
 *
 * To wire a new function, change its line in {@link WIRING}.
 */
import { KubeObject } from '../common/kube';
import { Admission, ClusterLookup, ConfigMapRetention, Conversion, PodMutator, Reconciler, SimulatorOptions } from './simulator';

interface Wire {
  /** module path relative to this file */
  readonly module: string;
  readonly exportName: string;
}

export const WIRING = {
  /** `reconcileObjects(crs, { namespace }) => KubeObject[]`: the operator's output for the CRs of a namespace */
  reconciler: { module: '../render', exportName: 'reconcileObjects' },
  /** `mutatePod(pod, lookup, options) => { pod, errors, warnings }`: the pod webhook */
  podMutator: { module: '../webhook/pod-mutator', exportName: 'mutatePod' },
  /** `lookupFromObjects(objects, defaultNamespace) => MutationLookup`: the mutator's view of the cluster */
  mutationLookup: { module: '../instrumentation/lookup', exportName: 'lookupFromObjects' },
  /** `selectConfigMapsToKeep(existing, desiredName, configVersions) => { keep, delete }` */
  configMapRetention: { module: '../collector/config-versions', exportName: 'selectConfigMapsToKeep' },
  /** `isCollectorConfigMapName(collectorName, configMapName) => boolean` */
  configMapName: { module: '../collector/config-versions', exportName: 'isCollectorConfigMapName' },
  /** the collector defaulting webhook and the config defaults it applies */
  defaultCollector: { module: '../apis/defaults', exportName: 'defaultCollector' },
  defaultConfig: { module: '../collector/config/defaults', exportName: 'applyConfigDefaults' },
  defaultInstrumentation: { module: '../apis/defaults', exportName: 'defaultInstrumentation' },
  /** collector conversion webhook, both directions */
  toV1beta1: { module: '../apis/conversion', exportName: 'convertCollectorV1alpha1ToV1beta1' },
  toV1alpha1: { module: '../apis/conversion', exportName: 'convertCollectorV1beta1ToV1alpha1' },
} as const;

export interface Wired {
  readonly options: SimulatorOptions;
  /** One line per function that could not be loaded, naming the module, export and reason. */
  readonly problems: string[];
}

type Loader = (module: string) => Record<string, unknown>;
type Fn = (...args: any[]) => any;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const defaultLoader: Loader = (module) => require(module);

export function loadWiring(opts: { nativeSidecars: boolean }, load: Loader = defaultLoader): Wired {
  const problems: string[] = [];
  const get = (wire: Wire): Fn | undefined => {
    try {
      const fn = load(wire.module)[wire.exportName];
      if (typeof fn !== 'function') {
        problems.push(`${wire.module}: no exported function ${wire.exportName}`);
        return undefined;
      }
      return fn as Fn;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'MODULE_NOT_FOUND' && err.message.includes(wire.module.replace('../', ''))
        ? 'module not found' : `failed to load: ${err.message.split('\n')[0]}`;
      problems.push(`${wire.module} (${wire.exportName}): ${why}`);
      return undefined;
    }
  };
  const fns = Object.fromEntries(Object.entries(WIRING).map(([k, w]) => [k, get(w)])) as Record<keyof typeof WIRING, Fn | undefined>;
  return {
    options: {
      reconciler: fns.reconciler as Reconciler | undefined,
      podMutator: podMutator(fns.podMutator, fns.mutationLookup, opts.nativeSidecars),
      configMapRetention: retention(fns.configMapRetention, fns.configMapName),
      admit: admission(fns.defaultCollector, fns.defaultConfig, fns.defaultInstrumentation),
      conversion: conversion(fns.toV1beta1, fns.toV1alpha1),
    },
    problems,
  };
}

function podMutator(mutate: Fn | undefined, lookupFromObjects: Fn | undefined, nativeSidecars: boolean): PodMutator | undefined {
  if (!mutate || !lookupFromObjects) return undefined;
  return (pod: KubeObject, cluster: ClusterLookup) => {
    const ns = pod.metadata.namespace ?? 'default';
    const result = mutate(pod, lookupFromObjects(cluster.list(), ns), {
      nativeSidecars,
      // upstream CI runs the operator with every language enabled
      enabledLanguages: { 'go': true, 'nginx': true, 'apache-httpd': true, 'dotnet': true, 'java': true, 'nodejs': true, 'python': true },
    }) as { pod: KubeObject; errors: string[] };
    if (result.errors.length) throw new Error(result.errors.join('; '));
    return result.pod;
  };
}

function retention(select: Fn | undefined, isConfigMapName: Fn | undefined): ConfigMapRetention | undefined {
  if (!select || !isConfigMapName) return undefined;
  return (collector, older, desired) => {
    const name = collector.metadata.name ?? '';
    const mine = (cm: KubeObject) => isConfigMapName(name, cm.metadata.name) as boolean;
    const current = desired.find(mine);
    if (!current) return older;
    const all = [...older.filter(mine), current].map((cm) => ({ name: cm.metadata.name, creationTimestamp: cm.metadata.creationTimestamp }));
    const configVersions = (collector.spec as Record<string, unknown> | undefined)?.configVersions as number | undefined;
    const { keep } = select(all, current.metadata.name, configVersions ?? 3) as { keep: string[] };
    // ConfigMaps that are not versioned collector configs are not the retention rule's business
    return older.filter((cm) => !mine(cm) || keep.includes(cm.metadata.name ?? ''));
  };
}

function admission(defaultCollector: Fn | undefined, defaultConfig: Fn | undefined, defaultInstrumentation: Fn | undefined): Admission | undefined {
  if (!defaultCollector && !defaultInstrumentation) return undefined;
  return (obj) => {
    if (obj.kind === 'OpenTelemetryCollector' && obj.apiVersion === 'opentelemetry.io/v1beta1' && defaultCollector) {
      return defaultCollector(obj, { applyConfigDefaults: defaultConfig }) as KubeObject;
    }
    if (obj.kind === 'Instrumentation' && defaultInstrumentation) return defaultInstrumentation(obj, {}) as KubeObject;
    return obj;
  };
}

function conversion(toV1beta1: Fn | undefined, toV1alpha1: Fn | undefined): Conversion | undefined {
  if (!toV1beta1 || !toV1alpha1) return undefined;
  return {
    storageVersion: (kind) => (kind === 'OpenTelemetryCollector' ? 'opentelemetry.io/v1beta1' : undefined),
    convert: (obj, apiVersion) => {
      if (obj.apiVersion === apiVersion) return obj;
      if (apiVersion === 'opentelemetry.io/v1beta1') return toV1beta1(obj) as KubeObject;
      if (apiVersion === 'opentelemetry.io/v1alpha1') return toV1alpha1(obj) as KubeObject;
      throw new Error(`${obj.kind} ${obj.metadata.name}: no conversion from ${obj.apiVersion} to ${apiVersion}`);
    },
  };
}

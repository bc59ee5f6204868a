/**
 * Where the runner finds the operator's pure functions. Each is loaded lazily and guarded: a module that
 * does not exist yet (or fails to load) is reported by name, and the runner carries on without it.
 *
 * To wire a new function, change its line in {@link WIRING}.
 */
import { KubeObject } from '../common/kube';
import { ClusterLookup, ConfigMapRetention, PodMutator, Reconciler, SimulatorOptions } from './simulator';

interface Wire {
  /** module path relative to this file */
  readonly module: string;
  readonly exportName: string;
}

export const WIRING = {
  /** `renderObjects(crs, { namespace }) => KubeObject[]`: the operator's output for the CRs of a namespace */
  reconciler: { module: '../render', exportName: 'renderObjects' },
  /** `mutatePod(pod, lookup, options) => { pod, errors, warnings }`: the pod webhook */
  podMutator: { module: '../webhook/pod-mutator', exportName: 'mutatePod' },
  /** `lookupFromObjects(objects, defaultNamespace) => MutationLookup`: the mutator's view of the cluster */
  mutationLookup: { module: '../instrumentation/lookup', exportName: 'lookupFromObjects' },
  /** `(collector, configMaps) => configMaps to keep`: versioned ConfigMap retention */
  configMapRetention: { module: '../collector', exportName: 'retainedConfigMaps' },
} as const;

export interface Wired {
  readonly options: SimulatorOptions;
  /** One line per function that could not be loaded, naming the module, export and reason. */
  readonly problems: string[];
}

type Loader = (module: string) => Record<string, unknown>;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const defaultLoader: Loader = (module) => require(module);

export function loadWiring(opts: { nativeSidecars: boolean }, load: Loader = defaultLoader): Wired {
  const problems: string[] = [];
  const get = <T>(wire: Wire): T | undefined => {
    try {
      const fn = load(wire.module)[wire.exportName];
      if (typeof fn !== 'function') {
        problems.push(`${wire.module}: no exported function ${wire.exportName}`);
        return undefined;
      }
      return fn as T;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'MODULE_NOT_FOUND' && err.message.includes(wire.module.replace('../', ''))
        ? 'module not found' : `failed to load: ${err.message.split('\n')[0]}`;
      problems.push(`${wire.module} (${wire.exportName}): ${why}`);
      return undefined;
    }
  };
  const reconciler = get<Reconciler>(WIRING.reconciler);
  const mutate = get<(pod: KubeObject, lookup: unknown, options: unknown) => { pod: KubeObject; errors: string[] }>(WIRING.podMutator);
  const lookupFromObjects = get<(objects: KubeObject[], ns: string) => unknown>(WIRING.mutationLookup);
  const configMapRetention = get<ConfigMapRetention>(WIRING.configMapRetention);
  let podMutator: PodMutator | undefined;
  if (mutate && lookupFromObjects) {
    podMutator = (pod: KubeObject, cluster: ClusterLookup) => {
      const ns = pod.metadata.namespace ?? 'default';
      const result = mutate(pod, lookupFromObjects(cluster.list(), ns), {
        nativeSidecars: opts.nativeSidecars,
        // upstream CI runs the operator with every language enabled
        enabledLanguages: { 'go': true, 'nginx': true, 'apache-httpd': true, 'dotnet': true, 'java': true, 'nodejs': true, 'python': true },
      });
      if (result.errors.length) throw new Error(result.errors.join('; '));
      return result.pod;
    };
  }
  return { options: { reconciler, podMutator, configMapRetention }, problems };
}

import { loadWiring, WIRING } from '../../src/conformance/wiring';

describe('loadWiring', () => {
  test('missing modules and exports are reported by name and the rest still loads', () => {
    const loader = (module: string): Record<string, unknown> => {
      if (module === WIRING.reconciler.module) {
        const err = new Error(`Cannot find module '${module}'`) as NodeJS.ErrnoException;
        err.code = 'MODULE_NOT_FOUND';
        throw err;
      }
      if (module === WIRING.podMutator.module) return { somethingElse: () => undefined };
      return new Proxy({}, { get: () => () => ({ keep: [] }) });
    };
    const wired = loadWiring({ nativeSidecars: true }, loader);
    expect(wired.problems).toEqual([
      '../render (reconcileObjects): module not found',
      '../webhook/pod-mutator: no exported function mutatePod',
    ]);
    expect(wired.options.reconciler).toBeUndefined();
    expect(wired.options.podMutator).toBeUndefined();
    expect(wired.options.configMapRetention).toBeDefined();
    expect(wired.options.conversion).toBeDefined();
  });

  test('the collector retention rule is adapted: older versioned ConfigMaps beyond configVersions go', () => {
    const { options, problems } = loadWiring({ nativeSidecars: true });
    expect(problems.filter((p) => p.includes('config-versions'))).toEqual([]);
    const cm = (name: string, second: number) => ({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, creationTimestamp: `2025-01-01T00:00:0${second}Z` },
    });
    const collector = { apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'c' }, spec: { configVersions: 1 } };
    const older = [cm('c-collector-00000001', 1), cm('c-collector-00000002', 2), cm('unrelated', 0)];
    const kept = options.configMapRetention!(collector, older, [cm('c-collector-00000003', 3)]).map((c) => c.metadata.name);
    expect(kept).toEqual(['c-collector-00000002', 'unrelated']);
  });
});

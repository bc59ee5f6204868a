import { parseDuration, parseFeatureGates, parseOperatorFlags } from '../../src/cli/operator';

describe('operator flags', () => {
  test('defaults are upstream\'s', () => {
    const c = parseOperatorFlags({}, {});
    expect(c.manager.healthAddr).toEqual({ host: undefined, port: 8081 });
    expect(c.manager.metricsAddr).toEqual({ host: undefined, port: 8443 });
    expect(c.webhook).toMatchObject({ enabled: true, port: 9443, multiInstrumentation: true });
    expect(c.manager.watchNamespaces).toBeUndefined();
    expect(c.manager.leaderElection).toBeUndefined();
    expect(c.manager.renderOptions).toMatchObject({ networkPolicy: true, fallbackStrategy: false });
  });

  test('WATCH_NAMESPACE with several namespaces, RELATED_IMAGE_* and POD_NAMESPACE from the environment', () => {
    const c = parseOperatorFlags({ enableLeaderElection: true }, {
      WATCH_NAMESPACE: 'a, b,,c', RELATED_IMAGE_COLLECTOR: 'my/collector:1', RELATED_IMAGE_AUTO_INSTRUMENTATION_JAVA: 'my/java:2', POD_NAMESPACE: 'otel',
    });
    expect(c.manager.watchNamespaces).toEqual(['a', 'b', 'c']);
    expect(c.manager.renderOptions?.defaultImage).toBe('my/collector:1');
    expect(c.manager.instrumentationImages).toEqual({ java: 'my/java:2' });
    expect(c.manager.leaderElection).toEqual({ namespace: 'otel' });
  });

  test('flags win over the environment; addresses, gates and durations are parsed', () => {
    const c = parseOperatorFlags({
      watchNamespace: 'x', collectorImage: 'flag/collector:3', metricsAddr: '0', healthProbeAddr: '127.0.0.1:9000',
      featureGates: '-operand.networkpolicy,operator.targetallocator.fallbackstrategy', syncPeriod: '1h30m', enableGoInstrumentation: true,
      watchTimeout: '2m',
    }, { WATCH_NAMESPACE: 'y', RELATED_IMAGE_COLLECTOR: 'env/collector:1' });
    expect(c.manager.watchNamespaces).toEqual(['x']);
    expect(c.manager.renderOptions).toMatchObject({ defaultImage: 'flag/collector:3', networkPolicy: false, fallbackStrategy: true });
    expect(c.manager.metricsAddr).toBeUndefined();
    expect(c.manager.healthAddr).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(c.manager.syncPeriodMs).toBe(5_400_000);
    expect(c.manager.watchTimeoutSeconds).toBe(120);
    expect(c.webhook.enabledLanguages).toEqual({ go: true });
  });

  test.each([
    [{ webhookPort: '70000' }, '--webhook-port 70000: expected a port number from 1 to 65535'],
    [{ metricsAddr: 'localhost' }, '--metrics-addr localhost: expected [host]:port'],
    [{ syncPeriod: '10 minutes' }, '--sync-period 10 minutes: expected a positive duration'],
    [{ watchTimeout: '1500ms' }, '--watch-timeout 1500ms: expected whole seconds, at least 1s'],
    [{ labelsFilter: ['(unclosed'] }, '--labels-filter (unclosed: not a regular expression'],
    [{ featureGates: 'a=maybe' }, '--feature-gates a=maybe: expected gate, -gate or gate=true|false'],
    [{ kubeconfig: '/nonexistent/kubeconfig' }, '--kubeconfig /nonexistent/kubeconfig: file not found'],
    [{ enableLeaderElection: true }, '--enable-leader-election: no namespace for the Lease outside a cluster'],
    [{ logLevel: 'verbose' }, '--log-level verbose: expected debug, info, warn or error'],
  ])('bad input %j is one clear error', (flags, message) => {
    expect(() => parseOperatorFlags(flags, {})).toThrow(message);
  });

  test('durations and gates', () => {
    expect(parseDuration('500ms', '--x')).toBe(500);
    expect(parseDuration('10h', '--x')).toBe(36_000_000);
    expect(() => parseDuration('0s', '--x')).toThrow();
    expect(parseFeatureGates('+a,-b,c=false,d=true,e')).toEqual({ a: true, b: false, c: false, d: true, e: true });
  });
});

import { UsageError } from '../../src/cli/io';
import { parseOperatorFlags, webhookStarter } from '../../src/cli/operator';

describe('operator webhook flags', () => {
  test('defaults: our own certificate, upstream\'s Service, a year of validity left to the runtime', () => {
    const c = parseOperatorFlags({}, {});
    expect(c.webhook).toMatchObject({ enabled: true, port: 9443, certDir: undefined, certSecret: undefined, certValidityMs: undefined, networkPolicyGate: true });
  });

  test('cert-manager, namespace from $POD_NAMESPACE, images and the network policy gate reach the webhooks', () => {
    const c = parseOperatorFlags({
      webhookCertSecret: 'opentelemetry-operator-controller-manager-service-cert', autoInstrumentationJavaImage: 'my/java:2',
      collectorImage: 'my/otelcol:1', featureGates: '-operand.networkpolicy', webhookCertValidity: '720h',
    }, { POD_NAMESPACE: 'otel' });
    expect(c.webhook).toMatchObject({
      certSecret: 'opentelemetry-operator-controller-manager-service-cert', namespace: 'otel', instrumentationImages: { java: 'my/java:2' },
      collectorImage: 'my/otelcol:1', networkPolicyGate: false, certValidityMs: 720 * 3600_000,
    });
  });

  test.each([
    [{ webhookCertDir: '/tmp', webhookCertSecret: 's' }, '--webhook-cert-dir and --webhook-cert-secret: give one'],
    [{ webhookCertDir: '/does/not/exist' }, '--webhook-cert-dir /does/not/exist: no such directory'],
    [{ webhookCertValidity: '5s' }, '--webhook-cert-validity 5s: at least 10s'],
    [{ webhookCertValidity: 'forever' }, '--webhook-cert-validity forever: expected a positive duration'],
  ])('%j is a usage error naming the flag', (flags, message) => {
    expect(() => parseOperatorFlags(flags, {})).toThrow(UsageError);
    expect(() => parseOperatorFlags(flags, {})).toThrow(message);
  });
});

describe('webhookStarter', () => {
  const warnings: string[] = [];
  const log = { debug: () => undefined, info: () => undefined, warn: (_f: object, m: string) => warnings.push(m), error: () => undefined, child: () => log };

  test('outside a cluster without --webhook-host: no webhooks, and the log says why and what to pass', () => {
    const config = parseOperatorFlags({}, {});
    expect(webhookStarter(config, {} as never, log)).toBeUndefined();
    expect(warnings[0]).toContain('pass --webhook-host 127.0.0.1 to have them called by URL');
  });

  test('with --webhook-host, in a cluster ($POD_NAMESPACE) or with cert-manager\'s directory: started', () => {
    expect(webhookStarter(parseOperatorFlags({ webhookHost: '127.0.0.1' }, {}), {} as never, log)).toBeInstanceOf(Function);
    expect(webhookStarter(parseOperatorFlags({}, { POD_NAMESPACE: 'otel' }), {} as never, log)).toBeInstanceOf(Function);
    expect(webhookStarter(parseOperatorFlags({ webhookCertDir: '/tmp' }, {}), {} as never, log)).toBeInstanceOf(Function);
  });
});

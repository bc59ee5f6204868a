import { X509Certificate } from 'node:crypto';
import { silentLogger } from '../../../src/common/log';
import {
  caBundlePatchOps, certificateNames, certificateNotAfter, certificatesProblem, crdCaBundlePatchOps, injectCaBundle, issueWebhookCertificates,
  loadServingCertificates, needsRenewal, splitPem, webhookConfigurations,
} from '../../../src/operator/webhooks';
import { FakeKubeApi } from '../fake-api';

const SVC = 'opentelemetry-operator-webhook-service.opentelemetry-operator-system.svc';
const options = { dnsNames: [SVC, `${SVC}.cluster.local`], ipAddresses: ['127.0.0.1'] };

describe('issueWebhookCertificates', () => {
  test('a serving certificate for the names, signed by the CA it comes with', async () => {
    const certs = await issueWebhookCertificates(options);
    const cert = new X509Certificate(certs.cert);
    const ca = new X509Certificate(certs.caCert);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(certificateNames(certs.cert)).toEqual({ dnsNames: options.dnsNames, ipAddresses: ['127.0.0.1'] });
    expect(cert.checkHost(SVC)).toBe(SVC);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(certificatesProblem(certs, options)).toBeUndefined();
  });

  test('renewal reuses a CA that outlives the new certificate, so the caBundle stays the same', async () => {
    const first = await issueWebhookCertificates({ ...options, validityMs: 60_000 });
    const second = await issueWebhookCertificates({ ...options, validityMs: 60_000 }, first);
    expect(second.caCert).toBe(first.caCert);
    expect(second.cert).not.toBe(first.cert);
    expect(new X509Certificate(second.cert).checkIssued(new X509Certificate(first.caCert))).toBe(true);
  });

  test('a CA near its end is replaced, the old one staying in the bundle while valid', async () => {
    const now = Date.now();
    const first = await issueWebhookCertificates({ ...options, validityMs: 60_000, caValidityMs: 180_000, now: new Date(now) });
    const later = await issueWebhookCertificates({ ...options, validityMs: 60_000, caValidityMs: 180_000, now: new Date(now + 150_000) }, first);
    const bundle = splitPem(later.caCert);
    expect(bundle).toHaveLength(2);
    expect(bundle[1]).toBe(splitPem(first.caCert)[0]);
    expect(new X509Certificate(later.cert).checkIssued(new X509Certificate(bundle[0]))).toBe(true);
  });

  test('due for renewal in the last third of the lifetime; other names or missing parts are problems', async () => {
    const now = Date.now();
    const certs = await issueWebhookCertificates({ ...options, validityMs: 90_000, now: new Date(now) });
    expect(needsRenewal(certs.cert, new Date(now + 50_000))).toBe(false);
    expect(needsRenewal(certs.cert, new Date(now + 65_000))).toBe(true);
    expect(certificatesProblem(certs, options, new Date(now + 65_000))).toMatch(/^the serving certificate is due for renewal/);
    expect(certificatesProblem(certs, { dnsNames: ['other.svc'] })).toBe('the serving certificate is not valid for other.svc');
    expect(certificatesProblem({ ...certs, key: undefined }, options)).toBe('the Secret lacks one of ca.crt, ca.key, tls.crt, tls.key');
  });
});

describe('loadServingCertificates (self-signed, in a Secret)', () => {
  const source = { type: 'self-signed' as const, namespace: 'otel', secretName: 'webhook-cert', certificate: options };
  const secretRef = { apiVersion: 'v1', kind: 'Secret', namespace: 'otel', name: 'webhook-cert' };

  test('creates the Secret when absent, then reads it without writing', async () => {
    const api = new FakeKubeApi();
    const made = await loadServingCertificates(api.asApi(), source, silentLogger);
    const secret = await api.get(secretRef);
    expect(secret).toMatchObject({ type: 'kubernetes.io/tls' });
    expect(Object.keys(secret!.data as object).sort()).toEqual(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
    expect(api.writes).toEqual(['POST Secret/otel/webhook-cert']);
    const again = await loadServingCertificates(api.asApi(), source, silentLogger);
    expect(again.cert).toBe(made.cert);
    expect(api.writes).toHaveLength(1);
  });

  test('a create race lost to another replica (409) serves the winner\'s certificate', async () => {
    const api = new FakeKubeApi();
    const winner = await issueWebhookCertificates(options);
    api.beforeNextWrite = () => {
      api.put({
        apiVersion: 'v1', kind: 'Secret', metadata: { name: 'webhook-cert', namespace: 'otel' }, type: 'kubernetes.io/tls',
        data: { 'ca.crt': b64(winner.caCert), 'ca.key': b64(winner.caKey), 'tls.crt': b64(winner.cert), 'tls.key': b64(winner.key) },
      });
    };
    const got = await loadServingCertificates(api.asApi(), source, silentLogger);
    expect(got.cert).toBe(winner.cert);
    expect(api.writes).toEqual(['POST Secret/otel/webhook-cert']);
  });

  test('renews a certificate that is due, with a PUT on the resourceVersion read; a stale PUT re-reads', async () => {
    const api = new FakeKubeApi();
    const now = Date.now();
    const old = await loadServingCertificates(api.asApi(), { ...source, certificate: { ...options, validityMs: 90_000 } }, silentLogger, () => new Date(now));
    // due: another replica renews first, our PUT conflicts, and we take theirs (still valid at our clock)
    let theirs: string | undefined;
    api.beforeNextWrite = () => {
      const s = api.objects.get('Secret/otel/webhook-cert')!;
      theirs = 'renewed-by-other';
      api.put({ ...s, metadata: { ...s.metadata } });
    };
    const later = () => new Date(now + 70_000);
    const renewed = await loadServingCertificates(api.asApi(), { ...source, certificate: { ...options, validityMs: 90_000 } }, silentLogger, later);
    expect(theirs).toBeDefined();
    expect(api.writes).toEqual(['POST Secret/otel/webhook-cert', 'PUT Secret/otel/webhook-cert', 'PUT Secret/otel/webhook-cert']);
    expect(renewed.cert).not.toBe(old.cert);
    expect(renewed.caCert).toBe(old.caCert);
    expect(certificateNotAfter(renewed.cert).getTime()).toBeGreaterThan(now + 150_000);
  });

  test('cert-manager\'s Secret is only read, and a missing one is a clear error', async () => {
    const api = new FakeKubeApi();
    const certManager = { type: 'secret' as const, namespace: 'otel', secretName: 'opentelemetry-operator-controller-manager-service-cert' };
    await expect(loadServingCertificates(api.asApi(), certManager, silentLogger)).rejects.toThrow(
      /Secret otel\/opentelemetry-operator-controller-manager-service-cert does not exist \(is cert-manager's Certificate for the webhook ready\?/);
    const c = await issueWebhookCertificates(options);
    api.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: certManager.secretName, namespace: 'otel' }, data: { 'tls.crt': b64(c.cert), 'tls.key': b64(c.key), 'ca.crt': b64(c.caCert) } });
    expect((await loadServingCertificates(api.asApi(), certManager, silentLogger)).cert).toBe(c.cert);
    expect(api.writes).toEqual([]);
  });
});

describe('caBundle injection', () => {
  const mutatingName = 'opentelemetry-operator-mutating-webhook-configuration';
  const service = { service: { name: 'opentelemetry-operator-webhook-service', namespace: 'opentelemetry-operator-system' } };

  test('service mode patches the caBundle of the installed configurations and the CRD once, then writes nothing', async () => {
    const api = new FakeKubeApi();
    for (const c of webhookConfigurations(service, '')) {
      api.put({ ...c, webhooks: (c.webhooks as any[]).map((w) => ({ ...w, clientConfig: { service: w.clientConfig.service } })) });
    }
    api.put({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'opentelemetrycollectors.opentelemetry.io' },
      spec: { conversion: { strategy: 'Webhook', webhook: { clientConfig: { service: { name: 's', namespace: 'n', path: '/convert' } } } } },
    });
    const ca = (await issueWebhookCertificates(options)).caCert;
    expect(await injectCaBundle(api.asApi(), ca, { endpoint: service }, silentLogger)).toBe(3);
    const mutating = await api.get({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', name: mutatingName });
    expect((mutating!.webhooks as any[]).every((w) => Buffer.from(w.clientConfig.caBundle, 'base64').toString() === ca)).toBe(true);
    expect(caBundlePatchOps(mutating!, ca)).toEqual([]);
    const crd = await api.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'opentelemetrycollectors.opentelemetry.io' });
    expect(crdCaBundlePatchOps(crd!, ca)).toEqual([]);
    expect(await injectCaBundle(api.asApi(), ca, { endpoint: service }, silentLogger)).toBe(0);
  });

  test('service mode leaves configurations and CRDs cert-manager\'s cainjector fills alone, with a warning', async () => {
    const api = new FakeKubeApi();
    const annotations = { 'cert-manager.io/inject-ca-from': 'opentelemetry-operator-system/opentelemetry-operator-serving-cert' };
    for (const c of webhookConfigurations(service, 'old-ca')) api.put({ ...c, metadata: { ...c.metadata, annotations } });
    api.put({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'opentelemetrycollectors.opentelemetry.io', annotations },
      spec: { conversion: { strategy: 'Webhook', webhook: { clientConfig: { service: { name: 's', namespace: 'n', path: '/convert' } } } } },
    });
    const warnings: string[] = [];
    const log = { ...silentLogger, warn: (_f: object, m: string) => warnings.push(m), child: () => log };
    expect(await injectCaBundle(api.asApi(), (await issueWebhookCertificates(options)).caCert, { endpoint: service }, log)).toBe(0);
    expect(api.writes).toEqual([]);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain('gets its caBundle from cert-manager: serve cert-manager\'s certificate (--webhook-cert-dir or --webhook-cert-secret)');
  });

  test('URL mode registers every upstream webhook by URL and points the conversion at /convert, once', async () => {
    const api = new FakeKubeApi();
    api.put({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'opentelemetrycollectors.opentelemetry.io' }, spec: { conversion: { strategy: 'None' } } });
    const ca = (await issueWebhookCertificates(options)).caCert;
    const endpoint = { url: 'https://127.0.0.1:9443' };
    expect(await injectCaBundle(api.asApi(), ca, { endpoint }, silentLogger)).toBe(3);
    const mutating = await api.get({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', name: mutatingName });
    expect((mutating!.webhooks as any[]).map((w) => [w.name, w.clientConfig.url])).toContainEqual(['mpod.kb.io', 'https://127.0.0.1:9443/mutate-v1-pod']);
    const crd = await api.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'opentelemetrycollectors.opentelemetry.io' });
    expect((crd!.spec as any).conversion).toEqual({
      strategy: 'Webhook',
      webhook: { conversionReviewVersions: ['v1', 'v1beta1'], clientConfig: { url: 'https://127.0.0.1:9443/convert', caBundle: b64(ca) } },
    });
    expect(await injectCaBundle(api.asApi(), ca, { endpoint }, silentLogger)).toBe(0);
  });
});

function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}

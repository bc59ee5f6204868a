import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { lookupFromObjects } from '../../../src/instrumentation/lookup';
import { silentLogger } from '../../../src/common/log';
import {
  certificateSerial, DEFAULT_WEBHOOK_SECRET, issueWebhookCertificates, operatorWebhookOptions, RunningWebhooks, startWebhooks,
} from '../../../src/operator/webhooks';
import type { ClusterLookup } from '../../../src/conformance/simulator';
import { FakeKubeApi } from '../fake-api';

const emptyCache: ClusterLookup = { get: () => undefined, list: () => [] };
const running: RunningWebhooks[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});

function servedSerial(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const serial = socket.getPeerCertificate().serialNumber.toLowerCase();
      socket.end();
      resolve(serial);
    });
    socket.on('error', reject);
  });
}

async function start(api: FakeKubeApi, flags: object = {}): Promise<RunningWebhooks> {
  const options = await operatorWebhookOptions({ api: api.asApi(), log: silentLogger, cache: emptyCache, flags: { host: '127.0.0.1', port: 0, ...flags } });
  const r = await startWebhooks(options);
  running.push(r);
  return r;
}

describe('startWebhooks', () => {
  test('two replicas serve the same certificate from the one Secret', async () => {
    const api = new FakeKubeApi();
    const a = await start(api);
    const b = await start(api);
    expect(a.serial()).toBe(b.serial());
    expect(await servedSerial(a.port)).toBe(a.serial().toLowerCase());
    expect(await servedSerial(b.port)).toBe(a.serial().toLowerCase());
    expect(api.writes.filter((w) => w.startsWith('POST Secret'))).toEqual([`POST Secret/default/${DEFAULT_WEBHOOK_SECRET}`]);
  });

  test('a replica reloads the certificate another one renewed, without a restart', async () => {
    const api = new FakeKubeApi();
    const a = await start(api);
    const b = await start(api);
    // another replica renewed: a new certificate from the same CA in the Secret (what its PUT writes)
    const key = `Secret/default/${DEFAULT_WEBHOOK_SECRET}`;
    const secret = api.objects.get(key)!;
    const data = secret.data as Record<string, string>;
    const decode = (k: string) => Buffer.from(data[k], 'base64').toString();
    const renewed = await issueWebhookCertificates({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] }, { caCert: decode('ca.crt'), caKey: decode('ca.key') });
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    api.put({ ...secret, data: { ...data, 'tls.crt': b64(renewed.cert), 'tls.key': b64(renewed.key) } });
    expect(certificateSerial(renewed.cert)).not.toBe(b.serial());
    await b.refresh();
    await a.refresh();
    expect(b.serial()).toBe(certificateSerial(renewed.cert));
    expect(await servedSerial(b.port)).toBe(certificateSerial(renewed.cert).toLowerCase());
    expect(await servedSerial(a.port)).toBe(certificateSerial(renewed.cert).toLowerCase());
  });

  test('a caBundle wiped by a re-applied install is injected again on refresh, and nothing is written when current', async () => {
    const api = new FakeKubeApi();
    api.put({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'opentelemetrycollectors.opentelemetry.io' }, spec: { conversion: { strategy: 'None' } } });
    const r = await start(api);
    const writes = api.writes.length;
    await r.refresh();
    expect(api.writes.length).toBe(writes);
    const key = 'MutatingWebhookConfiguration//opentelemetry-operator-mutating-webhook-configuration';
    const live = api.objects.get(key)!;
    api.put({ ...live, webhooks: (live.webhooks as any[]).map((w) => ({ ...w, clientConfig: { url: w.clientConfig.url } })) });
    await r.refresh();
    expect(api.writes.slice(writes)).toEqual([`PATCH(apply) ${key}`]);
    expect((api.objects.get(key)!.webhooks as any[])[0].clientConfig.caBundle).toBeDefined();
  });

  test('cert-manager\'s mounted certificate is served and reloaded when the files change; nothing is written', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'webhook-certs-'));
    const first = await issueWebhookCertificates({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    writeFileSync(path.join(dir, 'tls.crt'), first.cert);
    writeFileSync(path.join(dir, 'tls.key'), first.key);
    const api = new FakeKubeApi();
    const r = await start(api, { host: undefined, certDir: dir, namespace: 'otel' });
    expect(await servedSerial(r.port)).toBe(certificateSerial(first.cert).toLowerCase());
    const next = await issueWebhookCertificates({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    writeFileSync(path.join(dir, 'tls.crt'), next.cert);
    writeFileSync(path.join(dir, 'tls.key'), next.key);
    await r.refresh();
    expect(await servedSerial(r.port)).toBe(certificateSerial(next.cert).toLowerCase());
    expect(api.writes).toEqual([]);
  });

  test('a namespace that does not exist for the Secret is a clear start-up error', async () => {
    const api = new FakeKubeApi();
    api.missingNamespaces.add('nowhere');
    await expect(start(api, { namespace: 'nowhere' })).rejects.toThrow(
      'cannot create Secret nowhere/opentelemetry-operator-controller-manager-service-cert for the webhook certificate: namespaces "nowhere" not found (create the namespace, or pick another with --webhook-namespace)');
  });
});

describe('operatorWebhookOptions', () => {
  test('the collector defaulter\'s Events are written with the operator\'s recorder, on the collector as admitted', async () => {
    const api = new FakeKubeApi();
    const o = await operatorWebhookOptions({ api: api.asApi(), log: silentLogger, cache: emptyCache, flags: { port: 9443 } });
    const collector = { apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'c', namespace: 'ns1' } };
    o.customResources!.onEvent!(collector, { type: 'Normal', reason: 'Spec.Service.Telemetry.DefaultsApplied', message: 'Applied default Prometheus telemetry configuration (host: 0.0.0.0, port: 8888)' });
    for (let i = 0; i < 50 && ![...api.objects.values()].some((x) => x.kind === 'Event'); i++) await new Promise((r) => setTimeout(r, 5));
    const event = [...api.objects.values()].find((x) => x.kind === 'Event') as any;
    expect(event).toMatchObject({
      metadata: { namespace: 'ns1' }, type: 'Normal', reason: 'Spec.Service.Telemetry.DefaultsApplied', source: { component: 'opentelemetry-operator' },
      involvedObject: { kind: 'OpenTelemetryCollector', name: 'c', namespace: 'ns1' },
    });
  });

  test('in cluster: the Service names in the certificate, caBundle patched into the installed configurations', async () => {
    const o = await operatorWebhookOptions({ api: new FakeKubeApi().asApi(), log: silentLogger, cache: emptyCache, flags: { port: 9443 }, podNamespace: 'otel' });
    expect(o.certificates).toMatchObject({
      type: 'self-signed', namespace: 'otel', secretName: DEFAULT_WEBHOOK_SECRET,
      certificate: { dnsNames: ['opentelemetry-operator-webhook-service.otel.svc', 'opentelemetry-operator-webhook-service.otel.svc.cluster.local'] },
    });
    expect(o.injection).toEqual({ endpoint: { service: { name: 'opentelemetry-operator-webhook-service', namespace: 'otel' } } });
    expect(o.listenHost).toBeUndefined();
    expect(o.pod?.nativeSidecars).toBe(true);
  });

  test('cert-manager\'s Secret: read, no injection (its cainjector does it); Kubernetes 1.28: no native sidecars; language flags', async () => {
    const api = new FakeKubeApi();
    api.version = { major: '1', minor: '28+' };
    const o = await operatorWebhookOptions({
      api: api.asApi(), log: silentLogger, cache: emptyCache,
      flags: { port: 9443, certSecret: 'opentelemetry-operator-controller-manager-service-cert', enabledLanguages: { apacheHttpd: true, go: false } },
      podNamespace: 'otel',
    });
    expect(o.certificates).toEqual({ type: 'secret', namespace: 'otel', secretName: 'opentelemetry-operator-controller-manager-service-cert' });
    expect(o.injection).toBeUndefined();
    expect(o.pod?.nativeSidecars).toBe(false);
    expect(o.pod?.enabledLanguages).toEqual({ 'apache-httpd': true, go: false });
  });

  test('the install\'s Secret made by cert-manager (its annotation) is served as it is, never written (drop-in)', async () => {
    const api = new FakeKubeApi();
    const theirs = await issueWebhookCertificates({ dnsNames: ['opentelemetry-operator-webhook-service.otel.svc'] });
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    api.put({
      apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls',
      metadata: { name: 'opentelemetry-operator-controller-manager-service-cert', namespace: 'otel', annotations: { 'cert-manager.io/certificate-name': 'opentelemetry-operator-serving-cert' } },
      data: { 'tls.crt': b64(theirs.cert), 'tls.key': b64(theirs.key), 'ca.crt': b64(theirs.caCert) },
    });
    const o = await operatorWebhookOptions({ api: api.asApi(), log: silentLogger, cache: emptyCache, flags: { port: 0 }, podNamespace: 'otel' });
    expect(o.certificates).toMatchObject({ type: 'self-signed', secretName: 'opentelemetry-operator-controller-manager-service-cert' });
    const r = await startWebhooks({ ...o, listenHost: '127.0.0.1', injection: undefined });
    running.push(r);
    expect(r.serial()).toBe(certificateSerial(theirs.cert));
    await r.refresh();
    expect(api.writes).toEqual([]);
  });

  test('--webhook-host: registered by URL, listening on that address, an IP SAN', async () => {
    const o = await operatorWebhookOptions({ api: new FakeKubeApi().asApi(), log: silentLogger, cache: emptyCache, flags: { port: 9555, host: '127.0.0.1' } });
    expect(o.injection).toEqual({ endpoint: { url: 'https://127.0.0.1:9555' } });
    expect(o.listenHost).toBe('127.0.0.1');
    expect(o.certificates).toMatchObject({ namespace: 'default', certificate: { ipAddresses: ['127.0.0.1'] } });
  });
});

test('the pod webhook of a running server reads the cache it was given', async () => {
  const collector = {
    apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'side', namespace: 'ns1' },
    spec: { mode: 'sidecar', config: { receivers: { otlp: { protocols: { grpc: {} } } }, exporters: { debug: {} }, service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } } } },
  };
  const objects = lookupFromObjects([collector], 'ns1');
  const cache: ClusterLookup = {
    get: (_v, kind, ns, name) => (kind === 'OpenTelemetryCollector' ? objects.collector(ns!, name) as never : undefined),
    list: (kind, ns) => (kind === 'OpenTelemetryCollector' ? objects.collectors(ns!) as never : []),
  };
  const api = new FakeKubeApi();
  const options = await operatorWebhookOptions({ api: api.asApi(), log: silentLogger, cache, flags: { host: '127.0.0.1', port: 0 } });
  const r = await startWebhooks(options);
  running.push(r);
  const secret = api.objects.get(`Secret/default/${DEFAULT_WEBHOOK_SECRET}`)!;
  const ca = Buffer.from((secret.data as Record<string, string>)['ca.crt'], 'base64').toString();
  const body = JSON.stringify({
    apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
    request: { uid: 'x', operation: 'CREATE', namespace: 'ns1', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: { 'sidecar.opentelemetry.io/inject': 'side' } }, spec: { containers: [{ name: 'a' }] } } },
  });
  const answer = await fetchJson(r.port, ca, '/mutate-v1-pod', body);
  const patch = JSON.parse(Buffer.from(answer.response.patch, 'base64').toString()) as Array<{ path: string }>;
  // Kubernetes 1.36 (the fake's /version): a native sidecar, in initContainers
  expect(patch.some((op) => op.path.startsWith('/spec/initContainers'))).toBe(true);
});

async function fetchJson(port: number, ca: string, urlPath: string, body: string): Promise<any> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path: urlPath, method: 'POST', ca, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
    req.end(body);
  });
}

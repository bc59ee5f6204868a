import * as https from 'node:https';
import * as tls from 'node:tls';
import { lookupFromObjects } from '../../../src/instrumentation/lookup';
import { silentLogger } from '../../../src/common/log';
import { certificateSerial, issueWebhookCertificates, WebhookCertificates, WebhookServer, webhookRoutes } from '../../../src/operator/webhooks';

const collector = {
  apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'side', namespace: 'ns1' },
  spec: { mode: 'sidecar', config: { receivers: { otlp: { protocols: { grpc: {} } } }, exporters: { debug: {} }, service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } } } },
};

let certs: WebhookCertificates;
let server: WebhookServer;
let port: number;
const seen: Array<[string, number]> = [];

beforeAll(async () => {
  certs = await issueWebhookCertificates({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  server = new WebhookServer({
    routes: webhookRoutes({ lookup: () => lookupFromObjects([collector], 'ns1') }),
    cert: certs.cert, key: certs.key, port: 0, listenHost: '127.0.0.1', log: silentLogger, maxBodyBytes: 64 * 1024,
    onRequest: (path, status) => seen.push([path, status]),
  });
  port = await server.listen();
});
afterAll(() => server.close());

function request(path: string, body: string | undefined, method = 'POST'): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path, method, ca: certs.caCert, agent: false, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const podReview = {
  apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
  request: {
    uid: 'abc', operation: 'CREATE', namespace: 'ns1',
    object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: { 'sidecar.opentelemetry.io/inject': 'true' } }, spec: { containers: [{ name: 'app', image: 'a' }] } },
  },
};

describe('WebhookServer', () => {
  test('answers an AdmissionReview on /mutate-v1-pod over TLS (verified against the CA) with a patch', async () => {
    const res = await request('/mutate-v1-pod', JSON.stringify(podReview));
    expect(res.status).toBe(200);
    const answer = JSON.parse(res.text);
    expect(answer).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'abc', allowed: true, patchType: 'JSONPatch' } });
    expect(Buffer.from(answer.response.patch, 'base64').toString()).toContain('otc-container');
    expect(seen).toContainEqual(['/mutate-v1-pod', 200]);
  });

  test('answers a ConversionReview on /convert', async () => {
    const res = await request('/convert', JSON.stringify({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview',
      request: { uid: 'c', desiredAPIVersion: 'opentelemetry.io/v1alpha1', objects: [collector] },
    }));
    const answer = JSON.parse(res.text);
    expect(answer.response).toMatchObject({ uid: 'c', result: { status: 'Success' } });
    expect(answer.response.convertedObjects[0]).toMatchObject({ apiVersion: 'opentelemetry.io/v1alpha1', spec: { mode: 'sidecar' } });
  });

  test.each([
    ['unknown path', '/nope', '{}', 'POST', 404, /^no webhook at \/nope; served: \/mutate-v1-pod, /],
    ['GET', '/mutate-v1-pod', undefined, 'GET', 405, /^GET is not allowed at \/mutate-v1-pod/],
    ['not JSON', '/mutate-v1-pod', '{not json', 'POST', 400, /^the body is not JSON: /],
    ['a ConversionReview at an admission path', '/mutate-v1-pod', '{"kind":"ConversionReview"}', 'POST', 400, /^not an AdmissionReview: kind is "ConversionReview", expected "AdmissionReview"/],
    ['an AdmissionReview at /convert', '/convert', JSON.stringify(podReview), 'POST', 400, /^not a ConversionReview: kind is "AdmissionReview"/],
    ['a body over the limit', '/mutate-v1-pod', JSON.stringify({ ...podReview, pad: 'x'.repeat(70 * 1024) }), 'POST', 413, /more than the 65536 accepted/],
  ])('%s is answered with its status and reason', async (_name, path, body, method, status, message) => {
    const res = await request(path, body, method);
    expect(res.status).toBe(status);
    expect(res.text).toMatch(message);
  });

  test('a new certificate is served to new connections without a restart', async () => {
    const peerSerial = () => new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, ca: certs.caCert, servername: 'localhost' }, () => {
        const serial = socket.getPeerCertificate().serialNumber;
        socket.end();
        resolve(serial);
      });
      socket.on('error', reject);
    });
    const before = await peerSerial();
    expect(before.toLowerCase()).toBe(certificateSerial(certs.cert).toLowerCase());
    const next = await issueWebhookCertificates({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] }, certs);
    server.setCertificate(next.cert, next.key);
    const after = await peerSerial();
    expect(after.toLowerCase()).toBe(certificateSerial(next.cert).toLowerCase());
    expect(after).not.toBe(before);
    expect((await request('/mutate-v1-pod', JSON.stringify(podReview))).status).toBe(200);
  });
});

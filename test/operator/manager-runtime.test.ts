/**
 * The manager's start-up work and endpoints on an in-memory API: the Instrumentation upgrade, /healthz, /readyz
 * and /metrics.
 */
import * as http from 'node:http';
import { DEFAULT_JAVA_IMAGE, DEFAULT_NODEJS_IMAGE } from '../../src/apis/instrumentation-defaults';
import { EventRecorder } from '../../src/operator/events';
import { silentLogger } from '../../src/common/log';
import { Manager } from '../../src/operator/manager';
import { FakeKubeApi } from './fake-api';

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('Manager start-up', () => {
  test('Instrumentations on an older default image move to ours; a user-chosen image stays; a blocked upgrade is reported', async () => {
    const api = new FakeKubeApi();
    const annotation = 'instrumentation.opentelemetry.io/default-auto-instrumentation-java-image';
    const old = 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.1.0';
    const beforeBreak = 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:1.32.0';
    const inst = (name: string, stamped: string, image: string) => api.seed({ apiVersion: 'opentelemetry.io/v1alpha1', kind: 'Instrumentation',
      metadata: { name, namespace: 'a', annotations: { [annotation]: stamped } }, spec: { java: { image } } });
    inst('defaulted', old, old);
    inst('chosen', old, 'mine/java:9');
    inst('blocked', beforeBreak, beforeBreak);
    const m = new Manager({ api, log: silentLogger, processMetrics: false });
    await m.start();
    await m.stop();
    const defaulted = api.objects.get('Instrumentation/a/defaulted')!;
    expect((defaulted.spec as any).java.image).toBe(DEFAULT_JAVA_IMAGE);
    expect(defaulted.metadata.annotations?.[annotation]).toBe(DEFAULT_JAVA_IMAGE);
    expect((api.objects.get('Instrumentation/a/chosen')!.spec as any).java.image).toBe('mine/java:9');
    const blocked = api.objects.get('Instrumentation/a/blocked')!;
    expect((blocked.spec as any).java.image).toBe(beforeBreak);
    expect((blocked.status as any).upgradeBlockedVersions.java).toMatch(/^Automated upgrade blocked for java/);
    expect([...api.objects.values()].filter((o) => o.kind === 'Event').map((e: any) => [e.type, e.reason, e.involvedObject.name]))
      .toEqual([['Warning', 'UpgradeBlocked', 'blocked']]);
  });

  test('an Instrumentation changed between the read and the upgrade (409) is read again: both the change and the upgrade stay', async () => {
    const api = new FakeKubeApi();
    const annotation = 'instrumentation.opentelemetry.io/default-auto-instrumentation-java-image';
    const old = 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:2.1.0';
    const seeded = api.seed({ apiVersion: 'opentelemetry.io/v1alpha1', kind: 'Instrumentation',
      metadata: { name: 'i', namespace: 'a', annotations: { [annotation]: old } }, spec: { java: { image: old } } });
    // a concurrent writer, after the caches were listed and before the upgrade's write
    api.beforeNextWrite = () => void api.put({ ...seeded, metadata: { ...seeded.metadata, labels: { team: 'x' } } });
    const m = new Manager({ api, log: silentLogger, processMetrics: false });
    await m.start();
    await m.stop();
    expect(api.writes.filter((w) => w.startsWith('PUT'))).toEqual(['PUT Instrumentation/a/i', 'PUT Instrumentation/a/i']);
    const after = api.objects.get('Instrumentation/a/i')!;
    expect((after.spec as any).java.image).toBe(DEFAULT_JAVA_IMAGE);
    expect(after.metadata.labels).toEqual({ team: 'x' });
  });

  test('a 409 on the status write after the spec was upgraded: the upgrade-blocked status is still written, the Event recorded once', async () => {
    const api = new FakeKubeApi();
    const ann = (lang: string) => `instrumentation.opentelemetry.io/default-auto-instrumentation-${lang}-image`;
    const oldNode = 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-nodejs:0.40.0';
    const beforeBreak = 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:1.32.0';
    api.seed({ apiVersion: 'opentelemetry.io/v1alpha1', kind: 'Instrumentation',
      metadata: { name: 'i', namespace: 'a', annotations: { [ann('java')]: beforeBreak, [ann('nodejs')]: oldNode } },
      spec: { java: { image: beforeBreak }, nodejs: { image: oldNode } } });
    // a concurrent writer between the spec write and the status write: the status PUT carries a stale resourceVersion
    api.beforeNextWrite = () => {
      api.beforeNextWrite = () => {
        const now = api.objects.get('Instrumentation/a/i')!;
        api.put({ ...now, metadata: { ...now.metadata, labels: { team: 'x' } } });
      };
    };
    const m = new Manager({ api, log: silentLogger, processMetrics: false });
    await m.start();
    await m.stop();
    const after = api.objects.get('Instrumentation/a/i')!;
    expect((after.spec as any).nodejs.image).toBe(DEFAULT_NODEJS_IMAGE);
    expect((after.spec as any).java.image).toBe(beforeBreak);
    expect(after.metadata.labels).toEqual({ team: 'x' });
    expect((after.status as any)?.upgradeBlockedVersions?.java).toMatch(/^Automated upgrade blocked for java/);
    expect([...api.objects.values()].filter((o) => o.kind === 'Event').map((e: any) => e.reason)).toEqual(['UpgradeBlocked']);
    // the spec was written once: the status write did not start the upgrade over
    expect(api.writes.filter((w) => w.includes('Instrumentation'))).toEqual(['PUT Instrumentation/a/i', 'PATCH(merge) Instrumentation/a/i']);
  });

  test('/healthz, /readyz once the caches are synced, /metrics with controller-runtime\'s names', async () => {
    const api = new FakeKubeApi();
    api.seed({ apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'c', namespace: 'a' }, spec: { mode: 'deployment', config: { receivers: { otlp: { protocols: { grpc: {} } } }, exporters: { debug: {} }, service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } } } } });
    // port 0: any free port; the same address serves both
    const m = new Manager({ api, log: silentLogger, processMetrics: false, healthAddr: { host: '127.0.0.1', port: 0 }, metricsAddr: { host: '127.0.0.1', port: 0 } });
    const starting = m.start();
    await starting;
    await m.whenIdle();
    const port = (m as any).stoppables[0].port as number;
    expect(await get(port, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
    expect((await get(port, '/readyz')).status).toBe(200);
    const metrics = (await get(port, '/metrics')).body;
    expect(metrics).toMatch(/controller_runtime_reconcile_total\{controller="opentelemetrycollector",result="success"\} [1-9]/);
    expect(metrics).toMatch(/workqueue_adds_total\{name="opentelemetrycollector"\} [1-9]/);
    expect(metrics).toContain('controller_runtime_reconcile_time_seconds_bucket');
    expect(metrics).toContain('informer_relists_total{informer="OpenTelemetryCollector",reason="expired"} 0');
    // every watch answered 410 Gone: each informer lists again, and says so
    api.expireWatches();
    for (let i = 0; i < 100 && !(await get(port, '/metrics')).body.includes('informer_relists_total{informer="OpenTelemetryCollector",reason="expired"} 1'); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const after = (await get(port, '/metrics')).body;
    expect(after).toContain('informer_relists_total{informer="OpenTelemetryCollector",reason="expired"} 1');
    expect(after).toContain('informer_relists_total{informer="ConfigMap",reason="error"} 0');
    await m.stop();
  });
});

describe('EventRecorder', () => {
  test('the same event on the same object is written once per window; a failed write is not thrown', async () => {
    const api = new FakeKubeApi();
    let now = 0;
    const rec = new EventRecorder(api, { log: silentLogger, dedupeMs: 1000, now: () => new Date(now) });
    const obj = { apiVersion: 'v1', kind: 'X', metadata: { name: 'x', namespace: 'a', uid: 'u' } };
    await rec.record(obj, 'Warning', 'Error', 'boom');
    await rec.record(obj, 'Warning', 'Error', 'boom');
    now = 2000;
    await rec.record(obj, 'Warning', 'Error', 'boom');
    await rec.record(obj, 'Warning', 'Error', 'other');
    expect(api.calls.filter((c) => c.kind === 'Event')).toHaveLength(3);
    // objects being admitted have no uid yet: two of them are still told apart
    await rec.record({ ...obj, metadata: { name: 'p', namespace: 'a' } }, 'Normal', 'Defaulted', 'same');
    await rec.record({ ...obj, metadata: { name: 'q', namespace: 'a' } }, 'Normal', 'Defaulted', 'same');
    expect(api.calls.filter((c) => c.kind === 'Event')).toHaveLength(5);
    api.failures.push({ verb: 'create', kind: 'Event', error: new Error('forbidden') });
    await expect(rec.record(obj, 'Normal', 'Updated', 'x')).resolves.toBeUndefined();
  });
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../../src/cli/io';
import { parseOperatorFlags } from '../../src/cli/operator';
import type { KubeObject } from '../../src/common/kube';
import { silentLogger } from '../../src/common/log';
import { isFipsMode, operatorWebhookOptions } from '../../src/operator/webhooks/operator-options';
import { webhookRoutes } from '../../src/operator/webhooks/routes';
import { collectorValidatingWebhook, fipsDisabledComponentsIn, parseFipsDisabledComponents } from '../../src/webhook';
import { FakeKubeApi } from '../operator/fake-api';

const config = {
  receivers: { otlp: { protocols: { grpc: {} } }, 'otlp/two': { protocols: { http: {} } } },
  processors: { batch: {} },
  exporters: { debug: {}, otlphttp: { endpoint: 'https://x' } },
  extensions: { oidc: {}, health_check: {} },
  service: { extensions: ['health_check'], pipelines: { traces: { receivers: ['otlp/two'], processors: ['batch'], exporters: ['debug'] } } },
};
const collector = (c: object = config): KubeObject => ({
  apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'f', namespace: 'ns1' }, spec: { mode: 'deployment', config: c },
});
const review = (operation: 'CREATE' | 'DELETE', obj: KubeObject) => ({
  apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
  request: { uid: 'u', operation, ...(operation === 'DELETE' ? { oldObject: obj } : { object: obj }) },
});

describe('FIPS-disabled components', () => {
  test('the flag as upstream reads it; an entry that is not kind.type is an error, upstream\'s default "uppercase" denies nothing', () => {
    expect(parseFipsDisabledComponents(' receiver.otlp, exporter.debug,processor.batch,extension.oidc,receiver.jaeger ')).toEqual({
      receivers: ['otlp', 'jaeger'], exporters: ['debug'], processors: ['batch'], extensions: ['oidc'],
    });
    expect(parseFipsDisabledComponents('uppercase')).toEqual({ receivers: [], exporters: [], processors: [], extensions: [] });
    expect(() => parseFipsDisabledComponents('receivers.otlp')).toThrow('"receivers.otlp" is not <kind>.<component type>');
    expect(() => parseFipsDisabledComponents('otlp')).toThrow('is not <kind>.<component type>');
  });

  test('what the pipelines and service extensions use counts (by type, one per kind), not what is only defined', () => {
    const denied = parseFipsDisabledComponents('receiver.otlp,exporter.otlphttp,processor.batch,extension.oidc,extension.health_check');
    expect(fipsDisabledComponentsIn(config as never, denied)).toEqual(['otlp', 'batch', 'health_check']);
  });

  test('the validating webhook rejects with upstream\'s message; DELETE and a config without them pass', () => {
    const validate = collectorValidatingWebhook({ fipsDisabledComponents: parseFipsDisabledComponents('receiver.otlp,exporter.debug') });
    const res = validate(review('CREATE', collector())).response;
    expect(res).toMatchObject({ allowed: false, status: { message: 'the collector configuration contains not FIPS compliant components: [otlp debug]. Please remove it from the config' } });
    expect(validate(review('DELETE', collector())).response.allowed).toBe(true);
    expect(collectorValidatingWebhook()(review('CREATE', collector())).response.allowed).toBe(true);
    const routes = webhookRoutes({ lookup: () => ({}) as never, customResources: { fipsDisabledComponents: parseFipsDisabledComponents('processor.batch') } });
    const route = routes.get('/validate-opentelemetry-io-v1beta1-opentelemetrycollector');
    if (route?.type !== 'admission') throw new Error('no route');
    return Promise.resolve(route.handler(review('CREATE', collector()))).then((r) => expect(r.response.status?.message).toContain('[batch]'));
  });

  test('FIPS mode as upstream reads it: "1" on, no file off, an unreadable file on; the list is enforced only in FIPS mode', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fips-'));
    const file = path.join(dir, 'fips_enabled');
    fs.writeFileSync(file, '1\n');
    expect(await isFipsMode(file)).toBe(true);
    fs.writeFileSync(file, '0\n');
    expect(await isFipsMode(file)).toBe(false);
    expect(await isFipsMode(path.join(dir, 'missing'))).toBe(false);
    expect(await isFipsMode(dir)).toBe(true); // a directory: EISDIR, cannot be read
    const flags = { port: 9443, fipsDisabledComponents: parseFipsDisabledComponents('receiver.otlp') };
    const off = await operatorWebhookOptions({ api: new FakeKubeApi().asApi(), log: silentLogger, cache: { get: () => undefined, list: () => [] }, flags: { ...flags, fipsModeFile: file } });
    expect(off.customResources?.fipsDisabledComponents).toBeUndefined();
    fs.writeFileSync(file, '1');
    const on = await operatorWebhookOptions({ api: new FakeKubeApi().asApi(), log: silentLogger, cache: { get: () => undefined, list: () => [] }, flags: { ...flags, fipsModeFile: file } });
    expect(on.customResources?.fipsDisabledComponents?.receivers).toEqual(['otlp']);
    fs.rmSync(dir, { recursive: true });
  });

  test('--fips-disabled-components and FIPS_DISABLED_COMPONENTS reach the webhook flags; a bad entry is a usage error', () => {
    expect(parseOperatorFlags({ fipsDisabledComponents: 'exporter.debug' }, {}).webhook.fipsDisabledComponents?.exporters).toEqual(['debug']);
    expect(parseOperatorFlags({}, { FIPS_DISABLED_COMPONENTS: 'extension.oidc' }).webhook.fipsDisabledComponents?.extensions).toEqual(['oidc']);
    expect(parseOperatorFlags({}, {}).webhook.fipsDisabledComponents).toBeUndefined();
    expect(() => parseOperatorFlags({ fipsDisabledComponents: 'exporters.debug' }, {})).toThrow(UsageError);
  });
});

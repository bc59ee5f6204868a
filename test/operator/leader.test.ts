import { LeaderElector } from '../../src/operator/leader';
import { silentLogger } from '../../src/common/log';
import { FakeKubeApi } from './fake-api';

const timings = { leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 50 };

describe('LeaderElector', () => {
  test('one leader at a time; the other takes over after the lease expires when the leader stops renewing', async () => {
    const api = new FakeKubeApi();
    const a = new LeaderElector(api, { namespace: 'ops', identity: 'a', log: silentLogger, ...timings });
    const b = new LeaderElector(api, { namespace: 'ops', identity: 'b', log: silentLogger, ...timings });
    await a.acquire();
    let bLeads = false;
    const bAcquired = b.acquire().then(() => (bLeads = true));
    await new Promise((r) => setTimeout(r, 400));
    expect(a.isLeader).toBe(true);
    expect(bLeads).toBe(false);
    const lease = api.objects.get('Lease/ops/9f7554c3.opentelemetry.io')!;
    expect(lease.spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 1 });
    // a dies without releasing: b waits out the lease duration it observed
    const t0 = Date.now();
    (a as any).stopped = true;
    await bAcquired;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(600);
    expect((api.objects.get('Lease/ops/9f7554c3.opentelemetry.io')!.spec as any)).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await b.stop();
  });

  test('a stopping leader releases the lease: the next one takes over at once', async () => {
    const api = new FakeKubeApi();
    const a = new LeaderElector(api, { namespace: 'ops', identity: 'a', log: silentLogger, ...timings, leaseDurationMs: 15_000 });
    const b = new LeaderElector(api, { namespace: 'ops', identity: 'b', log: silentLogger, ...timings, leaseDurationMs: 15_000 });
    await a.acquire();
    const bAcquired = b.acquire();
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await a.stop();
    await bAcquired;
    expect(Date.now() - t0).toBeLessThan(3000);
    await b.stop();
  });

  test('a leader that cannot renew within the deadline stops leading and says so', async () => {
    const api = new FakeKubeApi();
    const a = new LeaderElector(api, { namespace: 'ops', identity: 'a', log: silentLogger, ...timings });
    await a.acquire();
    const lost = new Promise<void>((resolve) => (a.onLost = resolve));
    for (let i = 0; i < 100; i++) api.failures.push({ verb: 'get', kind: 'Lease', error: new Error('connection refused') });
    await lost;
    expect(a.isLeader).toBe(false);
  });
});

describe('jsonLogger', () => {
  test('one JSON line per message at or above the level, child fields merged', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { jsonLogger } = require('../../src/common/log') as typeof import('../../src/common/log');
    const lines: string[] = [];
    const log = jsonLogger('info', { logger: 'x' }, (l) => lines.push(l)).child({ resource: 'OpenTelemetryCollector a/b' });
    log.debug({}, 'hidden');
    log.warn({ retries: 2 }, 'reconcile failed');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 40, logger: 'x', resource: 'OpenTelemetryCollector a/b', retries: 2, msg: 'reconcile failed' });
  });
});

import { WorkQueue } from '../../src/operator/queue';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('WorkQueue', () => {
  test('a key added many times while waiting is processed once', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const q = new WorkQueue(async (k) => {
      seen.push(k);
      await gate;
    }, { concurrency: 1 });
    q.add('a');
    q.add('b');
    q.add('b');
    q.add('b');
    release();
    await q.whenIdle();
    expect(seen).toEqual(['a', 'b']);
  });

  test('a key added while being processed is processed again afterwards, never twice at once', async () => {
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    const q = new WorkQueue(async () => {
      calls++;
      running++;
      maxRunning = Math.max(maxRunning, running);
      await tick(5);
      running--;
    }, { concurrency: 4 });
    q.add('a');
    await tick(1);
    q.add('a');
    q.add('a');
    await q.whenIdle();
    expect(calls).toBe(2);
    expect(maxRunning).toBe(1);
  });

  test('at most `concurrency` keys at once', async () => {
    let running = 0;
    let maxRunning = 0;
    const q = new WorkQueue(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await tick(5);
      running--;
    }, { concurrency: 3 });
    for (let i = 0; i < 20; i++) q.add(`k${i}`);
    await q.whenIdle();
    expect(maxRunning).toBe(3);
  });

  test('failures are retried with per-key exponential backoff, reset on success', async () => {
    const times: number[] = [];
    const retried: number[] = [];
    const q = new WorkQueue(async () => {
      times.push(Date.now());
      if (times.length < 4) throw new Error('conflict');
    }, { baseDelayMs: 20, observer: { retried: (_k, d) => retried.push(d) } });
    q.add('a');
    await q.whenIdle();
    expect(times).toHaveLength(4);
    expect(retried).toEqual([20, 40, 80]);
    expect(times[3] - times[0]).toBeGreaterThanOrEqual(130);
    expect(q.retries('a')).toBe(0);
  });

  test('requeueAfterMs brings the key back; shutdown drops waiting keys', async () => {
    let n = 0;
    const q = new WorkQueue(async () => {
      n++;
      return n < 3 ? { requeueAfterMs: 5 } : undefined;
    });
    q.add('a');
    await q.whenIdle();
    expect(n).toBe(3);
    await q.shutdown();
    q.add('b');
    await tick(10);
    expect(n).toBe(3);
  });
});

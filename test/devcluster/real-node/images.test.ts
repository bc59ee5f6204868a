import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IMAGE_SPECS } from '../../../src/devcluster/real-node/image-specs';
import { PAUSE_IMAGE, specCacheDir, withDirLock } from '../../../src/devcluster/real-node/images';

describe('the image cache', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'images-lock-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('two builders of one image take turns', async () => {
    const events: string[] = [];
    const build = (who: string) => withDirLock(path.join(dir, 'busybox'), async () => {
      events.push(`${who} start`);
      await new Promise((r) => setTimeout(r, 300));
      events.push(`${who} end`);
      return who;
    });
    expect(await Promise.all([build('a'), build('b')])).toEqual(['a', 'b']);
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end']);
    expect(fs.existsSync(path.join(dir, 'busybox.lock'))).toBe(false);
  });

  test('a lock left by a builder that died is taken over once stale, and released on failure', async () => {
    fs.mkdirSync(path.join(dir, 'otelcol.lock'));
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(dir, 'otelcol.lock'), old, old);
    await expect(withDirLock(path.join(dir, 'otelcol'), async () => { throw new Error('build failed'); }, 30_000))
      .rejects.toThrow('build failed');
    expect(fs.existsSync(path.join(dir, 'otelcol.lock'))).toBe(false);
  });

  test('one folder per image and version, under the images cache', () => {
    const previous = process.env.CDK8S_OTEL_CACHE;
    process.env.CDK8S_OTEL_CACHE = dir;
    try {
      const folders = IMAGE_SPECS.map(specCacheDir);
      expect(new Set(folders).size).toBe(IMAGE_SPECS.length);
      const pause = IMAGE_SPECS.find((s) => s.names.includes(PAUSE_IMAGE))!;
      expect(specCacheDir(pause)).toMatch(new RegExp(`^${dir}/images/pause-3\\.10-[0-9a-f]{12}$`));
    } finally {
      if (previous === undefined) delete process.env.CDK8S_OTEL_CACHE;
      else process.env.CDK8S_OTEL_CACHE = previous;
    }
  });
});

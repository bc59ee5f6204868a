import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { InvalidInputError } from '../../src/common/errors';
import { FileDiscovery, parseFileGroups } from '../../src/allocator/file-sd';
import { TargetGroup } from '../../src/allocator/target';

describe('file_sd files', () => {
  test('YAML and JSON groups, with __meta_filepath and sources <file>:<index>', () => {
    const yaml = parseFileGroups('- targets: [a:1, b:2]\n  labels: {env: prod}\n- targets: [c:3]\n', '/sd/x.yaml');
    expect(yaml).toEqual([
      { targets: [{ __address__: 'a:1' }, { __address__: 'b:2' }], labels: { env: 'prod', __meta_filepath: '/sd/x.yaml' }, source: '/sd/x.yaml:0' },
      { targets: [{ __address__: 'c:3' }], labels: { __meta_filepath: '/sd/x.yaml' }, source: '/sd/x.yaml:1' },
    ]);
    expect(parseFileGroups('[{"targets":["a:1"]}]', '/sd/x.json')[0].targets).toEqual([{ __address__: 'a:1' }]);
    expect(parseFileGroups('', '/sd/empty.yml')).toEqual([]);
  });

  test.each([
    ['{"targets": []}', 'must be a list of target groups'],
    ['[{"targets": [1]}]', '[0].targets: must be a list of host:port strings'],
    ['[{"targets": ["a:1"], "labels": {"": "x"}}]', '[0].labels.'],
    ['[{"target": ["a:1"]}]', '[0].target: unknown key'],
    ['[{', 'cannot parse'],
  ])('%s is refused: %s', (text, message) => {
    expect(() => parseFileGroups(text, '/sd/bad.json')).toThrow(InvalidInputError);
    expect(() => parseFileGroups(text, '/sd/bad.json')).toThrow(message);
  });

  test('a file that turns invalid keeps its last good groups; a removed file drops them; globs match', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fsd-'));
    try {
      writeFileSync(path.join(dir, 'a.json'), '[{"targets":["a:1"]}]');
      writeFileSync(path.join(dir, 'b.yml'), '- targets: [b:1]\n');
      writeFileSync(path.join(dir, 'ignored.txt'), 'x');
      const seen: TargetGroup[][] = [];
      const errors: Error[] = [];
      const d = new FileDiscovery(dir, [{ files: ['*.json', '*.yml'], refreshIntervalMs: 3_600_000 }], (g) => seen.push(g), (e) => errors.push(e));
      await d.refresh();
      expect(seen[0].map((g) => g.targets[0].__address__)).toEqual(['a:1', 'b:1']);
      writeFileSync(path.join(dir, 'a.json'), '[{"targets":');
      await d.refresh();
      expect(seen[1].map((g) => g.targets[0].__address__)).toEqual(['a:1', 'b:1']);
      expect(errors[0].message).toContain('a.json');
      rmSync(path.join(dir, 'a.json'));
      await d.refresh();
      expect(seen[2].map((g) => g.targets[0].__address__)).toEqual(['b:1']);
      // an unchanged file yields the same group objects (so the update is a no-op downstream); a changed one new ones
      await d.refresh();
      expect(seen[3][0]).toBe(seen[2][0]);
      writeFileSync(path.join(dir, 'b.yml'), '- targets: [b:2]\n');
      await d.refresh();
      expect(seen[4][0]).not.toBe(seen[3][0]);
      expect(seen[4][0].targets[0].__address__).toBe('b:2');
      d.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverCases, globToRegExp, REACHABLE_KEYS, selectCases, testDirs } from '../../src/e2e/cases';

const UPSTREAM = process.env.UPSTREAM_E2E_DIR ?? path.resolve(__dirname, '../../../shared/upstream-e2e');
const haveUpstream = fs.existsSync(UPSTREAM);

(haveUpstream ? describe : describe.skip)('upstream\'s case folders (../shared/upstream-e2e)', () => {
  const cases = discoverCases(UPSTREAM);

  test('109 cases: 21 O, 31 K, 57 R (operator.md §7), every O/K key names a folder', () => {
    expect(cases).toHaveLength(109);
    const count = (r: string) => cases.filter((c) => c.reach === r).length;
    expect([count('O'), count('K'), count('R')]).toEqual([21, 31, 57]);
    const keys = cases.map((c) => c.key);
    for (const k of REACHABLE_KEYS) expect(keys).toContain(k);
  });

  test('every R case has a reason, from the static runner\'s list where it has one', () => {
    for (const c of cases.filter((x) => x.reach === 'R')) expect(c.skipReason).toBeTruthy();
    expect(cases.find((c) => c.key === 'e2e-targetallocator/targetallocator-metrics')?.skipReason).toMatch(/^needs running pods\/containers: reads the collector/);
    expect(cases.find((c) => c.key === 'e2e-openshift/route')?.skipReason).toMatch(/OpenShift/);
  });

  test('the root case of e2e-targetallocator-cr holds targetallocator-label: chainsaw gets the parent folder once', () => {
    const picked = selectCases(cases, ['e2e-targetallocator-cr/**', 'e2e-targetallocator-cr']);
    expect(picked.map((c) => c.key)).toEqual(['e2e-targetallocator-cr', 'e2e-targetallocator-cr/targetallocator-label']);
    expect(testDirs(picked)).toEqual([path.join(UPSTREAM, 'e2e-targetallocator-cr')]);
  });
});

describe('--include globs', () => {
  test('* stays in a segment, ** crosses them, a pattern without / matches the last segment', () => {
    expect(globToRegExp('e2e-sidecar/*').test('e2e-sidecar/smoke-sidecar')).toBe(true);
    expect(globToRegExp('e2e/*').test('e2e/smoke-collector/smoke-collector-daemonset')).toBe(false);
    expect(globToRegExp('e2e/**').test('e2e/smoke-collector/smoke-collector-daemonset')).toBe(true);
    expect(globToRegExp('smoke-*').test('e2e/smoke-collector/smoke-collector-daemonset')).toBe(true);
    expect(globToRegExp('smoke-*').test('e2e-sidecar/other')).toBe(false);
    expect(globToRegExp('e2e.x').test('e2eXx')).toBe(false);
  });

  test('a made-up tree: discovery, classification of unknown folders as R, selection', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-cases-'));
    try {
      for (const d of ['e2e-sidecar/smoke-sidecar', 'e2e-openshift/route', 'e2e-new/thing']) {
        fs.mkdirSync(path.join(root, d), { recursive: true });
        fs.writeFileSync(path.join(root, d, 'chainsaw-test.yaml'), 'kind: Test\n');
      }
      const cases = discoverCases(root);
      expect(cases.map((c) => [c.key, c.reach])).toEqual([['e2e-new/thing', 'R'], ['e2e-openshift/route', 'R'], ['e2e-sidecar/smoke-sidecar', 'K']]);
      expect(selectCases(cases, ['e2e-sidecar/*']).map((c) => c.key)).toEqual(['e2e-sidecar/smoke-sidecar']);
      expect(selectCases(cases, [])).toHaveLength(3);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('a missing upstream folder says which variable to set', () => {
    expect(() => discoverCases('/nonexistent/upstream-e2e')).toThrow(/UPSTREAM_E2E_DIR/);
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidInputError } from '../../src/common/errors';
import type { E2eCase } from '../../src/e2e/cases';
import { caseRows, ChainsawJsonReport, formatReport, junitXml, parseKnownFailures, totals } from '../../src/e2e/report';

const c = (key: string, reach: E2eCase['reach'], skipReason?: string): E2eCase =>
  ({ key, suite: key.split('/')[0], dir: `/up/${key}`, reach, skipReason });

const CASES = [
  c('e2e/ok', 'O'),
  c('e2e/broken', 'K'),
  c('e2e/known', 'K'),
  c('e2e/far', 'R', 'needs running pods/containers: curls the app'),
  c('e2e-sidecar/twin', 'K'),
  c('e2e-sidecar/missing', 'O'),
];

const REPORT: ChainsawJsonReport = {
  tests: [
    { basePath: '/up/e2e/ok', name: 'ok', status: 'passed', startTime: '2026-01-01T00:00:00Z', endTime: '2026-01-01T00:00:12Z', steps: [{ name: 's', status: 'passed' }] },
    {
      basePath: '/up/e2e/broken', name: 'broken', status: 'failed', steps: [
        { name: 'step-00', status: 'passed' },
        { name: 'step-01', status: 'failed', operations: [
          { type: 'apply', status: 'passed' },
          { type: 'assert', status: 'failed', failure: { error: 'v1/Pod/ns/p - spec.containers[0].name: Invalid value: "a": Expected value: "b"\n--- expected\n+++ actual' } },
        ] },
      ],
    },
    { basePath: '/up/e2e/known', name: 'known', status: 'failed', steps: [{ name: 'only', status: 'failed' }] },
    // a folder with two Test documents: the legacy twin skipped by the selector, the native one passed
    { basePath: '/up/e2e-sidecar/twin', name: 'twin', status: 'skipped' },
    { basePath: '/up/e2e-sidecar/twin', name: 'twin-native', status: 'passed' },
  ],
};

describe('caseRows', () => {
  const rows = caseRows(CASES, REPORT, new Map([['e2e/known', 'operator: no status.version yet']]));
  const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));

  test('a row per case, in the given order', () => {
    expect(rows.map((r) => [r.key, r.status])).toEqual([
      ['e2e/ok', 'passed'], ['e2e/broken', 'failed'], ['e2e/known', 'failed'], ['e2e/far', 'skipped'],
      ['e2e-sidecar/twin', 'passed'], ['e2e-sidecar/missing', 'failed'],
    ]);
    expect(byKey['e2e/ok'].seconds).toBe(12);
  });

  test('a failed case names the first failing step and operation with chainsaw\'s error (the diff)', () => {
    expect(byKey['e2e/broken'].detail).toBe(
      'broken step 2 \'step-01\' assert: v1/Pod/ns/p - spec.containers[0].name: Invalid value: "a": Expected value: "b"\n--- expected\n+++ actual');
    expect(byKey['e2e/broken'].knownReason).toBeUndefined();
    expect(byKey['e2e/known'].knownReason).toBe('operator: no status.version yet');
  });

  test('the real-node mode: the R cases run and get their status, the others are skipped with where they run', () => {
    const report: ChainsawJsonReport = { tests: [{ basePath: '/up/e2e/far', name: 'far', status: 'passed', steps: [{ name: 's', status: 'passed' }] }] };
    const real = caseRows(CASES, report, new Map(), { keys: new Set(['e2e/far']), otherReason: (x) => (x.reach === 'R' ? x.skipReason : 'runs on kwok nodes') });
    expect(real.map((r) => [r.key, r.status, r.detail])).toEqual([
      ['e2e/ok', 'skipped', 'runs on kwok nodes'], ['e2e/broken', 'skipped', 'runs on kwok nodes'], ['e2e/known', 'skipped', 'runs on kwok nodes'],
      ['e2e/far', 'passed', undefined], ['e2e-sidecar/twin', 'skipped', 'runs on kwok nodes'], ['e2e-sidecar/missing', 'skipped', 'runs on kwok nodes'],
    ]);
  });

  test('an R case is skipped with its reason; a run case missing from the report fails', () => {
    expect(byKey['e2e/far'].detail).toBe('needs running pods/containers: curls the app');
    expect(byKey['e2e-sidecar/missing'].detail).toMatch(/reported no test/);
  });

  test('totals count known failures as failures but not as unexpected', () => {
    expect(totals(rows)).toEqual({ passed: 2, failed: 3, skipped: 1, unexpected: 2 });
  });

  test('the text report: suites with counts, rows, and the plain last line', () => {
    const text = formatReport(rows, { wallSeconds: 61.4, maxDiffLines: 2 });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('e2e: 1 passed, 2 failed, 1 skipped');
    expect(text).toContain('  FAIL e2e/known [K] (0s) (known: operator: no status.version yet)');
    expect(text).toContain('  SKIP e2e/far: needs running pods/containers: curls the app');
    expect(text).toContain('       ... (1 more lines in the JSON report)');
    expect(lines.slice(-3)).toEqual(['wall time 61s', '1 of the failures are listed in the known-failures file, 2 are not', '2 passed, 3 failed, 1 skipped']);
  });

  test('JUnit: a testsuite per suite, failures and skips with escaped messages', () => {
    const xml = junitXml(rows);
    expect(xml).toContain('<testsuites name="upstream-e2e" tests="6" failures="3" skipped="1">');
    expect(xml).toContain('<testsuite name="e2e" tests="4" failures="2" skipped="1">');
    expect(xml).toContain('<testcase classname="e2e" name="far" time="0"><skipped message="needs running pods/containers: curls the app"/></testcase>');
    expect(xml).toContain('Invalid value: &quot;a&quot;');
    expect(xml).toContain('<failure message="known failure: operator: no status.version yet">');
    expect(xml).not.toMatch(/"a"/);
  });
});

describe('parseKnownFailures', () => {
  test('case, two spaces or a tab, reason; comments and blank lines ignored', () => {
    const m = parseKnownFailures('# header\n\ne2e/a  operator: differs\ne2e-pdb/b\twebhook: message  with spaces\n');
    expect([...m]).toEqual([['e2e/a', 'operator: differs'], ['e2e-pdb/b', 'webhook: message  with spaces']]);
  });

  test('a line without a reason or a case listed twice is an error naming the line', () => {
    expect(() => parseKnownFailures('e2e/a\n', 'kf.txt')).toThrow(InvalidInputError);
    expect(() => parseKnownFailures('e2e/a\n', 'kf.txt')).toThrow('kf.txt: line 1: expected \'<suite>/<case>  <reason>\', got \'e2e/a\'');
    expect(() => parseKnownFailures('e2e/a  x\ne2e/a  y\n', 'kf.txt')).toThrow('kf.txt: line 2: e2e/a is listed twice');
  });

  test('the project\'s known-failures file parses and names only reachable cases', () => {
    const file = path.resolve(__dirname, 'known-failures.txt');
    const known = parseKnownFailures(fs.readFileSync(file, 'utf8'), file);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { REACHABLE_KEYS } = require('../../src/e2e/cases') as typeof import('../../src/e2e/cases');
    for (const key of known.keys()) expect(REACHABLE_KEYS).toContain(key);
  });
});

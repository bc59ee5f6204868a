import * as fs from 'fs';
import * as path from 'path';
import { SUITES } from '../../src/conformance/cases';
import { SUITE_OPERATOR_FLAGS } from '../../src/conformance/conformance';
import { isResourceOperation } from '../../src/conformance/model';
import { findTestFiles, loadCases, upstreamDir } from '../../src/conformance/main';
import { OUT_OF_REACH } from '../../src/conformance/out-of-reach';

// The upstream e2e data is part of the working environment (../shared/upstream-e2e); without it these tests
// cannot say anything, so they fail rather than pass vacuously.
const root = upstreamDir();

describe('upstream e2e suites', () => {
  test('the data is there', () => {
    expect(fs.existsSync(path.join(root, 'e2e'))).toBe(true);
  });

  test('every chainsaw-test.yaml of the covered suites loads into the step model', () => {
    const { cases, errors } = loadCases(root, SUITES);
    expect(errors).toEqual([]);
    const files = SUITES.flatMap((s) => findTestFiles(path.join(root, s)));
    expect(files.length).toBeGreaterThanOrEqual(60);
    // every file yields at least one case, every case at least one step
    expect(new Set(cases.map((c) => c.file)).size).toBe(files.length);
    for (const c of cases) expect(c.test.steps.length).toBeGreaterThan(0);
    // files that resource operations point to exist
    const missing = cases.flatMap((c) => c.test.steps.flatMap((s) => s.operations))
      .filter(isResourceOperation).filter((op) => op.file && !fs.existsSync(path.resolve(op.baseDir, op.file)))
      .map((op) => path.resolve(op.baseDir, op.file!));
    expect(missing).toEqual([]);
  });

  test('operator flags are set only for covered suites', () => {
    expect(Object.keys(SUITE_OPERATOR_FLAGS).filter((s) => !(SUITES as readonly string[]).includes(s))).toEqual([]);
  });

  test('every out-of-reach entry names a case that exists', () => {
    const { cases } = loadCases(root, SUITES);
    const ids = new Set(cases.map((c) => `${c.suite}/${c.name}`));
    expect(Object.keys(OUT_OF_REACH).filter((id) => !ids.has(id))).toEqual([]);
  });

  test('every case that checks telemetry through the shared step templates is classified out of reach', () => {
    const { cases } = loadCases(root, SUITES);
    const telemetry = cases.filter((c) => !c.test.skip && c.test.steps.some((s) => /app-http-request|wait-for-telemetry|validate-collector/.test(s.template ?? '')));
    expect(telemetry.length).toBeGreaterThan(10);
    expect(telemetry.map((c) => `${c.suite}/${c.name}`).filter((id) => !OUT_OF_REACH[id])).toEqual([]);
  });
});

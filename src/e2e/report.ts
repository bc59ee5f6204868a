/**
 * One row per upstream case: passed, failed (chainsaw's first failing step and its error, which for an assert is
 * the diff), skipped (R cases, with the reason) or known failure (failed, listed in the known-failures file with
 * its reason). Built from chainsaw's JSON report (`--report-format JSON`); pure, no I/O.
 */
import * as path from 'node:path';
import { InvalidInputError } from '../common/errors';
import type { E2eCase } from './cases';

/** The parts of chainsaw's JSON report (pkg/report/json.go, v0.2.15) we read. */
export interface ChainsawJsonReport {
  readonly tests?: ReadonlyArray<{
    readonly basePath?: string;
    readonly name?: string;
    readonly status: string;
    readonly startTime?: string;
    readonly endTime?: string;
    readonly steps?: ReadonlyArray<{
      readonly name?: string;
      readonly status: string;
      readonly operations?: ReadonlyArray<{ readonly name?: string; readonly type?: string; readonly status: string; readonly failure?: { readonly error?: string } }>;
    }>;
  }>;
}

export type RowStatus = 'passed' | 'failed' | 'skipped';

export interface CaseRow {
  readonly key: string;
  readonly reach: E2eCase['reach'];
  readonly status: RowStatus;
  /** Seconds, for run cases. */
  readonly seconds?: number;
  /** Failed: `<test> step <n> '<step>' <operation>: <error>`; skipped: the reason. */
  readonly detail?: string;
  /** Failed and listed in the known-failures file: its reason. */
  readonly knownReason?: string;
}

/** Tests whose base path is the case folder (a case folder may hold two Test documents, e.g. `-native` twins). */
function testsOf(report: ChainsawJsonReport, c: E2eCase) {
  return (report.tests ?? []).filter((t) => t.basePath !== undefined && path.resolve(t.basePath) === path.resolve(c.dir));
}

function firstFailure(test: NonNullable<ChainsawJsonReport['tests']>[number]): string {
  const steps = test.steps ?? [];
  const i = steps.findIndex((s) => s.status === 'failed');
  if (i < 0) return `${test.name ?? '?'}: failed (no failing step reported)`;
  const step = steps[i];
  const op = (step.operations ?? []).find((o) => o.status === 'failed');
  const error = op?.failure?.error?.trim() ?? '(no error text)';
  return `${test.name ?? '?'} step ${i + 1} '${step.name ?? ''}'${op ? ` ${op.type ?? ''}${op.name ? ` ${op.name}` : ''}` : ''}: ${error}`;
}

/**
 * Rows for `cases` in order. A run case missing from the report (chainsaw stopped, or its folder held no test
 * that the selector kept) is failed with that said. `ran` (the real-node mode runs R cases and not the others):
 * the cases run, and why the others were not; by default every case but the R ones ran.
 */
export function caseRows(
  cases: readonly E2eCase[], report: ChainsawJsonReport, knownFailures: ReadonlyMap<string, string> = new Map(),
  ran?: { keys: ReadonlySet<string>; otherReason: (c: E2eCase) => string | undefined },
): CaseRow[] {
  return cases.map((c): CaseRow => {
    if (ran && !ran.keys.has(c.key)) return { key: c.key, reach: c.reach, status: 'skipped', detail: ran.otherReason(c) };
    if (!ran && c.reach === 'R') return { key: c.key, reach: c.reach, status: 'skipped', detail: c.skipReason };
    const tests = testsOf(report, c).filter((t) => t.status !== 'skipped');
    const seconds = tests.reduce((sum, t) => {
      const ms = t.startTime && t.endTime ? Date.parse(t.endTime) - Date.parse(t.startTime) : 0;
      return sum + (Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0);
    }, 0);
    const failed = tests.find((t) => t.status !== 'passed');
    const base = { key: c.key, reach: c.reach, seconds: Math.round(seconds) };
    if (tests.length === 0) {
      return { ...base, status: 'failed', detail: 'chainsaw reported no test for this folder (interrupted, or the selector dropped it)', knownReason: knownFailures.get(c.key) };
    }
    if (failed) return { ...base, status: 'failed', detail: firstFailure(failed), knownReason: knownFailures.get(c.key) };
    return { ...base, status: 'passed' };
  });
}

export interface Totals {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Failed and not in the known-failures file: these fail CI. */
  readonly unexpected: number;
}

export function totals(rows: readonly CaseRow[]): Totals {
  const count = (s: RowStatus) => rows.filter((r) => r.status === s).length;
  return {
    passed: count('passed'), failed: count('failed'), skipped: count('skipped'),
    unexpected: rows.filter((r) => r.status === 'failed' && r.knownReason === undefined).length,
  };
}

function indent(text: string, prefix: string, maxLines: number): string {
  const lines = text.split('\n');
  const shown = lines.slice(0, maxLines).map((l) => prefix + l);
  if (lines.length > maxLines) shown.push(`${prefix}... (${lines.length - maxLines} more lines in the JSON report)`);
  return shown.join('\n');
}

/** The human report: per-suite counts, a row per case, and the plain last line `N passed, M failed, K skipped`. */
export function formatReport(rows: readonly CaseRow[], opts: { wallSeconds?: number; maxDiffLines?: number } = {}): string {
  const out: string[] = [];
  const suites = [...new Set(rows.map((r) => r.key.split('/')[0]))];
  for (const suite of suites) {
    const mine = rows.filter((r) => r.key.split('/')[0] === suite);
    const t = totals(mine);
    out.push(`${suite}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
    for (const r of mine) {
      const time = r.seconds !== undefined ? ` (${r.seconds}s)` : '';
      if (r.status === 'passed') out.push(`  PASS ${r.key} [${r.reach}]${time}`);
      else if (r.status === 'skipped') out.push(`  SKIP ${r.key}: ${r.detail ?? ''}`);
      else {
        out.push(`  FAIL ${r.key} [${r.reach}]${time}${r.knownReason ? ` (known: ${r.knownReason})` : ''}`);
        out.push(indent(r.detail ?? '', '       ', opts.maxDiffLines ?? 40));
      }
    }
  }
  const t = totals(rows);
  if (opts.wallSeconds !== undefined) out.push(`wall time ${Math.round(opts.wallSeconds)}s`);
  if (t.failed > 0) out.push(`${t.failed - t.unexpected} of the failures are listed in the known-failures file, ${t.unexpected} are not`);
  out.push(`${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
  return out.join('\n') + '\n';
}

function xml(text: string): string {
  // XML 1.0 cannot carry most control characters, not even escaped
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JUnit XML: a testsuite per upstream suite, a testcase per case; known failures are failures too (CI reads the exit code). */
export function junitXml(rows: readonly CaseRow[]): string {
  const suites = [...new Set(rows.map((r) => r.key.split('/')[0]))];
  const t = totals(rows);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="upstream-e2e" tests="${rows.length}" failures="${t.failed}" skipped="${t.skipped}">`];
  for (const suite of suites) {
    const mine = rows.filter((r) => r.key.split('/')[0] === suite);
    const s = totals(mine);
    out.push(`  <testsuite name="${xml(suite)}" tests="${mine.length}" failures="${s.failed}" skipped="${s.skipped}">`);
    for (const r of mine) {
      const name = r.key.slice(suite.length + 1) || r.key;
      const open = `    <testcase classname="${xml(suite)}" name="${xml(name)}" time="${r.seconds ?? 0}"`;
      if (r.status === 'passed') out.push(`${open}/>`);
      else if (r.status === 'skipped') out.push(`${open}><skipped message="${xml(r.detail ?? '')}"/></testcase>`);
      else {
        const message = r.knownReason ? `known failure: ${r.knownReason}` : (r.detail ?? '').split('\n')[0];
        out.push(`${open}><failure message="${xml(message)}">${xml(r.detail ?? '')}</failure></testcase>`);
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

/**
 * The known-failures file: one case a line, `<suite>/<case>  <reason>` (two or more spaces or a tab between), `#`
 * comments and blank lines ignored. Throws InvalidInputError on a line without a reason or a case named twice.
 */
export function parseKnownFailures(text: string, file = 'known-failures'): Map<string, string> {
  const out = new Map<string, string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\s+$/, '');
    if (!line.trim() || line.trim().startsWith('#')) return;
    const m = /^(\S+)(?:\t+|\s{2,})(\S.*)$/.exec(line);
    if (!m) throw new InvalidInputError(file, `line ${i + 1}`, `expected '<suite>/<case>  <reason>', got '${line}'`, 'put two spaces or a tab between the case and its reason');
    if (out.has(m[1])) throw new InvalidInputError(file, `line ${i + 1}`, `${m[1]} is listed twice`, 'keep one line per case');
    out.set(m[1], m[2]);
  });
  return out;
}

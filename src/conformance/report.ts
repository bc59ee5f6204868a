/**
 * Turning runs into rows, counts and JSON. Pure (returns strings; main.ts prints them).
 */
import { OutOfReach } from './out-of-reach';
import { Outcome, StepResult } from './runner';

export interface CaseReport {
  readonly suite: string;
  readonly name: string;
  /** The counted outcome: SKIP for out-of-reach and deselected cases. */
  readonly outcome: Outcome;
  /** What the static steps alone gave. */
  readonly staticOutcome: Outcome;
  /** Why the case is SKIP (out of reach, deselected, runner error). */
  readonly reason?: string;
  readonly outOfReach?: OutOfReach;
  readonly steps: ReadonlyArray<StepResult>;
  readonly notes: ReadonlyArray<string>;
}

export interface SuiteCount {
  passed: number;
  failed: number;
  skipped: number;
  /** out-of-reach cases whose static steps (objects and mutated pods) all matched */
  staticPasses: number;
  /** out-of-reach cases whose static steps failed (not counted as failed) */
  staticFailures: number;
}

export function decideCase(staticOutcome: Outcome, outOfReach: OutOfReach | undefined): Outcome {
  return outOfReach ? 'SKIP' : staticOutcome;
}

/** One row per case, then one per step. */
export function formatRows(report: CaseReport): string[] {
  const id = `${report.suite}/${report.name}`;
  const firstFailure = report.steps.find((s) => s.outcome === 'FAIL');
  let caseDetail = report.reason ?? '';
  if (report.outOfReach) caseDetail = `${report.outOfReach.reach}: ${report.outOfReach.reason} (static steps: ${report.staticOutcome})`;
  else if (firstFailure) caseDetail = `step ${firstFailure.index} ${firstFailure.name}: ${firstFailure.detail}`;
  const rows = [row(report.outcome, id, 'case', caseDetail)];
  for (const s of report.steps) rows.push(row(s.outcome, id, `step ${s.index} ${s.name}`, s.detail));
  for (const n of report.notes) rows.push(row('SKIP', id, 'note', n).replace(/^SKIP/, 'NOTE'));
  return rows;
}

function row(outcome: string, id: string, what: string, detail: string): string {
  return [outcome.padEnd(4), id, what, detail].filter((x) => x !== '').join('  ');
}

export function countBySuite(reports: ReadonlyArray<CaseReport>): Map<string, SuiteCount> {
  const out = new Map<string, SuiteCount>();
  for (const r of reports) {
    const c = out.get(r.suite) ?? { passed: 0, failed: 0, skipped: 0, staticPasses: 0, staticFailures: 0 };
    if (r.outcome === 'PASS') c.passed++;
    else if (r.outcome === 'FAIL') c.failed++;
    else c.skipped++;
    if (r.outOfReach && r.staticOutcome === 'FAIL') c.staticFailures++;
    if (r.outOfReach && r.staticOutcome === 'PASS') c.staticPasses++;
    out.set(r.suite, c);
  }
  return out;
}

/** Per-suite lines, then the last line `N passed, M failed`. */
export function formatSummary(reports: ReadonlyArray<CaseReport>): string[] {
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  for (const [suite, c] of countBySuite(reports)) {
    passed += c.passed;
    failed += c.failed;
    // An out-of-reach case still has its object and pod asserts checked; say how those went.
    const parts = [
      c.staticPasses ? `${c.staticPasses} of them match every static assert` : '',
      c.staticFailures ? `${c.staticFailures} skipped case(s) failed a static step` : '',
    ].filter((x) => x);
    const extra = parts.length ? ` (${parts.join('; ')})` : '';
    lines.push(`${suite}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${extra}`);
  }
  lines.push(`${passed} passed, ${failed} failed`);
  return lines;
}

export function toJson(reports: ReadonlyArray<CaseReport>): unknown {
  const counts = Object.fromEntries(countBySuite(reports));
  return {
    passed: reports.filter((r) => r.outcome === 'PASS').length,
    failed: reports.filter((r) => r.outcome === 'FAIL').length,
    skipped: reports.filter((r) => r.outcome === 'SKIP').length,
    suites: counts,
    cases: reports.map((r) => ({
      suite: r.suite,
      name: r.name,
      outcome: r.outcome,
      staticOutcome: r.staticOutcome,
      reason: r.reason ?? (r.outOfReach ? `${r.outOfReach.reach}: ${r.outOfReach.reason}` : undefined),
      steps: r.steps,
      notes: r.notes,
    })),
  };
}

/**
 * Evaluates cases into reports: deselection (skip, sidecar twins), the static run, the out-of-reach
 * classification. Pure apart from the `readFile` inside the options.
 */
import { ConformanceCase, deselectionReason } from './cases';
import { outOfReach } from './out-of-reach';
import { CaseReport, decideCase } from './report';
import { RunOptions, runTest } from './runner';
import { OperatorFlags } from './simulator';

/**
 * Flags upstream's CI adds to the operator for a suite (its e2e workflow runs `add-operator-arg` before those
 * groups); every other suite runs the operator with its defaults.
 */
export const SUITE_OPERATOR_FLAGS: Readonly<Record<string, OperatorFlags>> = {
  'e2e-metadata-filters': { annotationsFilter: ['.*filter.out', 'config.*.gke.io.*'], labelsFilter: ['.*filter.out'] },
};

export function evaluateCase(c: ConformanceCase, opts: RunOptions): CaseReport {
  const deselected = deselectionReason(c.test, Number(opts.serverVersion.minor));
  if (deselected) {
    return { suite: c.suite, name: c.name, outcome: 'SKIP', staticOutcome: 'SKIP', reason: deselected, steps: [], notes: [] };
  }
  const reach = outOfReach(c.suite, c.name);
  try {
    const flags = SUITE_OPERATOR_FLAGS[c.suite];
    const run = runTest(c.test, flags ? { ...opts, operatorFlags: { ...opts.operatorFlags, ...flags } } : opts);
    return {
      suite: c.suite,
      name: c.name,
      outcome: decideCase(run.outcome, reach),
      staticOutcome: run.outcome,
      outOfReach: reach,
      reason: run.outcome === 'SKIP' && !reach ? 'no step could be checked statically' : undefined,
      steps: run.steps,
      notes: run.notes,
    };
  } catch (e) {
    // a defect of the runner or of the injected functions: reported on the case, the other cases still run
    const message = `runner error: ${(e as Error).stack ?? String(e)}`.split('\n').slice(0, 4).join(' | ');
    return { suite: c.suite, name: c.name, outcome: 'FAIL', staticOutcome: 'FAIL', reason: message, steps: [], notes: [] };
  }
}

/**
 * `npm run conformance [-- --suite e2e,e2e-pdb] [--case name] [--json out.json] [--strict]`
 *
 * Static conformance against upstream's chainsaw e2e data: every case of the covered suites is run against
 * a simulated cluster in which the operator's pure functions (src/operator/contract.ts, through wiring.ts) play the operator and the pod
 * webhook. The I/O lives here: finding and reading files, printing, writing JSON, the exit code.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { ConformanceCase, SUITES, casesFromFile } from './cases';
import { evaluateCase } from './conformance';
import { CaseReport, formatRows, formatSummary, toJson } from './report';
import { RunOptions } from './runner';
import { operatorUnderTest } from './wiring';

const repoRoot = path.resolve(__dirname, '..', '..');

export function upstreamDir(): string {
  return process.env.UPSTREAM_E2E_DIR ?? path.resolve(repoRoot, '../shared/upstream-e2e');
}

/** All `chainsaw-test.yaml` files under a suite folder, as [folder relative to the suite, absolute path]. */
export function findTestFiles(suiteDir: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'chainsaw-test.yaml') out.push([path.relative(suiteDir, dir).split(path.sep).join('/'), full]);
    }
  };
  walk(suiteDir);
  return out;
}

/** Loads every case of the given suites; a file that does not parse becomes an error, not a crash. */
export function loadCases(root: string, suites: ReadonlyArray<string>): { cases: ConformanceCase[]; errors: string[] } {
  const cases: ConformanceCase[] = [];
  const errors: string[] = [];
  for (const suite of suites) {
    const suiteDir = path.join(root, suite);
    if (!fs.existsSync(suiteDir)) {
      errors.push(`${suite}: no such suite folder ${suiteDir}`);
      continue;
    }
    for (const [rel, file] of findTestFiles(suiteDir)) {
      try {
        cases.push(...casesFromFile(suite, rel, file, fs.readFileSync(file, 'utf8'), (p) => fs.readFileSync(p, 'utf8')));
      } catch (e) {
        errors.push(`${suite}/${rel}: ${(e as Error).message}`);
      }
    }
  }
  return { cases, errors };
}

interface CliOptions {
  suite?: string;
  case?: string;
  json?: string;
  strict?: boolean;
  keepGoing?: boolean;
  quiet?: boolean;
  kubeVersion: string;
  collectorVersion: string;
  namespace: string;
}

export function main(argv: string[]): number {
  const program = new Command()
    .name('conformance')
    .description('Static conformance of the operator\'s output against upstream\'s chainsaw e2e data')
    .option('--suite <list>', `comma-separated suites (default: ${SUITES.join(',')})`)
    .option('--case <name>', 'only cases whose name contains this text')
    .option('--json <file>', 'write a machine-readable result')
    .option('--strict', 'exit 1 when a case fails')
    .option('--keep-going', 'run the steps after a failing one (chainsaw stops)')
    .option('--quiet', 'print case rows only, not step rows')
    .option('--kube-version <major.minor>', 'Kubernetes version the simulated cluster reports', '1.31')
    .option('--collector-version <v>', 'collector version the operator logs', '0.158.0')
    .option('--namespace <ns>', 'namespace chainsaw would create for each test', 'chainsaw-test')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const o = program.opts<CliOptions>();
  const suites = o.suite ? o.suite.split(',').map((s) => s.trim()).filter(Boolean) : [...SUITES];
  const [major, minor] = o.kubeVersion.split('.');
  if (!major || !minor || Number.isNaN(Number(minor))) {
    throw new Error(`--kube-version: expected <major>.<minor> such as 1.31, got ${JSON.stringify(o.kubeVersion)}`);
  }
  const root = upstreamDir();
  const { cases, errors } = loadCases(root, suites);
  const selected = cases.filter((c) => !o.case || c.name.includes(o.case) || `${c.suite}/${c.name}`.includes(o.case));
  for (const e of errors) console.log(`ERROR ${e}`);
  const opts: RunOptions = {
    ...operatorUnderTest({ nativeSidecars: Number(minor) >= 29 }),
    namespace: o.namespace,
    serverVersion: { major, minor },
    collectorVersion: o.collectorVersion,
    readFile: (p) => fs.readFileSync(p, 'utf8'),
    keepGoing: o.keepGoing,
  };
  const reports: CaseReport[] = [];
  for (const c of selected) {
    const report = evaluateCase(c, opts);
    reports.push(report);
    const rows = formatRows(report);
    for (const line of o.quiet ? rows.slice(0, 1) : rows) console.log(line);
  }
  console.log('');
  for (const line of formatSummary(reports)) console.log(line);
  if (o.json) fs.writeFileSync(o.json, `${JSON.stringify({ upstream: root, loadErrors: errors, ...toJson(reports) as object }, null, 2)}\n`);
  const failed = reports.some((r) => r.outcome === 'FAIL') || errors.length > 0;
  return o.strict && failed ? 1 : 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message?: string };
    if (err.code?.startsWith('commander.')) {
      process.exitCode = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
    } else {
      console.error(`conformance: ${err.message ?? String(e)}`);
      process.exitCode = 2;
    }
  }
}

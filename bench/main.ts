/**
 * `npm run bench [-- --quick] [-- --only <name>]`: runs the registered benchmarks, prints their tables and writes
 * JSON results under bench/results/ (git-ignored). Add a benchmark by adding an entry to BENCHES.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runAllocatorBench } from './allocator';
import { runHttpBench } from './http';
import { runRelabelBench } from './relabel';
import { runReloadBench } from './reload';
import { runRenderBench } from './render';
import { runWebhookBench } from './webhooks';

export interface BenchContext {
  readonly quick: boolean;
  readonly log: (line: string) => void;
}

/** A benchmark returns JSON-able results; the runner stores them as bench/results/<name>.json. */
type Bench = (ctx: BenchContext) => Promise<unknown>;

const BENCHES: Record<string, Bench> = {
  allocator: runAllocatorBench,
  render: runRenderBench,
  relabel: runRelabelBench,
  reload: runReloadBench,
  http: runHttpBench,
  webhooks: runWebhookBench,
};

async function main(argv: string[]): Promise<number> {
  const quick = argv.includes('--quick');
  const onlyIndex = argv.indexOf('--only');
  const only = onlyIndex >= 0 ? argv[onlyIndex + 1] : undefined;
  if (only !== undefined && !BENCHES[only]) {
    process.stderr.write(`unknown benchmark ${JSON.stringify(only)}; known: ${Object.keys(BENCHES).join(', ')}\n`);
    return 2;
  }
  const resultsDir = path.join(__dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  for (const [name, bench] of Object.entries(BENCHES)) {
    if (only && only !== name) continue;
    const started = Date.now();
    process.stdout.write(`\n## ${name}${quick ? ' (quick)' : ''}\n`);
    const results = await bench({ quick, log: (line) => process.stdout.write(`${line}\n`) });
    const file = path.join(resultsDir, `${name}.json`);
    writeFileSync(file, `${JSON.stringify({ name, quick, node: process.version, date: new Date().toISOString(), results }, null, 2)}\n`);
    process.stdout.write(`\n${name}: ${((Date.now() - started) / 1000).toFixed(1)}s, results in ${path.relative(process.cwd(), file)}\n`);
  }
  return 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});

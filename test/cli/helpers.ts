import { Readable } from 'node:stream';
import { main } from '../../src/cli/main';

/** What one `cdk8s-otel` call returned and printed. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `cdk8s-otel ARGS` in-process with `stdin` as standard input, capturing both outputs. */
export async function runCli(args: string[], stdin = ''): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(['node', 'cdk8s-otel', ...args], {
    stdin: Readable.from([stdin]),
    stdout: (t) => { out += t; },
    stderr: (t) => { err += t; },
  });
  return { code, out, err };
}

import * as fs from 'node:fs';
import { stringify } from 'yaml';

/** Exit codes shared by every command: 0 success, 1 invalid input, 2 wrong usage. */
export const EXIT_OK = 0;
export const EXIT_INVALID_INPUT = 1;
export const EXIT_USAGE = 2;

/** Where a command reads and writes; tests pass their own. */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const processIo: CliIo = {
  stdin: process.stdin,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/** A problem with how the command was called (exit code 2), as opposed to bad input (exit code 1). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Reads FILE, or standard input when FILE is `-`. A missing file is a usage error: the path is wrong. */
export async function readInput(file: string, io: CliIo): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks).toString('utf8');
  }
  if (!fs.existsSync(file)) throw new UsageError(`file not found: ${file} (give a path to a YAML file, or - for stdin)`);
  if (fs.statSync(file).isDirectory()) throw new UsageError(`${file} is a directory; give one YAML file, or - for stdin`);
  return fs.readFileSync(file, 'utf8');
}

export const OUTPUT_FORMATS = ['yaml', 'json'] as const;
export type OutputFormat = typeof OUTPUT_FORMATS[number];

export function parseOutputFormat(value: string | undefined): OutputFormat {
  const v = value ?? 'yaml';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(v)) {
    throw new UsageError(`-o/--output must be one of ${OUTPUT_FORMATS.join(', ')}, got '${v}'`);
  }
  return v as OutputFormat;
}

/**
 * Objects as `kubectl get -o yaml|json` prints several: YAML documents separated by `---`, or one `v1 List`.
 */
export function formatObjects(objects: readonly object[], format: OutputFormat): string {
  if (format === 'json') return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2) + '\n';
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

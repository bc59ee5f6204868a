import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { InvalidInputError } from '../common/errors';

/** Exit codes shared by every command: 0 success, 1 invalid input, 2 wrong usage (see {@link EXIT_CODES_HELP}). */
export const EXIT_OK = 0;
export const EXIT_INVALID_INPUT = 1;
export const EXIT_USAGE = 2;

/**
 * The one exit-code rule of every command, as `--help` prints it (the README says the same). `render` and
 * `inject` preview the operator: what it would accept (deploy, admit) is printed with its complaints as warnings.
 */
export const EXIT_CODES_HELP = `Exit codes (the same for every command):
  0  done: the output is complete; warnings, if any, are on stderr. render and inject print what the
     operator would do, so what it accepts with a complaint (a config with no pipelines or naming a
     component it does not define, a pod left uninstrumented) is a warning
  1  invalid input: the content cannot be used (bad YAML, a schema error, an unknown kind of
     opentelemetry.io, a duplicate resource, nothing to act on) or, with --strict, any warning; one line on
     stderr names the file or resource, the field and the fix, and nothing is printed on stdout
  2  wrong usage: an unknown command or option, a missing or bad option value, or a file or folder that
     does not exist or cannot be read
`;

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

/** One input file: its name in messages and its text. */
export interface InputFile {
  readonly source: string;
  readonly text: string;
}

/** The file names `-f DIR` reads, as `kubectl apply -f DIR` does (not recursive). */
const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/**
 * Reads FILE, every manifest (`*.yaml`, `*.yml`, `*.json`) of folder FILE in name order as kubectl does, or
 * standard input when FILE is `-`. A path that does not exist or cannot be read is a usage error (exit 2).
 */
export async function readInputs(file: string, io: CliIo): Promise<InputFile[]> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return [{ source: '<stdin>', text: Buffer.concat(chunks).toString('utf8') }];
  }
  const stat = statOf(file);
  if (!stat.isDirectory()) return [{ source: file, text: readTextFile(file) }];
  const names = fs.readdirSync(file).filter((n) => MANIFEST_EXTENSIONS.includes(path.extname(n)) && statOf(path.join(file, n)).isFile()).sort();
  if (names.length === 0) {
    throw new UsageError(`${file} is a folder with no ${MANIFEST_EXTENSIONS.map((e) => `*${e}`).join(', ')} files (give a folder of manifests, a YAML file, or - for stdin)`);
  }
  return names.map((n) => ({ source: path.join(file, n), text: readTextFile(path.join(file, n)) }));
}

/** Reads one file (`-` is standard input); see {@link readInputs}. */
export async function readInput(file: string, io: CliIo): Promise<string> {
  const stat = file === '-' ? undefined : statOf(file);
  if (stat?.isDirectory()) throw new UsageError(`${file} is a folder; give one file, or - for stdin`);
  return (await readInputs(file, io))[0].text;
}

function statOf(file: string): fs.Stats {
  try {
    return fs.statSync(file);
  } catch (e) {
    throw new UsageError(fileProblem(file, e));
  }
}

/** Reads a file; a path that does not exist or cannot be read is a {@link UsageError}. */
export function readTextFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(fileProblem(file, e));
  }
}

function fileProblem(file: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `file not found: ${file} (check the path)`;
  if (code === 'EISDIR') return `${file} is a folder (give a file)`;
  if (code === 'EACCES' || code === 'EPERM') return `cannot read ${file}: permission denied (check the file's permissions)`;
  return `cannot read ${file}: ${code ?? (e as Error).message} (check the path and the permissions)`;
}

/** Longest message printed; a huge scalar quoted in an error must not flood the terminal. */
const MAX_MESSAGE_LENGTH = 2000;

/**
 * Prints an error as one line `<command>: <message>` and returns its exit code: 2 for a {@link UsageError}, else 1.
 * An error that is not an `InvalidInputError` is a bug of ours met on this input; it is still one line (no stack
 * trace; CDK8S_OTEL_DEBUG=1 prints it), so that no input makes a command print a stack trace.
 */
export function reportError(command: string, e: unknown, io: Pick<CliIo, 'stderr'>): number {
  const err = e instanceof Error ? e : new Error(String(e));
  const known = err instanceof UsageError || err instanceof InvalidInputError;
  let message = oneLine(known ? err.message : `internal error: ${err.message || err.name} (please report it with the input; CDK8S_OTEL_DEBUG=1 prints the stack)`);
  if (message.length > MAX_MESSAGE_LENGTH) message = `${message.slice(0, MAX_MESSAGE_LENGTH / 2)} … ${message.slice(-MAX_MESSAGE_LENGTH / 2)}`;
  io.stderr(`${command}: ${message}\n`);
  if (!known && process.env.CDK8S_OTEL_DEBUG) io.stderr(`${err.stack}\n`);
  return err instanceof UsageError ? EXIT_USAGE : EXIT_INVALID_INPUT;
}

/** Collapses line breaks (YAML errors quote the offending lines) into one line. */
export function oneLine(text: string): string {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l).join(' ');
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

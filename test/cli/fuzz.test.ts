/**
 * Issue 14 #7: no input may make a command print a stack trace. The parsers of `render`, `inject` and
 * `target-allocator` get random bytes, random YAML-ish token soup, deep nesting, alias bombs and huge scalars;
 * each must exit 1 with exactly one line on stderr and nothing on stdout. The seed is fixed and the count
 * bounded, so a failure reproduces and the run stays short.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './helpers';

const SEED = 0x14;
const RANDOM_CASES = 25;

/** mulberry32: a small seeded PRNG, so the inputs are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(SEED);
const int = (n: number) => Math.floor(random() * n);

const TOKENS = [
  '{', '}', '[', ']', ':', ': ', '- ', ' ', '  ', '\n', '\n  ', '&a ', '*a', '&b ', '*b', '!!str ', '!!map ', '!custom ', '|', '>-', '"', '\'', '#',
  '---\n', '...\n', '? ', ',', 'apiVersion: ', 'kind: ', 'opentelemetry.io/v1beta1', 'opentelemetry.io/v1alpha1', 'v1', 'apps/v1',
  'OpenTelemetryCollector', 'TargetAllocator', 'Instrumentation', 'Deployment', 'Pod', 'metadata', 'spec', 'name', 'config',
  'collectors', 'scrape_configs', 'x', '0x1F', '1e999', '-0', '.nan', '~', 'null', 'true', '<<: ', '%YAML 1.2\n', '%TAG ! tag:x,2000:\n',
  '\t', '\r\n', '\u0000', '\ufeff', '\u2028', 'é', '😀', '\\', '%', '@', '`',
];

function randomBytes(): Buffer {
  return Buffer.from(Array.from({ length: int(600) }, () => int(256)));
}

function tokenSoup(): string {
  return Array.from({ length: 1 + int(80) }, () => TOKENS[int(TOKENS.length)]).join('');
}

const deep = (open: string, close: string, depth: number) => open.repeat(depth) + close.repeat(depth);

/** Inputs built to hurt a parser: deep nesting, aliases, huge scalars. Each is invalid for every command. */
const CRAFTED: Array<[string, string]> = [
  ['flow sequences nested 5000 deep', deep('[', ']', 5000)],
  ['flow mappings nested 5000 deep', deep('{a: ', '}', 5000)],
  ['block mappings nested 400 deep', Array.from({ length: 400 }, (_, i) => `${'  '.repeat(i)}a:`).join('\n') + ' 1\n'],
  ['block sequences nested 400 deep', Array.from({ length: 400 }, (_, i) => `${'  '.repeat(i)}-`).join('\n') + ' 1\n'],
  ['a name nested 3000 deep', `apiVersion: opentelemetry.io/v1beta1\nkind: OpenTelemetryCollector\nmetadata:\n  name: ${deep('[', ']', 3000)}\n`],
  ['a pod name nested 3000 deep', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${deep('{a: ', '}', 3000)}\nspec: {containers: [{name: a}]}\n`],
  ['billion laughs', ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n') + '\n'],
  ['billion laughs in a collector spec', `apiVersion: opentelemetry.io/v1beta1\nkind: OpenTelemetryCollector\nmetadata: {name: x}\nspec:\n  config:\n    a: &a [x,x,x,x,x,x,x,x,x,x]\n` +
    Array.from({ length: 8 }, (_, i) => `    l${i}: &l${i} [${Array(10).fill(i === 0 ? '*a' : `*l${i - 1}`).join(',')}]`).join('\n') + '\n'],
  ['merge-key bomb', 'a: &a {k: v}\n' + Array.from({ length: 8 }, (_, i) => `m${i}: &m${i}\n  <<: [${Array(10).fill(i === 0 ? '*a' : `*m${i - 1}`).join(', ')}]`).join('\n') + '\n'],
  ['an alias to an undefined anchor', 'apiVersion: v1\nkind: *nowhere\n'],
  ['a self-referencing anchor', 'a: &a [1, *a]\n'],
  ['a 2 MB name', `apiVersion: opentelemetry.io/v1beta1\nkind: OpenTelemetryCollector\nmetadata: {name: ${'n'.repeat(2_000_000)}}\nspec: {config: {}}\n`],
  ['a 2 MB pod name', `apiVersion: v1\nkind: Pod\nmetadata: {name: ${'p'.repeat(2_000_000)}}\nspec: {containers: [{name: a, image: a}]}\n`],
  ['a 200000-digit number as the document', '9'.repeat(200_000) + '\n'],
  ['a 1 MB key', `${'k'.repeat(1_000_000)}: v\n`],
  ['a 1 MB plain scalar with an unclosed quote', `"${'q'.repeat(1_000_000)}\n`],
  ['a 1 MB apiVersion', `apiVersion: ${'v'.repeat(1_000_000)}\nkind: Pod\nmetadata: {name: p}\n`],
];

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-fuzz-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
async function run(command: string, content: string | Buffer): Promise<{ code: number; out: string; err: string }> {
  const file = path.join(dir, `input-${fileCount++}.yaml`);
  fs.writeFileSync(file, content);
  const args = command === 'target-allocator' ? [command, '--config', file, '--listen', '127.0.0.1:0'] : [command, '-f', file];
  return runCli(args);
}

function expectOneLineError(r: { code: number; out: string; err: string }, what: string): void {
  const summary = `${what}: exit ${r.code}, stderr ${JSON.stringify(r.err.slice(0, 300))}`;
  expect({ summary, code: r.code, out: r.out.slice(0, 200), lines: r.err.split('\n').length, endsWithNewline: r.err.endsWith('\n') })
    .toEqual({ summary, code: 1, out: '', lines: 2, endsWithNewline: true });
  expect(r.err).not.toMatch(/\n\s+at /);
}

const COMMANDS = ['render', 'inject', 'target-allocator'];

describe.each(COMMANDS)('%s: no input prints a stack trace', (command) => {
  test(`${RANDOM_CASES} random byte strings (seed ${SEED})`, async () => {
    for (let i = 0; i < RANDOM_CASES; i++) {
      const bytes = randomBytes();
      expectOneLineError(await run(command, bytes), `bytes ${bytes.toString('base64').slice(0, 60)}`);
    }
  });

  test(`${RANDOM_CASES} random YAML token soups (seed ${SEED})`, async () => {
    for (let i = 0; i < RANDOM_CASES; i++) {
      const text = tokenSoup();
      expectOneLineError(await run(command, text), `soup ${JSON.stringify(text)}`);
    }
  });

  test.each(CRAFTED)('%s', async (what, text) => {
    expectOneLineError(await run(command, text), what);
  });
});

// Issue 14, friction: a typedCollectorConfig naming an undefined id must not compile, and the compiler's message
// must name the id and the section to define it in (it used to say "Type 'string' is not assignable to type 'never'").
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const MODULE = path.resolve(__dirname, '../../src/constructs/collector/collector-config');

/** Compiles `body` (after an import of typedCollectorConfig) and returns the error messages. */
function compileErrors(body: string): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-config-'));
  const file = path.join(dir, 'app.ts');
  fs.writeFileSync(file, `import { typedCollectorConfig } from ${JSON.stringify(MODULE)};\n${body}\n`);
  const program = ts.createProgram([file], {
    strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, noEmit: true, skipLibCheck: true, types: ['node'],
  });
  return ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

test('valid ids compile; each undefined id is named with its section', () => {
  const errors = compileErrors(`
typedCollectorConfig({
  receivers: { otlp: {} }, exporters: { debug: {} }, processors: { memory_limiter: {} }, connectors: { spanmetrics: {} },
  extensions: { health_check: {} },
  service: {
    extensions: ['health_check'],
    pipelines: {
      traces: { receivers: ['otlp'], processors: ['memory_limiter'], exporters: ['debug', 'spanmetrics'] },
      metrics: { receivers: ['spanmetrics'], exporters: ['debug'] },
    },
  },
});
typedCollectorConfig({
  receivers: { otlp: {} }, exporters: { debug: {} },
  service: { pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['debug'] } } },
});
typedCollectorConfig({
  receivers: { otlp: {} }, exporters: { debug: {} }, processors: { memory_limiter: {} }, extensions: { health_check: {} },
  service: { extensions: ['health_check', 'pprof'], pipelines: { t: { receivers: ['zipkin'], processors: ['memory_limiter'], exporters: ['debug'] } } },
});`);
  expect(errors).toEqual([
    'Type \'"batch"\' is not assignable to type \'"\\"batch\\" is not defined: add it under processors"\'.',
    'Type \'"pprof"\' is not assignable to type \'"health_check" | "\\"pprof\\" is not defined: add it under extensions"\'.',
    'Type \'"zipkin"\' is not assignable to type \'"\\"zipkin\\" is not defined: add it under receivers (or connectors)"\'.',
  ]);
}, 60_000);

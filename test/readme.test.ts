import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

// The tour in README.md is run as written (against the sources instead of the package), so it cannot rot.
test('the README tour runs and synthesizes the gateway collector', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme);
  expect(block).not.toBeNull();
  const source = block![1].replace("app.synth();", 'result.objects = chart.toJson();');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const result: { objects?: any[] } = {};
  const localRequire = (id: string) => (id === 'cdk8s-otel' ? require('../src') : require(id));
  new Function('require', 'result', 'exports', js)(localRequire, result, {});
  const objects = result.objects ?? [];
  expect(objects.find((o) => o.kind === 'Deployment')?.metadata).toMatchObject({ name: 'gateway-collector', namespace: 'observability' });
  expect(objects.some((o) => o.kind === 'ConfigMap' && /^gateway-collector-[0-9a-f]{8}$/.test(o.metadata.name))).toBe(true);
});

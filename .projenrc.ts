import { typescript, javascript } from 'projen';

// Node rule (spec/ecosystem-style.md §6): this project runs on Node 20.20, so every dependency is
// pinned to a line that supports it: @kubernetes/client-node 1.4.x, commander 14.
const project = new typescript.TypeScriptProject({
  name: 'cdk8s-otel',
  description:
    'The OpenTelemetry Operator for Kubernetes as cdk8s constructs, a CLI and a runtime operator',
  license: 'Apache-2.0',
  copyrightOwner: 'cdk8s-otel authors',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  typescriptVersion: '~5.9.0',
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.19.0',
  github: false,
  release: false,
  eslint: false,
  prettier: false,
  depsUpgrade: false,
  sampleCode: false,
  entrypoint: 'lib/src/index.js',
  entrypointTypes: 'lib/src/index.d.ts',
  bin: { 'cdk8s-otel': 'bin/cdk8s-otel' },
  deps: [
    'cdk8s@^2.70.0',
    'cdk8s-plus-28@^2.5.6',
    'constructs@^10.4.0',
    'yaml@^2.9.1',
    'ajv@^8.20.0',
    'ajv-formats@^3.0.1',
    'commander@^14.0.3',
    'pino@^10.0.0',
    'prom-client@^15.1.3',
    'fast-json-patch@^3.1.1',
    '@peculiar/x509@^2.0.0',
    'selfsigned@^5.5.0',
    '@jmespath-community/jmespath@^1.3.0',
    '@kubernetes/client-node@~1.4.0',
    'xxhash-wasm@^1.1.0',
    // relabel regexes run as RE2 in linear time, as Prometheus runs them (pure JS, no native build)
    're2js@^2.10.0',
    // @peculiar/x509 needs it at run time and reaches it only through selfsigned otherwise
    'reflect-metadata@^0.2.2',
  ],
  devDeps: ['cdk8s-cli@^2.207.0', '@types/node@^20'],
  jestOptions: {
    passWithNoTests: false,
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      collectCoverage: false,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integration/'],
    },
  },
  tsconfig: {
    compilerOptions: {
      rootDir: '.',
      outDir: 'lib',
      lib: ['es2022'],
      target: 'ES2022',
      skipLibCheck: true,
    },
    include: ['src/**/*.ts', 'imports/**/*.ts', 'examples/**/*.ts'],
  },
  tsconfigDev: {
    compilerOptions: {
      rootDir: '..',
      lib: ['es2022'],
      target: 'ES2022',
      skipLibCheck: true,
      // ts-jest then transpiles file by file; `npm run typecheck` checks the whole tree at once.
      isolatedModules: true,
    },
    include: ['**/*.ts', '../src/**/*.ts', '../imports/**/*.ts', '../examples/**/*.ts', '../bench/**/*.ts', '../scripts/**/*.ts'],
  },
  gitignore: ['/dist/', '/.cache/', '/bench/results/'],
});

// ts-jest without type-checking per file: `npm run typecheck` checks the whole tree once.
project.package.addField('engines', { node: '>=20.19.0' });
// Only test/**/*.test.ts are tests: projen's default patterns would also pick up src files named spec.ts.
project.package.file.addOverride('jest.testMatch', ['<rootDir>/test/**/*.test.ts']);

project.addTask('typecheck', { exec: 'tsc --noEmit -p test/tsconfig.json' });
project.addTask('import', {
  description: 'Regenerate imports/ from our own CRDs (cdk8s import)',
  exec: 'ts-node --transpile-only scripts/import-crds.ts',
});
project.addTask('synth', {
  description: 'Synthesize the example app into dist/',
  exec: 'ts-node --transpile-only examples/main.ts',
});
project.addTask('conformance', {
  description: 'Static conformance against ../shared/upstream-e2e',
  exec: 'ts-node --transpile-only src/conformance/main.ts',
  receiveArgs: true,
});
project.addTask('test:integration', {
  description: 'Integration tests against a real kube-apiserver',
  exec: 'jest --config jest.integration.config.js --runInBand',
  receiveArgs: true,
});
project.testTask.reset('jest --ci', { receiveArgs: true });

project.addTask('bench', {
  description: 'Benchmarks (prints figures)',
  exec: 'ts-node --transpile-only bench/main.ts',
  receiveArgs: true,
});

project.synth();

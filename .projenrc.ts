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
  // Package hygiene (issue 8): cdk8s and constructs are the app's own, one copy for the app and us, as in
  // cdk8s-plus (projen also adds them to devDependencies at the lowest version, so we build against it).
  peerDeps: ['cdk8s@^2.70.0', 'constructs@^10.4.0'],
  deps: [
    'cdk8s-plus-28@^2.5.6',
    'yaml@^2.9.1',
    'ajv@^8.20.0',
    'ajv-formats@^3.0.1',
    'commander@^14.0.3',
    'prom-client@^15.1.3',
    'fast-json-patch@^3.1.1',
    '@peculiar/x509@^2.0.0',
    '@kubernetes/client-node@~1.4.0',
    'xxhash-wasm@^1.1.0',
    // relabel regexes run as RE2 in linear time, as Prometheus runs them (pure JS, no native build)
    're2js@^2.10.0',
    // @peculiar/x509 needs a Reflect metadata polyfill at run time (src/devcluster/certs.ts loads it)
    'reflect-metadata@^0.2.2',
  ],
  // selfsigned makes the tests' certificates; jmespath evaluates the conformance runner's asserts, which are
  // not in the package (see the README's "What the package holds")
  devDeps: ['cdk8s-cli@^2.207.0', '@types/node@^20', 'selfsigned@^5.5.0', '@jmespath-community/jmespath@^1.3.0'],
  // the package tarball of `npm run build`, apart from dist/ where `npm run synth` writes the example app
  artifactsDirectory: 'artifacts',
  jestOptions: {
    passWithNoTests: false,
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      collectCoverage: false,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integration/', '<rootDir>/test/real-node/'],
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
  gitignore: ['/dist/', '/artifacts/', '/.cache/', '/bench/results/'],
});

// ts-jest without type-checking per file: `npm run typecheck` checks the whole tree once.
project.package.addField('engines', { node: '>=20.19.0' });
// Only test/**/*.test.ts are tests: projen's default patterns would also pick up src files named spec.ts.
project.package.file.addOverride('jest.testMatch', ['<rootDir>/test/**/*.test.ts']);

project.addTask('typecheck', { exec: 'tsc --noEmit -p test/tsconfig.json' });

// The bin runs compiled JavaScript: `npm ci`/`npm install` in a clone, and `npm pack`, build lib/ first.
project.addTask('prepare', { description: 'Compile lib/ (run by npm on install in a clone and before pack)', exec: 'tsc --build' });
// tsc leaves the outputs of moved or deleted sources behind: the package is built from an empty lib/
project.addTask('prepack', { description: 'Empty lib/ so that prepare builds the package from scratch', exec: 'rm -rf lib' });
// What the package holds: what users run (the library and the CLI), not the tooling of this repository
// (tests, conformance runner, examples, scripts, Go tools). An allowlist, so nothing new slips in.
project.package.addField('files', ['bin/', 'lib/src/**/*.js', 'lib/src/**/*.d.ts', 'lib/imports/**/*.js', 'lib/imports/**/*.d.ts', '!lib/src/conformance/', '!lib/src/e2e/']);
project.addTask('test:consumer', {
  description: 'Pack the package, install it into a temp app, compile with TypeScript 5.9 and the latest, synth, run the bin',
  exec: 'bash scripts/consumer-test.sh',
});
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
  description: 'Integration tests against a real kube-apiserver (builds the binaries it lacks first, with progress)',
  exec: 'bash scripts/build-control-plane.sh >&2 && bash scripts/build-otelcol.sh >&2 && jest --config jest.integration.config.js --runInBand',
  receiveArgs: true,
});
project.addTask('test:real-node', {
  description: 'Tests only a real node can run (kubelet + containerd in a network namespace; root, Linux): builds what it lacks, prints one count line, or one line saying why the node cannot run',
  exec: 'bash scripts/test-real-node.sh',
  receiveArgs: true,
});
project.testTask.reset('jest --ci', { receiveArgs: true });
project.addTask('e2e', {
  description: 'Upstream\'s chainsaw suite, unchanged, against our operator on a dev cluster with kwok (npm run e2e -- --include GLOB)',
  exec: 'ts-node --transpile-only src/e2e/main.ts',
  receiveArgs: true,
});

project.addTask('image', {
  description: 'Build the operator image as an OCI archive, no Docker needed (scripts/build-image.sh)',
  exec: 'bash scripts/build-image.sh',
  receiveArgs: true,
});

project.addTask('bench', {
  description: 'Benchmarks (prints figures)',
  exec: 'ts-node --transpile-only bench/main.ts',
  receiveArgs: true,
});

project.synth();

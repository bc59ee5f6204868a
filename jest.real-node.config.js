// Tests that only a real node can run (see docs/real-node.md): a control plane, a real kubelet + containerd node
// in a network namespace of our own, the local registry and our operator. Run with `npm run test:real-node`.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/real-node/**/*.real-node.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }],
  },
  testEnvironment: 'node',
  // pods pull images, start JVMs and send telemetry on 2 shared cores
  testTimeout: 600000,
  maxWorkers: 1,
  collectCoverage: false,
  verbose: true,
  reporters: ['default'],
};

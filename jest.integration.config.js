// Integration tests against a real kube-apiserver (see docs/real-control-plane.md).
// Run with `npm run test:integration` (jest --config jest.integration.config.js --runInBand).
/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/integration/**/*.integ.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }],
  },
  testEnvironment: 'node',
  // Starting a control plane takes seconds to tens of seconds on 2 cores; pods on kwok nodes take longer.
  testTimeout: 180000,
  maxWorkers: 1,
  collectCoverage: false,
  verbose: true,
  reporters: ['default'],
};

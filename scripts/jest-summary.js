#!/usr/bin/env node
// Prints jest's --json result as one plain closing line: "<label>: N passed, M failed, K skipped".
// Exits 1 when the file is missing, no test ran, or any test failed, so CI can never pass on zero tests.
const fs = require('fs');
const [file, label = 'tests'] = process.argv.slice(2);
if (!file || !fs.existsSync(file)) {
  console.error(`jest-summary: no result file ${file ?? '(none given)'}; did jest crash before writing it?`);
  process.exit(1);
}
const r = JSON.parse(fs.readFileSync(file, 'utf8'));
const skipped = r.numPendingTests + (r.numTodoTests ?? 0);
console.log(`${label}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
if (r.numTotalTests === 0 || r.numPassedTests === 0) {
  console.error(`jest-summary: ${label} ran no test`);
  process.exit(1);
}
process.exit(r.numFailedTests > 0 || r.numFailedTestSuites > 0 || r.numRuntimeErrorTestSuites > 0 ? 1 : 0);

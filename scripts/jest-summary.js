// Turns Jest's --json results into the one line scripts/test.js ends with: "N passed, N failed"
// (", N skipped" when some were skipped). Pure, so it can be unit-tested without running Jest.
'use strict';

/**
 * A test file that could not run (syntax error, failing import, throwing beforeAll or afterAll)
 * reports no failed assertion, so it would vanish from numFailedTests; each one counts as a failure.
 */
function brokenFiles(results) {
  const files = Array.isArray(results.testResults) ? results.testResults : [];
  const broken = files.filter((file) => {
    const assertions = Array.isArray(file.assertionResults) ? file.assertionResults : [];
    const failedAssertions = assertions.filter((assertion) => assertion.status === 'failed').length;
    return failedAssertions === 0 && (file.status === 'failed' || Boolean(file.testExecError));
  }).length;
  return Math.max(broken, Number(results.numRuntimeErrorTestSuites) || 0);
}

/**
 * @param {object | undefined} results parsed --json output, or undefined when Jest wrote none
 * @param {{ exitCode?: number | null }} [run] how the Jest process ended (null: killed by a signal)
 * @returns {{ passed: number, failed: number, skipped: number, line: string }}
 */
function summarize(results, run = {}) {
  const count = (value) => (Number.isFinite(value) && value > 0 ? value : 0);
  let passed = 0;
  let failed = 0;
  let skipped = 0;

  if (results && typeof results === 'object') {
    passed = count(results.numPassedTests);
    skipped = count(results.numPendingTests) + count(results.numTodoTests);
    failed = count(results.numFailedTests) + brokenFiles(results);
    // Jest fails a run for reasons beyond tests (e.g. obsolete snapshots under --ci).
    if (failed === 0 && results.success === false) failed = 1;
  } else {
    failed = 1;
  }
  // A crashed or killed Jest must never read as "0 failed".
  if (failed === 0 && run.exitCode !== undefined && run.exitCode !== 0) failed = 1;

  const line = `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
  return { passed, failed, skipped, line };
}

module.exports = { summarize };

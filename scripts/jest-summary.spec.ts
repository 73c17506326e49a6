// scripts/ is plain JavaScript without type declarations; the cast states the contract tested here.
const { summarize } = require('./jest-summary') as {
  summarize(results: unknown, run?: { exitCode?: number | null }): {
    passed: number;
    failed: number;
    skipped: number;
    line: string;
  };
};

type Status = 'passed' | 'failed' | 'pending' | 'todo';

const file = (status: 'passed' | 'failed', assertions: Status[], extra: object = {}) => ({
  name: `/repo/some-${Math.random()}.spec.ts`,
  status,
  message: '',
  assertionResults: assertions.map((assertion, index) => ({ title: `test ${index}`, status: assertion })),
  ...extra,
});

const run = (files: ReturnType<typeof file>[], extra: object = {}) => {
  const all = files.flatMap((f) => f.assertionResults);
  const tally = (status: Status) => all.filter((a) => a.status === status).length;
  return {
    success: files.every((f) => f.status === 'passed'),
    numPassedTests: tally('passed'),
    numFailedTests: tally('failed'),
    numPendingTests: tally('pending'),
    numTodoTests: tally('todo'),
    numTotalTests: all.length,
    numRuntimeErrorTestSuites: 0,
    testResults: files,
    ...extra,
  };
};

describe('summarize', () => {
  it('counts passed and failed tests', () => {
    const results = run([file('passed', ['passed', 'passed']), file('failed', ['passed', 'failed'])]);

    expect(summarize(results, { exitCode: 1 }).line).toBe('3 passed, 1 failed');
  });

  it('reports a green run as zero failed', () => {
    expect(summarize(run([file('passed', ['passed'])]), { exitCode: 0 }).line).toBe('1 passed, 0 failed');
  });

  it('adds skipped only when something was skipped, counting todo tests too', () => {
    const results = run([file('passed', ['passed', 'pending', 'todo'])]);

    expect(summarize(results, { exitCode: 0 }).line).toBe('1 passed, 0 failed, 2 skipped');
  });

  it('counts a test file that failed to run as a failure', () => {
    const crashed = file('failed', [], { message: 'Cannot find module', testExecError: { message: 'Cannot find module' } });
    const results = run([file('passed', ['passed']), crashed], { numRuntimeErrorTestSuites: 1 });

    expect(summarize(results, { exitCode: 1 })).toMatchObject({ passed: 1, failed: 1, line: '1 passed, 1 failed' });
  });

  it('counts a file whose afterAll threw although all its tests passed', () => {
    const results = run([file('failed', ['passed', 'passed'], { message: 'afterAll: connection refused' })]);

    expect(summarize(results, { exitCode: 1 }).line).toBe('2 passed, 1 failed');
  });

  it('does not count a file twice when it has failed assertions', () => {
    const results = run([file('failed', ['failed', 'failed'])]);

    expect(summarize(results, { exitCode: 1 }).failed).toBe(2);
  });

  it('trusts numRuntimeErrorTestSuites when the per-file list is missing', () => {
    const results = { ...run([]), numRuntimeErrorTestSuites: 2, testResults: undefined, success: false };

    expect(summarize(results, { exitCode: 1 }).line).toBe('0 passed, 2 failed');
  });

  it('never reports zero failed when Jest wrote no results', () => {
    expect(summarize(undefined, { exitCode: 1 }).line).toBe('0 passed, 1 failed');
    expect(summarize(undefined).failed).toBe(1);
  });

  it('never reports zero failed when Jest exited non-zero or was killed', () => {
    const green = run([file('passed', ['passed'])]);

    expect(summarize(green, { exitCode: 1 }).line).toBe('1 passed, 1 failed');
    expect(summarize(green, { exitCode: null }).line).toBe('1 passed, 1 failed');
  });

  it('counts a run Jest itself marked unsuccessful', () => {
    const results = { ...run([file('passed', ['passed'])]), success: false };

    expect(summarize(results, { exitCode: 0 }).failed).toBe(1);
  });
});

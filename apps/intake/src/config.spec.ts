import { ConfigurationError, loadConfig } from '@handoff/platform';
import { intakeConfigSchema } from './config';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(intakeConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems.map((problem) => `${problem.variable}: ${problem.message}`);
    throw error;
  }
  return [];
}

describe('intake configuration: webhooks', () => {
  it('runs on defaults: 8 attempts, from 30 s doubling to an hour, 10 s to answer, a look at least every 30 s, a day of grace after a rotation', () => {
    const config = loadConfig(intakeConfigSchema, {});
    expect([config.WEBHOOK_MAX_ATTEMPTS, config.WEBHOOK_BACKOFF_INITIAL_MS, config.WEBHOOK_BACKOFF_MAX_MS, config.WEBHOOK_TIMEOUT_MS, config.WEBHOOK_POLL_INTERVAL_MS, config.WEBHOOK_SECRET_GRACE_MINUTES]).toEqual([
      8, 30_000, 3_600_000, 10_000, 30_000, 1_440,
    ]);
  });

  it('stops at start-up naming the variable that is out of bounds or inconsistent', () => {
    expect(problemsOf({ WEBHOOK_MAX_ATTEMPTS: '0' })).toEqual([expect.stringMatching(/^WEBHOOK_MAX_ATTEMPTS: /)]);
    expect(problemsOf({ WEBHOOK_TIMEOUT_MS: 'soon' })).toEqual([expect.stringMatching(/^WEBHOOK_TIMEOUT_MS: /)]);
    expect(problemsOf({ WEBHOOK_BACKOFF_INITIAL_MS: '60000', WEBHOOK_BACKOFF_MAX_MS: '1000' })).toEqual(['WEBHOOK_BACKOFF_MAX_MS: must be at least WEBHOOK_BACKOFF_INITIAL_MS']);
  });
});

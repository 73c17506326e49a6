import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, loadConfig } from '@handoff/platform';
import { routingConfigSchema, routingPolicyOf } from './config';
import { DEFAULT_ORGANISATION } from './organisation/organisation';

const directory = mkdtempSync(join(tmpdir(), 'routing-config-'));
function file(name: string, content: unknown): string {
  const path = join(directory, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(routingConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems.map((problem) => `${problem.variable}: ${problem.message}`);
    throw error;
  }
  return [];
}

describe('routing configuration', () => {
  it('runs the local stack on defaults: every department the default rules name is staffed', () => {
    const config = loadConfig(routingConfigSchema, {});
    expect(config.PORT).toBe(3002);
    expect(config.DEADLINE_CHECK_INTERVAL_MS).toBe(30_000);
    expect(config.ALLOW_CLOCK_OVERRIDE).toBe(false);
    expect(config.ORGANISATION_FILE).toBe(DEFAULT_ORGANISATION);
    const policy = routingPolicyOf(config);
    const due = policy.deadlinesFor({ type: 'consultation', priority: 'normal', from: new Date('2025-03-03T01:00:00.000Z') });
    expect(due.firstResponseDueAt.toISOString()).toBe('2025-03-03T01:30:00.000Z');
  });

  it('reads policy files and the clock override', () => {
    const config = loadConfig(routingConfigSchema, {
      ESCALATION_POLICY_FILE: file('escalation.json', { managementAfterMinutes: { first_response: 5, resolution: 10 } }),
      DEADLINE_POLICY_FILE: file('deadlines.json', { version: 'clock-1', firstResponseMinutes: { default: 10 }, resolutionMinutes: { default: 60 }, countIn: 'clock' }),
      ALLOW_CLOCK_OVERRIDE: 'true',
      DEADLINE_CHECK_INTERVAL_MS: '1000',
    });
    expect(config.ESCALATION_POLICY_FILE.managementAfterMinutes.first_response).toBe(5);
    expect(config.DEADLINE_POLICY_FILE.version).toBe('clock-1');
    expect(config.ALLOW_CLOCK_OVERRIDE).toBe(true);
    expect(config.DEADLINE_CHECK_INTERVAL_MS).toBe(1000);
  });

  it('stops on a bad organisation, naming the variable and the field', () => {
    const organisation = file('organisation.json', {
      departments: [
        { id: 'billing', name: 'Billing', strategy: 'least_loaded', handlers: [], managers: [] },
        { id: 'billing', name: 'Again', strategy: 'telepathy', handlers: [], managers: [] },
      ],
    });
    const problems = problemsOf({ ORGANISATION_FILE: organisation });
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^ORGANISATION_FILE: .*departments\.1\.strategy/)]));
  });

  it('stops when a rule routes to a department the organisation does not list', () => {
    const organisation = file('small.json', {
      departments: [{ id: 'billing', name: 'Billing', strategy: 'manual', handlers: [], managers: [] }],
    });
    expect(problemsOf({ ORGANISATION_FILE: organisation })).toEqual([
      expect.stringMatching(/^ROUTING_RULES_FILE: routes to logistics, technical_support, product, marketing, customer_care/),
    ]);
  });

  it('refuses a person in two departments and an automatic strategy without handlers', () => {
    const organisation = file('people.json', {
      departments: [
        { id: 'billing', name: 'Billing', strategy: 'round_robin', handlers: [], managers: [{ id: 'm-1', name: 'M' }] },
        { id: 'logistics', name: 'Logistics', strategy: 'manual', handlers: [{ id: 'm-1', name: 'M', skills: [] }], managers: [] },
      ],
    });
    const problems = problemsOf({ ORGANISATION_FILE: organisation, ROUTING_RULES_FILE: file('rules.json', { rules: [], defaultDepartment: 'billing' }) });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/ORGANISATION_FILE: .*departments\.0\.handlers: strategy round_robin needs at least one handler/),
        expect.stringMatching(/ORGANISATION_FILE: .*departments\.1\.handlers\.0\.id: m-1 is already listed in billing/),
      ]),
    );
  });

  it('names the variable of a bad interval or flag', () => {
    expect(problemsOf({ DEADLINE_CHECK_INTERVAL_MS: 'soon', ALLOW_CLOCK_OVERRIDE: 'maybe' })).toEqual([
      expect.stringMatching(/^DEADLINE_CHECK_INTERVAL_MS: /),
      expect.stringMatching(/^ALLOW_CLOCK_OVERRIDE: /),
    ]);
  });
});

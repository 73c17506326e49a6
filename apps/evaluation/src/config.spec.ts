import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigurationError, loadConfig } from '@handoff/platform';
import { evaluationConfigSchema, kpiPolicyOf } from './config';

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(evaluationConfigSchema, env);
  } catch (error) {
    return (error as ConfigurationError).problems.map((problem) => `${problem.variable}: ${problem.message}`);
  }
  return [];
};

describe('evaluation configuration', () => {
  it('defaults to the documents’ standards: Beijing time, peaks 09–11 and 14–16, satisfaction ≥ 90%, 10% weekly sampling', () => {
    const config = loadConfig(evaluationConfigSchema, {});
    expect(kpiPolicyOf(config)).toMatchObject({ timeZone: 'Asia/Shanghai', peakHours: [9, 10, 14, 15] });
    expect(config.KPI_TARGETS_FILE.versions[0]!.targets.satisfactionRate).toEqual({ min: 0.9 });
    expect(config.QA_SAMPLING_POLICY_FILE).toMatchObject({ default: { cadence: 'week', rate: 0.1 }, small: { cadence: 'month', rate: 0.3 }, large: { cadence: 'week', rate: 0.15 } });
    expect(config.ASSESSMENT_POLICY_FILE.weights).toEqual({ self: 0.2, supervisor: 0.5, customer: 0.3 });
    expect(config.DEADLINE_POLICY_FILE.version).toBe('default-1');
  });

  it('reads peak hours as ranges', () => {
    expect(loadConfig(evaluationConfigSchema, { KPI_PEAK_HOURS: '08-10,13-14,20-24' }).KPI_PEAK_HOURS).toEqual([8, 9, 13, 20, 21, 22, 23]);
  });

  it('stops on a bad value, naming the variable and the field', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'handoff-evaluation-config-'));
    const targets = path.join(folder, 'targets.json');
    writeFileSync(targets, JSON.stringify({ versions: [{ version: 'a', effectiveFrom: '2025-01-01T00:00:00Z', targets: { satisfactionRate: { at_least: 0.9 } } }] }));
    const sampling = path.join(folder, 'sampling.json');
    writeFileSync(sampling, JSON.stringify({ version: 's', default: { cadence: 'day', rate: 0.1 }, small: { cadence: 'month', rate: 0.3, maxMembers: 5 }, large: { cadence: 'week', rate: 1.5, minMembers: 30 } }));
    const problems = problemsOf({ KPI_TIME_ZONE: 'Mars/Olympus', KPI_PEAK_HOURS: '11-09', KPI_TARGETS_FILE: targets, QA_SAMPLING_POLICY_FILE: sampling });
    expect(problems).toEqual([
      expect.stringMatching(/^KPI_TIME_ZONE: must be an IANA time zone/),
      expect.stringMatching(/^KPI_PEAK_HOURS: 11-09/),
      expect.stringMatching(/^KPI_TARGETS_FILE: .*versions\.0\.targets\.satisfactionRate/),
      expect.stringMatching(/^QA_SAMPLING_POLICY_FILE: .*default\.cadence/),
      expect.stringMatching(/^QA_SAMPLING_POLICY_FILE: .*large\.rate/),
    ]);
  });
});

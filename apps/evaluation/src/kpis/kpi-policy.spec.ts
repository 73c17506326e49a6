import { ValidationFailed } from '@handoff/contracts';
import { DEFAULT_TARGETS_POLICY, parseTargetsPolicy, targetsChangeProblems, type TargetsPolicy } from './kpi-policy';

const NOW = new Date('2026-12-05T01:00:00.000Z');
const inForce = DEFAULT_TARGETS_POLICY.versions[0]!;
const next = (effectiveFrom: string, satisfaction = 0.92) => ({ version: 'targets-2027', effectiveFrom, targets: { satisfactionRate: { min: satisfaction } } });

describe('a change of the KPI targets', () => {
  it('adds a version that takes effect from now on, keeping those already in force', () => {
    const changed: TargetsPolicy = { versions: [inForce, next('2027-01-01T00:00:00+08:00')] };
    expect(targetsChangeProblems(changed, DEFAULT_TARGETS_POLICY, NOW)).toEqual([]);
    // A version not yet in effect may still be changed.
    expect(targetsChangeProblems({ versions: [inForce, next('2027-01-01T00:00:00+08:00', 0.95)] }, changed, NOW)).toEqual([]);
  });

  it('refuses to rewrite or drop a version in force, or to add one that took effect in the past: past figures are judged against the targets of their time', () => {
    const rewritten = { versions: [{ ...inForce, targets: { satisfactionRate: { min: 0.5 } } }] };
    expect(targetsChangeProblems(rewritten, DEFAULT_TARGETS_POLICY, NOW).map((problem) => problem.field)).toEqual(['versions.0']);
    expect(targetsChangeProblems({ versions: [next('2027-01-01T00:00:00Z')] }, DEFAULT_TARGETS_POLICY, NOW).map((problem) => problem.field)).toEqual(['versions']);
    expect(targetsChangeProblems({ versions: [inForce, next('2026-01-01T00:00:00Z')] }, DEFAULT_TARGETS_POLICY, NOW).map((problem) => problem.field)).toEqual(['versions.1.effectiveFrom']);
  });

  it('is read by the validator of the file, naming the field', () => {
    let refusal: unknown;
    try {
      parseTargetsPolicy({ versions: [{ ...inForce, targets: { satisfactionRate: { min: -1 } } }] });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ValidationFailed);
    expect((refusal as ValidationFailed).errors.map((error) => error.field)).toEqual(['versions.0.targets.satisfactionRate.min']);
  });
});

import { DeciderSpecification } from '@handoff/testing';
import type { Actor } from './decider';
import { POLICY_EVENTS, type PolicyEvent } from './events';
import { DEFAULT_DEADLINE_POLICY, deadlinePolicyChangeProblems, parseDeadlinePolicy, type DeadlinePolicy } from '@handoff/service-time';
import { policyDecider, type ChangePolicy, type PolicyDefinition } from './policy.decider';

const NOW = new Date('2026-12-05T01:00:00.000Z');
const director: Actor = { id: 'director-wang', role: 'management' };
const manager: Actor = { id: 'billing-manager-qian', role: 'department_manager', department: 'billing' };

const deadlines: PolicyDefinition<DeadlinePolicy> = { kind: 'deadlines', initial: DEFAULT_DEADLINE_POLICY, read: parseDeadlinePolicy, checkChange: deadlinePolicyChangeProblems };
const specification = DeciderSpecification.for(policyDecider(deadlines as PolicyDefinition), POLICY_EVENTS);
const given = (...history: PolicyEvent[]) => specification.given(...history);
afterAll(() => specification.expectEveryEventEmitted());

const clock = (version: string, resolution = 240) => ({ version, firstResponseMinutes: { default: 30 }, resolutionMinutes: { default: resolution }, countIn: 'clock' });
const change = (expectedVersion: number, document: unknown, actor: Actor = director): ChangePolicy => ({
  type: 'ChangePolicy',
  data: { expectedVersion, document },
  metadata: { now: NOW, actor, correlationId: 'c', causationId: 'r', reason: 'the new service standard' },
});
const first: PolicyEvent = { type: 'PolicyChanged', data: { kind: 'deadlines', version: 1, document: clock('clock-1') } };

describe('management changes a policy', () => {
  it('records the whole document as the next version, the file being version 0', () => {
    given().when(change(0, clock('clock-1'))).then([first]);
    given(first).when(change(1, clock('clock-2', 120))).then([{ type: 'PolicyChanged', data: { kind: 'deadlines', version: 2, document: clock('clock-2', 120) } }]);
  });

  it('refuses a change made on a version that is no longer in force, so a colleague’s change is not overwritten unseen', () => {
    const refusal = given(first).when(change(0, clock('clock-2'))).thenThrows('CONFLICT');
    expect(refusal.details).toEqual({ currentVersion: 1 });
    given().when(change(3, clock('clock-2'))).thenThrows('CONFLICT');
  });

  it('checks the document with the file’s validator, naming each bad field under document', () => {
    given().when(change(0, { ...clock('clock-1'), resolutionMinutes: { default: 0 } })).thenThrows('VALIDATION_FAILED', 'document.resolutionMinutes.default');
    given().when(change(0, { ...clock('clock-1'), colour: 'red' })).thenThrows('VALIDATION_FAILED', 'document.colour');
    given().when(change(0, { ...clock('clock-1'), countIn: 'business' })).thenThrows('VALIDATION_FAILED', 'document.calendar');
    given().when(change(0, clock('clock\u001b[2J-1'))).thenThrows('VALIDATION_FAILED', 'document.version');
    // Whatever version it was made on: the document is fixed first.
    given(first).when(change(0, { ...clock('clock-2'), resolutionMinutes: { default: 0 } })).thenThrows('VALIDATION_FAILED', 'document.resolutionMinutes.default');
  });

  it('checks the change itself against the version in force: a deadline policy names a new version', () => {
    given().when(change(0, clock(DEFAULT_DEADLINE_POLICY.version))).thenThrows('VALIDATION_FAILED', 'document.version');
    given(first).when(change(1, clock('clock-1', 120))).thenThrows('VALIDATION_FAILED', 'document.version');
  });

  it('is management’s alone', () => {
    given().when(change(0, clock('clock-1'), manager)).thenThrows('FORBIDDEN');
  });
});

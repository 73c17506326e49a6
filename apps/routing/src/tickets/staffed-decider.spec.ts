import { DEFAULT_COMPLAINT_CAUSES, DomainError, ValidationFailed, type Actor, type RoutingEvent } from '@handoff/contracts';
import type { Organisation } from '../organisation/organisation';
import { staffedDecider } from './staffed-decider';
import { evolve, initialState, ticketsDecider, type RoutingCommand } from './tickets.decider';

const organisation: Organisation = {
  departments: [
    { id: 'billing', name: 'Billing', strategy: 'manual', handlers: [{ id: 'h-ana', name: 'Ana', skills: [] }], managers: [{ id: 'm-mei', name: 'Mei' }] },
    { id: 'logistics', name: 'Logistics', strategy: 'manual', handlers: [{ id: 'h-lou', name: 'Lou', skills: [] }], managers: [] },
  ],
};
const decider = staffedDecider(
  ticketsDecider({
    rules: { rules: [], defaultDepartment: 'billing' },
    deadlinesFor: ({ from }) => ({ firstResponseDueAt: from, resolutionDueAt: from, policyVersion: 'v1' }),
    escalation: { managementAfterMinutes: { first_response: 60, resolution: 240 } },
    complaintCauses: DEFAULT_COMPLAINT_CAUSES,
  }),
  organisation,
);
const deadlines = { from: '2025-03-03T01:00:00.000Z', firstResponseDueAt: '2025-03-03T01:30:00.000Z', resolutionDueAt: '2025-03-04T01:00:00.000Z', policyVersion: 'v1' };
const routed: RoutingEvent = {
  type: 'TicketRouted',
  data: { department: 'billing', rule: 'r', reason: 'r', round: 1, type: 'consultation', category: 'billing', priority: 'normal', channel: 'email', complaint: false, deadlines },
};
const state = evolve(initialState, routed);
const manager: Actor = { id: 'm-mei', role: 'department_manager', department: 'billing' };
const command = (type: RoutingCommand['type'], data: unknown, actor: Actor = manager) =>
  ({ type, data, metadata: { now: new Date(), actor, correlationId: 'c', causationId: 'c' } }) as RoutingCommand;

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the tickets decider held to the organisation', () => {
  it('lets a manager name only a handler of the department', () => {
    expect(decider.decide(command('AssignHandler', { mode: 'manager', handlerId: 'h-ana' }), state)).toHaveLength(1);
    const error = refusal(() => decider.decide(command('AssignHandler', { mode: 'manager', handlerId: 'h-lou' }), state));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).errors).toEqual([{ field: 'handlerId', message: 'is not a handler of billing' }]);
  });

  it('passes a ticket only to a department of the organisation', () => {
    expect(decider.decide(command('RequestTransfer', { toDepartment: 'logistics', reason: 'parcel' }), state)).toHaveLength(1);
    const error = refusal(() => decider.decide(command('RequestTransfer', { toDepartment: 'astrology', reason: 'stars' }), state));
    expect((error as ValidationFailed).errors).toEqual([{ field: 'toDepartment', message: 'is not a department of the organisation' }]);
  });

  it('leaves the decider’s own refusals first: another department is forbidden, not invalid', () => {
    const stranger: Actor = { id: 'm-lin', role: 'department_manager', department: 'logistics' };
    expect(refusal(() => decider.decide(command('AssignHandler', { mode: 'manager', handlerId: 'h-nobody' }, stranger), state)).code).toBe('FORBIDDEN');
  });
});

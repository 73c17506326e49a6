import type { RecordedOf, RoutingEvent } from '@handoff/contracts';
import type { Organisation } from '../organisation/organisation';
import { decide, evolve, initialState, type RoutingCommand, type RoutingPolicy, type RoutingState } from '../tickets/tickets.decider';
import { assignmentRequestOf, candidatesOf, whileAwaitingHandlerIn } from './auto-assignment';

const organisation: Organisation = {
  departments: [
    { id: 'billing', name: 'Billing', strategy: 'least_loaded', handlers: [{ id: 'h-ana', name: 'Ana', skills: ['billing'] }, { id: 'h-bo', name: 'Bo', skills: [] }], managers: [] },
    { id: 'product', name: 'Product', strategy: 'manual', handlers: [{ id: 'h-pi', name: 'Pi', skills: [] }], managers: [] },
  ],
};

const deadlines = { from: '2025-03-03T01:00:00.000Z', firstResponseDueAt: '2025-03-03T01:30:00.000Z', resolutionDueAt: '2025-03-04T01:00:00.000Z', policyVersion: 'v1' };
const routedTo = (department: string): RoutingEvent => ({
  type: 'TicketRouted',
  data: { department, rule: 'r', reason: 'r', round: 1, type: 'consultation', category: 'billing', priority: 'normal', channel: 'email', complaint: false, deadlines },
});
const recorded = (event: RoutingEvent) => ({ ...event, ticketId: 't1', eventId: 'e1' }) as unknown as RecordedOf<RoutingEvent>;

describe('automatic assignment', () => {
  it('asks for a handler when a ticket arrives without one in a department that assigns automatically', () => {
    expect(assignmentRequestOf(recorded(routedTo('billing')), organisation)).toEqual({ department: 'billing', strategy: 'least_loaded' });
    expect(assignmentRequestOf(recorded(routedTo('product')), organisation)).toBeUndefined();
    expect(
      assignmentRequestOf(recorded({ type: 'TransferAccepted', data: { fromDepartment: 'product', toDepartment: 'billing' } }), organisation),
    ).toEqual({ department: 'billing', strategy: 'least_loaded' });
    const reopened = (handlerId?: string): RoutingEvent => ({
      type: 'TicketReopened',
      data: { round: 2, department: 'billing', objection: 'no', deadlines, ...(handlerId ? { handlerId } : {}) },
    });
    expect(assignmentRequestOf(recorded(reopened('h-ana')), organisation)).toBeUndefined();
    expect(assignmentRequestOf(recorded(reopened()), organisation)).toEqual({ department: 'billing', strategy: 'least_loaded' });
  });

  it('offers every handler of the department with the load known for them', () => {
    const last = new Date('2025-03-03T00:00:00.000Z');
    expect(candidatesOf(organisation, 'billing', [{ handlerId: 'h-bo', openTickets: 3, lastAssignedAt: last }, { handlerId: 'h-gone', openTickets: 9 }])).toEqual([
      { handlerId: 'h-ana', openTickets: 0, skills: ['billing'] },
      { handlerId: 'h-bo', openTickets: 3, skills: [], lastAssignedAt: last.toISOString() },
    ]);
  });

  it('never replaces a handler someone chose meanwhile, nor assigns a ticket that moved on', () => {
    const policy = { rules: { rules: [], defaultDepartment: 'billing' }, deadlinesFor: () => { throw new Error('unused'); }, escalation: { managementAfterMinutes: { first_response: 60, resolution: 240 } } } as unknown as RoutingPolicy;
    const decider = { initialState, evolve, decide: (command: RoutingCommand, state: RoutingState) => decide(command, state, policy) };
    const guarded = whileAwaitingHandlerIn(decider, 'billing');
    const assign: RoutingCommand = {
      type: 'AssignHandler',
      data: { mode: 'strategy', strategy: 'least_loaded', candidates: candidatesOf(organisation, 'billing', []) },
      metadata: { now: new Date(), actor: { id: 'system:routing', role: 'system' }, correlationId: 'c', causationId: 'e1' },
    };
    const waiting = evolve(initialState, routedTo('billing'));
    expect(guarded.decide(assign, waiting)).toEqual([expect.objectContaining({ type: 'HandlerAssigned', data: expect.objectContaining({ handlerId: 'h-ana', method: 'least_loaded' }) })]);
    const claimed = evolve(waiting, { type: 'HandlerAssigned', data: { department: 'billing', handlerId: 'h-bo', method: 'claim', reason: 'r' } });
    expect(guarded.decide(assign, claimed)).toEqual([]);
    expect(whileAwaitingHandlerIn(decider, 'product').decide(assign, waiting)).toEqual([]);
  });
});

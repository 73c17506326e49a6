import type { Decider, Department, RecordedOf, RoutingEvent } from '@handoff/contracts';
import { automaticStrategyOf, departmentOf, type Organisation } from '../organisation/organisation';
import type { AssignmentStrategy, HandlerCandidate } from '../tickets/assignment';
import type { RoutingCommand, RoutingState } from '../tickets/tickets.decider';

/**
 * Automatic assignment, pure: which events ask a department for a handler, who the candidates
 * are, and the guard that keeps an automatic choice from overriding a person's.
 */

export interface AssignmentRequest {
  readonly department: Department;
  readonly strategy: AssignmentStrategy;
}

/** A ticket arrived in a department without a handler, and the department assigns automatically. */
export function assignmentRequestOf(event: RecordedOf<RoutingEvent>, organisation: Organisation): AssignmentRequest | undefined {
  let department: Department;
  switch (event.type) {
    case 'TicketRouted':
      department = event.data.department;
      break;
    case 'TransferAccepted':
      department = event.data.toDepartment;
      break;
    case 'TicketReopened':
      // The same handler carries on when the department stays the same.
      if (event.data.handlerId !== undefined) return undefined;
      department = event.data.department;
      break;
    default:
      return undefined;
  }
  const strategy = automaticStrategyOf(organisation, department);
  return strategy ? { department, strategy } : undefined;
}

export interface HandlerLoad {
  readonly handlerId: string;
  readonly openTickets: number;
  readonly lastAssignedAt?: Date;
}

/** Every handler of the department, with the load the read model knows of (none if it knows nothing). */
export function candidatesOf(organisation: Organisation, department: Department, loads: readonly HandlerLoad[]): HandlerCandidate[] {
  const byHandler = new Map(loads.map((load) => [load.handlerId, load]));
  return (departmentOf(organisation, department)?.handlers ?? []).map((handler) => {
    const load = byHandler.get(handler.id);
    return {
      handlerId: handler.id,
      openTickets: load?.openTickets ?? 0,
      skills: handler.skills,
      ...(load?.lastAssignedAt ? { lastAssignedAt: load.lastAssignedAt.toISOString() } : {}),
    };
  });
}

/**
 * Decides only while the ticket still waits for a handler in `department`. The command handler
 * decides again on fresh state after a concurrent write, so a claim or a manager's choice that
 * landed first is never replaced by the automatic one, and neither is a ticket that moved on.
 */
export function whileAwaitingHandlerIn<C extends RoutingCommand, E extends RoutingEvent>(
  decider: Decider<C, E, RoutingState>,
  department: Department,
): Decider<C, E, RoutingState> {
  return {
    initialState: decider.initialState,
    evolve: decider.evolve,
    decide: (command, state) =>
      state.status === 'awaiting_handler' && state.ticket.department === department ? decider.decide(command, state) : [],
  };
}

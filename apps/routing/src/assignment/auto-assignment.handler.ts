import { DomainError, ROUTING_EVENTS, metadataCausedBy, routingStreamId, typedEventOf, type Actor, type Decider, type RecordedEvent, type RoutingEvent } from '@handoff/contracts';
import type { CommandHandler } from '@handoff/event-store';
import { inGroups, withEventTrace, type EventHandler } from '@handoff/messaging';
import type { JsonLogger } from '@handoff/platform';
import type { EntityManager } from 'typeorm';
import type { Organisation } from '../organisation/organisation';
import type { AssignHandler, RoutingCommand, RoutingState } from '../tickets/tickets.decider';
import { assignmentRequestOf, candidatesOf, whileAwaitingHandlerIn, type HandlerLoad } from './auto-assignment';

/**
 * A process manager on routing's own topic: a ticket that arrives in a department without a
 * handler gets one by the department's strategy, with the load read from the department queue.
 * The decider records which handler and why. Load is as fresh as the queue projection, which
 * runs beside this consumer, plus the assignments of the batch in hand (see handle).
 */
export function autoAssignmentHandler(options: {
  readonly commands: CommandHandler;
  readonly decider: Decider<RoutingCommand, RoutingEvent, RoutingState>;
  readonly organisation: Organisation;
  readonly actor: Actor;
  readonly logger: JsonLogger;
  readonly clock?: () => Date;
}): EventHandler {
  const { commands, decider, organisation, actor, logger } = options;
  const clock = options.clock ?? (() => new Date());
  /** In the event's trace: the assignment joins the trace that routed the ticket. */
  function assign(event: RecordedEvent, loads: (department: string) => Promise<HandlerLoad[]>): Promise<{ department: string; handlerId: string; at: Date } | undefined> {
    return withEventTrace(event, () => assignNow(event, loads));
  }
  /** Assigns the ticket of one event, if it asks for a handler; returns the assignment made. */
  async function assignNow(event: RecordedEvent, loads: (department: string) => Promise<HandlerLoad[]>): Promise<{ department: string; handlerId: string; at: Date } | undefined> {
    const typed = typedEventOf(ROUTING_EVENTS, event);
    if (!typed) return undefined;
    const request = assignmentRequestOf(typed, organisation);
    if (!request) return undefined;
    const candidates = candidatesOf(organisation, request.department, await loads(request.department));
    const command: AssignHandler = {
      type: 'AssignHandler',
      data: { mode: 'strategy', strategy: request.strategy, candidates },
      metadata: metadataCausedBy(event, { now: clock(), actor }),
    };
    const fields = { ticketId: event.ticketId, department: request.department, strategy: request.strategy, causedBy: event.eventId };
    try {
      const result = await commands.handle(routingStreamId(event.ticketId), whileAwaitingHandlerIn(decider, request.department), command, {
        ticketId: event.ticketId,
      });
      const assigned = result.events.find((recorded) => recorded.type === 'HandlerAssigned');
      if (!assigned) return undefined;
      const handlerId = (assigned.data as { handlerId: string }).handlerId;
      logger.event('info', 'handler assigned automatically', { ...fields, handlerId });
      // A redelivered event finds its assignment already made: the load already counts it.
      return result.duplicate ? undefined : { department: request.department, handlerId, at: new Date(assigned.metadata.occurredAt) };
    } catch (error) {
      // A refusal (no handler available) leaves the ticket waiting for a claim or a manager.
      if (!(error instanceof DomainError)) throw error;
      logger.event('warn', 'automatic assignment refused', { ...fields, code: error.code, reason: error.message });
      return undefined;
    }
  }

  return {
    eventTypes: ['TicketRouted', 'TransferAccepted', 'TicketReopened'],
    // Writes nothing through `manager`: it reads the loads there and records through commands.
    issuesCommands: true,
    /**
     * Each department's load is read once for the batch and then kept up to date with the
     * assignments the batch makes: read afresh for each ticket, every ticket of a burst would
     * see the same counts (the queue projection has not applied the first assignment yet when
     * the second ticket is decided), and a least-loaded department would give the whole burst
     * to one handler.
     */
    async handle(events, manager) {
      const known = new Map<string, HandlerLoad[]>();
      const loads = async (department: string) => {
        let found = known.get(department);
        if (!found) known.set(department, (found = await loadsOf(manager, department)));
        return found;
      };
      // Departments side by side, each department's tickets one after another: its load is
      // updated with each assignment before the next ticket is decided.
      const departmentOf = (event: RecordedEvent) => {
        const typed = typedEventOf(ROUTING_EVENTS, event);
        return (typed && assignmentRequestOf(typed, organisation)?.department) ?? '';
      };
      await inGroups(events, departmentOf, DEPARTMENTS_AT_ONCE, async (event) => {
        const assigned = await assign(event, loads);
        if (!assigned) return;
        const current = known.get(assigned.department) ?? [];
        const previous = current.find((load) => load.handlerId === assigned.handlerId);
        known.set(assigned.department, [
          ...current.filter((load) => load.handlerId !== assigned.handlerId),
          { handlerId: assigned.handlerId, openTickets: (previous?.openTickets ?? 0) + 1, lastAssignedAt: assigned.at },
        ]);
      });
    },
  };
}

/** Departments whose assignments one batch makes at once. */
const DEPARTMENTS_AT_ONCE = 4;

async function loadsOf(manager: EntityManager, department: string): Promise<HandlerLoad[]> {
  const open = (await manager.query(
    `SELECT handler_id, count(*)::int AS open_tickets FROM department_queue
      WHERE department = $1 AND handler_id IS NOT NULL AND status <> 'closed' GROUP BY handler_id`,
    [department],
  )) as { handler_id: string; open_tickets: number }[];
  const recent = (await manager.query('SELECT handler_id, last_assigned_at FROM handler_assignments WHERE department = $1', [department])) as {
    handler_id: string;
    last_assigned_at: Date;
  }[];
  const loads = new Map<string, HandlerLoad>();
  for (const row of open) loads.set(row.handler_id, { handlerId: row.handler_id, openTickets: row.open_tickets });
  for (const row of recent) {
    loads.set(row.handler_id, { handlerId: row.handler_id, openTickets: loads.get(row.handler_id)?.openTickets ?? 0, lastAssignedAt: row.last_assigned_at });
  }
  return [...loads.values()];
}

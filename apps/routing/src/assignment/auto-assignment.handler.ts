import { DomainError, ROUTING_EVENTS, metadataCausedBy, routingStreamId, typedEventOf, type Actor, type Decider, type RoutingEvent } from '@handoff/contracts';
import type { CommandHandler } from '@handoff/event-store';
import type { EventHandler } from '@handoff/messaging';
import type { JsonLogger } from '@handoff/platform';
import type { EntityManager } from 'typeorm';
import type { Organisation } from '../organisation/organisation';
import type { AssignHandler, RoutingCommand, RoutingState } from '../tickets/tickets.decider';
import { assignmentRequestOf, candidatesOf, whileAwaitingHandlerIn, type HandlerLoad } from './auto-assignment';

/**
 * A process manager on routing's own topic: a ticket that arrives in a department without a
 * handler gets one by the department's strategy, with the load read from the department queue.
 * The decider records which handler and why. Load is as fresh as the queue projection, which
 * runs beside this consumer: tickets arriving in the same instant may see the same counts.
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
  return {
    eventTypes: ['TicketRouted', 'TransferAccepted', 'TicketReopened'],
    async handle(event, manager) {
      const typed = typedEventOf(ROUTING_EVENTS, event);
      if (!typed) return;
      const request = assignmentRequestOf(typed, organisation);
      if (!request) return;
      const candidates = candidatesOf(organisation, request.department, await loadsOf(manager, request.department));
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
        if (assigned) logger.event('info', 'handler assigned automatically', { ...fields, handlerId: (assigned.data as { handlerId: string }).handlerId });
      } catch (error) {
        // A refusal (no handler available) leaves the ticket waiting for a claim or a manager.
        if (!(error instanceof DomainError)) throw error;
        logger.event('warn', 'automatic assignment refused', { ...fields, code: error.code, reason: error.message });
      }
    },
  };
}

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

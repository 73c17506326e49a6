import {
  type FollowupEvent,
  type IntakeEvent,
  type Reaction,
  type ReactionContext,
  type RecordedOf,
  assertNever,
  metadataCausedBy,
  routingStreamId,
} from '@handoff/contracts';
import type { CloseHandling, EscalateToManagement, ReopenTicket, RouteTicket } from './tickets.decider';

export type RoutingReactionCommand = RouteTicket | ReopenTicket | EscalateToManagement | CloseHandling;

/**
 * Routing's process manager, fed from `intake.events` and `followup.events`:
 * - TicketHandedOver → RouteTicket (deadlines run from the hand-over);
 * - CustomerObjected to a department's result → ReopenTicket (a further round, same department);
 * - TicketHandedToManagement → EscalateToManagement;
 * - TicketClosed → CloseHandling (stops the clocks; nothing for a ticket routing never had).
 */
export function react(
  event: RecordedOf<IntakeEvent | FollowupEvent>,
  context: ReactionContext,
): readonly Reaction<RoutingReactionCommand>[] {
  const streamId = routingStreamId(event.ticketId);
  const metadata = metadataCausedBy(event, context);
  switch (event.type) {
    case 'TicketHandedOver': {
      const { type, category, priority, channel, platform, complaint } = event.data;
      return [
        {
          streamId,
          command: {
            type: 'RouteTicket',
            data: {
              type,
              category,
              priority,
              channel,
              ...(platform !== undefined && { platform }),
              complaint,
              handedOverAt: event.metadata.occurredAt,
            },
            metadata,
          },
        },
      ];
    }
    case 'CustomerObjected':
      // An objection to CS's own first-contact answer is intake's to hand over.
      if (event.data.resolvedBy !== 'department') return [];
      return [
        {
          streamId,
          command: {
            type: 'ReopenTicket',
            data: { round: event.data.round, objection: event.data.objection, objectedAt: event.metadata.occurredAt },
            metadata,
          },
        },
      ];
    case 'TicketHandedToManagement':
      return [
        {
          streamId,
          command: {
            type: 'EscalateToManagement',
            data: { round: event.data.round, objection: event.data.objection },
            metadata,
          },
        },
      ];
    case 'TicketClosed':
      return [{ streamId, command: { type: 'CloseHandling', data: { outcome: event.data.outcome }, metadata } }];
    case 'ContactRecorded':
    case 'TicketClassified':
    case 'AnsweredAtFirstContact':
    case 'ConfirmationRequested':
    case 'CustomerConfirmedSatisfaction':
    case 'ContactAttemptFailed':
      return [];
    default:
      return assertNever(event);
  }
}

import {
  type IntakeEvent,
  type Reaction,
  type ReactionContext,
  type RecordedOf,
  type RoutingEvent,
  assertNever,
  followupStreamId,
  metadataCausedBy,
} from '@handoff/contracts';
import type { RequestConfirmation } from './confirmations.decider';

/**
 * Follow-up's process manager, fed from `intake.events` and `routing.events`: CS contacts the
 * customer first thing after a result arrives, so every result opens a confirmation.
 * - ResultReported → RequestConfirmation (the department's round);
 * - AnsweredAtFirstContact → RequestConfirmation (round 0, CS's own answer).
 */
export function react(
  event: RecordedOf<IntakeEvent | RoutingEvent>,
  context: ReactionContext,
): readonly Reaction<RequestConfirmation>[] {
  const streamId = followupStreamId(event.ticketId);
  const metadata = metadataCausedBy(event, context);
  switch (event.type) {
    case 'ResultReported': {
      const { round, department, summary, apology, correctiveAction } = event.data;
      return [
        {
          streamId,
          command: {
            type: 'RequestConfirmation',
            data: {
              round,
              resolvedBy: 'department',
              department,
              resultSummary: summary,
              ...(apology !== undefined && { apology }),
              ...(correctiveAction !== undefined && { correctiveAction }),
            },
            metadata,
          },
        },
      ];
    }
    case 'AnsweredAtFirstContact':
      return [
        {
          streamId,
          command: {
            type: 'RequestConfirmation',
            data: { round: 0, resolvedBy: 'first_contact', resultSummary: event.data.answer },
            metadata,
          },
        },
      ];
    case 'ContactRecorded':
    case 'TicketClassified':
    case 'TicketHandedOver':
    case 'TicketRouted':
    case 'ManagementInvolved':
    case 'HandlerAssigned':
    case 'TransferRequested':
    case 'TransferAccepted':
    case 'TransferRefused':
    case 'ProgressReported':
    case 'TicketReopened':
    case 'DeadlineBreached':
    case 'TicketEscalated':
    case 'HandlingClosed':
      return [];
    default:
      return assertNever(event);
  }
}

import {
  type IntakeEvent,
  type ResultReportedData,
  type Reaction,
  type ReactionContext,
  type RecordedOf,
  type RoutingEvent,
  assertNever,
  followupStreamId,
  metadataCausedBy,
} from '@handoff/contracts';
import type { RecordConfirmation, RequestConfirmation } from './confirmations.decider';

/**
 * Follow-up's process manager, fed from `intake.events` and `routing.events`: CS contacts the
 * customer first thing after a result arrives, so every result opens a confirmation.
 * - ResultReported → RequestConfirmation (the department's round);
 * - AnsweredAtFirstContact → RequestConfirmation (round 0, CS's own answer).
 */
export function react(
  event: RecordedOf<IntakeEvent | RoutingEvent>,
  context: ReactionContext,
): readonly Reaction<RequestConfirmation | RecordConfirmation>[] {
  const streamId = followupStreamId(event.ticketId);
  const metadata = metadataCausedBy(event, context);
  switch (event.type) {
    case 'ResultReported': {
      const { round, department, apology, correctiveAction } = event.data;
      return [
        {
          streamId,
          command: {
            type: 'RequestConfirmation',
            data: {
              round,
              resolvedBy: 'department',
              department,
              resultSummary: combinedSummary(event.data),
              ...(apology !== undefined && { apology }),
              ...(correctiveAction !== undefined && { correctiveAction }),
            },
            metadata,
          },
        },
      ];
    }
    case 'AnsweredAtFirstContact': {
      const request: Reaction<RequestConfirmation> = {
        streamId,
        command: { type: 'RequestConfirmation', data: { round: 0, resolvedBy: 'first_contact', resultSummary: event.data.answer }, metadata },
      };
      if (!event.data.confirmedOnTheLine) return [request];
      // The customer said yes on the line: the confirmation is the answering agent's, recorded in
      // their name, with a cause of its own so that it is not taken for a repeat of the request.
      const confirmation: Reaction<RecordConfirmation> = {
        streamId,
        command: {
          type: 'RecordConfirmation',
          data: { satisfied: true },
          metadata: {
            ...metadata,
            actor: { id: event.metadata.actorId, role: event.metadata.role, ...(event.metadata.department ? { department: event.metadata.department } : {}) },
            causationId: `${event.eventId}/confirmed-on-the-line`,
          },
        },
      };
      return [request, confirmation];
    }
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
    case 'DeadlineApproaching':
    case 'DeadlineBreached':
    case 'TicketEscalated':
    case 'TicketTakenOver':
    case 'UpdateRequested':
    case 'CustomerAnswered':
    case 'HandlerReleased':
    case 'HandlingClosed':
    // A paused clock or a new priority is the department's timing; CS waits for a result either way.
    case 'ResolutionClockPaused':
    case 'ResolutionClockResumed':
    case 'PriorityChanged':
    // CS waits for the ticket's one result, which carries the sub-requests' answers.
    case 'SubRequestOpened':
    case 'SubRequestAssigned':
    case 'SubRequestProgressReported':
    case 'SubRequestAnswered':
    case 'SubRequestClosed':
      return [];
    default:
      return assertNever(event);
  }
}

/**
 * What CS reports to the customer: the ticket's one result, with the part each other department
 * was asked for under its name (or, closed by management, why it went on without it), so CS
 * never has to collect the answers itself.
 */
export function combinedSummary(result: Pick<ResultReportedData, 'summary' | 'subRequests'>): string {
  const parts = (result.subRequests ?? []).map((part) =>
    part.outcome === 'answered' ? `[${part.department}] ${part.summary}` : `[${part.department}] not answered, closed by management: ${part.summary}`,
  );
  return [result.summary, ...parts].join('\n');
}

import {
  type FollowupEvent,
  type Reaction,
  type ReactionContext,
  type RecordedOf,
  assertNever,
  intakeStreamId,
  metadataCausedBy,
} from '@handoff/contracts';
import type { HandOverTicket } from './contacts.decider';

/**
 * Intake's process manager, fed from `followup.events`: a customer who objects to CS's
 * first-contact answer gets a department, with the objection as the hand-over note.
 * (Objections to a department's result are routing's: it reopens the ticket there.)
 */
export function react(event: RecordedOf<FollowupEvent>, context: ReactionContext): readonly Reaction<HandOverTicket>[] {
  switch (event.type) {
    case 'CustomerObjected':
      if (event.data.resolvedBy !== 'first_contact') return [];
      return [
        {
          streamId: intakeStreamId(event.ticketId),
          command: {
            type: 'HandOverTicket',
            data: { reason: 'customer_objected', note: event.data.objection },
            metadata: metadataCausedBy(event, context),
          },
        },
      ];
    case 'ConfirmationRequested':
    case 'CustomerConfirmedSatisfaction':
    case 'TicketHandedToManagement':
    case 'ContactAttemptFailed':
    case 'TicketClosed':
      return [];
    default:
      return assertNever(event);
  }
}

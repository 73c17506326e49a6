import { cutWords, firstOfStream, intakeStreamId, type IntakeEvent, type RecordedOf } from '@handoff/contracts';

/**
 * Each ticket's customer as CS needs them to call back once a result is to be confirmed: sealed
 * as intake recorded them (key id, sealed string, the upstream's own id), never the clear details.
 */
export interface TicketCustomer {
  readonly ticketId: string;
  readonly keyId: string;
  readonly sealed: string;
  readonly customerId: string | null;
  readonly subject: string | null;
  /** Who recorded the contact: the CS agent (or upstream client) whose ticket it is. */
  readonly recordedBy: string | null;
  /** Position in `intake-ticket-<id>` of the event the row was built from. */
  readonly streamPosition: number;
}

/** A subject is a headline, not the description: long ones are cut for the worklist. */
const SUBJECT_LENGTH = 300;

/**
 * Whether the event is the first of its ticket's intake stream, where intake records the contact
 * (a contact is recorded once, as its ticket's first event): before it the ticket has no customer.
 */
export function opensTicketCustomer(event: { readonly streamId: string; readonly streamPosition: number; readonly ticketId: string }): boolean {
  return firstOfStream(event, intakeStreamId(event.ticketId));
}

/** Undefined: the event says nothing new of the customer (another type, or a replayed or older record). */
export function evolveTicketCustomer(customer: TicketCustomer | undefined, event: RecordedOf<IntakeEvent>): TicketCustomer | undefined {
  if (event.type !== 'ContactRecorded' || (customer && event.streamPosition <= customer.streamPosition)) return undefined;
  const { keyId, sealed, customerId } = event.data.customer;
  return {
    ticketId: event.ticketId,
    keyId,
    sealed,
    customerId: customerId ?? null,
    subject: cutWords(event.data.subject, SUBJECT_LENGTH),
    recordedBy: event.metadata.actorId,
    streamPosition: event.streamPosition,
  };
}

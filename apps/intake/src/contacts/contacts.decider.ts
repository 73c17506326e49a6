import {
  type AnsweredAtFirstContact,
  type Command,
  type SealedContact,
  type ContactRecorded,
  type ContactRecordedData,
  type CustomerFingerprint,
  type Decider,
  DomainError,
  type IntakeEvent,
  type Role,
  type TicketClassified,
  type TicketHandedOver,
  ValidationFailed,
  assertNever,
  ticketIdForContact,
} from '@handoff/contracts';
import type { Classification } from './classification';

/**
 * A contact's life at the front window. Stream `intake-ticket-<ticketId>`.
 *
 * - `RecordContact` records, classifies and, unless CS can answer it at once, hands it over in
 *   the same decision (complaints always). Recording the same contact again changes nothing;
 *   the same source and external id with other content is refused (CONFLICT, naming the fields),
 *   so a second contact is never lost behind the first one's ticket. An upstream system bound to
 *   some source systems posts for those only (FORBIDDEN, naming sourceSystem).
 * - `AnswerAtFirstContact` is for an open ticket only: one classified as answerable at first
 *   contact and not handed over. Anything handed over belongs to a department from then on.
 * - `HandOverTicket` is the explicit hand-over of an open ticket CS could not answer after all,
 *   or of a first-contact answer the customer objected to (sent by the follow-up reaction).
 */

// ---------------------------------------------------------------------------------------------
// Commands

export type RecordContact = Command<
  'RecordContact',
  {
    /** `ticketIdForContact(contact.sourceSystem, contact.externalId)`; checked. */
    readonly ticketId: string;
    /** Parsed with `parseContactPayload`, the customer's details then sealed with the vault. */
    readonly contact: SealedContact;
    /** `classify(contact, rules)` under the rules in force. */
    readonly classification: Classification;
    /** The customer's details digested under their own key (the vault's `fingerprint`). */
    readonly customerFingerprint?: CustomerFingerprint;
    /** The source systems the caller's API key is bound to; absent when it is bound to none. */
    readonly allowedSources?: readonly string[];
  }
>;

export type AnswerAtFirstContact = Command<'AnswerAtFirstContact', { readonly answer: string; readonly confirmedOnTheLine?: boolean }>;

export type HandOverTicket = Command<
  'HandOverTicket',
  | { readonly reason: 'cs_could_not_answer'; readonly note?: string }
  | { readonly reason: 'customer_objected'; readonly note: string }
>;

export type IntakeCommand = RecordContact | AnswerAtFirstContact | HandOverTicket;

// ---------------------------------------------------------------------------------------------
// State

export type IntakeState =
  | { readonly status: 'unknown' }
  /** Recorded, not yet classified: exists only between two events of one decision. */
  | { readonly status: 'recorded'; readonly contact: ContactRecordedData }
  /** Classified; waiting for CS's first-contact answer (or for the hand-over in the same decision). */
  | { readonly status: 'open'; readonly contact: ContactRecordedData; readonly classification: Classification }
  | { readonly status: 'handed_over'; readonly contact: ContactRecordedData; readonly classification: Classification }
  | { readonly status: 'answered'; readonly contact: ContactRecordedData; readonly classification: Classification };

export const initialState: IntakeState = { status: 'unknown' };

// ---------------------------------------------------------------------------------------------
// Decide

const MAX_ANSWER = 4000;

export function decide(command: IntakeCommand, state: IntakeState): readonly IntakeEvent[] {
  switch (command.type) {
    case 'RecordContact':
      return recordContact(command, state);
    case 'AnswerAtFirstContact':
      return answerAtFirstContact(command, state);
    case 'HandOverTicket':
      return handOverTicket(command, state);
    default:
      return assertNever(command);
  }
}

function recordContact(command: RecordContact, state: IntakeState): readonly IntakeEvent[] {
  permit(command, ['system', 'cs']);
  const { ticketId, contact, classification, customerFingerprint, allowedSources } = command.data;
  // Before anything else, so a system cannot learn about another source's contacts either.
  if (allowedSources && !allowedSources.includes(contact.sourceSystem)) {
    throw new DomainError(
      'FORBIDDEN',
      `sourceSystem: this API key may post contacts only for ${allowedSources.join(', ')}, not for ${contact.sourceSystem}`,
      { field: 'sourceSystem', allowed: allowedSources },
    );
  }
  if (ticketId !== ticketIdForContact(contact.sourceSystem, contact.externalId)) {
    throw invalid('ticketId', 'must be ticketIdForContact(sourceSystem, externalId)');
  }
  if (contact.type === 'complaint' && classification.resolution === 'first_contact') {
    throw invalid('classification.resolution', 'a complaint is never answered at first contact');
  }
  if (state.status !== 'unknown') {
    // The same contact delivered twice is one ticket: the second delivery changes nothing.
    const differing = differences(state.contact, contact, customerFingerprint);
    if (differing.length === 0) return [];
    throw new DomainError(
      'CONFLICT',
      `externalId ${contact.externalId} of ${contact.sourceSystem} was recorded before with other content ` +
        `(${differing.join(', ')} differ); a different contact needs its own externalId`,
      { ticketId, fields: differing },
    );
  }

  const recorded: ContactRecorded = {
    type: 'ContactRecorded',
    data: {
      sourceSystem: contact.sourceSystem,
      externalId: contact.externalId,
      channel: contact.channel,
      ...(contact.platform !== undefined && { platform: contact.platform }),
      type: contact.type,
      customer: { ...contact.customer },
      subject: contact.subject,
      description: contact.description,
      ...(contact.category !== undefined && { suggestedCategory: contact.category }),
      ...(contact.priority !== undefined && { requestedPriority: contact.priority }),
      ...(contact.occurredAt !== undefined && { contactedAt: contact.occurredAt }),
      ...(customerFingerprint !== undefined && { customerFingerprint }),
    },
  };
  const classified: TicketClassified = { type: 'TicketClassified', data: classification };
  if (classification.resolution === 'first_contact') return [recorded, classified];
  return [recorded, classified, handedOver(recorded.data, classification, 'classified_for_department')];
}

function answerAtFirstContact(command: AnswerAtFirstContact, state: IntakeState): readonly IntakeEvent[] {
  permit(command, ['cs']);
  switch (state.status) {
    case 'unknown':
      throw new DomainError('NOT_FOUND', 'no such ticket');
    case 'recorded':
    case 'handed_over':
      throw new DomainError('PRECONDITION_FAILED', 'the ticket has been handed over to a department');
    case 'answered':
      throw new DomainError('PRECONDITION_FAILED', 'the ticket has already been answered');
    case 'open': {
      const answer = command.data.answer.trim();
      if (answer.length === 0) throw invalid('answer', 'must not be empty');
      if (answer.length > MAX_ANSWER) throw invalid('answer', `must be at most ${MAX_ANSWER} characters`);
      const answered: AnsweredAtFirstContact = {
        type: 'AnsweredAtFirstContact',
        data: { answer, ...(command.data.confirmedOnTheLine ? { confirmedOnTheLine: true } : {}) },
      };
      return [answered];
    }
    default:
      return assertNever(state);
  }
}

function handOverTicket(command: HandOverTicket, state: IntakeState): readonly IntakeEvent[] {
  const { reason } = command.data;
  permit(command, reason === 'customer_objected' ? ['system', 'cs'] : ['cs']);
  const note = command.data.note?.trim();
  if (reason === 'customer_objected' && !note) throw invalid('note', "the customer's objection is required");
  switch (state.status) {
    case 'unknown':
      throw new DomainError('NOT_FOUND', 'no such ticket');
    case 'recorded':
    case 'handed_over':
      // Already with a department: a repeated hand-over (a redelivered objection) changes nothing.
      return [];
    case 'open':
      if (reason !== 'cs_could_not_answer') {
        throw new DomainError('PRECONDITION_FAILED', 'the ticket has not been answered yet');
      }
      return [handedOver(state.contact, state.classification, reason, note)];
    case 'answered':
      if (reason !== 'customer_objected') {
        throw new DomainError('PRECONDITION_FAILED', 'the ticket has been answered; only an objection reopens it');
      }
      return [handedOver(state.contact, state.classification, reason, note)];
    default:
      return assertNever(state);
  }
}

function handedOver(
  contact: ContactRecordedData,
  classification: Classification,
  reason: TicketHandedOver['data']['reason'],
  note?: string,
): TicketHandedOver {
  return {
    type: 'TicketHandedOver',
    data: {
      channel: contact.channel,
      ...(contact.platform !== undefined && { platform: contact.platform }),
      type: contact.type,
      category: classification.category,
      priority: classification.priority,
      customer: contact.customer,
      subject: contact.subject,
      description: contact.description,
      complaint: contact.type === 'complaint',
      reason,
      ...(note ? { note } : {}),
    },
  };
}

/**
 * The payload's fields (by the names the caller sent) in which a repeated delivery differs from
 * the contact recorded. The customer's details are compared by their fingerprints; a contact
 * recorded before fingerprints existed is compared by its customer key (phone or e-mail).
 */
function differences(recorded: ContactRecordedData, contact: SealedContact, fingerprint: CustomerFingerprint | undefined): string[] {
  const instant = (value: string | undefined) => (value === undefined ? undefined : Date.parse(value));
  const pairs: [string, unknown, unknown][] = [
    ['channel', recorded.channel, contact.channel],
    ['platform', recorded.platform, contact.platform],
    ['type', recorded.type, contact.type],
    ['subject', recorded.subject, contact.subject],
    ['description', recorded.description, contact.description],
    ['category', recorded.suggestedCategory, contact.category],
    ['priority', recorded.requestedPriority, contact.priority],
    ['occurredAt', instant(recorded.contactedAt), instant(contact.occurredAt)],
    ['customer.customerId', recorded.customer.customerId, contact.customer.customerId],
  ];
  const before = recorded.customerFingerprint;
  if (before && fingerprint) {
    pairs.push(
      ['customer.name', before.name, fingerprint.name],
      ['customer.phone', before.phone, fingerprint.phone],
      ['customer.email', before.email, fingerprint.email],
    );
  } else {
    pairs.push(['customer', recorded.customer.keyId, contact.customer.keyId]);
  }
  return pairs.filter(([, was, now]) => was !== now).map(([field]) => field);
}

function permit(command: IntakeCommand, roles: readonly Role[]): void {
  if (!roles.includes(command.metadata.actor.role)) {
    throw new DomainError('FORBIDDEN', `${command.type} is not for the ${command.metadata.actor.role} role`);
  }
}

function invalid(field: string, message: string): ValidationFailed {
  return new ValidationFailed([{ field, message }]);
}

// ---------------------------------------------------------------------------------------------
// Evolve

export function evolve(state: IntakeState, event: IntakeEvent): IntakeState {
  switch (event.type) {
    case 'ContactRecorded':
      return { status: 'recorded', contact: event.data };
    case 'TicketClassified':
      return state.status === 'recorded' ? { status: 'open', contact: state.contact, classification: event.data } : state;
    case 'TicketHandedOver':
      return state.status === 'open' || state.status === 'answered'
        ? { status: 'handed_over', contact: state.contact, classification: state.classification }
        : state;
    case 'AnsweredAtFirstContact':
      return state.status === 'open'
        ? { status: 'answered', contact: state.contact, classification: state.classification }
        : state;
    default:
      return assertNever(event);
  }
}

export const contactsDecider: Decider<IntakeCommand, IntakeEvent, IntakeState> = { initialState, decide, evolve };

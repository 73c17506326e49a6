import { EVENT_CONTRACTS, typedEventOf, type RecordedEvent } from '@handoff/contracts';
import type { SearchTicket } from './search.entities';
import { indexTokens, mergeTokens } from './tokens';

/** The events the search model reads; every other is no concern of it. */
export const SEARCH_EVENT_TYPES = [
  'ContactRecorded',
  'TicketClassified',
  'TicketRouted',
  'HandlerAssigned',
  'TransferRequested',
  'TransferAccepted',
  'TicketReopened',
  'CustomerConfirmedSatisfaction',
  'CustomerObjected',
  'TicketClosed',
  'NoteAdded',
  'CustomerDataErased',
] as const;

export const shortIdOf = (ticketId: string): string => ticketId.slice(0, 8).toLowerCase();

export function emptySearchEntry(ticketId: string): SearchTicket {
  return {
    ticketId,
    shortId: shortIdOf(ticketId),
    subject: null,
    type: null,
    channel: null,
    priority: null,
    priorityPosition: 0,
    heldDepartments: [],
    concernedDepartments: [],
    status: 'open',
    openedAt: null,
    contactRecordedAt: null,
    closedAt: null,
    outcome: null,
    satisfaction: 'unconfirmed',
    satisfactionPosition: 0,
    customerKeyId: null,
    customerSealed: null,
    customerId: null,
    customerErased: false,
    tokens: [],
  };
}

const withDepartment = (entry: SearchTicket, department: string, held: boolean): SearchTicket => ({
  ...entry,
  heldDepartments: held ? mergeTokens(entry.heldDepartments, [department]) : entry.heldDepartments,
  concernedDepartments: mergeTokens(entry.concernedDepartments, [department]),
});

/**
 * One event applied to a ticket's search row. A ticket's events come from four topics, read side by
 * side, so every change here gives the same row in any arrival order: sets only grow (departments,
 * tokens), and a value that can change again (priority, the customer's latest answer) is taken
 * from the later position of its one stream. A replayed event leaves the row as it was.
 */
export function evolveSearchEntry(entry: SearchTicket, event: RecordedEvent): SearchTicket {
  const typed = typedEventOf(EVENT_CONTRACTS, event);
  if (!typed) return entry;
  const position = event.streamPosition + 1;
  switch (typed.type) {
    case 'ContactRecorded': {
      const { data } = typed;
      return {
        ...entry,
        subject: data.subject,
        type: data.type,
        channel: data.channel,
        openedAt: new Date(event.metadata.occurredAt),
        contactRecordedAt: new Date(event.metadata.recordedAt),
        // An erasure that was applied before this record arrived keeps the row erased.
        customerKeyId: entry.customerErased ? null : data.customer.keyId,
        customerSealed: entry.customerErased ? null : data.customer.sealed,
        customerId: entry.customerErased ? null : (data.customer.customerId ?? null),
        tokens: mergeTokens(entry.tokens, indexTokens(data.subject, data.description)),
      };
    }
    case 'TicketClassified':
      return position > entry.priorityPosition ? { ...entry, priority: typed.data.priority, priorityPosition: position } : entry;
    case 'TicketRouted':
    case 'HandlerAssigned':
    case 'TicketReopened':
      return withDepartment(entry, typed.data.department, true);
    case 'TransferAccepted':
      return withDepartment(entry, typed.data.toDepartment, true);
    case 'TransferRequested':
      return withDepartment(entry, typed.data.toDepartment, false);
    case 'CustomerConfirmedSatisfaction':
      return position > entry.satisfactionPosition ? { ...entry, satisfaction: 'satisfied', satisfactionPosition: position } : entry;
    case 'CustomerObjected':
      return position > entry.satisfactionPosition ? { ...entry, satisfaction: 'objected', satisfactionPosition: position } : entry;
    case 'TicketClosed':
      return { ...entry, status: 'closed', closedAt: new Date(event.metadata.occurredAt), outcome: typed.data.outcome };
    case 'NoteAdded':
      return { ...entry, tokens: mergeTokens(entry.tokens, indexTokens(typed.data.text)) };
    default:
      // CustomerDataErased reaches every ticket of the customer: the projection applies it by key id (eraseCustomer).
      return entry;
  }
}

/** A ticket of an erased customer, recorded at or before the erasure: nothing left to find the customer by. */
export function erasedEntry(entry: SearchTicket): SearchTicket {
  return { ...entry, customerKeyId: null, customerSealed: null, customerId: null, customerErased: true };
}

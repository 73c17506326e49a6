import type { TicketTimelineEntry } from '../timeline/timeline.entities';
import { inTimelineOrder } from '../timeline/timeline-order';
import { serviceRecordOf, type RecordEvent, type ServiceRecord } from './service-record';

/** Service records from the timeline read model's entries (any tickets, any order). */
export function serviceRecordsFromEntries(entries: readonly TicketTimelineEntry[]): ServiceRecord[] {
  const byTicket = new Map<string, TicketTimelineEntry[]>();
  for (const entry of entries) {
    const ticket = byTicket.get(entry.ticketId) ?? [];
    ticket.push(entry);
    byTicket.set(entry.ticketId, ticket);
  }
  return [...byTicket.values()].map((ticket) => serviceRecordOf(inTimelineOrder(ticket).map(recordEventOf)));
}

/** What a service record reads of a timeline entry. */
export function recordEventOf(entry: TicketTimelineEntry): RecordEvent {
  return {
    ticketId: entry.ticketId,
    type: entry.type,
    data: entry.data,
    metadata: { occurredAt: entry.occurredAt.toISOString(), actorId: entry.actorId, role: entry.role as RecordEvent['metadata']['role'] },
  };
}

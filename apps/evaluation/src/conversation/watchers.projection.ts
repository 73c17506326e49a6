import { EVENT_CONTRACTS, typedEventOf, type RecordedEvent, type TicketWatchedData } from '@handoff/contracts';
import { writeRows, type EventHandler } from '@handoff/messaging';
import { TicketWatchEvent } from './watchers.entities';

export function watchRowOf(event: RecordedEvent): TicketWatchEvent {
  // Checked against its contract: an event whose data breaks it is dead-lettered with the reason.
  const data = typedEventOf(EVENT_CONTRACTS, event)?.data as TicketWatchedData;
  return {
    eventId: event.eventId,
    ticketId: event.ticketId,
    watcherId: data.watcherId,
    watching: event.type === 'TicketWatched',
    streamPosition: event.streamPosition,
    occurredAt: new Date(event.metadata.occurredAt),
  };
}

/** Every watch and unwatch, one insert per batch; the event id keeps a replay from writing one twice. */
export function watchersProjection(): EventHandler {
  return {
    eventTypes: ['TicketWatched', 'TicketUnwatched'],
    handle: (events, manager) => writeRows(manager, TicketWatchEvent, events.map(watchRowOf), { onConflict: ['eventId'] }),
  };
}

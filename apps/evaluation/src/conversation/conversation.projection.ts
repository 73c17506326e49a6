import { EVENT_CONTRACTS, typedEventOf, type NoteAddedData, type RecordedEvent } from '@handoff/contracts';
import { writeRows, type EventHandler } from '@handoff/messaging';
import { TicketNote } from './conversation.entities';

/** A note's row: the envelope's who and when, and the note's own words. */
export function noteRowOf(event: RecordedEvent): TicketNote {
  // Checked against its contract: a note whose data breaks it is dead-lettered with the reason, not shown.
  const data = typedEventOf(EVENT_CONTRACTS, event)?.data as NoteAddedData;
  const { metadata } = event;
  return {
    eventId: event.eventId,
    ticketId: event.ticketId,
    noteId: data.noteId,
    streamId: event.streamId,
    streamPosition: event.streamPosition,
    occurredAt: new Date(metadata.occurredAt),
    recordedAt: new Date(metadata.recordedAt),
    actorId: metadata.actorId,
    role: metadata.role,
    department: metadata.department ?? null,
    text: data.text,
    mentions: { people: [...data.mentions.people], departments: [...data.mentions.departments] },
  };
}

/** The notes of every ticket: one insert per batch; the event id keeps a replay from adding a note twice. */
export function notesProjection(): EventHandler {
  return {
    eventTypes: ['NoteAdded'],
    handle: (events, manager) => writeRows(manager, TicketNote, events.map(noteRowOf), { onConflict: ['eventId'] }),
  };
}

import { EVENT_CONTRACTS, typedEventOf, type AttachmentAddedData, type RecordedEvent } from '@handoff/contracts';
import { writeRows, type EventHandler } from '@handoff/messaging';
import { TicketAttachment } from './attachments.entities';

/** An attachment's row: the envelope's who and when, and what the event says of the file. */
export function attachmentRowOf(event: RecordedEvent): TicketAttachment {
  // Checked against its contract: an event whose data breaks it is dead-lettered with the reason, not shown.
  const data = typedEventOf(EVENT_CONTRACTS, event)?.data as AttachmentAddedData;
  const { metadata } = event;
  return {
    eventId: event.eventId,
    ticketId: event.ticketId,
    streamId: event.streamId,
    streamPosition: event.streamPosition,
    occurredAt: new Date(metadata.occurredAt),
    recordedAt: new Date(metadata.recordedAt),
    actorId: metadata.actorId,
    role: metadata.role,
    department: metadata.department ?? null,
    contentHash: data.contentHash,
    keyId: data.keyId,
    fileName: data.fileName,
    contentType: data.contentType,
    size: data.size,
    entryId: data.entryId,
  };
}

/** The attachments of every ticket's conversation: one insert per batch; the event id keeps a replay from adding one twice. */
export function attachmentsProjection(): EventHandler {
  return {
    eventTypes: ['AttachmentAdded'],
    handle: (events, manager) => writeRows(manager, TicketAttachment, events.map(attachmentRowOf), { onConflict: ['eventId'] }),
  };
}

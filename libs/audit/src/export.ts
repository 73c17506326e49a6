import type { RecordedEvent } from '@handoff/contracts';

/** One stored event per line, exactly as stored (hashes included), so an export can be verified offline. */
export const toJsonLine = (event: RecordedEvent): string => JSON.stringify(event);

const CSV_COLUMNS = ['occurredAt', 'recordedAt', 'service', 'streamId', 'streamPosition', 'type', 'actorId', 'role', 'department', 'reason', 'eventId', 'hash'] as const;

const csvCell = (value: unknown): string => {
  const text = value === undefined || value === null ? '' : String(value);
  // Quote anything a spreadsheet could misread, and defuse formula injection.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export const CSV_HEADER = CSV_COLUMNS.join(',');

export function toCsvRow(event: RecordedEvent & { service?: string }): string {
  const row: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    occurredAt: event.metadata.occurredAt,
    recordedAt: event.metadata.recordedAt,
    service: event.service ?? event.streamId.split('-')[0],
    streamId: event.streamId,
    streamPosition: event.streamPosition,
    type: event.type,
    actorId: event.metadata.actorId,
    role: event.metadata.role,
    department: event.metadata.department,
    reason: event.metadata.reason,
    eventId: event.eventId,
    hash: event.hash,
  };
  return CSV_COLUMNS.map((column) => csvCell(row[column])).join(',');
}

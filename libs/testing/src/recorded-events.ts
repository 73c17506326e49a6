import type { DomainEvent, RecordedOf } from '@handoff/contracts';

/** A domain event as a store records it, for specifying a fold or a reaction without a store. */
export function recordedOf<E extends DomainEvent>(
  event: E,
  where: { readonly ticketId: string; readonly streamId: string; readonly streamPosition: number; readonly occurredAt: string; readonly actorId?: string },
): RecordedOf<E> {
  return {
    ...event,
    eventId: `00000000-0000-4000-8000-${String(where.streamPosition).padStart(12, '0')}`,
    schemaVersion: 1,
    streamId: where.streamId,
    streamPosition: where.streamPosition,
    globalPosition: String(where.streamPosition + 1),
    ticketId: where.ticketId,
    metadata: { correlationId: 'c', causationId: 'c', actorId: where.actorId ?? 'a', role: 'system', occurredAt: where.occurredAt, recordedAt: where.occurredAt },
    contentHash: 'a'.repeat(64),
    previousHash: 'b'.repeat(64),
    hash: 'c'.repeat(64),
  } as unknown as RecordedOf<E>;
}

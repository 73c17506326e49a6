import { INTAKE_EVENTS, typedEventOf } from '@handoff/contracts';
import type { EventHandler } from '@handoff/messaging';

/** A subject is a headline, not the description: long ones are cut for the worklist. */
const subjectOf = (subject: string): string => subject.slice(0, 300);

/**
 * Keeps each ticket's customer, sealed, its subject and who recorded it, from intake's `ContactRecorded`:
 * what CS needs to call the customer back once a result is to be confirmed. A replayed or older event changes nothing.
 */
export function customersProjection(): EventHandler {
  return {
    eventTypes: ['ContactRecorded'],
    async handle(event, manager) {
      const typed = typedEventOf(INTAKE_EVENTS, event);
      if (typed?.type !== 'ContactRecorded') return;
      const { keyId, sealed, customerId } = typed.data.customer;
      await manager.query(
        `INSERT INTO followup_customers (ticket_id, key_id, sealed, customer_id, subject, recorded_by, stream_position) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (ticket_id) DO UPDATE SET
           key_id = EXCLUDED.key_id, sealed = EXCLUDED.sealed, customer_id = EXCLUDED.customer_id,
           subject = EXCLUDED.subject, recorded_by = EXCLUDED.recorded_by, stream_position = EXCLUDED.stream_position
         WHERE followup_customers.stream_position < EXCLUDED.stream_position`,
        [event.ticketId, keyId, sealed, customerId ?? null, subjectOf(typed.data.subject), event.metadata.actorId, event.streamPosition],
      );
    },
    // One statement for the batch; per ticket only the latest position can win, as one by one.
    async handleBatch(events, manager) {
      const latest = new Map<string, { position: number; keyId: string; sealed: string; customerId: string | null; subject: string; recordedBy: string }>();
      for (const event of events) {
        const typed = typedEventOf(INTAKE_EVENTS, event);
        if (typed?.type !== 'ContactRecorded') continue;
        const known = latest.get(event.ticketId);
        if (known && known.position >= event.streamPosition) continue;
        const { keyId, sealed, customerId } = typed.data.customer;
        latest.set(event.ticketId, {
          position: event.streamPosition,
          keyId,
          sealed,
          customerId: customerId ?? null,
          subject: subjectOf(typed.data.subject),
          recordedBy: event.metadata.actorId,
        });
      }
      if (latest.size === 0) return;
      const rows = [...latest];
      await manager.query(
        `INSERT INTO followup_customers (ticket_id, key_id, sealed, customer_id, subject, recorded_by, stream_position)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $6::text[], $7::text[], $5::int[])
         ON CONFLICT (ticket_id) DO UPDATE SET
           key_id = EXCLUDED.key_id, sealed = EXCLUDED.sealed, customer_id = EXCLUDED.customer_id,
           subject = EXCLUDED.subject, recorded_by = EXCLUDED.recorded_by, stream_position = EXCLUDED.stream_position
         WHERE followup_customers.stream_position < EXCLUDED.stream_position`,
        [
          rows.map(([ticketId]) => ticketId),
          rows.map(([, row]) => row.keyId),
          rows.map(([, row]) => row.sealed),
          rows.map(([, row]) => row.customerId),
          rows.map(([, row]) => row.position),
          rows.map(([, row]) => row.subject),
          rows.map(([, row]) => row.recordedBy),
        ],
      );
    },
  };
}

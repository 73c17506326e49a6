import { PRIVACY_EVENTS, typedEventOf, type RecordedEvent } from '@handoff/contracts';
import { writeRows, type EventHandler } from '@handoff/messaging';
import type { EntityManager } from 'typeorm';
import { emptySearchEntry, erasedEntry, evolveSearchEntry, SEARCH_EVENT_TYPES } from './search-entry';
import { SearchTicket } from './search.entities';

/** Advisory lock class for "one ticket's search row is being changed"; spells "Srch". */
const TICKET_LOCK_CLASS = 0x53726368;

/**
 * The search read model, from the events alone: each batch locks its tickets (their events come
 * from four topics applied side by side), folds the events into their rows (search-entry.ts) and
 * writes the rows back in one statement. An erasure reaches every ticket of the customer
 * recorded up to it, and is kept, so that a ticket of theirs applied later arrives erased.
 */
export function searchProjection(): EventHandler {
  const apply = async (events: readonly RecordedEvent[], manager: EntityManager): Promise<void> => {
    const erasures: { keyId: string; erasedAt: string }[] = [];
    const ticketEvents: RecordedEvent[] = [];
    for (const event of events) {
      const erasure = typedEventOf(PRIVACY_EVENTS, event);
      if (erasure?.type === 'CustomerDataErased') erasures.push({ keyId: erasure.data.keyId, erasedAt: event.metadata.recordedAt });
      else ticketEvents.push(event);
    }

    if (ticketEvents.length > 0) {
      const ticketIds = [...new Set(ticketEvents.map((event) => event.ticketId))].sort();
      await manager.query('SELECT pg_advisory_xact_lock($1, hashtext(ticket_id)) FROM unnest($2::text[]) AS ticket_id', [TICKET_LOCK_CLASS, ticketIds]);
      const existing = await manager.getRepository(SearchTicket).createQueryBuilder('t').where('t.ticket_id = ANY(:ids::uuid[])', { ids: ticketIds }).getMany();
      const rows = new Map(existing.map((row) => [row.ticketId, row]));
      for (const event of ticketEvents) rows.set(event.ticketId, evolveSearchEntry(rows.get(event.ticketId) ?? emptySearchEntry(event.ticketId), event));

      // Customers erased before these tickets' records were applied.
      const keyIds = [...new Set([...rows.values()].flatMap((row) => (row.customerKeyId ? [row.customerKeyId] : [])))];
      if (keyIds.length > 0) {
        const erased: { key_id: string; erased_at: Date }[] = await manager.query('SELECT key_id, erased_at FROM search_erased_customers WHERE key_id = ANY($1::text[])', [keyIds]);
        const erasedAt = new Map(erased.map((row) => [row.key_id, row.erased_at.getTime()]));
        for (const [ticketId, row] of rows) {
          const at = row.customerKeyId ? erasedAt.get(row.customerKeyId) : undefined;
          if (at !== undefined && row.contactRecordedAt && row.contactRecordedAt.getTime() <= at) rows.set(ticketId, erasedEntry(row));
        }
      }
      await writeRows(manager, SearchTicket, [...rows.values()], { onConflict: ['ticketId'] });
    }

    for (const { keyId, erasedAt } of erasures) {
      await manager.query(
        `INSERT INTO search_erased_customers (key_id, erased_at) VALUES ($1, $2)
         ON CONFLICT (key_id) DO UPDATE SET erased_at = GREATEST(search_erased_customers.erased_at, EXCLUDED.erased_at)`,
        [keyId, erasedAt],
      );
      // The customer's rows are locked as a ticket's own events lock them, so no fold in flight writes the key back.
      await manager.query(
        'SELECT pg_advisory_xact_lock($1, hashtext(ticket_id::text)) FROM (SELECT ticket_id FROM search_tickets WHERE customer_key_id = $2 ORDER BY ticket_id) AS theirs',
        [TICKET_LOCK_CLASS, keyId],
      );
      await manager.query(
        `UPDATE search_tickets SET customer_key_id = NULL, customer_sealed = NULL, customer_id = NULL, customer_erased = true
         WHERE customer_key_id = $1 AND contact_recorded_at <= $2`,
        [keyId, erasedAt],
      );
    }
  };
  return {
    eventTypes: SEARCH_EVENT_TYPES,
    handle: (event, manager) => apply([event], manager),
    handleBatch: apply,
  };
}

import { isPolicyChange, PRIVACY_EVENTS, typedEventOf, type RecordedEvent } from '@handoff/contracts';
import { foldRows, type RowFold, writeRows } from '@handoff/read-models';
import { type EventHandler } from '@handoff/messaging';
import type { EntityManager } from 'typeorm';
import { emptySearchEntry, erasedEntry, evolveSearchEntry, SEARCH_EVENT_TYPES } from './search.model';
import { SearchTicket } from './search.entities';

/** Advisory lock class for "one ticket's search row is being changed"; spells "Srch". */
const TICKET_LOCK_CLASS = 0x53726368;

/** One row per ticket; its events come from four topics applied side by side. */
const SEARCH_ENTRIES: RowFold<SearchTicket, 'ticketId'> = {
  entity: SearchTicket,
  key: ['ticketId'],
  keyOf: (event) => (event.type === 'CustomerDataErased' || isPolicyChange(event) ? undefined : { ticketId: event.ticketId }),
  evolve: (entry, event) => evolveSearchEntry(entry ?? emptySearchEntry(event.ticketId), event),
  lockClass: TICKET_LOCK_CLASS,
};

/**
 * The search read model, from the events alone: each batch locks its tickets (their events come
 * from four topics applied side by side), folds the events into their rows (search.model.ts) and
 * writes the rows back in one statement. An erasure reaches every ticket of the customer
 * recorded up to it, and is kept, so that a ticket of theirs applied later arrives erased.
 */
export function searchProjection(): EventHandler {
  const apply = async (events: readonly RecordedEvent[], manager: EntityManager): Promise<void> => {
    const erasures: { keyId: string; erasedAt: string }[] = [];
    for (const event of events) {
      const erasure = typedEventOf(PRIVACY_EVENTS, event);
      if (erasure?.type === 'CustomerDataErased') erasures.push({ keyId: erasure.data.keyId, erasedAt: event.metadata.recordedAt });
    }

    const { changed } = await foldRows(manager, SEARCH_ENTRIES, events);
    if (changed.length > 0) {
      const rows = [...changed];
      // Customers erased before these tickets' records were applied.
      const keyIds = [...new Set(rows.flatMap((row) => (row.customerKeyId ? [row.customerKeyId] : [])))];
      if (keyIds.length > 0) {
        const erased: { key_id: string; erased_at: Date }[] = await manager.query('SELECT key_id, erased_at FROM search_erased_customers WHERE key_id = ANY($1::text[])', [keyIds]);
        const erasedAt = new Map(erased.map((row) => [row.key_id, row.erased_at.getTime()]));
        rows.forEach((row, index) => {
          const at = row.customerKeyId ? erasedAt.get(row.customerKeyId) : undefined;
          if (at !== undefined && row.contactRecordedAt && row.contactRecordedAt.getTime() <= at) rows[index] = erasedEntry(row);
        });
      }
      await writeRows(manager, SearchTicket, rows, { onConflict: ['ticketId'] });
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
    handle: apply,
  };
}

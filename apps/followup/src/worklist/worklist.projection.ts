import { rowProjection, type EventHandler, type RowFold } from '@handoff/messaging';
import { FollowupWorklistEntry } from './worklist.entity';
import { applyToWorklist, emptyWorklistRow, WORKLIST_EVENT_TYPES, worklistEventOf } from './worklist.model';

/** Advisory lock class for "one ticket's worklist row is being changed"; spells "Wkls". */
const TICKET_LOCK_CLASS = 0x576b6c73;

/** Writes `followup_worklist` (worklist.model.ts) through the consumer's transaction. */
export function worklistProjection(): EventHandler {
  return rowProjection({
    eventTypes: WORKLIST_EVENT_TYPES,
    tables: [
      {
        entity: FollowupWorklistEntry,
        key: ['ticketId'],
        keyOf: (event) => ({ ticketId: event.ticketId }),
        evolve(row, event) {
          const typed = worklistEventOf(event);
          return typed && applyToWorklist(row ?? emptyWorklistRow(event.ticketId, new Date(event.metadata.recordedAt)), typed);
        },
        // The two topics feeding a row are consumed side by side: a ticket's follow-up and routing
        // events may reach it at the same time.
        lockClass: TICKET_LOCK_CLASS,
      } satisfies RowFold<FollowupWorklistEntry, 'ticketId'>,
    ],
  });
}

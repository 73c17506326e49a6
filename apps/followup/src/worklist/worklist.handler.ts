import type { EventHandler } from '@handoff/messaging';
import { FollowupWorklistEntry } from './worklist.entity';
import { applyToWorklist, emptyWorklistRow, WORKLIST_EVENT_TYPES, worklistEventOf } from './worklist.projection';

/**
 * Applies one event to `followup_worklist` inside the consumer's transaction. The row is created
 * if missing and then locked: the two topics feeding it are consumed concurrently, and a
 * ticket's follow-up and routing events may reach it at the same time.
 */
export function worklistHandler(): EventHandler {
  return {
    eventTypes: WORKLIST_EVENT_TYPES,
    async handle(event, manager) {
      const typed = worklistEventOf(event);
      if (!typed) return;
      const rows = manager.getRepository(FollowupWorklistEntry);
      await rows.createQueryBuilder().insert().values(emptyWorklistRow(event.ticketId, new Date(event.metadata.recordedAt))).orIgnore().execute();
      const current = await rows.findOneOrFail({ where: { ticketId: event.ticketId }, lock: { mode: 'pessimistic_write' } });
      const next = applyToWorklist(current, typed);
      if (next === current) return;
      const { ticketId, ...changes } = next;
      await rows.update({ ticketId }, changes);
    },
  };
}

import { INTAKE_EVENTS, ROUTING_EVENTS, typedEventOf, type RecordedEvent } from '@handoff/contracts';
import { foldRows, typedRowFold, writeFoldedRows, writeRows } from '@handoff/read-models';
import { type EventHandler } from '@handoff/messaging';
import type { EntityManager } from 'typeorm';
import { DepartmentQueueRow, HandlerAssignmentRow, RunningDeadlineRow, TicketSubjectRow } from './queue.entities';
import { evolveQueueEntry, evolveTicketSubject, queueChangesOf, runningDeadlinesOf, type QueueChange } from './queue.model';
import { SubRequestRow } from '../sub-requests/sub-requests.entity';
import { evolveSubRequest, subRequestIdOf } from '../sub-requests/sub-requests.model';

/** The PostgreSQL channel every routing instance listens on for its live queues. */
export const QUEUE_NOTIFY_CHANNEL = 'department_queue';

const QUEUE = typedRowFold(ROUTING_EVENTS, {
  entity: DepartmentQueueRow,
  key: ['ticketId'],
  keyOf: (event) => ({ ticketId: event.ticketId }),
  evolve: evolveQueueEntry,
});

const SUB_REQUESTS = typedRowFold(ROUTING_EVENTS, {
  entity: SubRequestRow,
  key: ['ticketId', 'subRequestId'],
  keyOf: (event) => {
    const subRequestId = subRequestIdOf(event);
    return subRequestId === undefined ? undefined : { ticketId: event.ticketId, subRequestId };
  },
  evolve: evolveSubRequest,
});

const SUBJECTS = typedRowFold(INTAKE_EVENTS, {
  entity: TicketSubjectRow,
  key: ['ticketId'],
  keyOf: (event) => (event.type === 'TicketHandedOver' ? { ticketId: event.ticketId } : undefined),
  evolve: evolveTicketSubject,
});

/**
 * Builds the department queue from `routing.events` (and the subject line and the sealed
 * customer from intake's hand-over), with the sub-requests each department is asked. Each batch is written through the consumer's transaction,
 * so the rows, their running deadlines, the processed-event marks and the notifications to live
 * queues commit together: `pg_notify` inside a transaction is delivered on commit, to every
 * routing instance. A rebuild passes `notify: false`: it writes the same rows where nobody listens.
 */
export function departmentQueueProjection({ notify = true }: { readonly notify?: boolean } = {}): EventHandler {
  return {
    eventTypes: [...Object.keys(ROUTING_EVENTS), 'TicketHandedOver'],
    async handle(events, manager) {
      const subjects = await foldRows(manager, SUBJECTS, events);
      const queue = await foldRows(manager, QUEUE, events);
      const subRequests = await foldRows(manager, SUB_REQUESTS, events);
      // Written only now, after the reads: a transaction id is held from the first write to the commit.
      await writeFoldedRows(manager, SUBJECTS, subjects);
      await writeFoldedRows(manager, SUB_REQUESTS, subRequests);
      if (queue.changed.length === 0) return;
      const subRequestChanges: QueueChange[] = subRequests.steps.map(({ after }) => ({
        ticketId: after.ticketId,
        department: after.department,
        change: 'sub_request',
        status: after.status,
        streamPosition: after.streamPosition,
      }));

      await writeFoldedRows(manager, QUEUE, queue);
      await manager.query('DELETE FROM running_deadlines WHERE ticket_id = ANY($1::text[])', [queue.changed.map((row) => row.ticketId)]);
      await writeRows(manager, RunningDeadlineRow, queue.changed.flatMap((row) => runningDeadlinesOf(row)));
      const changes = notify ? [...queue.steps.flatMap(({ before, after }) => queueChangesOf(before, after)), ...subRequestChanges] : [];
      if (changes.length > 0) {
        // One row per change, in order; delivered on commit.
        await manager.query('SELECT pg_notify($1, change) FROM unnest($2::text[]) AS change', [
          QUEUE_NOTIFY_CHANNEL,
          changes.map((change) => JSON.stringify(change)),
        ]);
      }
      await recordAssignments(queue.steps.map(({ event, after }) => ({ event, at: after.updatedAt })), manager);
    },
  };
}

/**
 * When each handler was last given a ticket. Not a fold: every partition's batches assign in the
 * same departments, so the rows are merged (the later time wins) rather than read and written back.
 * Last, and in one order: each row stays locked until its batch commits.
 */
async function recordAssignments(applied: readonly { readonly event: RecordedEvent; readonly at: Date }[], manager: EntityManager): Promise<void> {
  const latest = new Map<string, HandlerAssignmentRow>();
  for (const { event, at } of applied) {
    const typed = typedEventOf(ROUTING_EVENTS, event);
    if (typed?.type !== 'HandlerAssigned') continue;
    const { department, handlerId } = typed.data;
    const key = `${department}\u0000${handlerId}`;
    const known = latest.get(key);
    if (!known || known.lastAssignedAt < at) latest.set(key, { department, handlerId, lastAssignedAt: at });
  }
  const rows = [...latest.values()].sort((left, right) => left.department.localeCompare(right.department) || left.handlerId.localeCompare(right.handlerId));
  await writeRows(manager, HandlerAssignmentRow, rows, { onConflict: ['department', 'handlerId'], where: 'handler_assignments.last_assigned_at < EXCLUDED.last_assigned_at' });
}

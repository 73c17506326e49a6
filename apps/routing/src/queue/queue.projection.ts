import { INTAKE_EVENTS, ROUTING_EVENTS, typedEventOf } from '@handoff/contracts';
import { type CountedRows, type FoldedBatch, type FollowingRows, type NewestRows, rowProjection, type RowProjection, type SentAlong, typedRowFold } from '@handoff/read-models';
import { DepartmentQueueRow, HandlerAssignmentRow, HandlerLoadRow, RunningDeadlineRow, TicketSubjectRow } from './queue.entities';
import { evolveQueueEntry, evolveTicketSubject, opensQueueEntry, queueChangesOf, runningDeadlinesOf, type QueueChange } from './queue.model';
import { SubRequestRow } from '../sub-requests/sub-requests.entity';
import { evolveSubRequest, subRequestIdOf } from '../sub-requests/sub-requests.model';

/** The PostgreSQL channel every routing instance listens on for its live queues. */
export const QUEUE_NOTIFY_CHANNEL = 'department_queue';

const QUEUE = typedRowFold(ROUTING_EVENTS, {
  entity: DepartmentQueueRow,
  key: ['ticketId'],
  keyOf: (event) => ({ ticketId: event.ticketId }),
  evolve: evolveQueueEntry,
  firstOfKey: opensQueueEntry,
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
  // A hand-over gives the whole row; the latest of the ticket's intake stream wins.
  newerBy: 'streamPosition',
});

const RUNNING_DEADLINES: FollowingRows<DepartmentQueueRow, RunningDeadlineRow> = {
  entity: RunningDeadlineRow,
  source: QUEUE,
  sourceKey: 'ticketId',
  rowsOf: runningDeadlinesOf,
};

/**
 * When each handler was last given a ticket. Not a fold of its own: every partition's batches
 * assign in the same departments, so the rows are merged (the later time wins) rather than read
 * and written back.
 */
const ASSIGNMENTS: NewestRows<DepartmentQueueRow, HandlerAssignmentRow> = {
  entity: HandlerAssignmentRow,
  source: QUEUE,
  key: ['department', 'handlerId'],
  newest: 'lastAssignedAt',
  rowOf({ event, after }) {
    // The queue fold has taken the event, so it is typed already; the check is for the compiler.
    if (event.type !== 'HandlerAssigned') return undefined;
    const typed = typedEventOf(ROUTING_EVENTS, event);
    if (typed?.type !== 'HandlerAssigned') return undefined;
    return { department: typed.data.department, handlerId: typed.data.handlerId, lastAssignedAt: after.updatedAt };
  },
};

/** Each handler's tickets in progress per department: what automatic assignment weighs (department-assigner.ts). */
const LOADS: CountedRows<DepartmentQueueRow, HandlerLoadRow> = {
  entity: HandlerLoadRow,
  source: QUEUE,
  key: ['department', 'handlerId'],
  count: 'inProgress',
  groupOf: (row) => (row.status === 'in_progress' && row.handlerId ? { department: row.department, handlerId: row.handlerId, inProgress: 1 } : undefined),
};

/**
 * Builds the department queue from `routing.events` (and the subject line and the sealed
 * customer from intake's hand-over), with the sub-requests each department is asked. Each batch is written through the consumer's transaction,
 * so the rows, their running deadlines, the processed-event marks and the notifications to live
 * queues commit together: `pg_notify` inside a transaction is delivered on commit, to every
 * routing instance. A rebuild passes `notify: false`: it writes the same rows where nobody listens.
 */
export function departmentQueueProjection({ notify = true }: { readonly notify?: boolean } = {}): RowProjection {
  return rowProjection({
    eventTypes: [...Object.keys(ROUTING_EVENTS), 'TicketHandedOver'],
    tables: [SUBJECTS, SUB_REQUESTS, QUEUE],
    following: [RUNNING_DEADLINES],
    newest: [ASSIGNMENTS],
    counted: [LOADS],
    ...(notify ? { announce: announceQueueChanges } : {}),
  });
}

function announceQueueChanges(batch: FoldedBatch): SentAlong | undefined {
  const queue = batch.get(QUEUE)!;
  if (queue.changed.length === 0) return undefined;
  const subRequestChanges: QueueChange[] = batch.get(SUB_REQUESTS)!.steps.map(({ after }) => ({
    ticketId: after.ticketId,
    department: after.department,
    change: 'sub_request',
    status: after.status,
    streamPosition: after.streamPosition,
  }));
  const changes = [...queue.steps.flatMap(({ before, after }) => queueChangesOf(before, after)), ...subRequestChanges];
  if (changes.length === 0) return undefined;
  // One notification per change, in order; delivered on commit.
  return {
    values: [QUEUE_NOTIFY_CHANNEL, changes.map((change) => JSON.stringify(change))],
    sql: (first) => `SELECT pg_notify($${first}, change) FROM unnest($${first + 1}::text[]) AS change`,
  };
}

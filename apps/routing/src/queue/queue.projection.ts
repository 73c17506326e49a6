import { INTAKE_EVENTS, ROUTING_EVENTS, typedEventOf, type RecordedEvent, type RecordedOf, type RoutingEvent } from '@handoff/contracts';
import { writeRows, type EventHandler } from '@handoff/messaging';
import { In, type EntityManager } from 'typeorm';
import { DepartmentQueueRow, RunningDeadlineRow } from './queue.entities';
import { evolveQueueEntry, queueChangesOf, runningDeadlinesOf, type QueueChange, type QueueEntry } from './queue.model';

/** The PostgreSQL channel every routing instance listens on for its live queues. */
export const QUEUE_NOTIFY_CHANNEL = 'department_queue';

/** A subject is a headline, not the description: long ones are cut for the queue. */
const SUBJECT_LENGTH = 300;

/**
 * Builds the department queue from `routing.events` (and the subject line and the sealed
 * customer from intake's hand-over). Each change is written through the consumer's transaction,
 * so the row, its running deadlines, the processed-event mark and the notification to live
 * queues commit together: `pg_notify` inside a transaction is delivered on commit, to every
 * routing instance. A rebuild passes `notify: false`: it writes the same rows where nobody listens.
 */
export function departmentQueueProjection({ notify = true }: { readonly notify?: boolean } = {}): EventHandler {
  return {
    eventTypes: [...Object.keys(ROUTING_EVENTS), 'TicketHandedOver'],
    async handle(event, manager) {
      if (event.type === 'TicketHandedOver') return recordSubject(event, manager);
      const typed = typedEventOf(ROUTING_EVENTS, event);
      if (!typed) return;
      const before = (await manager.findOneBy(DepartmentQueueRow, { ticketId: event.ticketId })) ?? undefined;
      const after = evolveQueueEntry(before, typed);
      if (!after) return;
      await manager.upsert(DepartmentQueueRow, { ...after }, ['ticketId']);
      await manager.delete(RunningDeadlineRow, { ticketId: after.ticketId });
      const running = runningDeadlinesOf(after);
      if (running.length > 0) await manager.insert(RunningDeadlineRow, running.map((deadline) => ({ ...deadline })));
      if (typed.type === 'HandlerAssigned') {
        await manager.query(
          `INSERT INTO handler_assignments (department, handler_id, last_assigned_at) VALUES ($1, $2, $3)
           ON CONFLICT (department, handler_id) DO UPDATE SET last_assigned_at = GREATEST(handler_assignments.last_assigned_at, EXCLUDED.last_assigned_at)`,
          [typed.data.department, typed.data.handlerId, after.updatedAt],
        );
      }
      if (!notify) return;
      for (const change of queueChangesOf(before, after)) {
        await manager.query('SELECT pg_notify($1, $2)', [QUEUE_NOTIFY_CHANNEL, JSON.stringify(change)]);
      }
    },
    // The same rows and notifications as `handle` one event after another, in a handful of
    // statements: each ticket's entry is folded in memory and written once.
    async handleBatch(events, manager) {
      const subjects = new Map<string, RecordedEvent>();
      const routing: RecordedOf<RoutingEvent>[] = [];
      for (const event of events) {
        if (event.type === 'TicketHandedOver') {
          const known = subjects.get(event.ticketId);
          if (!known || known.streamPosition < event.streamPosition) subjects.set(event.ticketId, event);
          continue;
        }
        const typed = typedEventOf(ROUTING_EVENTS, event);
        if (typed) routing.push(typed);
      }
      if (routing.length === 0) return recordSubjects([...subjects.values()], manager);

      const ticketIds = [...new Set(routing.map((event) => event.ticketId))];
      const entries = new Map<string, QueueEntry>();
      for (const row of await manager.findBy(DepartmentQueueRow, { ticketId: In(ticketIds) })) entries.set(row.ticketId, row);
      const changed = new Set<string>();
      const assignments = new Map<string, { department: string; handlerId: string; at: Date }>();
      const changes: QueueChange[] = [];
      for (const event of routing) {
        const before = entries.get(event.ticketId);
        const after = evolveQueueEntry(before, event);
        if (!after) continue;
        entries.set(after.ticketId, after);
        changed.add(after.ticketId);
        if (event.type === 'HandlerAssigned') {
          const key = `${event.data.department}\u0000${event.data.handlerId}`;
          const known = assignments.get(key);
          if (!known || known.at < after.updatedAt) assignments.set(key, { department: event.data.department, handlerId: event.data.handlerId, at: after.updatedAt });
        }
        if (notify) changes.push(...queueChangesOf(before, after));
      }
      // Written only now, after the reads: a transaction id is held from the first write to the commit.
      await recordSubjects([...subjects.values()], manager);
      if (changed.size === 0) return;

      const rows = [...changed].map((ticketId) => ({ ...entries.get(ticketId)! }));
      await writeRows(manager, DepartmentQueueRow, rows, { onConflict: ['ticketId'] });
      await manager.query('DELETE FROM running_deadlines WHERE ticket_id = ANY($1::text[])', [[...changed]]);
      await writeRows(manager, RunningDeadlineRow, rows.flatMap((row) => runningDeadlinesOf(row)));
      if (changes.length > 0) {
        // One row per change, in order; delivered on commit like the ones `handle` sends.
        await manager.query('SELECT pg_notify($1, change) FROM unnest($2::text[]) AS change', [
          QUEUE_NOTIFY_CHANNEL,
          changes.map((change) => JSON.stringify(change)),
        ]);
      }
      if (assignments.size > 0) {
        // Last, and in one order: a department has a few handlers, so every batch (of every
        // partition) updates the same rows, and each row stays locked until its batch commits.
        const assigned = [...assignments.values()].sort(
          (left, right) => left.department.localeCompare(right.department) || left.handlerId.localeCompare(right.handlerId),
        );
        await manager.query(
          `INSERT INTO handler_assignments (department, handler_id, last_assigned_at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
           ON CONFLICT (department, handler_id) DO UPDATE SET last_assigned_at = GREATEST(handler_assignments.last_assigned_at, EXCLUDED.last_assigned_at)`,
          [assigned.map((row) => row.department), assigned.map((row) => row.handlerId), assigned.map((row) => row.at)],
        );
      }
    },
  };
}

async function recordSubjects(events: readonly RecordedEvent[], manager: EntityManager): Promise<void> {
  if (events.length === 0) return;
  if (events.length === 1) return recordSubject(events[0], manager);
  const rows = events.flatMap((event) => {
    const typed = typedEventOf(INTAKE_EVENTS, event);
    if (typed?.type !== 'TicketHandedOver') return [];
    const { subject, customer } = typed.data;
    return [{ ticketId: event.ticketId, subject: subject.slice(0, SUBJECT_LENGTH), keyId: customer.keyId, sealed: customer.sealed, customerId: customer.customerId ?? null, position: event.streamPosition }];
  });
  if (rows.length === 0) return;
  await manager.query(
    `INSERT INTO queue_ticket_subjects (ticket_id, subject, customer_key_id, customer_sealed, customer_id, stream_position)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[])
     ON CONFLICT (ticket_id) DO UPDATE SET
       subject = EXCLUDED.subject,
       customer_key_id = EXCLUDED.customer_key_id,
       customer_sealed = EXCLUDED.customer_sealed,
       customer_id = EXCLUDED.customer_id,
       stream_position = EXCLUDED.stream_position
     WHERE queue_ticket_subjects.stream_position < EXCLUDED.stream_position`,
    [
      rows.map((row) => row.ticketId),
      rows.map((row) => row.subject),
      rows.map((row) => row.keyId),
      rows.map((row) => row.sealed),
      rows.map((row) => row.customerId),
      rows.map((row) => row.position),
    ],
  );
}

async function recordSubject(event: RecordedEvent, manager: EntityManager): Promise<void> {
  const typed = typedEventOf(INTAKE_EVENTS, event);
  if (typed?.type !== 'TicketHandedOver') return;
  const { subject, customer } = typed.data;
  // The customer stays sealed: the department opens the details through the vault when it reads them.
  await manager.query(
    `INSERT INTO queue_ticket_subjects (ticket_id, subject, customer_key_id, customer_sealed, customer_id, stream_position)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (ticket_id) DO UPDATE SET
       subject = EXCLUDED.subject,
       customer_key_id = EXCLUDED.customer_key_id,
       customer_sealed = EXCLUDED.customer_sealed,
       customer_id = EXCLUDED.customer_id,
       stream_position = EXCLUDED.stream_position
     WHERE queue_ticket_subjects.stream_position < EXCLUDED.stream_position`,
    [event.ticketId, subject.slice(0, SUBJECT_LENGTH), customer.keyId, customer.sealed, customer.customerId ?? null, event.streamPosition],
  );
}

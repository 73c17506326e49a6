import { INTAKE_EVENTS, ROUTING_EVENTS, typedEventOf, type RecordedEvent } from '@handoff/contracts';
import type { EventHandler } from '@handoff/messaging';
import type { EntityManager } from 'typeorm';
import { DepartmentQueueRow, RunningDeadlineRow } from './queue.entities';
import { evolveQueueEntry, queueChangesOf, runningDeadlinesOf } from './queue.model';

/** The PostgreSQL channel every routing instance listens on for its live queues. */
export const QUEUE_NOTIFY_CHANNEL = 'department_queue';

/** A subject is a headline, not the description: long ones are cut for the queue. */
const SUBJECT_LENGTH = 300;

/**
 * Builds the department queue from `routing.events` (and the subject line and the sealed
 * customer from intake's hand-over). Each change is written through the consumer's transaction,
 * so the row, its running deadlines, the processed-event mark and the notification to live
 * queues commit together: `pg_notify` inside a transaction is delivered on commit, to every
 * routing instance.
 */
export function departmentQueueProjection(): EventHandler {
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
      for (const change of queueChangesOf(before, after)) {
        await manager.query('SELECT pg_notify($1, $2)', [QUEUE_NOTIFY_CHANNEL, JSON.stringify(change)]);
      }
    },
  };
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

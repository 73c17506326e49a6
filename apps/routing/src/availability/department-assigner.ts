import {
  DomainError,
  routingStreamId,
  staffingStreamId,
  type Actor,
  type Decider,
  type Department,
  type RecordedEvent,
  type RoutingEvent,
} from '@handoff/contracts';
import type { CommandHandler } from '@handoff/event-store';
import { queryWithNext, withEventTrace } from '@handoff/messaging';
import type { JsonLogger } from '@handoff/platform';
import type { EntityManager } from 'typeorm';
import { whileAwaitingHandlerIn } from '../assignment/auto-assignment';
import { automaticStrategyOf, type Organisation } from '../organisation/organisation';
import type { RoutingCommand, RoutingState } from '../tickets/tickets.decider';
import { staffingDecider, type StaffingState } from './availability.decider';
import { afterAssignment, departmentWork, freeCandidatesOf, handlerStatesOf, type DepartmentWork, type HandlerState, type WorkRow } from './capacity';

/** What caused a round of assignments: an event on the record, or a request. */
export interface AssignmentCause {
  readonly correlationId: string;
  readonly causationId: string;
}

/** The event that brought a ticket to wait for a handler, in the batch being drained. */
export type OwnCauses = ReadonlyMap<string, RecordedEvent>;

/**
 * Automatic assignment for one department at a time, held to availability and the limit on work
 * in progress. Every decision about a department's handlers runs under the department's advisory
 * lock, in a transaction of its own, so two routing instances never both give the last free slot.
 *
 * The queue projection lags the event store: an assignment made a moment ago by another instance
 * may not be in it yet. So each automatic assignment also leaves a reservation, committed with
 * the lock's transaction, which counts towards the handler's load until the projection shows the
 * ticket moved on from where it was when reserved (departmentWork).
 */
export class DepartmentAssigner {
  constructor(
    private readonly options: {
      readonly commands: CommandHandler;
      readonly decider: Decider<RoutingCommand, RoutingEvent, RoutingState>;
      readonly organisation: Organisation;
      readonly actor: Actor;
      readonly logger: JsonLogger;
      readonly clock: () => Date;
    },
  ) {}

  /** Whether automatic assignment runs in the department at all. */
  assigns(department: Department): boolean {
    return automaticStrategyOf(this.options.organisation, department) !== undefined;
  }

  /**
   * Gives waiting tickets to free handlers, oldest first, until nobody is free or nothing waits.
   * `newer`: queue rows folded from a batch the projection has not applied yet (the slot its
   * event freed, the ticket it brought). `own`: a ticket brought by the batch is assigned as caused
   * by its own event, in that event's trace, so its trip stays one correlation and one trace; a
   * ticket that waited from before is assigned as caused by the event that freed the slot.
   */
  async drain(manager: EntityManager, department: Department, cause: AssignmentCause, newer: readonly WorkRow[] = [], own: OwnCauses = new Map()): Promise<void> {
    const strategy = automaticStrategyOf(this.options.organisation, department);
    if (!strategy) return;
    await manager.transaction(async (locked) => {
      await lockDepartment(locked, department);
      const tried = new Set<string>();
      // Read once: under the lock nobody else assigns here, so each assignment's effect is known.
      // A ticket that comes to wait meanwhile, or a slot freed meanwhile, brings a drain of its own,
      // which waits for this lock.
      let work = await workOf(locked, department, newer);
      // Once the lock is held (it went with the read above): an absence recorded under it is seen.
      const staffing = await this.staffing(department);
      const settled = work.settled;
      // The drain's writes wait for its end: this transaction's first write takes its transaction
      // id, and an id taken before an append's would hold that event back from the relay (readAll's
      // horizon) until the transaction ends. Made under the lock, they commit together either way.
      const made: Assignment[] = [];
      const end = () => reserve(locked, department, made, settled);
      for (;;) {
        const next = work.waiting.find((ticketId) => !tried.has(ticketId));
        if (next === undefined) return end();
        const now = this.options.clock();
        const candidates = freeCandidatesOf(this.options.organisation, department, work.loads, staffing, now);
        if (candidates.length === 0) {
          this.options.logger.event('info', 'tickets wait for a free handler', { department, waiting: work.waiting.length });
          return end();
        }
        tried.add(next);
        const ownEvent = own.get(next);
        const assign = () =>
          this.record(locked, department, next, null, {
            type: 'AssignHandler',
            data: { mode: 'strategy', strategy, candidates },
            metadata: { now, actor: this.options.actor, ...(ownEvent ? { correlationId: ownEvent.metadata.correlationId, causationId: ownEvent.eventId } : cause) },
          });
        const assigned = await (ownEvent ? withEventTrace(ownEvent, assign) : assign());
        if (!assigned) continue;
        made.push(assigned);
        work = afterAssignment(work, next, assigned.handlerId, assigned.at);
      }
    });
  }

  /** The away handler's tickets in progress go to free colleagues by the strategy, or back to the queue. */
  async handOn(manager: EntityManager, department: Department, awayHandlerId: string, cause: AssignmentCause): Promise<void> {
    const strategy = automaticStrategyOf(this.options.organisation, department);
    await manager.transaction(async (locked) => {
      await lockDepartment(locked, department);
      const held = [...(await workOf(locked, department, [], { holders: true })).holders].filter(([, holder]) => holder === awayHandlerId).map(([ticketId]) => ticketId);
      const staffing = await this.staffing(department);
      for (const ticketId of held) {
        const now = this.options.clock();
        const candidates = freeCandidatesOf(this.options.organisation, department, (await workOf(locked, department)).loads, staffing, now);
        const assigned = await this.record(locked, department, ticketId, awayHandlerId, {
          type: 'HandOnFromAway',
          data: { awayHandlerId, ...(strategy && { strategy }), candidates },
          metadata: { now, actor: this.options.actor, ...cause, reason: 'away' },
        });
        // At once: the next ticket's candidates come from the work read again, reservations included.
        if (assigned) await reserve(locked, department, [assigned]);
      }
    });
  }

  /** Each handler at work or away, with their tickets in progress against the limit. */
  async handlerStates(manager: EntityManager, department: Department): Promise<HandlerState[]> {
    return handlerStatesOf(this.options.organisation, department, (await workOf(manager, department)).loads, await this.staffing(department), this.options.clock());
  }

  /**
   * From the department's own stream, not a projection: an absence counts from the moment it is
   * recorded. The stream grows with every absence for as long as the desk runs and is read at every
   * assignment; the command handler reads only what was recorded since its last read (load), and
   * another instance's records are found the same way: they are the stream's next positions.
   */
  async staffing(department: Department): Promise<StaffingState> {
    return (await this.options.commands.load(staffingStreamId(department), staffingDecider(department, this.options.organisation))).state;
  }

  /** The assignment made, if the ticket went to a handler: its reservation is for the caller to write (reserve). */
  private async record(
    manager: EntityManager,
    department: Department,
    ticketId: string,
    fromHandlerId: string | null,
    command: RoutingCommand,
  ): Promise<Assignment | undefined> {
    const decider = command.type === 'AssignHandler' ? whileAwaitingHandlerIn(this.options.decider, department) : this.options.decider;
    try {
      const result = await this.options.commands.handle(routingStreamId(ticketId), decider, command, { ticketId });
      const assigned = result.events.find((event) => event.type === 'HandlerAssigned');
      if (!assigned) return undefined;
      const handlerId = (assigned.data as { handlerId: string }).handlerId;
      this.options.logger.event('info', 'handler assigned automatically', { ticketId, department, handlerId, causedBy: command.metadata.causationId });
      return { ticketId, handlerId, fromHandlerId, at: new Date(assigned.metadata.occurredAt) };
    } catch (error) {
      // A refusal leaves the ticket where it was, for a claim or a manager; the next slot tries again.
      if (!(error instanceof DomainError)) throw error;
      this.options.logger.event('warn', 'automatic assignment refused', { ticketId, department, code: error.code, reason: error.message });
      return undefined;
    }
  }
}

/** An automatic assignment: `fromHandlerId` held the ticket when it was made (null: nobody). */
interface Assignment {
  readonly ticketId: string;
  readonly handlerId: string;
  readonly fromHandlerId: string | null;
  readonly at: Date;
}

/**
 * The assignments' reservations, and the reservations the queue has caught up with forgotten
 * (`settled`, but for a ticket reserved again now), in one statement. Also for a redelivered
 * cause: the reservation of the first delivery may have been rolled back with its batch.
 */
async function reserve(manager: EntityManager, department: Department, assignments: readonly Assignment[], settled: readonly string[] = []): Promise<void> {
  const reserved = new Set(assignments.map((made) => made.ticketId));
  const forgotten = settled.filter((ticketId) => !reserved.has(ticketId));
  if (assignments.length === 0 && forgotten.length === 0) return;
  // The two parts touch different tickets: neither has to see the other's rows. Nothing reads its
  // result: it goes with the transaction's next statement, or its COMMIT.
  await queryWithNext(
    manager,
    `WITH forgotten AS (DELETE FROM assignment_reservations WHERE ticket_id = ANY($6::text[]))
     INSERT INTO assignment_reservations (ticket_id, department, handler_id, from_handler_id, reserved_at)
     SELECT ticket_id, $1, handler_id, from_handler_id, reserved_at
       FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS made (ticket_id, handler_id, from_handler_id, reserved_at)
     ON CONFLICT (ticket_id) DO UPDATE SET department = EXCLUDED.department, handler_id = EXCLUDED.handler_id,
       from_handler_id = EXCLUDED.from_handler_id, reserved_at = EXCLUDED.reserved_at`,
    [
      department,
      assignments.map((made) => made.ticketId),
      assignments.map((made) => made.handlerId),
      assignments.map((made) => made.fromHandlerId),
      assignments.map((made) => made.at),
      forgotten,
    ],
  );
}

/** Held for the transaction's next statement (queryWithNext): taken as that statement begins, before its snapshot. */
async function lockDepartment(manager: EntityManager, department: Department): Promise<void> {
  await queryWithNext(manager, `SELECT pg_advisory_xact_lock(hashtext('handoff.assignment.' || $1))`, [department]);
}

/**
 * The department's work under the lock (`settled`: the reservations the queue has caught up with,
 * for the caller to forget under the lock, where the next decision is made). `holders`: read every ticket in progress
 * row by row, to know who holds which (handing an away handler's tickets on); otherwise the
 * tickets in progress that need no row of their own come as a number per handler: the count the
 * queue projection keeps (department_handler_loads), less the tickets whose rows are read anyway.
 * So an assignment reads a row per handler, with ten tickets in progress as with ten thousand.
 */
async function workOf(
  manager: EntityManager,
  department: Department,
  newer: readonly WorkRow[] = [],
  options: { holders?: boolean } = {},
): Promise<DepartmentWork> {
  const newerIds = newer.map((row) => row.ticketId);
  // One statement, so one round trip under the department's lock (and one snapshot): the lock is
  // held, and the events appended under it wait for the relay, until the transaction ends.
  // Times come as whole epoch milliseconds, truncated as the driver truncates a timestamptz.
  // The department's rows and the reserved ones are two index reads joined by UNION: as one
  // WHERE with OR, PostgreSQL read the whole queue, every department's closed tickets included,
  // at every assignment. The counts and the queue rows are written by one statement of the
  // projection, so one snapshot sees them agree; `passed` are the counted tickets whose rows come
  // with the reservations or `newer`, each looked up by its key alone (OFFSET 0 keeps the other
  // conditions out of that lookup): given them, the planner at times read every ticket in progress
  // of the department from an index on them instead (146 of about 900 decisions in a bench run,
  // 460 rows each), the very cost the counts remove.
  const [read] = (await manager.query(
    `WITH reserved AS (SELECT ticket_id, handler_id, from_handler_id, reserved_at FROM assignment_reservations WHERE department = $1),
     passed AS (SELECT q.handler_id, count(*)::int AS tickets
                  FROM (SELECT ticket_id FROM reserved UNION SELECT unnest($3::text[])) AS ids
                  CROSS JOIN LATERAL (SELECT department, status, handler_id FROM department_queue WHERE ticket_id = ids.ticket_id OFFSET 0) AS q
                 WHERE q.department = $1 AND q.status = 'in_progress' AND q.handler_id IS NOT NULL
                 GROUP BY q.handler_id)
     SELECT
       (SELECT coalesce(json_agg(json_build_object('ticket_id', ticket_id, 'department', department, 'status', status, 'handler_id', handler_id,
                 'routed_at', floor(extract(epoch FROM routed_at) * 1000))), '[]')
          FROM (SELECT ticket_id, department, status, handler_id, routed_at FROM department_queue WHERE department = $1 AND status = ANY($2::text[])
                UNION
                SELECT ticket_id, department, status, handler_id, routed_at FROM department_queue WHERE ticket_id IN (SELECT ticket_id FROM reserved)) AS work) AS rows,
       (SELECT coalesce(json_agg(json_build_object('handler_id', handler_id, 'open', open)), '[]')
          FROM (SELECT l.handler_id, l.in_progress - coalesce(p.tickets, 0) AS open
                  FROM department_handler_loads l LEFT JOIN passed p ON p.handler_id = l.handler_id
                 WHERE $4 AND l.department = $1) AS counts
         WHERE open > 0) AS counted,
       (SELECT coalesce(json_agg(json_build_object('ticket_id', ticket_id, 'handler_id', handler_id, 'from_handler_id', from_handler_id,
                 'reserved_at', floor(extract(epoch FROM reserved_at) * 1000))), '[]') FROM reserved) AS reservations,
       (SELECT coalesce(json_agg(json_build_object('handler_id', handler_id, 'last_assigned_at', floor(extract(epoch FROM last_assigned_at) * 1000))), '[]')
          FROM handler_assignments WHERE department = $1) AS recent`,
    [department, options.holders ? ['awaiting_handler', 'in_progress'] : ['awaiting_handler'], newerIds, !options.holders],
  )) as {
    rows: { ticket_id: string; department: string; status: string; handler_id: string | null; routed_at: number }[];
    counted: { handler_id: string; open: number }[];
    reservations: { ticket_id: string; handler_id: string; from_handler_id: string | null; reserved_at: number }[];
    recent: { handler_id: string; last_assigned_at: number }[];
  }[];
  const { rows, counted, reservations, recent } = read;
  const work = departmentWork(
    department,
    rows.map((row) => ({ ticketId: row.ticket_id, department: row.department, status: row.status, handlerId: row.handler_id, routedAt: new Date(row.routed_at) })),
    reservations.map((row) => ({ ticketId: row.ticket_id, handlerId: row.handler_id, fromHandlerId: row.from_handler_id, reservedAt: new Date(row.reserved_at) })),
    newer,
    new Map(recent.map((row) => [row.handler_id, new Date(row.last_assigned_at)])),
    new Map(counted.map((row) => [row.handler_id, row.open])),
  );
  return work;
}

import { DEFAULT_COMPLAINT_CAUSES, newId, routingStreamId, staffingStreamId, type Actor, type Decider, type RecordedEvent, type RoutingEvent } from '@handoff/contracts';
import { CommandHandler, createPostgresEventStore, type EventStore, type PostgresEventStore } from '@handoff/event-store';
import { JsonLogger } from '@handoff/platform';
import { createTestDatabase, type TestDatabase } from '@handoff/testing';
import { sharedStoreForThisFile } from '@handoff/testing/services';
import { DataSource, type EntityManager } from 'typeorm';
import type { Organisation } from '../organisation/organisation';
import { CountHandlerLoads1798000500000, DropTicketsInProgressIndex1798000600000 } from '../queue/queue.migrations';
import { departmentQueueProjection } from '../queue/queue.projection';
import { ROUTING_DATABASE } from '../read-models';
import { ticketsDecider, type RoutingCommand, type RoutingState } from '../tickets/tickets.decider';
import { staffingDecider, type StaffingCommand } from './availability.decider';
import { DepartmentAssigner } from './department-assigner';

const organisation: Organisation = {
  departments: [
    {
      id: 'billing',
      name: 'Billing',
      strategy: 'least_loaded',
      handlers: [
        { id: 'h-ana', name: 'Ana', skills: [] },
        { id: 'h-bo', name: 'Bo', skills: [] },
      ],
      managers: [],
    },
  ],
};
const management: Actor = { id: 'manager-1', role: 'management' };

/** A store that says from which position each stream read began and how many events it brought. */
function recordingReads(store: EventStore): { store: EventStore; reads: { from: number; events: number }[] } {
  const reads: { from: number; events: number }[] = [];
  const recording = Object.create(store) as EventStore;
  recording.readStream = async (streamId: string, fromPosition = 0): Promise<RecordedEvent[]> => {
    const events = await store.readStream(streamId, fromPosition);
    reads.push({ from: fromPosition, events: events.length });
    return events;
  };
  return { store: recording, reads };
}

/**
 * The department's staffing stream is read at every automatic assignment and grows with every
 * absence for as long as the desk runs: the assigner reads only what was recorded since it last
 * read, and still sees what another instance recorded.
 */
describe("the assigner's view of a department's staffing", () => {
  const stores = sharedStoreForThisFile('department_assigner', 2, 2);

  it('reads only the events recorded since its last read, another instance’s included, to the same state as reading all', async () => {
    const { store, reads } = recordingReads(stores[0]);
    const assigner = new DepartmentAssigner({
      commands: new CommandHandler(store),
      decider: ticketsDecider({
        rules: { rules: [], defaultDepartment: 'billing' },
        deadlinesFor: ({ from }) => ({ firstResponseDueAt: from, resolutionDueAt: from, policyVersion: 'test' }),
        escalation: { managementAfterMinutes: { first_response: 60, resolution: 240 } },
        complaintCauses: DEFAULT_COMPLAINT_CAUSES,
      }),
      organisation,
      actor: { id: 'system:routing-assignment', role: 'system' },
      logger: new JsonLogger('routing', 'error', () => undefined),
      clock: () => new Date(),
    });
    // The other instance records every absence.
    const other = new CommandHandler(stores[1]);
    const stream = staffingStreamId('billing');
    const decider = staffingDecider('billing', organisation);
    const record = (command: Pick<StaffingCommand, 'type' | 'data'>) =>
      other.handle(stream, decider, { ...command, metadata: { now: new Date(), actor: management, correlationId: newId(), causationId: newId() } } as StaffingCommand, {
        ticketId: 'staffing',
      });
    const readAll = async () => (await new CommandHandler(stores[1]).load(stream, decider)).state;

    expect([...(await assigner.staffing('billing')).away.keys()]).toEqual([]);
    await record({ type: 'MarkAway', data: { handlerId: 'h-ana' } });
    await record({ type: 'MarkAway', data: { handlerId: 'h-bo', until: new Date(Date.now() + 3_600_000).toISOString() } });
    expect(await assigner.staffing('billing')).toEqual(await readAll());
    await record({ type: 'MarkBack', data: { handlerId: 'h-ana' } });
    const afterReturn = await assigner.staffing('billing');
    expect([...afterReturn.away.keys()]).toEqual(['h-bo']);
    expect(afterReturn).toEqual(await readAll());
    // Nothing new: a read from the next position that brings nothing, and the same state.
    expect(await assigner.staffing('billing')).toEqual(afterReturn);

    // The empty stream, then both absences, then only the return, then nothing.
    expect(reads).toEqual([
      { from: 0, events: 0 },
      { from: 0, events: 2 },
      { from: 2, events: 1 },
      { from: 3, events: 0 },
    ]);
  });
});

/** The statements a manager's transactions send, by their first words. */
function recordingStatements(manager: EntityManager): { manager: EntityManager; statements: string[] } {
  const statements: string[] = [];
  const recorded = (target: EntityManager): EntityManager =>
    new Proxy(target, {
      get(object, property, receiver) {
        if (property === 'query') {
          return (query: string, parameters?: unknown[]) => {
            statements.push(query.replace(/\s+/g, ' ').trim().slice(0, 40));
            return object.query(query, parameters);
          };
        }
        if (property === 'transaction') {
          return (work: (locked: EntityManager) => Promise<unknown>) => object.transaction((locked) => work(recorded(locked)));
        }
        return Reflect.get(object, property, receiver);
      },
    });
  return { manager: recorded(manager), statements };
}

/**
 * A drain gives the waiting tickets to free handlers one after another under the department's
 * lock: it reads the department's work once, follows its own assignments, and writes their
 * reservations (and forgets those the queue has caught up with) in one statement at its end.
 */
describe("a department's drain", () => {
  const limited: Organisation = { departments: [{ ...organisation.departments[0], wipLimit: 2 }] };
  const decider: Decider<RoutingCommand, RoutingEvent, RoutingState> = ticketsDecider({
    rules: { rules: [], defaultDepartment: 'billing' },
    deadlinesFor: ({ from }) => ({ firstResponseDueAt: from, resolutionDueAt: from, policyVersion: 'test' }),
    escalation: { managementAfterMinutes: { first_response: 60, resolution: 240 } },
    complaintCauses: DEFAULT_COMPLAINT_CAUSES,
  });
  let database: TestDatabase;
  let store: PostgresEventStore;
  let dataSource: DataSource;
  const limitedAssigner = (commands: CommandHandler) =>
    new DepartmentAssigner({
      commands,
      decider,
      organisation: limited,
      actor: { id: 'system:routing-assignment', role: 'system' },
      logger: new JsonLogger('routing', 'error', () => undefined),
      clock: () => new Date(),
    });

  beforeAll(async () => {
    database = await createTestDatabase('department_drain');
    store = await createPostgresEventStore({ connectionString: database.url, poolSize: 3 });
    dataSource = await new DataSource({
      type: 'postgres',
      url: database.url,
      entities: [...ROUTING_DATABASE.entities],
      migrations: [...ROUTING_DATABASE.migrations],
      migrationsRun: true,
      extra: { max: 3 },
    }).initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await store?.close();
    await database?.drop();
  });

  it('reads the work once and writes once, keeps each handler to the limit, and forgets only what the queue shows', async () => {
    const commands = new CommandHandler(store);
    const assigner = limitedAssigner(commands);
    const projection = departmentQueueProjection({ notify: false });
    const applied = new Set<string>();
    // The queue catches up with the tickets' streams (as its consumer would, later).
    const catchUp = async (ticketIds: readonly string[]) => {
      const events = (await Promise.all(ticketIds.map((ticketId) => store.readStream(routingStreamId(ticketId))))).flat().filter((event) => !applied.has(event.eventId));
      events.forEach((event) => applied.add(event.eventId));
      await dataSource.transaction((manager) => projection.handle(events, manager));
    };
    const route = async (ticketId: string, handedOverAt: string) => {
      await commands.handle(
        routingStreamId(ticketId),
        decider,
        {
          type: 'RouteTicket',
          data: { type: 'consultation', category: 'billing', priority: 'normal', channel: 'hotline', complaint: false, handedOverAt },
          metadata: { now: new Date(handedOverAt), actor: { id: 'system:routing', role: 'system' }, correlationId: newId(), causationId: newId() },
        },
        { ticketId },
      );
    };
    const tickets: string[] = [];
    for (let index = 0; index < 5; index++) {
      const ticketId = newId();
      tickets.push(ticketId);
      await route(ticketId, new Date(Date.now() - (10 - index) * 60_000).toISOString());
    }
    await catchUp(tickets);
    const handlerOf = async (ticketId: string) => (await commands.load(routingStreamId(ticketId), decider)).state;
    const reservations = async () =>
      (await dataSource.query('SELECT ticket_id, handler_id FROM assignment_reservations ORDER BY ticket_id')) as { ticket_id: string; handler_id: string }[];

    const first = recordingStatements(dataSource.manager);
    await assigner.drain(first.manager, 'billing', { correlationId: newId(), causationId: newId() });
    // The lock, the work, the reservations: four assignments, and no statement for each.
    expect(first.statements).toEqual(["SELECT pg_advisory_xact_lock(hashtext('h", 'WITH reserved AS (SELECT ticket_id, hand', 'WITH forgotten AS (DELETE FROM assignmen']);
    // Oldest first, two each: the fifth waits.
    const held = await reservations();
    expect(held.map((row) => row.ticket_id).sort()).toEqual(tickets.slice(0, 4).sort());
    expect(held.filter((row) => row.handler_id === 'h-ana')).toHaveLength(2);
    expect(held.filter((row) => row.handler_id === 'h-bo')).toHaveLength(2);
    for (const { ticket_id, handler_id } of held) expect(await handlerOf(ticket_id)).toMatchObject({ status: 'in_progress', handlerId: handler_id });

    // The queue shows the first two assigned; the first's handler reports a result, which frees a slot.
    await catchUp(tickets.slice(0, 2));
    const freed = tickets[0];
    const freedBy = held.find((row) => row.ticket_id === freed)!.handler_id;
    await commands.handle(
      routingStreamId(freed),
      decider,
      {
        type: 'ReportResult',
        data: { summary: 'Refunded.' },
        metadata: { now: new Date(), actor: { id: freedBy, role: 'department_handler', department: 'billing' }, correlationId: newId(), causationId: newId() },
      } as RoutingCommand,
      { ticketId: freed },
    );
    await catchUp([freed]);

    const second = recordingStatements(dataSource.manager);
    await assigner.drain(second.manager, 'billing', { correlationId: newId(), causationId: newId() });
    expect(second.statements).toEqual(first.statements);
    // The fifth went to the handler whose slot was freed; the two the queue shows are forgotten.
    expect((await reservations()).map((row) => [row.ticket_id, row.handler_id]).sort()).toEqual(
      [...held.filter((row) => tickets.indexOf(row.ticket_id) >= 2).map((row) => [row.ticket_id, row.handler_id]), [tickets[4], freedBy]].sort(),
    );

    // The queue shows every assignment now, so no reservation counts: the tickets in progress come
    // from the counts the queue keeps per handler. Both handlers are at the limit, and a sixth waits.
    await catchUp(tickets);
    const sixth = newId();
    await route(sixth, new Date().toISOString());
    await catchUp([sixth]);
    expect(await dataSource.query(`SELECT handler_id, in_progress FROM department_handler_loads WHERE department = 'billing' ORDER BY handler_id`)).toEqual([
      { handler_id: 'h-ana', in_progress: 2 },
      { handler_id: 'h-bo', in_progress: 2 },
    ]);
    const states = async () => (await assigner.handlerStates(dataSource.manager, 'billing')).map((state) => [state.handlerId, state.inProgress]);
    // Before the drain forgets them, the reservations the queue has caught up with bring their
    // tickets' rows, which are counted once, not again in the counts.
    expect((await reservations()).length).toBeGreaterThan(0);
    expect(await states()).toEqual([
      ['h-ana', 2],
      ['h-bo', 2],
    ]);
    await assigner.drain(dataSource.manager, 'billing', { correlationId: newId(), causationId: newId() });
    expect(await reservations()).toEqual([]);
    expect(await handlerOf(sixth)).toMatchObject({ status: 'awaiting_handler' });
    expect(await states()).toEqual([
      ['h-ana', 2],
      ['h-bo', 2],
    ]);

    // A desk that had no counts gets them from its queue as it stands.
    const loads = () => dataSource.query(`SELECT department, handler_id, in_progress FROM department_handler_loads WHERE in_progress <> 0 ORDER BY 1, 2`);
    const kept = await loads();
    const runner = dataSource.createQueryRunner();
    try {
      await new CountHandlerLoads1798000500000().down(runner);
      await new CountHandlerLoads1798000500000().up(runner);
    } finally {
      await runner.release();
    }
    expect(await loads()).toEqual(kept);
  });

  it("looks up the tickets whose rows it reads anyway by their keys, not among the department's tickets in progress, on a table not analysed since it filled", async () => {
    const assigner = limitedAssigner(new CommandHandler(store));
    // 3,000 tickets in progress in the department, copies of a row the queue holds, three of them reserved.
    const [{ ticket_id: model }] = (await dataSource.query(`SELECT ticket_id FROM department_queue WHERE department = 'billing' LIMIT 1`)) as { ticket_id: string }[];
    const columns = ((await dataSource.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'department_queue' AND is_generated = 'NEVER' ORDER BY ordinal_position`,
    )) as { column_name: string }[]).map((row) => row.column_name);
    const copied = columns.map((column) => ({ ticket_id: `ticket_id || '-copy-' || g`, status: `'in_progress'`, handler_id: `'h-ana'` })[column] ?? column);
    await dataSource.query(
      `INSERT INTO department_queue (${columns.join(', ')}) SELECT ${copied.join(', ')} FROM department_queue, generate_series(1, 3000) AS g WHERE ticket_id = $1`,
      [model],
    );
    await dataSource.query(
      `INSERT INTO assignment_reservations (ticket_id, department, handler_id, from_handler_id, reserved_at)
       SELECT $1 || '-copy-' || g, 'billing', 'h-ana', NULL, now() FROM generate_series(1, 3) AS g`,
      [model],
    );
    // What the server knows of a table that has filled since it was last analysed, or never was.
    await dataSource.query(`DELETE FROM pg_statistic WHERE starelid = 'department_queue'::regclass`);
    await dataSource.query(`UPDATE pg_class SET reltuples = -1 WHERE oid = 'department_queue'::regclass`);

    // Each statement of the work's read explained as it runs: the rows it took from the queue.
    const queueRowsRead = async () => {
      let read = -1;
      const explaining = new Proxy(dataSource.manager, {
        get(object, property, receiver) {
          if (property !== 'query') return Reflect.get(object, property, receiver);
          return async (query: string, parameters?: unknown[]) => {
            if (query.trimStart().startsWith('WITH reserved AS')) {
              const [{ 'QUERY PLAN': [plan] }] = (await object.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${query}`, parameters)) as { 'QUERY PLAN': [{ Plan: PlanNode }] }[];
              read = rowsReadFrom(plan.Plan, 'department_queue');
            }
            return object.query(query, parameters);
          };
        },
      });
      expect((await assigner.handlerStates(explaining, 'billing')).map((state) => state.handlerId)).toContain('h-ana');
      return read;
    };
    // The three reserved tickets by their keys, and the department's one waiting ticket (the sixth);
    // with the index of tickets in progress the queue had before migration 1798000600000, and without.
    const inProgressIndexes = async () => ((await dataSource.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'department_queue_in_progress'`)) as unknown[]).length;
    expect(await inProgressIndexes()).toBe(0);
    const read = await queueRowsRead();
    expect(read).toBeGreaterThanOrEqual(3);
    expect(read).toBeLessThan(20);
    const runner = dataSource.createQueryRunner();
    try {
      await new DropTicketsInProgressIndex1798000600000().down(runner);
      expect(await inProgressIndexes()).toBe(1);
      expect(await queueRowsRead()).toBeLessThan(20);
      await new DropTicketsInProgressIndex1798000600000().up(runner);
      expect(await inProgressIndexes()).toBe(0);
    } finally {
      await runner.release();
    }
    await dataSource.query(`ANALYZE department_queue`);
  });
});

interface PlanNode {
  readonly 'Relation Name'?: string;
  readonly 'Actual Rows': number;
  readonly 'Actual Loops': number;
  readonly 'Rows Removed by Filter'?: number;
  readonly 'Rows Removed by Index Recheck'?: number;
  readonly Plans?: readonly PlanNode[];
}

/** The rows the plan's scans of `table` read, kept or filtered out, over all their loops. */
function rowsReadFrom(node: PlanNode, table: string): number {
  const own =
    node['Relation Name'] === table ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * node['Actual Loops'] : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsReadFrom(child, table), 0);
}

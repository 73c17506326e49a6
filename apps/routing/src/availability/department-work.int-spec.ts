import { createTestDatabase, type TestDatabase } from '@handoff/testing';
import { DataSource } from 'typeorm';
import { ROUTING_DATABASE } from '../read-models';
import { workOf } from './department-assigner';

jest.setTimeout(60_000);

/**
 * The assigner's read of a department, against routing's own schema: tickets in progress come as
 * the projection's number per handler, less the tickets whose rows the read also gives (reserved,
 * or in a batch not applied yet), so each ticket counts once, for whoever the reservations say.
 */
describe("a department's work as automatic assignment reads it", () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('department_work');
    dataSource = new DataSource({ type: 'postgres', url: database.url, entities: [...ROUTING_DATABASE.entities], migrations: [...ROUTING_DATABASE.migrations], extra: { max: 2 } });
    await dataSource.initialize();
    await dataSource.runMigrations();
    // Only the columns the read looks at are given here.
    await dataSource.query(`DO $$ DECLARE c record; BEGIN
      FOR c IN SELECT column_name FROM information_schema.columns WHERE table_name = 'department_queue' AND is_nullable = 'NO' AND column_name <> 'ticket_id' LOOP
        EXECUTE format('ALTER TABLE department_queue ALTER COLUMN %I DROP NOT NULL', c.column_name);
      END LOOP; END $$`);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('counts each ticket in progress once, for the handler a reservation names while the queue lags, and none of a batch that moved it on', async () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 11, 6, 9, minute));
    const rows: [ticketId: string, department: string, status: string, handlerId: string | null][] = [
      ['t1', 'billing', 'in_progress', 'billing-wu'],
      ['t2', 'billing', 'in_progress', 'billing-wu'],
      ['t3', 'billing', 'in_progress', 'billing-zhou'],
      ['t4', 'billing', 'in_progress', 'billing-zhou'],
      ['t5', 'billing', 'awaiting_handler', null],
      ['t6', 'billing', 'awaiting_handler', null],
      ['t7', 'logistics', 'in_progress', 'billing-wu'],
    ];
    for (const [index, [ticketId, department, status, handlerId]] of rows.entries()) {
      await dataSource.query('INSERT INTO department_queue (ticket_id, department, status, handler_id, routed_at) VALUES ($1, $2, $3, $4, $5)', [ticketId, department, status, handlerId, at(index)]);
    }
    // The projection's count, as a rebuild makes it.
    await dataSource.query(`INSERT INTO handler_tickets_in_progress (department, handler_id, tickets)
      SELECT department, handler_id, count(*) FROM department_queue WHERE status = 'in_progress' AND handler_id IS NOT NULL GROUP BY department, handler_id`);
    const reserve = (ticketId: string, handlerId: string, fromHandlerId: string | null) =>
      dataSource.query("INSERT INTO assignment_reservations (ticket_id, department, handler_id, from_handler_id, reserved_at) VALUES ($1, 'billing', $2, $3, $4)", [ticketId, handlerId, fromHandlerId, at(30)]);
    await reserve('t1', 'billing-zhou', 'billing-wu'); // handed on; the queue still shows Wu
    await reserve('t4', 'billing-zhou', null); // the queue has caught up: settled
    await reserve('t5', 'billing-wu', null); // assigned; the queue still shows it waiting

    const work = await dataSource.transaction((manager) =>
      workOf(manager, 'billing', [{ ticketId: 't2', department: 'billing', status: 'result_reported', handlerId: 'billing-wu', routedAt: at(1) }]),
    );

    const loads = Object.fromEntries(work.loads.map((load) => [load.handlerId, load.openTickets]));
    expect(loads).toEqual({ 'billing-wu': 1, 'billing-zhou': 3 });
    expect(work.waiting).toEqual(['t6']);
    expect(work.settled).toEqual(['t4']);
  });
});

import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { seededRandom, type RecordedEvent } from '@handoff/contracts';
import { openReadModelDatabase } from '@handoff/read-models';
import { createTestDatabase, deskHistory, sealedCustomer, type TestDatabase } from '@handoff/testing';
import { EVALUATION_DATABASE } from '../read-models';
import { LIST_COUNTS_FROM_LIFECYCLES } from './ticket-list-counts';
import { timelineProjection } from './timeline.projection';
import { ticketListQuerySchema, TimelineReader } from './timeline.reader';

/**
 * The ticket list's count from its day counts against a count of the lifecycle rows themselves:
 * a generated desk of 500 tickets over two months (closed, open, complaints, escalations,
 * reopenings in other departments), some of them without their intake events (not opened yet),
 * delivered to the live timeline in a shuffled order with redeliveries; then every combination
 * of the list's filters over windows that start and end anywhere, at midnight, within a day, or
 * not at all. The counts kept as the events came, against the same counts computed afresh.
 */
describe('ticket list counts: equal to counting the tickets', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let reader: TimelineReader;
  const all = deskHistory({ seed: 41, tickets: 500, start: '2025-05-01T00:00:00Z', days: 60, customer: sealedCustomer({ name: 'Desk Customer', phone: '+86 139 0000 0000' }) });
  // Every 25th ticket's contact not arrived yet: routed and worked on, not opened.
  const unopened = new Set([...new Set(all.map((event) => event.ticketId))].filter((_, index) => index % 25 === 0));
  const events: RecordedEvent[] = all.filter((event) => !(unopened.has(event.ticketId) && event.streamId.startsWith('intake-')));

  beforeAll(async () => {
    database = await createTestDatabase('ticket_list_counts');
    dataSource = await openReadModelDatabase(database.url, EVALUATION_DATABASE, { migrate: true });
    reader = new TimelineReader(dataSource);
    const random = seededRandom(11);
    const delivery = [...events, ...events.filter(() => random() < 0.05)];
    for (let index = delivery.length - 1; index > 0; index -= 1) {
      const other = Math.floor(random() * (index + 1));
      [delivery[index], delivery[other]] = [delivery[other]!, delivery[index]!];
    }
    const projection = timelineProjection();
    for (let start = 0; start < delivery.length; start += 300) await dataSource.transaction((manager) => projection.handle(delivery.slice(start, start + 300), manager));
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  /** The tickets the filters match, counted by a query of its own over every lifecycle row. */
  const counted = async (filters: Record<string, string>): Promise<number> => {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      parameters.push(value);
      conditions.push(sql.replace('?', `$${parameters.length}`));
    };
    if (filters.department) add('? = ANY (departments_visited)', filters.department);
    if (filters.outcome === 'open') conditions.push('outcome IS NULL');
    else if (filters.outcome) add('outcome = ?', filters.outcome);
    if (filters.complaint) add('complaint = ?', filters.complaint === 'true');
    if (filters.escalated) add('(escalation_count > 0) = ?', filters.escalated === 'true');
    if (filters.from) add('opened_at >= ?', new Date(filters.from));
    if (filters.to) add('opened_at < ?', new Date(filters.to));
    const [{ tickets }] = (await dataSource.query(`SELECT count(*)::int AS tickets FROM ticket_lifecycles ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}`, parameters)) as {
      tickets: number;
    }[];
    return tickets;
  };

  it('has a desk with tickets of every kind, opened and not', async () => {
    const [row] = (await dataSource.query(
      `SELECT count(*) FILTER (WHERE opened_at IS NULL)::int AS unopened, count(*) FILTER (WHERE outcome IS NULL)::int AS open,
              count(*) FILTER (WHERE escalation_count > 0)::int AS escalated, count(*) FILTER (WHERE complaint)::int AS complaints,
              count(*) FILTER (WHERE cardinality(departments_visited) > 1)::int AS reassigned
         FROM ticket_lifecycles`,
    )) as Record<string, number>[];
    for (const count of Object.values(row!)) expect(count).toBeGreaterThan(5);
  });

  const windows: Record<string, string>[] = [
    {},
    { from: '2025-05-20T07:31:12.500Z' },
    { to: '2025-06-11T19:02:00Z' },
    { from: '2025-05-09T23:59:59.999Z', to: '2025-06-20T00:00:00.001Z' },
    { from: '2025-05-10T00:00:00Z', to: '2025-06-01T00:00:00Z' },
    { from: '2025-06-03T01:00:00Z', to: '2025-06-04T23:00:00Z' },
    { from: '2025-06-03T01:00:00Z', to: '2025-06-03T22:00:00Z' },
  ];
  const filterSets: Record<string, string>[] = [];
  for (const department of [undefined, 'billing', 'logistics'])
    for (const outcome of [undefined, 'open', 'satisfied'])
      for (const complaint of [undefined, 'true'])
        for (const escalated of [undefined, 'true', 'false'])
          filterSets.push(Object.fromEntries(Object.entries({ department, outcome, complaint, escalated }).filter(([, value]) => value !== undefined)) as Record<string, string>);

  it('counts what the filters match, for every combination of them and every window', async () => {
    let nonZero = 0;
    for (const window of windows) {
      for (const filters of filterSets) {
        const query = { ...window, ...filters, count: 'true', limit: '1' };
        const { total } = await reader.list(ticketListQuerySchema.parse(query));
        const expected = await counted({ ...window, ...filters });
        expect({ query, total }).toEqual({ query, total: expected });
        if (expected > 0) nonZero += 1;
      }
    }
    expect(nonZero).toBeGreaterThan((windows.length * filterSets.length) / 2);
  });

  it('reads the whole days from the counts, and keeps them equal to the counts computed afresh', async () => {
    const kept = await dataSource.query('SELECT * FROM ticket_list_counts ORDER BY department, day, outcome, complaint, escalated');
    const afresh = await dataSource
      .transaction(async (manager) => {
        await manager.query('TRUNCATE ticket_list_counts');
        await manager.query(LIST_COUNTS_FROM_LIFECYCLES);
        throw Object.assign(new Error('rolled back'), { computed: await manager.query('SELECT * FROM ticket_list_counts ORDER BY department, day, outcome, complaint, escalated') });
      })
      .catch((error: { computed?: unknown }) => error.computed ?? error);
    expect(kept.length).toBeGreaterThan(100);
    expect(kept).toEqual(afresh);

    // A day's count changed is read: the list counts 1,000 more (then put back).
    const query = ticketListQuerySchema.parse({ department: 'billing', count: 'true', limit: '1' });
    const { total } = await reader.list(query);
    expect(total).toBe(await counted({ department: 'billing' }));
    const oneRow = "(department, day, outcome, complaint, escalated) IN (SELECT department, day, outcome, complaint, escalated FROM ticket_list_counts WHERE department = 'billing' ORDER BY day, outcome, complaint, escalated LIMIT 1)";
    await dataSource.query(`UPDATE ticket_list_counts SET tickets = tickets + 1000 WHERE ${oneRow}`);
    try {
      expect((await reader.list(query)).total).toBe(total! + 1000);
    } finally {
      await dataSource.query(`UPDATE ticket_list_counts SET tickets = tickets - 1000 WHERE ${oneRow}`);
    }
  });
});

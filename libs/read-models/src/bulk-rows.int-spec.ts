import { createTestDatabase, type TestDatabase } from '@handoff/testing';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { writeTables } from './bulk-rows';

jest.setTimeout(60_000);

@Entity({ name: 'entries' })
class Entry {
  @PrimaryColumn('text', { name: 'entry_id' }) entryId!: string;
  @Column('text', { name: 'ticket_id' }) ticketId!: string;
  @Column('jsonb') data!: Record<string, unknown>;
}

@Entity({ name: 'summaries' })
class Summary {
  @PrimaryColumn('text', { name: 'ticket_id' }) ticketId!: string;
  @Column('integer') entries!: number;
  @Column('timestamptz', { name: 'last_at' }) lastAt!: Date;
}

describe('writeTables: the rows of several tables in one statement', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('bulk_rows');
    dataSource = new DataSource({ type: 'postgres', url: database.url, entities: [Entry, Summary], extra: { max: 2 } });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE entries (entry_id text PRIMARY KEY, ticket_id text NOT NULL, data jsonb NOT NULL)');
    await dataSource.query('CREATE TABLE summaries (ticket_id text PRIMARY KEY, entries integer NOT NULL, last_at timestamptz NOT NULL)');
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });
  beforeEach(async () => {
    await dataSource.query('TRUNCATE entries, summaries');
  });

  const rowsOf = async () => ({
    entries: await dataSource.query('SELECT entry_id, ticket_id, data FROM entries ORDER BY entry_id'),
    summaries: ((await dataSource.query('SELECT ticket_id, entries, last_at FROM summaries ORDER BY ticket_id')) as { ticket_id: string; entries: number; last_at: Date }[]).map(
      (row) => ({ ...row, last_at: row.last_at.toISOString() }),
    ),
  });

  it('inserts into one table and upserts another, under its condition, in one round trip', async () => {
    await dataSource.query(`INSERT INTO summaries VALUES ('t-1', 1, '2026-01-01T00:00:00Z'), ('t-2', 5, '2026-01-03T00:00:00Z')`);
    const query = jest.spyOn(dataSource.manager, 'query');
    await writeTables(dataSource.manager, [
      { entity: Entry, rows: [{ entryId: 'e-1', ticketId: 't-1', data: { said: 'hello' } }, { entryId: 'e-2', ticketId: 't-3', data: {} }] },
      {
        entity: Summary,
        rows: [
          { ticketId: 't-1', entries: 2, lastAt: new Date('2026-01-02T00:00:00Z') },
          // Older than the row there: kept out by the condition.
          { ticketId: 't-2', entries: 1, lastAt: new Date('2026-01-02T00:00:00Z') },
          { ticketId: 't-3', entries: 1, lastAt: new Date('2026-01-04T00:00:00Z') },
        ],
        options: { onConflict: ['ticketId'], where: 'summaries.last_at < EXCLUDED.last_at' },
      },
      { entity: Entry, rows: [] },
    ]);
    expect(query).toHaveBeenCalledTimes(1);
    query.mockRestore();
    expect(await rowsOf()).toEqual({
      entries: [
        { entry_id: 'e-1', ticket_id: 't-1', data: { said: 'hello' } },
        { entry_id: 'e-2', ticket_id: 't-3', data: {} },
      ],
      summaries: [
        { ticket_id: 't-1', entries: 2, last_at: '2026-01-02T00:00:00.000Z' },
        { ticket_id: 't-2', entries: 5, last_at: '2026-01-03T00:00:00.000Z' },
        { ticket_id: 't-3', entries: 1, last_at: '2026-01-04T00:00:00.000Z' },
      ],
    });
  });

  it('replaces the rows under the keys it is given, and sends a statement along, in one round trip', async () => {
    await dataSource.query(`INSERT INTO entries VALUES ('e-1', 't-1', '{"n":1}'), ('e-2', 't-1', '{"n":2}'), ('e-3', 't-2', '{"n":3}'), ('e-4', 't-3', '{"n":4}')`);
    const listener = dataSource.createQueryRunner();
    const heard: string[] = [];
    const client = (await listener.connect()) as { on(event: 'notification', listener: (message: { payload?: string }) => void): void };
    client.on('notification', (message) => heard.push(message.payload ?? ''));
    await listener.query('LISTEN bulk_rows_test');
    await dataSource.transaction(async (manager) => {
      const query = jest.spyOn(manager, 'query');
      await writeTables(
        manager,
        [
          {
            entity: Entry,
            // t-1 keeps e-2 (changed) and gains e-5; t-2 has none left; t-3 is not replaced.
            rows: [
              { entryId: 'e-2', ticketId: 't-1', data: { n: 22 } },
              { entryId: 'e-5', ticketId: 't-1', data: { n: 5 } },
            ],
            options: { onConflict: ['entryId'], replacing: { property: 'ticketId', values: ['t-1', 't-2'] } },
          },
        ],
        [{ values: ['bulk_rows_test', ['first', 'second']], sql: (first) => `SELECT pg_notify($${first}, said) FROM unnest($${first + 1}::text[]) AS said` }],
      );
      expect(query).toHaveBeenCalledTimes(1);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await listener.release();
    expect(heard).toEqual(['first', 'second']);
    expect((await rowsOf()).entries).toEqual([
      { entry_id: 'e-2', ticket_id: 't-1', data: { n: 22 } },
      { entry_id: 'e-4', ticket_id: 't-3', data: { n: 4 } },
      { entry_id: 'e-5', ticket_id: 't-1', data: { n: 5 } },
    ]);
  });

  it('writes nothing in any table when one table refuses its rows', async () => {
    await expect(
      writeTables(dataSource.manager, [
        { entity: Entry, rows: [{ entryId: 'e-1', ticketId: 't-1', data: {} }] },
        { entity: Summary, rows: [{ ticketId: 't-1', entries: 1, lastAt: null as unknown as Date }] },
      ]),
    ).rejects.toThrow(/last_at/);
    expect(await rowsOf()).toEqual({ entries: [], summaries: [] });
  });

  it('refuses a table named twice, since both inserts would run on one snapshot', async () => {
    await expect(
      writeTables(dataSource.manager, [
        { entity: Entry, rows: [{ entryId: 'e-1', ticketId: 't-1', data: {} }] },
        { entity: Entry, rows: [{ entryId: 'e-1', ticketId: 't-1', data: { again: true } }] },
      ]),
    ).rejects.toThrow('writeTables: a table appears twice (entries, entries)');
    expect(await rowsOf()).toEqual({ entries: [], summaries: [] });
  });
});

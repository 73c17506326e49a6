import { createTestDatabase, type TestDatabase } from '@handoff/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { queryWithNext } from '@handoff/messaging';
import { queriesTogether, TransactionPipelineClient } from './transaction-pipeline';

jest.setTimeout(60_000);

describe("a transaction's round trips: BEGIN with its first statement, statements nobody reads with the next", () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let observer: Client;

  beforeAll(async () => {
    database = await createTestDatabase('transaction_pipeline');
    dataSource = new DataSource({ type: 'postgres', url: database.url, extra: { max: 2, Client: TransactionPipelineClient } });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE notes (id text PRIMARY KEY, said text NOT NULL)');
    observer = new Client({ connectionString: database.url });
    await observer.connect();
  });
  afterAll(async () => {
    await observer?.end();
    await dataSource?.destroy();
    await database?.drop();
  });
  beforeEach(() => dataSource.query('TRUNCATE notes'));

  /** What went to the server, statement by statement (node-postgres' own query, under the client's). */
  const sent = async (work: () => Promise<unknown>) => {
    const texts: string[] = [];
    const original = Client.prototype.query;
    Client.prototype.query = function (this: Client, ...args: unknown[]) {
      const [config] = args;
      if (this instanceof TransactionPipelineClient) texts.push(typeof config === 'string' ? config : String((config as { text?: string }).text));
      return (original as (...given: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    try {
      await work().catch(() => undefined);
    } finally {
      Client.prototype.query = original;
    }
    return texts;
  };
  const notes = async () => (await observer.query('SELECT id, said FROM notes ORDER BY id')).rows;

  it('sends BEGIN and the first statement together, and the transaction holds its writes until it commits', async () => {
    let seenMeanwhile: unknown[] = [];
    const texts = await sent(() =>
      dataSource.transaction(async (manager) => {
        await manager.query('INSERT INTO notes (id, said) VALUES ($1, $2)', ['n-1', 'hello']);
        // Inside a transaction on the server: another connection does not see the row yet.
        seenMeanwhile = await notes();
        const [{ open }] = (await manager.query('SELECT pg_current_xact_id_if_assigned() IS NOT NULL AS open')) as { open: boolean }[];
        expect(open).toBe(true);
      }),
    );
    expect(seenMeanwhile).toEqual([]);
    expect(await notes()).toEqual([{ id: 'n-1', said: 'hello' }]);
    expect(texts).toEqual(['INSERT INTO notes (id, said) VALUES ($1, $2)', 'SELECT pg_current_xact_id_if_assigned() IS NOT NULL AS open', 'COMMIT']);
  });

  it('rolls back all of it when a later statement fails, and when the first one does', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await manager.query('INSERT INTO notes (id, said) VALUES ($1, $2)', ['n-1', 'hello']);
        await manager.query('INSERT INTO notes (id, said) VALUES ($1, $2)', ['n-1', 'again']);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await notes()).toEqual([]);

    await expect(
      dataSource.transaction(async (manager) => {
        await manager.query('INSERT INTO notes (id, said) VALUES ($1, $2)', ['n-2', null]);
      }),
    ).rejects.toThrow(/said/);
    // The connections are fine afterwards, in and out of transactions.
    await dataSource.transaction((manager) => manager.query('INSERT INTO notes (id, said) VALUES ($1, $2)', ['n-3', 'fine']));
    await dataSource.query('INSERT INTO notes (id, said) VALUES ($1, $2)', ['n-4', 'also']);
    expect(await notes()).toEqual([
      { id: 'n-3', said: 'fine' },
      { id: 'n-4', said: 'also' },
    ]);
  });

  it('sends BEGIN on its own before a first statement without parameters, which may be several', async () => {
    const several = `INSERT INTO notes VALUES ('n-1', 'one'); INSERT INTO notes VALUES ('n-2', 'two')`;
    const texts = await sent(() =>
      dataSource.transaction(async (manager) => {
        await manager.query(several);
        await manager.query('INSERT INTO notes (id, said) VALUES ($1, $2)', ['n-3', 'three']);
        throw new Error('changed my mind');
      }),
    );
    expect(texts).toEqual(['BEGIN', several, 'INSERT INTO notes (id, said) VALUES ($1, $2)', 'ROLLBACK']);
    expect(await notes()).toEqual([]);
  });

  it('sends nothing for a transaction that ends before any statement', async () => {
    const texts = await sent(() => dataSource.transaction(async () => undefined));
    expect(texts).toEqual([]);
    expect((await dataSource.query('SELECT 1 AS one')) as unknown[]).toEqual([{ one: 1 }]);
  });

  const INSERT = 'INSERT INTO notes (id, said) VALUES ($1, $2)';
  const LOCK = 'SELECT pg_advisory_xact_lock($1)';
  const LOCKS_HELD = "SELECT count(*)::int AS held FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted AND objid = $1";

  it('sends a held lock with the next statement, in one round trip, taken before that statement runs', async () => {
    let held: unknown;
    let otherWaited = false;
    const tripsBefore = TransactionPipelineClient.roundTrips;
    const texts = await sent(() =>
      dataSource.transaction(async (manager) => {
        await queryWithNext(manager, LOCK, [7001]);
        [{ held }] = (await manager.query(LOCKS_HELD, [7001])) as { held: number }[];
        // Another session cannot take it until the commit.
        const [{ taken }] = (await observer.query('SELECT pg_try_advisory_lock($1) AS taken', [7001])).rows as { taken: boolean }[];
        otherWaited = !taken;
      }),
    );
    expect(held).toBe(1);
    expect(otherWaited).toBe(true);
    expect(texts).toEqual([LOCKS_HELD, 'COMMIT']);
    expect(TransactionPipelineClient.roundTrips - tripsBefore).toBe(2);
    const [{ taken }] = (await observer.query('SELECT pg_try_advisory_lock($1) AS taken', [7001])).rows as { taken: boolean }[];
    expect(taken).toBe(true);
    await observer.query('SELECT pg_advisory_unlock($1)', [7001]);
  });

  it('sends held writes with the COMMIT, so a transaction of writes alone is one round trip', async () => {
    const tripsBefore = TransactionPipelineClient.roundTrips;
    const texts = await sent(() =>
      dataSource.transaction(async (manager) => {
        await queryWithNext(manager, INSERT, ['n-1', 'one']);
        await queryWithNext(manager, INSERT, ['n-2', 'two']);
      }),
    );
    expect(texts).toEqual(['COMMIT']);
    // Counted as the server ends each round trip (handoff_db_round_trips_total).
    expect(TransactionPipelineClient.roundTrips - tripsBefore).toBe(1);
    expect(await notes()).toEqual([
      { id: 'n-1', said: 'one' },
      { id: 'n-2', said: 'two' },
    ]);
    // Values as node-postgres maps them: a date, an object as JSON, null.
    await dataSource.query('CREATE TABLE IF NOT EXISTS typed (at timestamptz, doc jsonb, missing text)');
    const at = new Date('2026-12-08T01:02:03.456Z');
    await dataSource.transaction((manager) => queryWithNext(manager, 'INSERT INTO typed VALUES ($1, $2, $3)', [at, { a: [1, 'b'] }, null]));
    expect(await dataSource.query('SELECT at, doc, missing FROM typed')).toEqual([{ at, doc: { a: [1, 'b'] }, missing: null }]);
    await dataSource.query('DROP TABLE typed');
  });

  it("fails the next statement, or the COMMIT, with a held statement's error, and writes nothing", async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await manager.query(INSERT, ['n-1', 'first']);
        await queryWithNext(manager, INSERT, ['n-1', 'again']);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await notes()).toEqual([]);

    let after = false;
    await expect(
      dataSource.transaction(async (manager) => {
        await queryWithNext(manager, INSERT, ['n-2', null]);
        await manager.query(INSERT, ['n-3', 'three']);
        after = true;
      }),
    ).rejects.toThrow(/said/);
    expect(after).toBe(false);
    expect(await notes()).toEqual([]);

    // Before a statement without parameters it goes on its own, and its error is still the one given.
    await expect(
      dataSource.transaction(async (manager) => {
        await queryWithNext(manager, INSERT, ['n-4', null]);
        await manager.query(`INSERT INTO notes VALUES ('n-5', 'five')`);
      }),
    ).rejects.toThrow(/said/);
    expect(await notes()).toEqual([]);

    // The connections serve the next transactions.
    await dataSource.transaction((manager) => queryWithNext(manager, INSERT, ['n-6', 'fine']));
    expect(await notes()).toEqual([{ id: 'n-6', said: 'fine' }]);
  });

  it('refuses a COMMIT that the server answers with a rollback, after a failed statement whose error was caught', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await manager.query(INSERT, ['n-1', 'one']);
        await queryWithNext(manager, INSERT, ['n-1', 'again']);
        await manager.query('SELECT 1 AS one WHERE $1', [true]).catch(() => undefined);
      }),
    ).rejects.toThrow(/rolled back, not committed/);
    expect(await notes()).toEqual([]);
    await dataSource.transaction((manager) => manager.query(INSERT, ['n-2', 'two']));
    expect(await notes()).toEqual([{ id: 'n-2', said: 'two' }]);
  });

  it('never sends what a ROLLBACK drops, and sends at once outside a transaction', async () => {
    const texts = await sent(() =>
      dataSource.transaction(async (manager) => {
        await manager.query(INSERT, ['n-1', 'one']);
        await queryWithNext(manager, INSERT, ['n-2', 'two']);
        throw new Error('changed my mind');
      }),
    );
    expect(texts).toEqual([INSERT, 'ROLLBACK']);
    expect(await notes()).toEqual([]);

    const outside = await sent(() => queryWithNext(dataSource.manager, INSERT, ['n-3', 'three']));
    expect(outside).toEqual([INSERT]);
    expect(await notes()).toEqual([{ id: 'n-3', said: 'three' }]);
  });

  it('sends statements together in one round trip, each seeing what the ones before it did, and gives the rows of each', async () => {
    const COUNT = 'SELECT count(*)::int AS notes FROM notes WHERE said = $1';
    let rows: unknown[][] = [];
    const tripsBefore = TransactionPipelineClient.roundTrips;
    const texts = await sent(() =>
      dataSource.transaction(async (manager) => {
        await queryWithNext(manager, LOCK, [7002]);
        rows = await queriesTogether(manager, [
          { sql: `${INSERT} RETURNING id`, parameters: ['n-1', 'one'] },
          { sql: COUNT, parameters: ['one'] },
          { sql: LOCKS_HELD, parameters: [7002] },
        ]);
      }),
    );
    expect(rows).toEqual([[{ id: 'n-1' }], [{ notes: 1 }], [{ held: 1 }]]);
    // BEGIN, the lock and the three statements in one round trip; then the COMMIT.
    expect(texts).toEqual([LOCKS_HELD, 'COMMIT']);
    expect(TransactionPipelineClient.roundTrips - tripsBefore).toBe(2);
    expect(await notes()).toEqual([{ id: 'n-1', said: 'one' }]);

    // The first to fail fails them all, with its error, and the transaction writes nothing.
    await dataSource.query('TRUNCATE notes');
    await expect(
      dataSource.transaction((manager) =>
        queriesTogether(manager, [
          { sql: INSERT, parameters: ['n-2', 'two'] },
          { sql: INSERT, parameters: ['n-2', 'again'] },
          { sql: COUNT, parameters: ['two'] },
        ]),
      ),
    ).rejects.toThrow(/duplicate key/);
    expect(await notes()).toEqual([]);

    // Outside a transaction, one after the other.
    const outside = await sent(async () => {
      rows = await queriesTogether(dataSource.manager, [
        { sql: INSERT, parameters: ['n-3', 'three'] },
        { sql: COUNT, parameters: ['three'] },
      ]);
    });
    expect(outside).toEqual([INSERT, COUNT]);
    expect(rows[1]).toEqual([{ notes: 1 }]);
  });
});

import { createTestDatabase, type TestDatabase } from '@handoff/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { BeginWithFirstStatementClient } from './begin-with-first-statement';

jest.setTimeout(60_000);

describe("a transaction's BEGIN sent with its first statement", () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let observer: Client;

  beforeAll(async () => {
    database = await createTestDatabase('begin_with_first');
    dataSource = new DataSource({ type: 'postgres', url: database.url, extra: { max: 2, Client: BeginWithFirstStatementClient } });
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
      if (this instanceof BeginWithFirstStatementClient) texts.push(typeof config === 'string' ? config : String((config as { text?: string }).text));
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
});

import { Client, type ClientBase } from 'pg';
import { LOCK_CLASS, MIGRATION_LOCK } from './locks';
import { migrations } from './migrations';

export interface Migration {
  /** Recorded in event_store_migrations; sorts in the order migrations must run. */
  readonly id: string;
  readonly sql: string;
}

/** Brings the event store schema in `connectionString`'s database up to date; safe to run from many processes at once. */
export async function migratePostgresEventStore(connectionString: string, applicationName?: string): Promise<void> {
  const client = new Client({ connectionString, ...(applicationName ? { application_name: `${applicationName}-migrate` } : {}) });
  await client.connect();
  try {
    await runMigrations(client, migrations);
  } finally {
    await client.end();
  }
}

export async function runMigrations(client: ClientBase, toApply: readonly Migration[]): Promise<void> {
  // Several services start at once against one database; the lock makes the others wait, then find nothing to do.
  await client.query('SELECT pg_advisory_lock($1::int, $2::int)', [LOCK_CLASS, MIGRATION_LOCK]);
  try {
    await client.query(
      `CREATE TABLE IF NOT EXISTS event_store_migrations (
         id text PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await client.query<{ id: string }>('SELECT id FROM event_store_migrations');
    const applied = new Set(rows.map((row) => row.id));
    for (const migration of toApply) {
      if (applied.has(migration.id)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO event_store_migrations (id) VALUES ($1)', [migration.id]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`event store migration ${migration.id} failed: ${(error as Error).message}`, { cause: error });
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1::int, $2::int)', [LOCK_CLASS, MIGRATION_LOCK]);
  }
}

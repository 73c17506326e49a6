import { randomBytes } from 'node:crypto';
import { MESSAGING_MIGRATIONS } from '@handoff/messaging';
import { databaseUrl, dropDatabase, ensureDatabase } from './databases';
import type { ServiceReadModels } from './read-model';
import { DataSource } from 'typeorm';

/** The name of the database a URL points at. */
export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

/** The server part of a database URL (its `postgres` database), for creating and dropping others. */
export function serverUrlOf(url: string): string {
  return databaseUrl(url, 'postgres');
}

/**
 * A service's read-model database as TypeORM sees it (entities, the service's migrations).
 * `migrate` runs the migrations first: for a scratch or named rebuild target, never for a live one
 * (its service migrates it; a rebuild tool does not change a live schema).
 */
export async function openReadModelDatabase(url: string, service: ServiceReadModels, { migrate }: { migrate: boolean }): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities: [...service.entities],
    migrations: [...MESSAGING_MIGRATIONS, ...service.migrations],
    migrationsTableName: 'read_model_migrations',
    synchronize: false,
    logging: false,
    extra: { max: 4 },
  });
  await dataSource.initialize();
  try {
    if (migrate) await dataSource.runMigrations({ transaction: 'each' });
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

export interface ScratchDatabase {
  readonly name: string;
  readonly url: string;
  readonly dataSource: DataSource;
  /** Closes the connections and drops the database. */
  drop(): Promise<void>;
  /** Closes the connections and keeps the database (to look at, or to compare against later). */
  close(): Promise<void>;
}

/**
 * A fresh database next to the live one (`<live>_rebuild_<random>`), migrated with the service's
 * migrations: where a rebuild goes unless told otherwise.
 */
export async function createScratchDatabase(liveUrl: string, service: ServiceReadModels): Promise<ScratchDatabase> {
  const name = `${databaseNameOf(liveUrl).slice(0, 40)}_rebuild_${randomBytes(4).toString('hex')}`;
  return openRebuildTarget(databaseUrl(liveUrl, name), service);
}

/** A named database to rebuild into, created if missing and migrated. */
export async function openRebuildTarget(url: string, service: ServiceReadModels): Promise<ScratchDatabase> {
  const name = databaseNameOf(url);
  const server = serverUrlOf(url);
  await ensureDatabase(server, name);
  const dataSource = await openReadModelDatabase(url, service, { migrate: true });
  return {
    name,
    url,
    dataSource,
    drop: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await dropDatabase(server, name);
    },
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

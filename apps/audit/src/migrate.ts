/**
 * `node dist/apps/audit/src/migrate.js`: brings every service's databases up to date, the same
 * migrations each service runs at start (its event store, messaging's bookkeeping, its read
 * models, the customer-key vault). The Kubernetes migration Job runs it before new versions roll
 * out: the event store and the vault migrate under advisory locks, but TypeORM's read-model
 * migrations take none, so replicas of one service starting together on a new schema would race
 * (the loser fails its start and is restarted). Run here first, they find nothing left to do.
 */
import 'reflect-metadata';
import { databaseUrl, ensureDatabase, openReadModelDatabase, type ServiceReadModels } from '@handoff/read-models';
import { migratePostgresEventStore } from '@handoff/event-store';
import { baseConfigSchema, ConfigurationError, loadConfig } from '@handoff/platform';
import { CustomerKeyStore } from '@handoff/vault';
import { READ_MODEL_SERVICES } from './read-model-commands';

/** Intake keeps no read models: its database holds the event store and messaging's marks only. */
export const MIGRATED_SERVICES: readonly ServiceReadModels[] = [{ service: 'intake', entities: [], migrations: [], models: [] }, ...READ_MODEL_SERVICES];

export interface MigrationReport {
  readonly service: string;
  readonly database: string;
  readonly readModelMigrations: number;
}

/**
 * Each service's database is named as the service names it (its config schema's DATABASE_NAME
 * default), so the Job and the services cannot disagree about where a schema lives.
 */
export async function migrateEverything(env: NodeJS.ProcessEnv, services: readonly ServiceReadModels[] = MIGRATED_SERVICES): Promise<MigrationReport[]> {
  const reports: MigrationReport[] = [];
  for (const service of services) {
    const config = loadConfig(baseConfigSchema(service.service, 1), { ...env, DATABASE_NAME: env[`${service.service.toUpperCase()}_DATABASE_NAME`] });
    await ensureDatabase(config.DATABASE_URL, config.DATABASE_NAME);
    const url = databaseUrl(config.DATABASE_URL, config.DATABASE_NAME);
    await migratePostgresEventStore(url);
    const dataSource = await openReadModelDatabase(url, service, { migrate: true });
    try {
      const [{ count }] = (await dataSource.query('SELECT count(*)::int AS count FROM read_model_migrations')) as { count: number }[];
      reports.push({ service: service.service, database: config.DATABASE_NAME, readModelMigrations: count });
    } finally {
      await dataSource.destroy();
    }
  }
  const vault = loadConfig(baseConfigSchema('vault', 1), env);
  await ensureDatabase(vault.DATABASE_URL, vault.VAULT_DATABASE_NAME);
  const keys = await CustomerKeyStore.open({ connectionString: databaseUrl(vault.DATABASE_URL, vault.VAULT_DATABASE_NAME), masterKey: vault.VAULT_MASTER_KEY });
  await keys.close();
  return reports;
}

if (require.main === module) {
  migrateEverything(process.env).then(
    (reports) => {
      for (const report of reports) process.stdout.write(`${JSON.stringify({ msg: 'migrated', ...report })}\n`);
    },
    (error: unknown) => {
      const message = error instanceof ConfigurationError || error instanceof Error ? error.message : String(error);
      process.stderr.write(`migrate: ${message}\n`);
      process.exit(1);
    },
  );
}

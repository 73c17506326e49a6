import { Client } from 'pg';
import { MESSAGING_MIGRATIONS } from '@handoff/messaging';
import { databaseUrl, dropDatabase } from '@handoff/read-models';
import { testServerUrl, uniqueSuffix } from '@handoff/testing';
import { MIGRATED_SERVICES, migrateEverything } from './migrate';

async function tablesOf(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'");
    return rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

describe('the migration entry point (the Kubernetes migration Job)', () => {
  const suffix = uniqueSuffix();
  const names = Object.fromEntries(MIGRATED_SERVICES.map(({ service }) => [service, `handoff_test_migrate_${suffix}_${service}`]));
  const vaultName = `handoff_test_migrate_${suffix}_vault`;
  const env = {
    DATABASE_URL: testServerUrl(),
    VAULT_DATABASE_NAME: vaultName,
    ...Object.fromEntries(Object.entries(names).map(([service, name]) => [`${service.toUpperCase()}_DATABASE_NAME`, name])),
  };

  afterAll(async () => {
    for (const name of [...Object.values(names), vaultName]) await dropDatabase(testServerUrl(), name);
  });

  it("creates every service's database with its event store, read models and the vault, and a second run finds nothing to do", async () => {
    const first = await migrateEverything(env);
    const second = await migrateEverything(env);

    expect(second).toEqual(first);
    for (const service of MIGRATED_SERVICES) {
      const report = first.find((entry) => entry.service === service.service);
      expect(report).toEqual({ service: service.service, database: names[service.service], readModelMigrations: MESSAGING_MIGRATIONS.length + service.migrations.length });
      const tables = await tablesOf(databaseUrl(testServerUrl(), names[service.service]));
      expect(tables).toEqual(expect.arrayContaining(['events', 'event_store_migrations', 'read_model_migrations', 'processed_events']));
    }
    expect(await tablesOf(databaseUrl(testServerUrl(), vaultName))).toEqual(expect.arrayContaining(['customer_keys']));
  });
});

import { randomBytes } from 'node:crypto';
import { DEFAULT_DATABASE_URL, databaseUrl, dropDatabase, ensureDatabase } from '@handoff/read-models';

export const testServerUrl = (): string => process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;

export const kafkaBrokers = (): string[] =>
  (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((broker) => broker.trim());

export const uniqueSuffix = (): string => randomBytes(4).toString('hex');

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh database per test file, so files can run in parallel without seeing each other's rows. */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `handoff_test_${prefix}_${uniqueSuffix()}`.toLowerCase();
  const server = testServerUrl();
  await dropDatabase(server, name);
  await ensureDatabase(server, name);
  return { name, url: databaseUrl(server, name), drop: () => dropDatabase(server, name) };
}

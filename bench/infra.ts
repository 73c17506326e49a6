import { randomBytes } from 'node:crypto';
import { databaseUrl, DEFAULT_DATABASE_URL, dropDatabase, ensureDatabase } from '@handoff/read-models';
import { Kafka, logLevel } from 'kafkajs';
import { Client, Pool, type PoolConfig } from 'pg';

/**
 * What every bench section shares: the broker and server in use, and a run id that prefixes
 * every database and topic the run creates, so `cleanUp` removes exactly those.
 */
export class BenchInfra {
  readonly runId = randomBytes(3).toString('hex');
  readonly serverUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  readonly brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((broker) => broker.trim());
  private readonly databases = new Set<string>();

  /** Topic names start with this; consumer groups too. */
  get prefix(): string {
    return `bench-${this.runId}.`;
  }

  topic(name: string): string {
    return `${this.prefix}${name}`;
  }

  kafka(clientId: string): Kafka {
    // The bench reports what it measures; kafkajs' own retries (the first group join) would only add noise.
    return new Kafka({ clientId: `${this.prefix}${clientId}`, brokers: this.brokers, logLevel: logLevel.NOTHING });
  }

  /** A fresh database, dropped by cleanUp. */
  async database(name: string): Promise<string> {
    const database = this.databaseName(name);
    await dropDatabase(this.serverUrl, database);
    await ensureDatabase(this.serverUrl, database);
    this.databases.add(database);
    return databaseUrl(this.serverUrl, database);
  }

  /** The name a database of this run gets (services create theirs themselves). */
  databaseName(name: string): string {
    const database = `handoff_bench_${this.runId}_${name}`;
    this.databases.add(database);
    return database;
  }

  async createTopics(topics: readonly { topic: string; numPartitions: number }[]): Promise<void> {
    const admin = this.kafka('admin').admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: topics.map(({ topic, numPartitions }) => ({ topic, numPartitions })) });
    } finally {
      await admin.disconnect();
    }
  }

  async cleanUp(): Promise<void> {
    for (const database of this.databases) await dropDatabase(this.serverUrl, database).catch(() => undefined);
    const admin = this.kafka('cleanup').admin();
    await admin.connect();
    try {
      const mine = (await admin.listTopics()).filter((topic) => topic.startsWith(this.prefix));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    } finally {
      await admin.disconnect();
    }
  }
}

/**
 * VACUUM ANALYZE of one database: what autovacuum does for a running desk's tables, done before a
 * timed part so that autovacuum does not do it in the middle of one (after a bulk load or a burst).
 */
export async function vacuumAnalyze(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
}

/**
 * A pool the bench opens on a section's database itself (a raw baseline's, a VACUUM's). pg's
 * pool lets `end()` resolve before its connections have closed; the run then drops the section's
 * database WITH (FORCE), PostgreSQL ends those sessions, and the pool re-emits the error, which
 * with no listener ended a `BENCH_ONLY=appends` run in one of five (and left autovacuum switched
 * on: the process never reached the code that puts it back).
 */
export function rawPool(config: PoolConfig): Pool {
  const pool = new Pool(config);
  pool.on('error', () => undefined);
  return pool;
}

import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { databaseUrl } from '@handoff/read-models';
import { kafkaBrokers, testServerUrl } from '@handoff/testing';

export interface Finding {
  readonly where: string;
  readonly secret: string;
}

const find = (where: string, text: string, secrets: readonly string[]): Finding[] =>
  secrets.filter((secret) => text.includes(secret)).map((secret) => ({ where, secret }));

/** Every row of every table of a database, as JSON text, searched for the secrets. */
export async function scanDatabase(database: string, secrets: readonly string[]): Promise<{ findings: Finding[]; rows: number }> {
  const client = new Client({ connectionString: databaseUrl(testServerUrl(), database) });
  await client.connect();
  try {
    const tables = await client.query<{ schemaname: string; tablename: string }>(
      "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    );
    const findings: Finding[] = [];
    let rows = 0;
    for (const { schemaname, tablename } of tables.rows) {
      const result = await client.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${schemaname}"."${tablename}" t`);
      rows += result.rowCount ?? 0;
      for (const { row } of result.rows) findings.push(...find(`${database}.${tablename}`, row, secrets));
    }
    return { findings, rows };
  } finally {
    await client.end();
  }
}

/** Every message (key, value, headers) on the topics, from the beginning up to the current end. */
export async function scanTopics(topics: readonly string[], secrets: readonly string[]): Promise<{ findings: Finding[]; messages: number }> {
  const kafka = new Kafka({ brokers: kafkaBrokers(), clientId: 'e2e-scan', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, number>();
  for (const topic of topics) {
    for (const partition of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}/${partition.partition}`, Number(partition.high));
  }
  await admin.disconnect();
  const expected = [...ends.values()].reduce((sum, high) => sum + high, 0);
  const findings: Finding[] = [];
  let messages = 0;
  if (expected === 0) return { findings, messages };
  const consumer = kafka.consumer({ groupId: `e2e-scan-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${messages} of ${expected} messages`)), 30_000);
    void consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        if (Number(message.offset) >= (ends.get(`${topic}/${partition}`) ?? 0)) return;
        messages++;
        const headers = Object.entries(message.headers ?? {}).map(([key, value]) => `${key}=${value?.toString()}`).join(' ');
        findings.push(...find(`${topic}/${partition}/${message.offset}`, `${message.key?.toString() ?? ''} ${message.value?.toString() ?? ''} ${headers}`, secrets));
        if (messages >= expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return { findings, messages };
}

export const scanLines = (lines: readonly string[], secrets: readonly string[]): Finding[] =>
  lines.flatMap((line, index) => find(`log line ${index + 1}`, line, secrets));

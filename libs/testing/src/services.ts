import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Kafka } from 'kafkajs';
import { createPostgresEventStore, type PostgresEventStore } from '@handoff/event-store';
import { ErrorFilter, installBodyParser, type JsonLogger } from '@handoff/platform';
import { createTestDatabase, type TestDatabase } from './infrastructure';

// Apart from the index: it loads Nest and the event store, which the unit specs that import
// `@handoff/testing` do not need.

/**
 * A service's module in this process, on a free port of 127.0.0.1, with the body parser and the
 * error shape every service has (the rest of the HTTP edge, rate limit and access log, is the
 * end-to-end tests' business).
 */
export async function startInProcess(module: DynamicModule, logger: JsonLogger): Promise<{ readonly app: NestExpressApplication; readonly url: string }> {
  const app = await NestFactory.create<NestExpressApplication>(module, { logger, bodyParser: false });
  installBodyParser(app);
  app.useGlobalFilters(new ErrorFilter(logger));
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
}

/**
 * Event stores standing in for other services (a test appends their history and publishes it),
 * each in a database of its own named after the test and the service.
 */
export async function scratchEventStores<Service extends string>(
  name: string,
  services: readonly Service[],
): Promise<{ readonly stores: Readonly<Record<Service, PostgresEventStore>>; close(): Promise<void> }> {
  const databases: TestDatabase[] = [];
  const stores = {} as Record<Service, PostgresEventStore>;
  for (const service of services) {
    const database = await createTestDatabase(`${name}_${service}`);
    databases.push(database);
    stores[service] = await createPostgresEventStore({ connectionString: database.url });
  }
  return {
    stores,
    async close() {
      for (const store of Object.values<PostgresEventStore>(stores)) await store.close();
      for (const database of databases) await database.drop();
    },
  };
}

/**
 * One test database and `instances` event stores on it, each with a pool of its own: several
 * instances of one service sharing its store, as separate processes would. Opened in the test
 * file's beforeAll (the array is filled then) and closed, the database dropped, in its afterAll.
 */
export function sharedStoreForThisFile(name: string, instances: number, poolSize: number): readonly PostgresEventStore[] {
  const stores: PostgresEventStore[] = [];
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(name);
    for (let instance = 0; instance < instances; instance++) stores.push(await createPostgresEventStore({ connectionString: database.url, poolSize }));
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await database?.drop();
  });
  return stores;
}

/** Removes every topic a test's services made under its prefixes on the shared broker. */
export async function deleteTopicsUnder(kafka: Kafka, ...prefixes: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => prefixes.some((prefix) => topic.startsWith(prefix)));
    await admin.deleteTopics({ topics }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

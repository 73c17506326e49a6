import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { createPostgresEventStore, traceAppends, type EventStore } from '@handoff/event-store';
import { createKafka, jsonLineLogger, MESSAGING_MIGRATIONS, type StructuredLogger } from '@handoff/messaging';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { createTestDatabase, kafkaBrokers, uniqueSuffix, type TestDatabase } from './infrastructure';

// Apart from the index: it loads the broker client, TypeORM and the event store, which the unit
// specs that import `@handoff/testing` do not need.

interface Stoppable {
  stop(): Promise<void>;
}

/**
 * What an int-spec of the relay and the consumers stands on: a database of its own with the
 * messaging tables, a PostgreSQL event store, a Kafka client, and a topic and a dead-letter topic
 * of its own on the shared broker; with `spans`, every span kept in memory (`exporter`). Opened
 * before the file's tests and closed after them: it stops what a test started (in the reverse
 * order) and removes the topics and the database.
 */
export class MessagingTestBed {
  /** The test bed of this test file, opened in its beforeAll and closed in its afterAll. */
  static forThisFile(name: string, options: { readonly logger: StructuredLogger; readonly spans?: boolean }): MessagingTestBed {
    const bed = new MessagingTestBed(name, options);
    beforeAll(() => bed.open());
    afterAll(() => bed.close());
    return bed;
  }

  readonly suffix = uniqueSuffix();
  readonly topic: { readonly topic: string; readonly numPartitions: number };
  readonly deadLetterTopic: { readonly topic: string; readonly numPartitions: number };
  /** The spans the test made, with `spans`. */
  readonly exporter = new InMemorySpanExporter();
  private readonly provider: NodeTracerProvider | undefined;
  private readonly running: Stoppable[] = [];
  private opened: { database: TestDatabase; store: EventStore; dataSource: DataSource; kafka: Kafka } | undefined;

  /** `name`: the test's, in its database, topics and client id; `spans`: appends, relays and consumers make spans. */
  constructor(
    private readonly name: string,
    private readonly options: { readonly logger: StructuredLogger; readonly spans?: boolean },
  ) {
    this.topic = { topic: `test.${name}-${this.suffix}.events`, numPartitions: 3 };
    this.deadLetterTopic = { topic: `test.${name}-${this.suffix}.dead-letter`, numPartitions: 1 };
    if (options.spans) this.provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(this.exporter)] });
  }

  async open(): Promise<void> {
    this.provider?.register();
    const database = await createTestDatabase(this.name.replace(/-/g, '_'));
    const plain = await createPostgresEventStore({ connectionString: database.url });
    const store = this.options.spans ? traceAppends(plain, 'postgresql') : plain;
    const dataSource = new DataSource({ type: 'postgres', url: database.url, migrations: [...MESSAGING_MIGRATIONS], migrationsRun: true, extra: { max: 6 } });
    await dataSource.initialize();
    const kafka = createKafka({ brokers: kafkaBrokers(), clientId: `${this.name}-${this.suffix}`, logger: this.options.logger, logLevel: 'warn' });
    this.opened = { database, store, dataSource, kafka };
  }

  get store(): EventStore {
    return this.ready().store;
  }
  get dataSource(): DataSource {
    return this.ready().dataSource;
  }
  get kafka(): Kafka {
    return this.ready().kafka;
  }

  /** Starts a relay or a consumer, and stops it on `close`. */
  async start<T extends Stoppable & { start(): Promise<void> }>(component: T): Promise<T> {
    await component.start();
    this.running.push(component);
    return component;
  }

  async close(): Promise<void> {
    for (const component of this.running.reverse()) await component.stop().catch(() => undefined);
    if (this.opened) {
      const { database, store, dataSource, kafka } = this.opened;
      await store.close();
      await dataSource.destroy();
      await database.drop();
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [this.topic.topic, this.deadLetterTopic.topic] }).catch(() => undefined);
      await admin.disconnect();
    }
    if (this.provider) {
      await this.provider.shutdown();
      // The global API goes back to no tracing, for the next file of the same worker.
      trace.disable();
      context.disable();
    }
  }

  private ready() {
    if (!this.opened) throw new Error(`${this.name}: the test bed is not open yet (forThisFile opens it in beforeAll)`);
    return this.opened;
  }
}

/** A logger for the relay and the consumers that keeps quiet but for warnings, and writes them nowhere. */
export const quietLogger = (): StructuredLogger => jsonLineLogger({ minLevel: 'warn', write: () => undefined });

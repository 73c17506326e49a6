import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@handoff/contracts';
import { createPostgresEventStore, type PostgresEventStore } from '@handoff/event-store';
import { createTestDatabase, eventually, kafkaBrokers, uniqueSuffix, type TestDatabase } from '@handoff/testing';
import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import { DataSource, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';
import { EventConsumer } from './event-consumer';
import { toKafkaMessage } from './event-relay';
import { createKafka } from './kafka';
import { jsonLineLogger } from './logging';
import { MESSAGING_MIGRATIONS } from './migrations';
import { partitionsNotCommittedPast, ProcessedEventsPruner } from './processed-events-pruner';

jest.setTimeout(90_000);

class CreateAppliedEvents1797900000001 implements MigrationInterface {
  readonly name = 'CreateAppliedEvents1797900000001';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE applied_events (applied_order bigserial PRIMARY KEY, event_id uuid NOT NULL)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE applied_events');
  }
}

const DAY_MS = 24 * 3_600_000;

describe('ProcessedEventsPruner on a real broker and PostgreSQL', () => {
  const suffix = uniqueSuffix();
  // Two partitions, every event keyed to one ticket: the other partition stays empty, as a quiet one would.
  const topic = { topic: `test.prune-${suffix}.events`, numPartitions: 2 };
  const deadLetterTopic = { topic: `test.prune-${suffix}.dead-letter`, numPartitions: 1 };
  const groupId = `test-prune-${suffix}`;
  const logger = jsonLineLogger({ minLevel: 'error', write: () => undefined });
  const ticketId = randomUUID();

  let database: TestDatabase;
  let store: PostgresEventStore;
  let dataSource: DataSource;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let consumer: EventConsumer | undefined;
  let events: RecordedEvent[];
  let pruner: ProcessedEventsPruner;

  beforeAll(async () => {
    database = await createTestDatabase('prune');
    store = await createPostgresEventStore({ connectionString: database.url });
    dataSource = new DataSource({ type: 'postgres', url: database.url, migrations: [...MESSAGING_MIGRATIONS, CreateAppliedEvents1797900000001], migrationsRun: true, extra: { max: 4 } });
    await dataSource.initialize();
    kafka = createKafka({ brokers: kafkaBrokers(), clientId: `prune-test-${suffix}`, logger, logLevel: 'error' });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [topic, deadLetterTopic], waitForLeaders: true });
    producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    for (let position = 0; position < 3; position++) {
      await store.append(
        `ticket-${ticketId}`,
        [
          {
            eventId: randomUUID(),
            type: position === 0 ? 'TicketOpened' : 'TicketNoteAdded',
            schemaVersion: 1,
            ticketId,
            data: { position },
            metadata: { correlationId: ticketId, causationId: randomUUID(), actorId: 'agent-7', role: 'cs', occurredAt: new Date().toISOString() },
          },
        ],
        position - 1,
      );
    }
    // Another test's open transaction on the shared server can hold the store's read horizon back for a moment.
    events = await eventually(async () => {
      const { events: read } = await store.readAll({ after: null, limit: 10 });
      return read.length === 3 && [...read];
    }, 'the three events readable');
    pruner = new ProcessedEventsPruner({
      dataSource,
      retentionHours: 7 * 24,
      notCommittedPast: (before) => partitionsNotCommittedPast(admin, groupId, [topic.topic], before),
      // Smaller than what is pruned at once: the round goes on until a batch comes back short.
      batchSize: 1,
      // Eight days from now, so the marks written today are past a seven-day retention.
      clock: () => new Date(Date.now() + 8 * DAY_MS),
      logger,
    });
  });

  afterAll(async () => {
    await consumer?.stop().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await admin?.deleteTopics({ topics: [topic.topic, deadLetterTopic.topic] }).catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await store?.close();
    await dataSource?.destroy();
    await database?.drop();
  });

  const publish = (published: readonly RecordedEvent[]) => producer.send({ topic: topic.topic, acks: -1, messages: published.map(toKafkaMessage) });

  const startConsumer = async (): Promise<EventConsumer> => {
    consumer = new EventConsumer({
      kafka,
      groupId,
      topics: [topic],
      deadLetterTopic,
      dataSource,
      handler: {
        async handle(events: readonly RecordedEvent[], manager: EntityManager) {
          for (const event of events) await manager.query('INSERT INTO applied_events (event_id) VALUES ($1)', [event.eventId]);
        },
      },
      maxWaitTimeInMs: 200,
      logger,
    });
    await consumer.start();
    return consumer;
  };

  const stopConsumer = async () => {
    await consumer?.stop();
    consumer = undefined;
  };

  /** How often each event was applied, in `events` order. */
  const applications = async (): Promise<number[]> => {
    const rows = (await dataSource.query('SELECT event_id::text AS id, count(*)::int AS n FROM applied_events GROUP BY event_id')) as Array<{ id: string; n: number }>;
    const counts = new Map(rows.map(({ id, n }) => [id, n]));
    return events.map(({ eventId }) => counts.get(eventId.toLowerCase()) ?? 0);
  };
  const marked = async (): Promise<boolean[]> => {
    const rows = (await dataSource.query('SELECT event_id::text AS id FROM processed_events')) as Array<{ id: string }>;
    const ids = new Set(rows.map(({ id }) => id));
    return events.map(({ eventId }) => ids.has(eventId.toLowerCase()));
  };
  const committedToTheEnd = () =>
    eventually(async () => (await partitionsNotCommittedPast(admin, groupId, [topic.topic], new Date(Date.now() + DAY_MS))).length === 0, 'offsets committed to the end');

  it('keeps old marks while the group could still be handed their events again, and those events are applied once', async () => {
    await publish(events);
    await startConsumer();
    await eventually(async () => (await applications()).every((n) => n === 1), 'every event applied');
    await committedToTheEnd();
    await stopConsumer();
    // A crash before the offsets were committed: what the group restarts from.
    await admin.setOffsets({ groupId, topic: topic.topic, partitions: [0, 1].map((partition) => ({ partition, offset: '0' })) });

    const round = await pruner.pruneOnce();

    expect(round).toMatchObject({ outcome: 'held' });
    expect(await marked()).toEqual([true, true, true]);
    const restarted = await startConsumer();
    await eventually(() => restarted.status().duplicates === 3, 'the three events delivered again');
    expect(await applications()).toEqual([1, 1, 1]);
    await committedToTheEnd();
  });

  it('prunes marks past the retention once the group has committed past them, and keeps recent ones', async () => {
    await dataSource.query(`UPDATE processed_events SET processed_at = now() + interval '8 days' - interval '1 hour' WHERE event_id = $1`, [events[2].eventId]);

    const round = await pruner.pruneOnce();

    expect(round).toMatchObject({ outcome: 'pruned', pruned: 2 });
    expect(await marked()).toEqual([false, false, true]);
  });

  it('applies once an event delivered again within the retention (a relay publishing it again)', async () => {
    const running = consumer!;
    const before = running.status().duplicates;

    await publish([events[2]]);

    await eventually(() => running.status().duplicates === before + 1, 'the event delivered again');
    expect(await applications()).toEqual([1, 1, 1]);
  });

  it('applies again a pruned event the group is reset to (what the README tells operators not to do without a rebuild)', async () => {
    await committedToTheEnd();
    await stopConsumer();
    await admin.resetOffsets({ groupId, topic: topic.topic, earliest: true });

    const restarted = await startConsumer();

    await eventually(async () => restarted.status().applied + restarted.status().duplicates === 4, 'the topic delivered again');
    expect(await applications()).toEqual([2, 2, 1]);
  });
});

import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@handoff/contracts';
import { createTestDatabase, kafkaBrokers, uniqueSuffix, type TestDatabase } from '@handoff/testing';
import { Partitioners, type Kafka, type Message } from 'kafkajs';
import { DataSource, type EntityManager } from 'typeorm';
import { EventConsumer, type EventHandler } from './event-consumer';
import { toKafkaMessage } from './event-relay';
import { createKafka } from './kafka';
import { jsonLineLogger } from './logging';
import { MESSAGING_MIGRATIONS } from './migrations';

jest.setTimeout(60_000);

const TICKETS = 30;
const EVENTS_PER_TICKET = 10;
const FAILING_POSITION = 6;

async function waitFor(description: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * With `maxBatchSize`, the consumer applies what a fetch brought for a partition in one
 * transaction (the handler's handleBatch when it has one), and still keeps every promise of
 * one message at a time: each event applied once and in stream order, duplicates and unwanted
 * types skipped, and a message that cannot be applied dead-lettered alone, the rest of its
 * batch applied around it.
 */
describe('EventConsumer applying batches', () => {
  const suffix = uniqueSuffix();
  const topic = { topic: `test.batches-${suffix}.events`, numPartitions: 3 };
  const deadLetterTopic = { topic: `test.batches-${suffix}.dead-letter`, numPartitions: 1 };
  let database: TestDatabase;
  let dataSource: DataSource;
  let kafka: Kafka;
  let consumer: EventConsumer | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('batches');
    dataSource = new DataSource({ type: 'postgres', url: database.url, migrations: [...MESSAGING_MIGRATIONS], migrationsRun: true, extra: { max: 6 } });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE applied (applied_order bigserial PRIMARY KEY, ticket_id text NOT NULL, position integer NOT NULL, event_id uuid NOT NULL)');
    kafka = createKafka({ brokers: kafkaBrokers(), clientId: `batches-${suffix}`, logLevel: 'error' });
  });

  afterAll(async () => {
    await consumer?.stop().catch(() => undefined);
    await dataSource?.destroy();
    await database?.drop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic.topic, deadLetterTopic.topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  const event = (ticketId: string, position: number, type = 'TicketNoteAdded'): RecordedEvent => ({
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    streamId: `ticket-${ticketId}`,
    streamPosition: position,
    globalPosition: String(position + 1),
    ticketId,
    data: { position },
    metadata: {
      correlationId: ticketId,
      causationId: randomUUID(),
      actorId: 'agent-7',
      role: 'cs',
      occurredAt: new Date().toISOString(),
      recordedAt: new Date().toISOString(),
    },
    contentHash: 'a'.repeat(64),
    previousHash: 'b'.repeat(64),
    hash: 'c'.repeat(64),
  });

  it('applies each event once and in order, in few transactions, and dead-letters only what fails', async () => {
    const ticketIds = Array.from({ length: TICKETS }, () => randomUUID());
    const messages: Message[] = [];
    const wanted: RecordedEvent[] = [];
    for (const ticketId of ticketIds) {
      for (let position = 0; position < EVENTS_PER_TICKET; position++) {
        const recorded = event(ticketId, position, position === 3 ? 'TicketViewed' : 'TicketNoteAdded');
        messages.push(toKafkaMessage(recorded));
        if (recorded.type !== 'TicketViewed') wanted.push(recorded);
        // A relay that crashed after publishing publishes again: the same event twice.
        if (position === 2) messages.push(toKafkaMessage(recorded));
      }
    }
    // Not an event at all, in the middle of the first ticket's partition.
    messages.splice(5, 0, { key: ticketIds[0], value: 'not json' });
    const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [topic, deadLetterTopic] });
    await admin.disconnect();
    await producer.connect();
    await producer.send({ topic: topic.topic, acks: -1, messages });
    await producer.disconnect();

    const batchSizes: number[] = [];
    const apply = async (recorded: RecordedEvent, manager: EntityManager) => {
      const { position } = recorded.data as { position: number };
      // One ticket's event can never be applied: a handler failure that is not transient.
      if (recorded.ticketId === ticketIds[1] && position === FAILING_POSITION) throw new Error('cannot apply this one');
      await manager.query('INSERT INTO applied (ticket_id, position, event_id) VALUES ($1, $2, $3)', [recorded.ticketId, position, recorded.eventId]);
    };
    const handler: EventHandler = {
      eventTypes: ['TicketNoteAdded'],
      handle: apply,
      async handleBatch(events, manager) {
        batchSizes.push(events.length);
        for (const recorded of events) await apply(recorded, manager);
      },
    };
    consumer = new EventConsumer({
      kafka,
      groupId: `test-batches-${suffix}`,
      topics: [topic],
      deadLetterTopic,
      dataSource,
      handler,
      maxBatchSize: 50,
      maxWaitTimeInMs: 200,
      logger: jsonLineLogger({ minLevel: 'error', write: () => undefined }),
    });
    await consumer.start();
    await waitFor('every wanted event applied or dead-lettered', async () => {
      const { applied, deadLettered } = consumer!.status();
      return applied === wanted.length - 1 && deadLettered === 2;
    });

    const rows = (await dataSource.query('SELECT ticket_id, position, event_id::text AS event_id FROM applied ORDER BY applied_order')) as {
      ticket_id: string;
      position: number;
      event_id: string;
    }[];
    const failing = wanted.find((recorded) => recorded.ticketId === ticketIds[1] && recorded.streamPosition === FAILING_POSITION)!;
    expect(rows.map((row) => row.event_id).sort()).toEqual(
      wanted
        .filter((recorded) => recorded !== failing)
        .map((recorded) => recorded.eventId)
        .sort(),
    );
    for (const ticketId of ticketIds) {
      const positions = rows.filter((row) => row.ticket_id === ticketId).map((row) => row.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
    const marks = (await dataSource.query('SELECT count(*)::int AS n FROM processed_events')) as { n: number }[];
    expect(marks[0].n).toBe(wanted.length - 1);

    const status = consumer.status();
    expect(status.duplicates).toBe(TICKETS);
    expect(status.ignored).toBe(TICKETS);
    expect(status.deadLettered).toBe(2);
    // Most events went through handleBatch, many at a time.
    expect(batchSizes.reduce((sum, size) => sum + size, 0)).toBeGreaterThan(wanted.length / 2);
    expect(Math.max(...batchSizes)).toBeGreaterThan(10);
  });
});

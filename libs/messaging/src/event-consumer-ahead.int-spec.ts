import { randomUUID } from 'node:crypto';
import type { Command, Decider, RecordedEvent } from '@handoff/contracts';
import { AppendListeners, CommandHandler, createPostgresEventStore, observeAppends, type PostgresEventStore } from '@handoff/event-store';
import { createTestDatabase, eventually, kafkaBrokers, uniqueSuffix, type TestDatabase } from '@handoff/testing';
import { Partitioners, type Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventConsumer, type EventHandler } from './event-consumer';
import { toKafkaMessage } from './event-relay';
import { createKafka } from './kafka';
import { jsonLineLogger } from './logging';
import { MESSAGING_MIGRATIONS } from './migrations';

jest.setTimeout(60_000);

/** Answers every command with one event of the command's type: all the decider a process manager here needs. */
const echo: Decider<Command, { type: string; data: Record<string, never> }, null> = {
  initialState: null,
  evolve: () => null,
  decide: (command) => [{ type: command.type, data: {} }],
};

/**
 * With ownEvents, what the consumer's process managers append to the service's own streams is
 * applied by its projections in the batch that caused it, when it is the next event of a stream
 * the batch holds. No relay runs here: an event applied at all was applied ahead of its message.
 */
describe('EventConsumer applying what its own process managers appended', () => {
  const suffix = uniqueSuffix();
  const topic = { topic: `test.ahead-${suffix}.own-events`, numPartitions: 1 };
  const deadLetterTopic = { topic: `test.ahead-${suffix}.dead-letter`, numPartitions: 1 };
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let kafka: Kafka;
  let consumer: EventConsumer | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('ahead');
    dataSource = new DataSource({ type: 'postgres', url: database.url, migrations: [...MESSAGING_MIGRATIONS], migrationsRun: true, extra: { max: 4 } });
    await dataSource.initialize();
    store = await createPostgresEventStore({ connectionString: database.url });
    kafka = createKafka({ brokers: kafkaBrokers(), clientId: `ahead-${suffix}`, logLevel: 'error' });
  });

  afterAll(async () => {
    await consumer?.stop().catch(() => undefined);
    await store?.close();
    await dataSource?.destroy();
    await database?.drop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic.topic, deadLetterTopic.topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it("applies the next event of a batch's stream that the batch caused with the batch, leaves any other for its message, and skips that message when it comes", async () => {
    // As the platform wires a service: the store's appends heard by the consumer.
    const appends = new AppendListeners();
    const commands = new CommandHandler(observeAppends(store, appends.tell, (error) => {
      throw error;
    }));
    const ticketId = randomUUID();
    const stream = `own-ticket-${ticketId}`;
    const otherStream = `own-ticket-${randomUUID()}`;
    const command = (type: string, cause: RecordedEvent): Command => ({
      type,
      data: {},
      metadata: { correlationId: cause.metadata.correlationId, causationId: cause.eventId, actor: { id: 'system:test', role: 'system' }, now: new Date() },
    });
    // On TicketRouted: the next event of the same stream, and the first of a stream the batch does not hold.
    const manager: EventHandler = {
      eventTypes: ['TicketRouted'],
      issuesCommands: true,
      async handle(events) {
        for (const event of events) {
          await commands.handle(stream, echo, command('HandlerAssigned', event), { ticketId });
          await commands.handle(otherStream, echo, command('TicketOpened', event), { ticketId });
          // Meanwhile, a request appends to the same stream: the next event, but not caused by the batch.
          await commands.handle(stream, echo, { ...command('NoteAdded', event), metadata: { ...command('NoteAdded', event).metadata, causationId: `request-${ticketId}` } }, { ticketId });
        }
      },
    };
    const calls: string[][] = [];
    const projection: EventHandler = {
      eventTypes: ['TicketRouted', 'HandlerAssigned', 'TicketOpened', 'NoteAdded'],
      async handle(events) {
        calls.push(events.map((event) => `${event.type}@${event.streamId === stream ? 'stream' : 'other'}:${event.streamPosition}`));
      },
    };
    consumer = new EventConsumer({
      kafka,
      groupId: `test-ahead-${suffix}`,
      topics: [topic],
      deadLetterTopic,
      dataSource,
      handlers: [
        { name: 'test.manager', handler: manager },
        { name: 'test.projection', handler: projection },
      ],
      ownEvents: { topic, streamPrefix: 'own-', appends },
      maxBatchSize: 50,
      maxWaitTimeInMs: 200,
      logger: jsonLineLogger({ minLevel: 'error', write: () => undefined }),
    });
    await consumer.start();

    const [routed] = (
      await store.append(
        stream,
        [
          {
            eventId: randomUUID(),
            type: 'TicketRouted',
            schemaVersion: 1,
            ticketId,
            data: {},
            metadata: { correlationId: ticketId, causationId: ticketId, actorId: 'system:test', role: 'system', occurredAt: new Date().toISOString() },
          },
        ],
        -1,
      )
    ).events;
    const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      await producer.send({ topic: topic.topic, acks: -1, messages: [toKafkaMessage(routed)] });
      await eventually(() => consumer!.status().applied === 1, 'the routed event applied');
      // The stream's next event with the batch that caused it, after it; the other stream's first, and the request's, only when their messages come.
      expect(calls).toEqual([['TicketRouted@stream:0', 'HandlerAssigned@stream:1']]);
      expect(consumer.status().appliedAhead).toBe(1);
      const marks = (await dataSource.query("SELECT count(*)::int AS n FROM processed_events WHERE consumer_name = 'test.projection'")) as { n: number }[];
      expect(marks[0].n).toBe(2);

      // The relay's deliveries, later: the assignment is a duplicate for the projection, the other two are new.
      // Its mark taken away, only the consumer's memory of what it applied ahead can tell: no mark is looked up or written for it.
      const appended = await store.readStream(stream);
      await dataSource.query("DELETE FROM processed_events WHERE consumer_name = 'test.projection' AND event_id = $1", [appended[1].eventId]);
      const duplicatesBefore = consumer.status().duplicates;
      const [opened] = await store.readStream(otherStream);
      await producer.send({ topic: topic.topic, acks: -1, messages: [toKafkaMessage(appended[1]), toKafkaMessage(appended[2]), toKafkaMessage(opened)] });
      await eventually(() => calls.length === 2, 'the later messages taken');
      expect(calls[1]).toEqual(['NoteAdded@stream:2', 'TicketOpened@other:0']);
      expect(consumer.status().appliedAhead).toBe(1);
      expect(consumer.status().duplicates - duplicatesBefore).toBe(1);
      const marksAfter = (await dataSource.query(
        "SELECT event_id::text AS id FROM processed_events WHERE consumer_name = 'test.projection' ORDER BY event_id",
      )) as { id: string }[];
      expect(marksAfter.map(({ id }) => id)).toEqual([routed.eventId, appended[2].eventId, opened.eventId].map((id) => id.toLowerCase()).sort());
    } finally {
      await producer.disconnect();
    }
  });
});

import { randomUUID } from 'node:crypto';
import type { DomainEvent, RecordedEvent } from '@handoff/contracts';
import { createKafka, EventConsumer, jsonLineLogger, MESSAGING_MIGRATIONS, toKafkaMessage, type EventHandler } from '@handoff/messaging';
import { createTestDatabase, eventually, kafkaBrokers, recordedOf, uniqueSuffix, type TestDatabase } from '@handoff/testing';
import { Partitioners, type Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { TransactionPipelineClient } from './transaction-pipeline';

jest.setTimeout(60_000);

/**
 * The consumer's processed-event marks on the connection the services' read models use, which
 * holds a mark for the handler's first statement or the COMMIT: an event marked before is a
 * duplicate for a projection, and a process manager, whose commands leave the transaction,
 * does not react to it again; in a batch and one message at a time.
 */
describe("the consumer's marks through the read models' pipelined connection", () => {
  const suffix = uniqueSuffix();
  const deadLetterTopic = { topic: `test.marks-${suffix}.dead-letter`, numPartitions: 1 };
  let database: TestDatabase;
  let dataSource: DataSource;
  let kafka: Kafka;
  const topics: string[] = [deadLetterTopic.topic];

  beforeAll(async () => {
    database = await createTestDatabase('consumer_marks');
    dataSource = new DataSource({ type: 'postgres', url: database.url, migrations: [...MESSAGING_MIGRATIONS], migrationsRun: true, extra: { max: 4, Client: TransactionPipelineClient } });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE applied_by (handler text NOT NULL, event_id uuid NOT NULL, PRIMARY KEY (handler, event_id))');
    kafka = createKafka({ brokers: kafkaBrokers(), clientId: `marks-${suffix}`, logLevel: 'error' });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [deadLetterTopic] });
    await admin.disconnect();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  // A type no service has: these handlers are the test's own. Each event an id of its own, as the marks are kept by id.
  const event = (ticketId: string, position: number): RecordedEvent => ({
    ...(recordedOf({ type: 'TicketViewed', data: { position } } as unknown as DomainEvent, {
      ticketId,
      streamId: `ticket-${ticketId}`,
      streamPosition: position,
      occurredAt: new Date().toISOString(),
    }) as RecordedEvent),
    eventId: randomUUID(),
  });

  /** Events of one ticket on a topic of their own, the first `marked` of them marked before for each handler; a consumer of the handlers runs until each has applied the rest. */
  const consume = async (name: string, maxBatchSize: number, handlers: { name: string; handler: EventHandler }[], marked: number) => {
    const topic = { topic: `test.marks-${suffix}.${name}`, numPartitions: 1 };
    topics.push(topic.topic);
    const ticketId = randomUUID();
    const events = Array.from({ length: 4 }, (_, position) => event(ticketId, position));
    for (const { name: handlerName } of handlers) {
      for (const recorded of events.slice(0, marked)) await dataSource.query('INSERT INTO processed_events (consumer_name, event_id) VALUES ($1, $2)', [handlerName, recorded.eventId]);
    }
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [topic] });
    await admin.disconnect();
    const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: topic.topic, acks: -1, messages: events.map(toKafkaMessage) });
    await producer.disconnect();
    const consumer = new EventConsumer({
      kafka,
      groupId: `test-marks-${name}-${suffix}`,
      topics: [topic],
      deadLetterTopic,
      dataSource,
      handlers,
      maxBatchSize,
      maxWaitTimeInMs: 200,
      logger: jsonLineLogger({ minLevel: 'error', write: () => undefined }),
    });
    try {
      await consumer.start();
      await eventually(() => consumer.status().handlers.every(({ applied, duplicates, deadLettered }) => applied + duplicates + deadLettered === events.length), 'every event settled for every handler');
      return { events, status: consumer.status().handlers };
    } finally {
      await consumer.stop();
    }
  };

  const projection = (name: string): { name: string; handler: EventHandler } => ({
    name,
    handler: {
      eventTypes: ['TicketViewed'],
      async handle(events, manager) {
        for (const recorded of events) await manager.query('INSERT INTO applied_by (handler, event_id) VALUES ($1, $2)', [name, recorded.eventId]);
      },
    },
  });
  const processManager = (name: string, reacted: string[]): { name: string; handler: EventHandler } => ({
    name,
    handler: { eventTypes: ['TicketViewed'], issuesCommands: true, handle: async (events) => void reacted.push(...events.map((recorded) => recorded.eventId)) },
  });
  const appliedBy = async (name: string) =>
    ((await dataSource.query('SELECT event_id::text AS event_id FROM applied_by WHERE handler = $1', [name])) as { event_id: string }[]).map((row) => row.event_id).sort();

  for (const [way, maxBatchSize] of [
    ['one message at a time', 1],
    ['in a batch', 50],
  ] as const) {
    it(`applies only what is new to a projection, and a process manager reacts only to that, ${way}`, async () => {
      const reacted: string[] = [];
      const name = maxBatchSize === 1 ? 'single' : 'batch';
      const handlers = [projection(`test.${name}-projection`), processManager(`test.${name}-commands`, reacted)];
      const { events, status } = await consume(name, maxBatchSize, handlers, 2);
      const fresh = events.slice(2).map((recorded) => recorded.eventId).sort();
      expect(status).toEqual([
        { name: `test.${name}-projection`, applied: 2, duplicates: 2, deadLettered: 0 },
        { name: `test.${name}-commands`, applied: 2, duplicates: 2, deadLettered: 0 },
      ]);
      expect(await appliedBy(`test.${name}-projection`)).toEqual(fresh);
      expect([...reacted].sort()).toEqual(fresh);
    });
  }

  it('gives a process manager alone, one message at a time, only what it has not reacted to', async () => {
    const reacted: string[] = [];
    const { events, status } = await consume('alone', 1, [processManager('test.alone-commands', reacted)], 3);
    expect(status).toEqual([{ name: 'test.alone-commands', applied: 1, duplicates: 3, deadLettered: 0 }]);
    expect(reacted).toEqual([events[3].eventId]);
  });
});

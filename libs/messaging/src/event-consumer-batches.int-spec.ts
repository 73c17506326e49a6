import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@handoff/contracts';
import { createTestDatabase, eventually, kafkaBrokers, readTopic, uniqueSuffix, type TestDatabase } from '@handoff/testing';
import { Partitioners, type Kafka, type KafkaMessage, type Message } from 'kafkajs';
import { DataSource, type EntityManager } from 'typeorm';
import { DEAD_LETTER_HEADERS } from './dead-letter';
import { EventConsumer, type EventHandler } from './event-consumer';
import { toKafkaMessage } from './event-relay';
import { createKafka } from './kafka';
import { jsonLineLogger } from './logging';
import { MESSAGING_MIGRATIONS } from './migrations';

jest.setTimeout(60_000);

const TICKETS = 30;
const EVENTS_PER_TICKET = 10;
const FAILING_POSITION = 6;

/**
 * With `maxBatchSize`, the consumer applies what a fetch brought for a partition in one
 * transaction, and still keeps every promise of one message at a time: each event applied once and in stream order, duplicates and unwanted
 * types skipped, and a message that cannot be applied dead-lettered alone, the rest of its
 * batch applied around it.
 */
describe('EventConsumer applying batches', () => {
  const suffix = uniqueSuffix();
  const topic = { topic: `test.batches-${suffix}.events`, numPartitions: 3 };
  // The second test's own topics (a new group reads a topic from its beginning).
  const sharedTopic = { topic: `test.batches-${suffix}.shared-events`, numPartitions: 2 };
  const otherTopic = { topic: `test.batches-${suffix}.other-events`, numPartitions: 1 };
  const deadLetterTopic = { topic: `test.batches-${suffix}.dead-letter`, numPartitions: 1 };
  const commitsTopic = { topic: `test.batches-${suffix}.commits`, numPartitions: 1 };
  const lingerTopic = { topic: `test.batches-${suffix}.linger`, numPartitions: 1 };
  const grownTopic = { topic: `test.batches-${suffix}.grown`, numPartitions: 1 };
  let database: TestDatabase;
  let dataSource: DataSource;
  let kafka: Kafka;
  let consumer: EventConsumer | undefined;
  let shared: EventConsumer | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('batches');
    dataSource = new DataSource({ type: 'postgres', url: database.url, migrations: [...MESSAGING_MIGRATIONS], migrationsRun: true, extra: { max: 6 } });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE applied (applied_order bigserial PRIMARY KEY, ticket_id text NOT NULL, position integer NOT NULL, event_id uuid NOT NULL)');
    await dataSource.query('CREATE TABLE applied_by (handler text NOT NULL, event_id uuid NOT NULL, PRIMARY KEY (handler, event_id))');
    kafka = createKafka({ brokers: kafkaBrokers(), clientId: `batches-${suffix}`, logLevel: 'error' });
  });

  afterAll(async () => {
    await consumer?.stop().catch(() => undefined);
    await shared?.stop().catch(() => undefined);
    await dataSource?.destroy();
    await database?.drop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic.topic, sharedTopic.topic, otherTopic.topic, deadLetterTopic.topic, commitsTopic.topic, lingerTopic.topic, grownTopic.topic] }).catch(() => undefined);
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
      async handle(events, manager) {
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
      // Each telling checks, from another connection, that what it tells of is committed.
      onCommitted: (name, events) => {
        told.push(...events.map((recorded) => recorded.eventId));
        const ids = events.map((recorded) => recorded.eventId);
        visibleWhenTold.push(dataSource.query('SELECT count(*)::int AS n FROM applied WHERE event_id = ANY($1::uuid[])', [ids]).then(([row]) => row.n === ids.length && name === `test-batches-${suffix}`));
      },
    });
    const told: string[] = [];
    const visibleWhenTold: Promise<boolean>[] = [];
    await consumer.start();
    await eventually(async () => {
      const { applied, deadLettered } = consumer!.status();
      return applied === wanted.length - 1 && deadLettered === 2;
    }, 'every wanted event applied or dead-lettered', 30_000);

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
    // Told of every applied event once, batch or one at a time, never of a duplicate or of the one that failed.
    expect([...told].sort()).toEqual(rows.map((row) => row.event_id).sort());
    expect(await Promise.all(visibleWhenTold)).not.toContain(false);

    const status = consumer.status();
    expect(status.duplicates).toBe(TICKETS);
    expect(status.ignored).toBe(TICKETS);
    expect(status.deadLettered).toBe(2);
    // Most events were applied many at a time.
    expect(batchSizes.reduce((sum, size) => sum + size, 0)).toBeGreaterThan(wanted.length / 2);
    expect(Math.max(...batchSizes)).toBeGreaterThan(10);
  });

  /**
   * A service runs one consumer for all its handlers: each handler still gets only its own
   * topics and types, each is exactly-once through marks of its own name (a mark left by an
   * earlier consumer of that handler counts), and an event one handler refuses for good is
   * dead-lettered for that handler while the others apply it.
   */
  it('runs several handlers behind one consumer, each exactly once on its own topics and types', async () => {
    const ticketIds = Array.from({ length: 12 }, () => randomUUID());
    const onTopic: RecordedEvent[] = [];
    const onOther: RecordedEvent[] = [];
    const messages: Message[] = [];
    for (const ticketId of ticketIds) {
      for (let position = 0; position < 6; position++) {
        const recorded = event(ticketId, position, position === 4 ? 'TicketViewed' : 'TicketNoteAdded');
        onTopic.push(recorded);
        messages.push(toKafkaMessage(recorded));
        if (position === 1) messages.push(toKafkaMessage(recorded));
      }
    }
    messages.splice(3, 0, { key: ticketIds[0], value: 'not json' });
    // The same type on another topic: only a handler that reads that topic gets it.
    const otherMessages = ticketIds.slice(0, 4).map((ticketId) => {
      const recorded = event(ticketId, 0);
      onOther.push(recorded);
      return toKafkaMessage(recorded);
    });
    const refused = onTopic.find((recorded) => recorded.ticketId === ticketIds[2] && recorded.streamPosition === 3)!;
    // Applied by `audit` before, under its own name (a consumer of its own, say): not applied again.
    const markedBefore = onTopic.find((recorded) => recorded.ticketId === ticketIds[5] && recorded.streamPosition === 2)!;
    // And one the process manager reacted to before: it does not react again.
    const reactedBefore = onTopic.find((recorded) => recorded.ticketId === ticketIds[6] && recorded.type === 'TicketViewed')!;
    await dataSource.query('INSERT INTO processed_events (consumer_name, event_id) VALUES ($1, $2), ($3, $4)', [
      'test.audit',
      markedBefore.eventId,
      'test.commands',
      reactedBefore.eventId,
    ]);

    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [sharedTopic, otherTopic, deadLetterTopic] });
    await admin.disconnect();
    const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: sharedTopic.topic, acks: -1, messages });
    await producer.send({ topic: otherTopic.topic, acks: -1, messages: otherMessages });
    await producer.disconnect();

    const record = (handler: string) => async (recorded: RecordedEvent, manager: EntityManager) => {
      if (handler === 'notes' && recorded.eventId === refused.eventId) throw new Error('notes cannot take this one');
      await manager.query('INSERT INTO applied_by (handler, event_id) VALUES ($1, $2)', [handler, recorded.eventId]);
    };
    const notes: EventHandler = {
      eventTypes: ['TicketNoteAdded'],
      async handle(events, manager) {
        for (const recorded of events) await record('notes')(recorded, manager);
      },
    };
    const audit: EventHandler = {
      eventTypes: ['TicketNoteAdded', 'TicketViewed'],
      async handle(events, manager) {
        for (const recorded of events) await record('audit')(recorded, manager);
      },
    };
    // A process manager: acts outside the transaction, and only on what it has no mark for; and
    // not at all on one ticket's view (reactsTo), which it is neither given nor marked for.
    const commanded: string[] = [];
    const passedBy = ticketIds[7];
    const commands: EventHandler = {
      eventTypes: ['TicketViewed'],
      issuesCommands: true,
      reactsTo: (recorded) => recorded.ticketId !== passedBy,
      handle: async (events) => void commanded.push(...events.map((recorded) => recorded.eventId)),
    };
    shared = new EventConsumer({
      kafka,
      groupId: `test-shared-${suffix}`,
      topics: [sharedTopic, otherTopic],
      deadLetterTopic,
      dataSource,
      handlers: [
        { name: 'test.notes', handler: notes, topics: [sharedTopic.topic] },
        { name: 'test.audit', handler: audit },
        { name: 'test.commands', handler: commands, topics: [sharedTopic.topic] },
      ],
      maxBatchSize: 50,
      maxWaitTimeInMs: 200,
      logger: jsonLineLogger({ minLevel: 'error', write: () => undefined }),
    });
    await shared.start();

    const notesWanted = onTopic.filter((recorded) => recorded.type === 'TicketNoteAdded' && recorded !== refused);
    const auditWanted = [...onTopic, ...onOther].filter((recorded) => recorded !== markedBefore);
    const commandsWanted = onTopic.filter((recorded) => recorded.type === 'TicketViewed' && recorded !== reactedBefore && recorded.ticketId !== passedBy);
    // Past 30 s: a partition the group's first assignment left out (a topic the broker had not
    // yet settled) is taken once the consumer reads its topics again (metadataMaxAgeMs).
    await eventually(() => {
      const status = shared!.status();
      const [notesStatus, auditStatus, commandsStatus] = status.handlers;
      const done =
        notesStatus.applied === notesWanted.length &&
        notesStatus.deadLettered === 1 &&
        auditStatus.applied === auditWanted.length &&
        commandsStatus.applied === commandsWanted.length;
      // Should it never be done, the failure says how far each handler and the consumer got.
      if (!done) throw new Error(`wanted ${notesWanted.length}, ${auditWanted.length} and ${commandsWanted.length} applied; ${JSON.stringify(status)}`);
      return done;
    }, 'both handlers done', 45_000);

    const rows = (await dataSource.query('SELECT handler, event_id::text AS event_id FROM applied_by')) as { handler: string; event_id: string }[];
    const idsOf = (handler: string) => rows.filter((row) => row.handler === handler).map((row) => row.event_id).sort();
    expect(idsOf('notes')).toEqual(notesWanted.map((recorded) => recorded.eventId).sort());
    expect(idsOf('audit')).toEqual(auditWanted.map((recorded) => recorded.eventId).sort());
    const marks = (await dataSource.query(
      `SELECT consumer_name, count(*)::int AS n FROM processed_events WHERE consumer_name LIKE 'test.%' GROUP BY consumer_name ORDER BY consumer_name`,
    )) as { consumer_name: string; n: number }[];
    expect(marks).toEqual([
      { consumer_name: 'test.audit', n: auditWanted.length + 1 },
      { consumer_name: 'test.commands', n: commandsWanted.length + 1 },
      { consumer_name: 'test.notes', n: notesWanted.length },
    ]);
    // Each at least once, and nothing it had reacted to before: a batch that has to go again one
    // message at a time (here, when it holds the event `notes` refuses) brings the process
    // manager its events again, and its commands find themselves already recorded.
    expect([...new Set(commanded)].sort()).toEqual(commandsWanted.map((recorded) => recorded.eventId).sort());

    const status = shared.status();
    // Each handler skipped the redelivered events it wants (12 of position 1); audit also the one marked before.
    expect(status.handlers).toEqual([
      { name: 'test.notes', applied: notesWanted.length, duplicates: 12, deadLettered: 1 },
      { name: 'test.audit', applied: auditWanted.length, duplicates: 13, deadLettered: 0 },
      { name: 'test.commands', applied: commandsWanted.length, duplicates: 1, deadLettered: 0 },
    ]);
    expect(status.deadLettered).toBe(2);

    const ours = (message: KafkaMessage) => message.headers?.[DEAD_LETTER_HEADERS.consumerGroup]?.toString() === `test-shared-${suffix}`;
    const mine = (await readTopic(kafka, deadLetterTopic.topic, (messages) => messages.filter(ours).length >= 2)).filter(ours);
    expect(mine).toHaveLength(2);
    const refusedCopy = mine.find((message) => message.value?.toString().includes(refused.eventId));
    expect(refusedCopy?.headers?.[DEAD_LETTER_HEADERS.consumerName]?.toString()).toBe('test.notes');
    expect(refusedCopy?.headers?.[DEAD_LETTER_HEADERS.reason]?.toString()).toMatch(/^handler_failed: .*notes cannot take this one/);
    const unreadable = mine.find((message) => message.value?.toString() === 'not json');
    expect(unreadable?.headers?.[DEAD_LETTER_HEADERS.consumerName]?.toString()).toBe('test.notes,test.audit,test.commands');
  });

  it('commits applied offsets at most once per interval, and what it applied when it stops', async () => {
    const groupId = `test-commits-${suffix}`;
    const applied: string[] = [];
    const committed = async (): Promise<string | undefined> => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [commitsTopic.topic] });
        return offsets?.partitions.find((entry) => entry.partition === 0)?.offset;
      } finally {
        await admin.disconnect();
      }
    };
    const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const commits = new EventConsumer({
      kafka,
      groupId,
      topics: [commitsTopic],
      deadLetterTopic,
      dataSource,
      // Longer than the test: the only commits are the first batch's, and the one stop() makes.
      commitIntervalMs: 600_000,
      handler: {
        async handle(events) {
          applied.push(...events.map((recorded) => recorded.eventId));
        },
      },
      logger: jsonLineLogger({ minLevel: 'error' }),
    });
    try {
      await commits.start();
      const ticketId = randomUUID();
      const [first, second, third] = [0, 1, 2].map((position) => event(ticketId, position));
      await producer.send({ topic: commitsTopic.topic, acks: -1, messages: [toKafkaMessage(first)] });
      await eventually(() => applied.includes(first.eventId), 'the first event applied');
      await eventually(async () => (await committed()) === '1', 'the first batch committed at once');
      await producer.send({ topic: commitsTopic.topic, acks: -1, messages: [toKafkaMessage(second)] });
      await producer.send({ topic: commitsTopic.topic, acks: -1, messages: [toKafkaMessage(third)] });
      await eventually(() => applied.includes(third.eventId), 'the later events applied');
      // Applied, and committed only when the interval has passed, or when the consumer stops.
      expect(await committed()).toBe('1');
      await commits.stop();
      expect(await committed()).toBe('3');
    } finally {
      await commits.stop();
      await producer.disconnect();
    }
  });

  /**
   * A consumer with lingerMs waits after a short batch before it fetches again, so that what
   * arrives meanwhile comes as one batch. Its wait is far longer than the test here: nothing
   * arriving during it can be applied until it ends, stop() must end it, and the events wait
   * for the next consumer of the group.
   */
  it('lingers after a short batch, applies the first event of a quiet spell at once, and stops without waiting the linger out', async () => {
    const groupId = `test-linger-${suffix}`;
    const batches: string[][] = [];
    const consumerOf = (lingerMs: number) =>
      new EventConsumer({
        kafka,
        groupId,
        topics: [lingerTopic],
        deadLetterTopic,
        dataSource,
        lingerMs,
        maxBatchSize: 50,
        maxWaitTimeInMs: 200,
        handler: {
          async handle(events) {
            batches.push(events.map((recorded) => recorded.eventId));
          },
        },
        logger: jsonLineLogger({ minLevel: 'error', write: () => undefined }),
      });
    const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const lingering = consumerOf(600_000);
    let next: EventConsumer | undefined;
    try {
      await lingering.start();
      const ticketId = randomUUID();
      const [first, ...later] = Array.from({ length: 6 }, (_, position) => event(ticketId, position));
      await producer.send({ topic: lingerTopic.topic, acks: -1, messages: [toKafkaMessage(first)] });
      await eventually(() => batches.flat().includes(first.eventId), 'the first event of a quiet spell applied at once');
      // One at a time, as a light load sends them; the consumer is in its wait.
      for (const recorded of later) await producer.send({ topic: lingerTopic.topic, acks: -1, messages: [toKafkaMessage(recorded)] });
      await lingering.stop();
      expect(lingering.status().state).toBe('stopped');
      expect(batches).toEqual([[first.eventId]]);

      next = consumerOf(0);
      await next.start();
      await eventually(() => batches.flat().length === 6, 'the events that arrived during the wait applied by the next consumer');
      expect(batches.slice(1)).toEqual([later.map((recorded) => recorded.eventId)]);
    } finally {
      await lingering.stop();
      await next?.stop();
      await producer.disconnect();
    }
  });

  /**
   * The group's assignment is made from the broker's description of the topics at the time; a
   * partition it did not know of (a topic that had not settled, partitions added since) is found
   * when the consumer reads that description again (metadataMaxAgeMs: 30 s unless told, 2 s
   * here), and the group joins again. With kafkajs' 5 minutes, this waits in vain.
   */
  it('takes a partition its assignment left out once it reads its topics again', async () => {
    const applied: string[] = [];
    const grown = new EventConsumer({
      kafka,
      groupId: `test-grown-${suffix}`,
      topics: [grownTopic],
      deadLetterTopic,
      dataSource,
      metadataMaxAgeMs: 2_000,
      maxWaitTimeInMs: 200,
      handler: { handle: async (events) => void applied.push(...events.map((recorded) => recorded.eventId)) },
      logger: jsonLineLogger({ minLevel: 'error', write: () => undefined }),
    });
    const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      await grown.start();
      const [first, second] = [event(randomUUID(), 0), event(randomUUID(), 0)];
      await producer.send({ topic: grownTopic.topic, acks: -1, messages: [{ ...toKafkaMessage(first), partition: 0 }] });
      await eventually(() => applied.includes(first.eventId), 'the event on the first partition applied');
      const admin = kafka.admin();
      await admin.connect();
      await admin.createPartitions({ topicPartitions: [{ topic: grownTopic.topic, count: 2 }] });
      await admin.disconnect();
      // A producer that knows of the new partition (one that does not drops the message).
      const another = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
      await another.connect();
      await another.send({ topic: grownTopic.topic, acks: -1, messages: [{ ...toKafkaMessage(second), partition: 1 }] });
      await another.disconnect();
      await eventually(() => applied.includes(second.eventId), 'the event on the partition added applied', 30_000);
    } finally {
      await grown.stop();
      await producer.disconnect();
    }
  });
});

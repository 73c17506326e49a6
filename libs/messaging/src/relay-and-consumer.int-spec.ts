import { randomUUID } from 'node:crypto';
import { HEADERS, UpcasterRegistry, type NewEvent, type RecordedEvent } from '@handoff/contracts';
import { createPostgresEventStore, type PostgresEventStore } from '@handoff/event-store';
import { createTestDatabase, kafkaBrokers, readTopic, uniqueSuffix, type TestDatabase } from '@handoff/testing';
import { Partitioners, type Kafka } from 'kafkajs';
import { Client } from 'pg';
import { DataSource, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';
import { DEAD_LETTER_HEADERS, headerText } from './dead-letter';
import { EventConsumer, type EventHandler } from './event-consumer';
import { EventRelay } from './event-relay';
import { createKafka } from './kafka';
import { jsonLineLogger } from './logging';
import { MESSAGING_MIGRATIONS } from './migrations';

jest.setTimeout(60_000);

const TICKETS = 40;
const EVENTS_PER_TICKET = 8;
/**
 * Not among the read model's event types: acknowledged without a row. Written last, so the
 * batch the relay re-publishes after its crash holds events the read model does apply.
 */
const IGNORED_POSITION = 7;
const RELAY_NAME = 'test-relay';

/** The read model under test: one row per applied event, in the order it was applied. */
class CreateAppliedEvents1795424500000 implements MigrationInterface {
  readonly name = 'CreateAppliedEvents1795424500000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE applied_events (
        applied_order bigserial PRIMARY KEY,
        ticket_id text NOT NULL,
        stream_position integer NOT NULL,
        event_id uuid NOT NULL,
        schema_version integer NOT NULL,
        applied_by text NOT NULL
      )`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE applied_events');
  }
}

async function waitFor(description: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Holds handler calls until opened, so the test can stop a consumer with messages in hand. */
class Gate {
  private release: (() => void) | undefined;
  private readonly opened = new Promise<void>((resolve) => (this.release = resolve));
  waiting = 0;
  open(): void {
    this.release?.();
  }
  async pass(): Promise<void> {
    this.waiting++;
    await this.opened;
    this.waiting--;
  }
}

describe('EventRelay and EventConsumer on a real broker and PostgreSQL', () => {
  const suffix = uniqueSuffix();
  const topic = { topic: `test.messaging-${suffix}.events`, numPartitions: 3 };
  const deadLetterTopic = { topic: `test.messaging-${suffix}.dead-letter`, numPartitions: 1 };
  const groupId = `test-read-model-${suffix}`;
  /** A stand-in for contact details: it is in every event's data and must appear in no log line. */
  const contactMarker = `jane.doe.${suffix}@example.com`;
  const logLines: string[] = [];
  const logger = jsonLineLogger({ minLevel: 'debug', write: (line) => logLines.push(line) });

  let database: TestDatabase;
  let store: PostgresEventStore;
  let dataSource: DataSource;
  let kafka: Kafka;
  const running: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    database = await createTestDatabase('messaging');
    store = await createPostgresEventStore({ connectionString: database.url });
    dataSource = new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: [...MESSAGING_MIGRATIONS, CreateAppliedEvents1795424500000],
      migrationsRun: true,
      extra: { max: 12 },
    });
    await dataSource.initialize();
    kafka = createKafka({ brokers: kafkaBrokers(), clientId: `messaging-test-${suffix}`, logger, logLevel: 'warn' });
  });

  afterAll(async () => {
    for (const component of running.reverse()) await component.stop().catch(() => undefined);
    await store?.close();
    await dataSource?.destroy();
    await database?.drop();
    if (kafka) {
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic.topic, deadLetterTopic.topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  const ticketIds = Array.from({ length: TICKETS }, () => randomUUID());
  const streamOf = (ticketId: string): string => `ticket-${ticketId}`;

  function newEvent(ticketId: string, position: number): NewEvent {
    const type = position === 0 ? 'TicketOpened' : position === IGNORED_POSITION ? 'TicketViewed' : 'TicketNoteAdded';
    return {
      eventId: randomUUID(),
      type,
      schemaVersion: 1,
      ticketId,
      data: { position, customerEmail: contactMarker },
      metadata: {
        correlationId: ticketId,
        causationId: randomUUID(),
        actorId: 'agent-7',
        role: 'cs',
        occurredAt: new Date().toISOString(),
      },
    };
  }

  /** Eight writers append concurrently, each event of a ticket with the version it expects. */
  async function appendPositions(positions: readonly number[]): Promise<void> {
    const work = ticketIds.flatMap((ticketId) => positions.map((position) => ({ ticketId, position })));
    const byTicket = new Map<string, number[]>();
    for (const { ticketId, position } of work) byTicket.set(ticketId, [...(byTicket.get(ticketId) ?? []), position]);
    const queue = [...byTicket.entries()];
    const writer = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [ticketId, ticketPositions] = next;
        for (const position of ticketPositions) {
          await store.append(streamOf(ticketId), [newEvent(ticketId, position)], position - 1);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
  }

  /** After `holdAfter` calls, every further call waits at `gate`. */
  const readModel = (appliedBy: string, gate?: { holdAfter: number; gate: Gate }): EventHandler => {
    let calls = 0;
    return {
      eventTypes: ['TicketOpened', 'TicketNoteAdded'],
      async handle(events: readonly RecordedEvent[], manager: EntityManager) {
        for (const event of events) {
          if (gate && ++calls > gate.holdAfter) await gate.gate.pass();
          await manager.query(
            'INSERT INTO applied_events (ticket_id, stream_position, event_id, schema_version, applied_by) VALUES ($1, $2, $3, $4, $5)',
            [event.ticketId, event.streamPosition, event.eventId, event.schemaVersion, appliedBy],
          );
        }
      },
    };
  };
  // v2 of TicketNoteAdded only adds a field; the read model records which version it was handed.
  const upcasters = new UpcasterRegistry().register('TicketNoteAdded', 1, (data) => ({ ...(data as object), channel: 'unknown' }));

  const newConsumer = (appliedBy: string, gate?: { holdAfter: number; gate: Gate }): EventConsumer => {
    const consumer = new EventConsumer({
      kafka,
      groupId,
      topics: [topic],
      deadLetterTopic,
      dataSource,
      handler: readModel(appliedBy, gate),
      upcasters,
      retry: { initialDelayMs: 20, maxDelayMs: 500 },
      maxWaitTimeInMs: 200,
      logger,
    });
    running.push(consumer);
    return consumer;
  };
  const newRelay = (): EventRelay => {
    const relay = new EventRelay({
      name: RELAY_NAME,
      store,
      streamPrefix: 'ticket-',
      kafka,
      topic,
      dataSource,
      batchSize: 20,
      idleDelayMs: 20,
      leasePollMs: 50,
      retry: { initialDelayMs: 20, maxDelayMs: 200 },
      logger,
    });
    running.push(relay);
    return relay;
  };
  const appliedCount = async (): Promise<number> =>
    Number((await dataSource.query('SELECT count(*)::int AS n FROM applied_events'))[0].n);

  it('applies every event exactly once and in stream order through a consumer restart, a relay crash and a poison message', async () => {
    const wantedPerTicket = EVENTS_PER_TICKET - 1;
    const totalEvents = TICKETS * EVENTS_PER_TICKET;

    // Phase 1: writers, relay and consumer A all run at once.
    const relay1 = newRelay();
    await relay1.start();
    const gate = new Gate();
    const consumerA = newConsumer('A', { holdAfter: 30, gate });
    await consumerA.start();
    await appendPositions([0, 1, 2]);

    // (a) Stop consumer A mid-stream, with a message in hand on the partitions it is working on.
    await waitFor('consumer A to hold messages at the gate', () => gate.waiting > 0);
    const stoppingA = consumerA.stop();
    gate.open();
    await stoppingA;
    const appliedByA = consumerA.status().applied;
    expect(appliedByA).toBeGreaterThan(30);
    expect(appliedByA).toBeLessThanOrEqual(30 + topic.numPartitions);
    // The messages in hand were finished and committed, not abandoned.
    expect(await appliedCount()).toBe(appliedByA);

    // Consumer B loses its database connection in the middle of its first transactions: the
    // events in hand must be retried, not skipped or dead-lettered.
    const connectionLoss = new Gate();
    const consumerB = newConsumer('B', { holdAfter: 0, gate: connectionLoss });
    await consumerB.start();
    await waitFor('consumer B to hold a transaction open', () => connectionLoss.waiting > 0);
    const terminated: unknown[] = await dataSource.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND state = 'idle in transaction' AND query LIKE 'INSERT INTO processed_events%'`,
    );
    expect(terminated.length).toBeGreaterThan(0);
    connectionLoss.open();

    // (b) Crash the relay after Kafka acknowledged a batch but before its checkpoint is stored:
    // a table lock holds the checkpoint write, and abort() kills the relay's session under it.
    const locker = new Client({ connectionString: database.url });
    // DROP DATABASE ... WITH (FORCE) in afterAll ends this session if the test failed before it did.
    locker.on('error', () => undefined);
    await locker.connect();
    await waitFor('relay 1 to catch up', () => relay1.status().caughtUp);
    // A table lock, not FOR UPDATE: a row lock would give this transaction an id, and the store
    // holds back every event newer than the oldest running transaction id.
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE relay_checkpoints IN SHARE MODE');
    await appendPositions([3, 4, 5]);
    await waitFor('relay 1 to publish past its stored checkpoint', () => {
      const { publishedCheckpoint, checkpoint } = relay1.status();
      return publishedCheckpoint !== checkpoint;
    });
    const checkpointAtCrash = relay1.status().checkpoint;
    await relay1.abort();
    await locker.query('ROLLBACK');
    await locker.end();
    const [stored] = await dataSource.query('SELECT checkpoint FROM relay_checkpoints WHERE relay_name = $1', [RELAY_NAME]);
    expect(stored.checkpoint).toBe(checkpointAtCrash);

    const relay2 = newRelay();
    await relay2.start();

    // (c) Poison messages straight onto the topic, keyed like a ticket so they sit among its events.
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const poisonTicket = ticketIds[0];
    const poison = [
      { key: poisonTicket, value: '{"eventId": not json', headers: { [HEADERS.eventId]: 'not-an-event' } },
      { key: poisonTicket, value: JSON.stringify({ eventId: randomUUID(), type: 'TicketNoteAdded', customerEmail: contactMarker }) },
    ];
    const poisonSources = new Set<string>();
    for (const message of poison) {
      const [metadata] = await producer.send({ topic: topic.topic, acks: -1, messages: [message] });
      poisonSources.add(`${topic.topic}/${metadata.partition}/${metadata.baseOffset}`);
    }
    await producer.disconnect();

    await appendPositions([6, 7]);

    await waitFor('every wanted event in the read model', async () => (await appliedCount()) >= TICKETS * wantedPerTicket);
    await waitFor('relay 2 to catch up', () => relay2.status().caughtUp);
    await waitFor('both poison messages dead-lettered', () => consumerB.status().deadLettered >= 2);
    await waitFor('consumer B to go through the topic', async () => {
      const lag = await partitionLag(kafka, groupId, topic.topic);
      return lag === 0;
    });

    // Exactly once, in stream order, per ticket.
    const rows: Array<{ ticket_id: string; positions: number[]; events: number; distinct_events: number; versions: number[] }> =
      await dataSource.query(`
        SELECT ticket_id,
               array_agg(stream_position ORDER BY applied_order) AS positions,
               count(*)::int AS events,
               count(DISTINCT event_id)::int AS distinct_events,
               array_agg(DISTINCT schema_version) AS versions
          FROM applied_events GROUP BY ticket_id`);
    expect(rows).toHaveLength(TICKETS);
    const expectedPositions = Array.from({ length: EVENTS_PER_TICKET }, (_, position) => position).filter(
      (position) => position !== IGNORED_POSITION,
    );
    for (const row of rows) {
      expect(row.positions).toEqual(expectedPositions);
      expect(row.distinct_events).toBe(row.events);
      expect(row.versions.sort()).toEqual([1, 2]);
    }
    const storedIds = new Set<string>();
    for (const ticketId of ticketIds) {
      for (const event of await store.readStream(streamOf(ticketId))) {
        if (event.streamPosition !== IGNORED_POSITION) storedIds.add(event.eventId);
      }
    }
    const appliedIds: Array<{ event_id: string }> = await dataSource.query('SELECT event_id FROM applied_events');
    expect(new Set(appliedIds.map(({ event_id }) => event_id))).toEqual(storedIds);

    // The crash re-published at least the batch in hand, and the copies were delivered and skipped.
    const published = relay1.status().publishedEvents + relay2.status().publishedEvents;
    expect(published).toBeGreaterThan(totalEvents);
    const b = consumerB.status();
    expect(b.duplicates).toBeGreaterThan(0);
    expect(b.transientFailures).toBeGreaterThanOrEqual(terminated.length);
    expect(b.deadLettered).toBe(poison.length);
    expect(appliedByA + b.applied).toBe(TICKETS * wantedPerTicket);
    expect(b.ignored).toBeGreaterThan(0);
    expect(await topicMessageCount(kafka, topic.topic)).toBe(published + poison.length);

    // Poison went to the dead-letter topic, unchanged, with why and where it came from.
    const deadLetters = await readTopic(kafka, deadLetterTopic.topic, (messages) => messages.length >= 2);
    expect(deadLetters).toHaveLength(2);
    const reasons = deadLetters.map((message) => headerText(message.headers, DEAD_LETTER_HEADERS.reason) ?? '');
    expect(reasons.some((reason) => reason.startsWith('invalid_json: '))).toBe(true);
    expect(reasons.some((reason) => reason.startsWith('invalid_envelope: '))).toBe(true);
    expect(new Set(deadLetters.map((message) => headerText(message.headers, DEAD_LETTER_HEADERS.source)))).toEqual(poisonSources);
    for (const message of deadLetters) {
      expect(headerText(message.headers, DEAD_LETTER_HEADERS.consumerGroup)).toBe(groupId);
      expect(poison.map(({ value }) => value)).toContain(message.value?.toString());
    }

    // Contact details reached no log line, though every event carried them.
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.filter((line) => line.includes(contactMarker))).toEqual([]);

  });
});

async function partitionLag(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    return ends.reduce((lag, end) => {
      const done = committed.partitions.find(({ partition }) => partition === end.partition)?.offset ?? '-1';
      return lag + Number(end.high) - Math.max(0, Number(done));
    }, 0);
  } finally {
    await admin.disconnect();
  }
}

async function topicMessageCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    return ends.reduce((sum, end) => sum + Number(end.high) - Number(end.low), 0);
  } finally {
    await admin.disconnect();
  }
}

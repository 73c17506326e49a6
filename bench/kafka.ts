import { randomUUID } from 'node:crypto';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientKafka, EventPattern, Payload, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import type { RecordedEvent } from '@handoff/contracts';
import type { EventStore } from '@handoff/event-store';
import { EventConsumer, EventRelay, MESSAGING_MIGRATIONS, toKafkaMessage, type EventHandler } from '@handoff/messaging';
import { Partitioners, type Kafka, type Message } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { DataSource } from 'typeorm';
import type { BenchInfra } from './infra';
import { inParallel, percentile, timed, type Report } from './report';

const round = (value: number) => Math.round(value * 1000) / 1000;

export interface KafkaSettings {
  readonly messages: number;
  /** Messages consumed by the figures that write each one to PostgreSQL. */
  readonly dbMessages: number;
  readonly produceBatch: number;
  readonly partitions: number;
  /** Messages ClientKafka emits (one produce request each). */
  readonly clientKafkaMessages: number;
  /** EventConsumer's maxBatchSize, as the services set it. */
  readonly consumerMaxBatch: number;
  /** One-message produce-to-consume round trips measured for the latency floor. */
  readonly roundTrips: number;
}

const section = 'kafka';
const RAW_PRODUCE = 'raw kafkajs produce';
const RAW_CONSUME = 'raw kafkajs consume';
const EVENT_CONSUMER_INTO_POSTGRES = 'EventConsumer into PostgreSQL';

/** Distinct events of the sample's size: consumers that skip duplicates by id must see each as new. */
function messagesLike(sample: RecordedEvent, count: number): Message[] {
  return Array.from({ length: count }, () => {
    const ticketId = randomUUID();
    return toKafkaMessage({ ...sample, eventId: randomUUID(), ticketId, streamId: `intake-ticket-${ticketId}` });
  });
}

async function produce(kafka: Kafka, topic: string, messages: readonly Message[], batch: number): Promise<number> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const { seconds } = await timed(async () => {
      for (let start = 0; start < messages.length; start += batch) {
        await producer.send({ topic, acks: -1, messages: messages.slice(start, start + batch) });
      }
    });
    return seconds;
  } finally {
    await producer.disconnect();
  }
}

/** Resolves with the seconds from the first message received to the `count`th (the group join is not the consumer's speed). */
class Arrivals {
  private first: bigint | undefined;
  private seen = 0;
  private done: ((seconds: number) => void) | undefined;
  readonly finished: Promise<number>;

  constructor(private readonly count: number) {
    this.finished = new Promise((resolve) => (this.done = resolve));
  }

  add(n: number): void {
    this.first ??= process.hrtime.bigint();
    this.seen += n;
    if (this.seen >= this.count && this.done) {
      const done = this.done;
      this.done = undefined;
      done(Number(process.hrtime.bigint() - this.first) / 1e9);
    }
  }
}

function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not finished after ${ms / 1000} s`)), ms);
    }),
  ]);
}

export async function benchKafka(
  infra: BenchInfra,
  report: Report,
  settings: KafkaSettings,
  source: { readonly store: EventStore; readonly url: string; readonly sample: RecordedEvent; readonly eventCount: number },
): Promise<void> {
  const kafka = infra.kafka('kafka');
  const topic = infra.topic('messages');
  const relayTopic = infra.topic('relayed');
  const nestTopic = infra.topic('nest-emitted');
  await infra.createTopics([
    { topic, numPartitions: settings.partitions },
    { topic: relayTopic, numPartitions: settings.partitions },
    { topic: nestTopic, numPartitions: settings.partitions },
    { topic: infra.topic('dead-letter'), numPartitions: 1 },
  ]);
  const messages = messagesLike(source.sample, settings.messages);
  const messageBytes = Buffer.byteLength(messages[0].value as string);

  const produced = await produce(kafka, topic, messages, settings.produceBatch);
  report.add({
    section,
    name: RAW_PRODUCE,
    value: settings.messages / produced,
    unit: 'msg/s',
    better: 'higher',
    details: { messages: settings.messages, batch: settings.produceBatch, acks: -1, messageBytes, partitions: settings.partitions },
  });

  // The relay right after its baseline: everything the store section wrote, from PostgreSQL to Kafka.
  {
    const relaySource = new DataSource({ type: 'postgres', url: source.url, migrations: [...MESSAGING_MIGRATIONS], migrationsRun: true, extra: { max: 2 } });
    await relaySource.initialize();
    const relay = new EventRelay({ name: 'bench-relay', store: source.store, kafka, topic: relayTopic, dataSource: relaySource, logger: { log: () => undefined } });
    await relay.start();
    const { seconds } = await timed(
      () =>
        new Promise<void>((resolve, reject) => {
          const started = Date.now();
          const check = setInterval(() => {
            if (relay.status().publishedEvents >= source.eventCount) {
              clearInterval(check);
              resolve();
            } else if (Date.now() - started > 180_000) {
              clearInterval(check);
              reject(new Error(`relay: ${relay.status().publishedEvents} of ${source.eventCount} after 180 s`));
            }
          }, 2);
        }),
    );
    await relay.stop();
    await relaySource.destroy();
    report.add({
      section: 'relay',
      name: 'relay, store to Kafka',
      value: source.eventCount / seconds,
      unit: 'events/s',
      better: 'higher',
      baseline: RAW_PRODUCE,
      target: { kind: 'ratio', atLeast: 0.5 },
      details: { events: source.eventCount },
    });
  }

  // Raw consumption: eachBatch that only counts, the most kafkajs can hand over.
  {
    const arrivals = new Arrivals(settings.messages);
    const consumer = kafka.consumer({ groupId: `${infra.prefix}raw`, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachBatch: async ({ batch }) => arrivals.add(batch.messages.length) });
    const seconds = await deadline(arrivals.finished, 120_000, 'raw consume');
    await consumer.disconnect();
    report.add({
      section,
      name: RAW_CONSUME,
      value: settings.messages / seconds,
      unit: 'msg/s',
      better: 'higher',
      details: { messages: settings.messages, handler: 'eachBatch, counting only' },
    });
    report.add({
      section,
      name: 'raw kafkajs produce-then-consume',
      value: settings.messages / (produced + seconds),
      unit: 'msg/s',
      better: 'higher',
      details: { messages: settings.messages, produceSeconds: round(produced), consumeSeconds: round(seconds) },
    });
  }

  // Raw one-message round trips: the latency floor of one Kafka hop on this machine.
  {
    const latencyTopic = infra.topic('round-trip');
    await infra.createTopics([{ topic: latencyTopic, numPartitions: 1 }]);
    const consumer = kafka.consumer({ groupId: `${infra.prefix}round-trip`, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
    let arrived: (() => void) | undefined;
    await consumer.connect();
    await consumer.subscribe({ topics: [latencyTopic], fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({ eachMessage: async () => arrived?.() });
    await joined;
    const producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
    await producer.connect();
    const latencies: number[] = [];
    for (let index = 0; index < settings.roundTrips; index++) {
      const received = new Promise<void>((resolve) => (arrived = resolve));
      const started = performance.now();
      await producer.send({ topic: latencyTopic, acks: -1, messages: [messages[index]] });
      await deadline(received, 10_000, 'raw round trip');
      latencies.push(performance.now() - started);
    }
    await producer.disconnect();
    await consumer.disconnect();
    latencies.sort((a, b) => a - b);
    for (const p of [50, 95, 99]) {
      report.add({ section, name: `raw kafkajs round trip p${p}`, value: percentile(latencies, p), unit: 'ms', better: 'lower', details: { messages: latencies.length } });
    }
  }

  // @nestjs/microservices ServerKafka: eachMessage, one message at a time per consumer.
  {
    const arrivals = new Arrivals(settings.messages);
    const seconds = await withNestServer(infra, topic, 'nest-noop', async () => arrivals.add(1), () => deadline(arrivals.finished, 180_000, 'Nest ServerKafka consume'));
    report.add({
      section,
      name: 'Nest ServerKafka consume (no-op handler)',
      value: settings.messages / seconds,
      unit: 'msg/s',
      better: 'higher',
      baseline: RAW_CONSUME,
      details: { messages: settings.messages },
    });
  }

  // ClientKafka.emit: one produce request per message, all in flight at once.
  {
    const client = new ClientKafka({
      client: { clientId: `${infra.prefix}nest-client`, brokers: infra.brokers, logLevel: 0 },
      producer: { allowAutoTopicCreation: false },
      producerOnlyMode: true,
    });
    await client.connect();
    const values = messages.slice(0, settings.clientKafkaMessages);
    const { seconds } = await timed(() =>
      inParallel(values.length, 256, async (index) => {
        await lastValueFrom(client.emit(nestTopic, { key: values[index].key, value: values[index].value, headers: values[index].headers }));
      }),
    );
    await client.close();
    report.add({
      section,
      name: 'Nest ClientKafka emit',
      value: values.length / seconds,
      unit: 'msg/s',
      better: 'higher',
      baseline: RAW_PRODUCE,
      details: { messages: values.length, inFlight: 256 },
    });
  }

  // Consuming into PostgreSQL: one row per event, idempotent. Nest: one transaction per message.
  const dataSource = new DataSource({ type: 'postgres', url: await infra.database('consumers'), migrations: [...MESSAGING_MIGRATIONS], migrationsRun: true, extra: { max: 8 } });
  await dataSource.initialize();
  await dataSource.query('CREATE TABLE seen_events (event_id uuid PRIMARY KEY, ticket_id text NOT NULL, event_type text NOT NULL)');
  const recordRow = async (event: RecordedEvent, run: (sql: string, parameters: unknown[]) => Promise<unknown>) => {
    await run('INSERT INTO seen_events (event_id, ticket_id, event_type) VALUES ($1, $2, $3)', [event.eventId, event.ticketId, event.type]);
  };
  {
    const arrivals = new Arrivals(settings.dbMessages);
    const seconds = await withNestServer(
      infra,
      topic,
      'nest-db',
      async (event) => {
        await dataSource.transaction(async (manager) => {
          const inserted = (await manager.query(
            'INSERT INTO processed_events (consumer_name, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id',
            ['nest', event.eventId],
          )) as unknown[];
          if (inserted.length > 0) await recordRow(event, (sql, parameters) => manager.query(sql, parameters));
        });
        arrivals.add(1);
      },
      () => deadline(arrivals.finished, 180_000, 'Nest ServerKafka consume into PostgreSQL'),
    );
    report.add({
      section,
      name: 'Nest ServerKafka consume into PostgreSQL',
      value: settings.dbMessages / seconds,
      unit: 'msg/s',
      better: 'higher',
      // The question the issue asks: Nest's server against our consumer, on the same work.
      baseline: EVENT_CONSUMER_INTO_POSTGRES,
      details: { messages: settings.dbMessages, perMessage: 'one transaction: processed_events + one row' },
    });
  }
  {
    const arrivals = new Arrivals(settings.dbMessages);
    const handler: EventHandler = {
      async handle(events, manager) {
        for (const event of events) await recordRow(event, (sql, parameters) => manager.query(sql, parameters));
      },
    };
    const consumer = new EventConsumer({
      kafka,
      groupId: `${infra.prefix}event-consumer`,
      consumerName: 'bench',
      topics: [topic],
      deadLetterTopic: infra.topic('dead-letter'),
      dataSource,
      handler,
      logger: { log: () => undefined },
      maxWaitTimeInMs: 100,
      // As the services run it (KAFKA_CONSUMER_MAX_BATCH).
      maxBatchSize: settings.consumerMaxBatch,
    });
    let counted = 0;
    const counting = setInterval(() => {
      const { applied } = consumer.status();
      if (applied > counted) arrivals.add(applied - counted);
      counted = applied;
    }, 5);
    await consumer.start();
    const seconds = await deadline(arrivals.finished, 180_000, 'EventConsumer into PostgreSQL');
    clearInterval(counting);
    await consumer.stop();
    report.add({
      section,
      name: EVENT_CONSUMER_INTO_POSTGRES,
      value: settings.dbMessages / seconds,
      unit: 'msg/s',
      better: 'higher',
      baseline: RAW_CONSUME,
      details: { messages: settings.dbMessages, perEvent: 'processed_events + one row, idempotent', maxBatchSize: settings.consumerMaxBatch },
    });
  }
  await dataSource.destroy();
}

/** A Nest microservice whose one handler is `onEvent` on `topic`; resolves with what `until` resolves with. */
async function withNestServer<T>(
  infra: BenchInfra,
  topic: string,
  name: string,
  onEvent: (event: RecordedEvent) => Promise<void>,
  until: () => Promise<T>,
): Promise<T> {
  @Controller()
  class BenchController {
    @EventPattern(topic)
    async handle(@Payload() event: RecordedEvent): Promise<void> {
      await onEvent(event);
    }
  }
  @Module({ controllers: [BenchController] })
  class BenchModule {}
  const app: INestMicroservice = await NestFactory.createMicroservice<MicroserviceOptions>(BenchModule, {
    logger: false,
    transport: Transport.KAFKA,
    options: {
      client: { clientId: `${infra.prefix}${name}`, brokers: infra.brokers, logLevel: 0 },
      consumer: { groupId: `${infra.prefix}${name}`, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 },
      subscribe: { fromBeginning: true },
    },
  });
  await app.listen();
  try {
    return await until();
  } finally {
    await app.close();
  }
}

import { HEADERS, TOPICS, ValidationFailed, parseRecordedEvent, type RecordedEvent, type UpcasterRegistry } from '@handoff/contracts';
import { Partitioners, type Consumer, type EachBatchPayload, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { DeadLetterReason, handlerFailureReason, headerText, toDeadLetterMessage } from './dead-letter';
import { prepareTopics, topicName, type TopicRef } from './kafka';
import { errorFields, jsonLineLogger, type LogFields, type StructuredLogger } from './logging';
import { Sleeper } from './sleeper';
import { backoffDelay, isTransientError, type BackoffOptions } from './transient-errors';

export interface EventHandler {
  /**
   * The event types this handler applies. Any other event is acknowledged without a
   * transaction and without a `processed_events` row: it has no effect to protect from
   * being applied twice, and a row per irrelevant event would only cost writes. When a
   * handler starts wanting a new type, its read model is rebuilt from the start anyway.
   * The type is taken from the message's event-type header where there is one, so an
   * unwanted event is not even parsed. Omit to receive every event.
   */
  readonly eventTypes?: readonly string[];
  /**
   * Applies one event inside the transaction that also records it as processed. Throw only
   * for what must not be skipped: transient errors are retried; anything else sends the
   * message to the dead-letter topic, so a business refusal is better recorded than thrown.
   */
  handle(event: RecordedEvent, manager: EntityManager): Promise<void>;
  /**
   * Optional: applies several events at once, inside the transaction that also records them as
   * processed. It gets them in order, only events of `eventTypes`, none applied before, and must
   * leave exactly what calling `handle` for each in turn would leave. The consumer uses it for
   * each batch it takes from a partition (a rebuild may too); when it throws, the consumer goes
   * through the batch again one event at a time with `handle`.
   */
  handleBatch?(events: readonly RecordedEvent[], manager: EntityManager): Promise<void>;
}

export interface EventConsumerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  /** Key of this consumer's rows in `processed_events` (default: the group id). */
  readonly consumerName?: string;
  /** Specs are created at start() if missing; names must exist (start() waits for them briefly). */
  readonly topics: readonly TopicRef[];
  readonly dataSource: DataSource;
  readonly handler: EventHandler;
  /** Brings older schema versions to the current shape before the handler sees them. */
  readonly upcasters?: UpcasterRegistry;
  /** Default `TOPICS.deadLetter`, created with one partition if missing. */
  readonly deadLetterTopic?: TopicRef;
  /** A new group starts from the beginning (default true): a read model needs every event. */
  readonly fromBeginning?: boolean;
  /** Default: the total partition count of `topics` (each partition is still consumed strictly in order). */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * Most messages of one partition applied in one transaction (default 1: each message in a
   * transaction of its own). A batch that fails is done again one message at a time, so a
   * message that can never succeed is still dead-lettered alone. stop() finishes the batch in hand.
   */
  readonly maxBatchSize?: number;
  /** Backoff for transient errors (default 100 ms doubling up to 10 s, below the session timeout). */
  readonly retry?: BackoffOptions;
  /** Longest broker-side wait for new messages; also bounds how long stop() waits on an idle fetch (default 1 s). */
  readonly maxWaitTimeInMs?: number;
  readonly sessionTimeoutMs?: number;
  readonly logger?: StructuredLogger;
}

export type ConsumerState = 'stopped' | 'starting' | 'running' | 'stopping' | 'crashed';

export type MessageOutcome = 'applied' | 'duplicate' | 'ignored' | 'dead_lettered';

export interface ConsumerStats {
  readonly state: ConsumerState;
  /** Joined the group and received an assignment at least once since start(). */
  readonly joined: boolean;
  readonly applied: number;
  /** Delivered again and skipped because `processed_events` already had it. */
  readonly duplicates: number;
  /** Not one of the handler's event types. */
  readonly ignored: number;
  readonly deadLettered: number;
  /** Attempts that failed with a transient error and were retried. */
  readonly transientFailures: number;
}

interface MessageContext {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

/** Stops the retry loop of a message when the consumer stops or the partition is reassigned. */
class Abandoned extends Error {}

/** A batch found some of its events applied by someone else after it looked. */
class AppliedMeanwhile extends Error {}

const DEFAULT_MAX_BATCH_SIZE = 1;

/**
 * The consumer every read model and process manager is built on.
 *
 * Delivery is at least once (offsets are committed after the effect), and the effect is
 * exactly once: each event is applied in one database transaction together with the insert of
 * `(consumer_name, event_id)` into `processed_events`, and an event already there is skipped.
 * Partitions are consumed concurrently, each strictly in order, so one ticket's events (one
 * key, one partition) reach the handler in stream order.
 *
 * A message that can never succeed (not JSON, not a valid envelope, an unknown newer schema
 * version, a non-transient handler failure) goes to the dead-letter topic and the consumer goes
 * on; a transient failure (see transient-errors.ts) is retried with backoff and never skipped.
 */
export class EventConsumer {
  private readonly logger: StructuredLogger;
  private readonly consumerName: string;
  private readonly deadLetterTopicRef: TopicRef;
  private readonly deadLetterTopic: string;
  private readonly wanted: ReadonlySet<string> | undefined;
  private readonly retry: BackoffOptions;
  private readonly maxBatchSize: number;
  private readonly sleeper = new Sleeper();
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private stopping = false;
  private stats: Omit<ConsumerStats, 'state'> = {
    joined: false,
    applied: 0,
    duplicates: 0,
    ignored: 0,
    deadLettered: 0,
    transientFailures: 0,
  };
  private state: ConsumerState = 'stopped';

  constructor(private readonly options: EventConsumerOptions) {
    if (options.topics.length === 0) throw new Error('EventConsumer: at least one topic is required');
    this.logger = options.logger ?? jsonLineLogger();
    this.consumerName = options.consumerName ?? options.groupId;
    this.deadLetterTopicRef = options.deadLetterTopic ?? { topic: TOPICS.deadLetter, numPartitions: 1 };
    this.deadLetterTopic = topicName(this.deadLetterTopicRef);
    this.wanted = options.handler.eventTypes ? new Set(options.handler.eventTypes) : undefined;
    this.retry = { initialDelayMs: 100, maxDelayMs: 10_000, ...options.retry };
    this.maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    if (!Number.isInteger(this.maxBatchSize) || this.maxBatchSize < 1) throw new Error('EventConsumer: maxBatchSize must be a positive integer');
  }

  status(): ConsumerStats {
    return { state: this.state, ...this.stats };
  }

  async start(): Promise<void> {
    if (this.consumer) throw new Error(`consumer ${this.options.groupId} is already started`);
    const { kafka, groupId, topics } = this.options;
    this.state = 'starting';
    this.stopping = false;
    const partitions = await prepareTopics(kafka, [...topics, this.deadLetterTopicRef], this.logger);
    const names = topics.map(topicName);

    const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 1_000,
      ...(this.options.sessionTimeoutMs ? { sessionTimeout: this.options.sessionTimeoutMs } : {}),
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.stats = { ...this.stats, joined: true };
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      const fields: LogFields = { groupId, restart: payload.restart, ...errorFields(payload.error) };
      this.logger.log('error', 'consumer crashed', fields);
      if (!payload.restart) this.state = 'crashed';
    });
    this.consumer = consumer;
    this.producer = producer;

    try {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: names, fromBeginning: this.options.fromBeginning ?? true });
      await consumer.run({
        // Offsets are resolved by hand after each message's effect is committed, and kafkajs
        // commits the resolved ones after each batch, on commitOffsetsIfNecessary and on stop.
        eachBatchAutoResolve: false,
        autoCommit: true,
        autoCommitInterval: 1_000,
        partitionsConsumedConcurrently:
          this.options.partitionsConsumedConcurrently ?? names.reduce((sum, name) => sum + (partitions.get(name) ?? 1), 0),
        eachBatch: (payload) => this.eachBatch(payload),
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      this.consumer = undefined;
      this.producer = undefined;
      this.state = 'stopped';
      throw error;
    }
    this.state = 'running';
    this.logger.log('info', 'consumer started', { groupId, consumer: this.consumerName, topics: names.join(',') });
  }

  /** Finishes the message in hand, commits the resolved offsets, leaves the group and disconnects. */
  async stop(): Promise<void> {
    const { consumer, producer } = this;
    if (!consumer) return;
    this.stopping = true;
    this.state = 'stopping';
    this.sleeper.wakeAll();
    await consumer.disconnect();
    await producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
    this.state = 'stopped';
    this.logger.log('info', 'consumer stopped', { groupId: this.options.groupId, consumer: this.consumerName });
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const active = (): boolean => !this.stopping && isRunning() && !isStale();
    for (let start = 0; start < batch.messages.length; start += this.maxBatchSize) {
      if (!active()) return;
      const chunk = batch.messages.slice(start, start + this.maxBatchSize);
      const outcomes = await this.processTogether(batch.topic, batch.partition, chunk);
      if (outcomes) {
        resolveOffset(chunk[chunk.length - 1].offset);
        for (const outcome of outcomes) this.count(outcome);
        await heartbeat();
        await commitOffsetsIfNecessary();
        continue;
      }
      for (const message of chunk) {
        if (!active()) return;
        const context = { topic: batch.topic, partition: batch.partition, message };
        let outcome: MessageOutcome;
        try {
          outcome = await this.processWithRetry(context, active, heartbeat);
        } catch (error) {
          // Left unresolved, so this message is delivered again to whoever owns the partition next.
          if (error instanceof Abandoned) return;
          throw error;
        }
        resolveOffset(message.offset);
        this.count(outcome);
        await heartbeat();
        await commitOffsetsIfNecessary();
      }
    }
  }

  /**
   * Several messages of one partition in one transaction: the same effect as one at a time (each
   * event applied once, in order, with its processed-event row), for one commit instead of one per
   * message. Undefined when the messages must go one at a time instead: one of them is not a
   * readable event (it is dead-lettered on the way), or the transaction failed.
   *
   * The processed-event rows are read first and written last, so a batch whose handler only
   * issues commands (a process manager writes to the event store, not through `manager`) holds
   * a transaction id only for that last statement: an open transaction id holds back every
   * readAll horizon on the server, including the relays'.
   */
  private async processTogether(topic: string, partition: number, messages: readonly KafkaMessage[]): Promise<MessageOutcome[] | undefined> {
    if (messages.length < 2) return undefined;
    const outcomes: MessageOutcome[] = [];
    const toApply: { readonly index: number; readonly event: RecordedEvent }[] = [];
    const ids = new Set<string>();
    for (const message of messages) {
      if (this.unwantedByHeader(message)) {
        outcomes.push('ignored');
        continue;
      }
      const decoded = this.decode(message);
      if (decoded instanceof DeadLetterReason) return undefined;
      if (this.wanted && !this.wanted.has(decoded.type)) {
        outcomes.push('ignored');
        continue;
      }
      let event: RecordedEvent;
      try {
        event = this.options.upcasters ? this.options.upcasters.upcast(decoded) : decoded;
      } catch {
        return undefined;
      }
      const id = event.eventId.toLowerCase();
      // Published twice within one batch (a relay re-publishing after a crash): applied once.
      outcomes.push(ids.has(id) ? 'duplicate' : 'applied');
      if (!ids.has(id)) toApply.push({ index: outcomes.length - 1, event });
      ids.add(id);
    }
    if (toApply.length === 0) return outcomes;
    try {
      await this.options.dataSource.transaction(async (manager) => {
        const processed = (await manager.query(
          'SELECT event_id::text AS event_id FROM processed_events WHERE consumer_name = $1 AND event_id = ANY($2::uuid[])',
          [this.consumerName, toApply.map(({ event }) => event.eventId)],
        )) as { event_id: string }[];
        const done = new Set(processed.map((row) => row.event_id));
        const fresh = toApply.filter(({ event, index }) => {
          if (!done.has(event.eventId.toLowerCase())) return true;
          outcomes[index] = 'duplicate';
          return false;
        });
        if (fresh.length === 0) return;
        const { handler } = this.options;
        if (handler.handleBatch) await handler.handleBatch(fresh.map(({ event }) => event), manager);
        else for (const { event } of fresh) await handler.handle(event, manager);
        const inserted = (await manager.query(
          `INSERT INTO processed_events (consumer_name, event_id) SELECT $1, unnest($2::uuid[])
           ON CONFLICT (consumer_name, event_id) DO NOTHING RETURNING event_id`,
          [this.consumerName, fresh.map(({ event }) => event.eventId)],
        )) as unknown[];
        // Only another instance applying the same events during a rebalance gets here; one at a time sorts it out.
        if (inserted.length !== fresh.length) throw new AppliedMeanwhile();
      });
    } catch (error) {
      this.logger.log('debug', 'batch not applied together; applying its messages one at a time', {
        groupId: this.options.groupId,
        topic,
        partition,
        firstOffset: messages[0].offset,
        messages: messages.length,
        ...errorFields(error),
      });
      return undefined;
    }
    return outcomes;
  }

  private count(outcome: MessageOutcome): void {
    const key = ({ applied: 'applied', duplicate: 'duplicates', ignored: 'ignored', dead_lettered: 'deadLettered' } as const)[outcome];
    this.stats = { ...this.stats, [key]: this.stats[key] + 1 };
  }

  private async processWithRetry(context: MessageContext, active: () => boolean, heartbeat: () => Promise<void>): Promise<MessageOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.process(context);
      } catch (error) {
        this.stats = { ...this.stats, transientFailures: this.stats.transientFailures + 1 };
        this.logger.log(attempt >= 5 ? 'error' : 'warn', 'transient failure; retrying the message', {
          ...this.identify(context),
          attempt: attempt + 1,
          ...errorFields(error),
        });
        if (!active()) throw new Abandoned();
        await this.sleeper.sleep(backoffDelay(attempt, this.retry));
        if (!active()) throw new Abandoned();
        // Keeps the group membership through a long outage instead of triggering a rebalance.
        await heartbeat();
      }
    }
  }

  /** Resolves with what happened to the message; rejects only when it must be tried again. */
  private async process(context: MessageContext): Promise<MessageOutcome> {
    if (this.unwantedByHeader(context.message)) return 'ignored';
    const decoded = this.decode(context.message);
    if (decoded instanceof DeadLetterReason) return this.deadLetter(context, decoded);
    if (this.wanted && !this.wanted.has(decoded.type)) return 'ignored';

    let event: RecordedEvent;
    try {
      event = this.options.upcasters ? this.options.upcasters.upcast(decoded) : decoded;
    } catch (error) {
      return this.deadLetter(context, new DeadLetterReason('unsupported_version', (error as Error).message), error);
    }

    try {
      return await this.options.dataSource.transaction(async (manager) => {
        const inserted = (await manager.query(
          `INSERT INTO processed_events (consumer_name, event_id) VALUES ($1, $2)
           ON CONFLICT (consumer_name, event_id) DO NOTHING RETURNING event_id`,
          [this.consumerName, event.eventId],
        )) as unknown[];
        if (inserted.length === 0) return 'duplicate' as const;
        await this.options.handler.handle(event, manager);
        return 'applied' as const;
      });
    } catch (error) {
      if (isTransientError(error)) throw error;
      return this.deadLetter(context, handlerFailureReason(error), error);
    }
  }

  /**
   * The relay puts each event's type in a header so that a consumer can pass over the types it
   * does not apply without parsing and validating them (most consumers want a few types of a
   * topic; a message without the header is read in full).
   */
  private unwantedByHeader(message: KafkaMessage): boolean {
    if (!this.wanted) return false;
    const type = headerText(message.headers, HEADERS.eventType);
    return type !== undefined && !this.wanted.has(type);
  }

  private decode(message: KafkaMessage): RecordedEvent | DeadLetterReason {
    if (!message.value || message.value.length === 0) return new DeadLetterReason('empty_value', 'message has no value');
    let json: unknown;
    try {
      json = JSON.parse(message.value.toString('utf8'));
    } catch (error) {
      return new DeadLetterReason('invalid_json', (error as Error).message);
    }
    try {
      return parseRecordedEvent(json);
    } catch (error) {
      if (error instanceof ValidationFailed) {
        return new DeadLetterReason('invalid_envelope', error.errors.map(({ field, message: text }) => `${field}: ${text}`).join('; '));
      }
      throw error;
    }
  }

  private async deadLetter(context: MessageContext, reason: DeadLetterReason, error?: unknown): Promise<MessageOutcome> {
    const producer = this.producer;
    if (!producer) throw new Error('dead-letter producer is not connected');
    const message = toDeadLetterMessage(
      context.message,
      { ...context, offset: context.message.offset, consumerGroup: this.options.groupId, consumerName: this.consumerName },
      reason,
      new Date(),
    );
    // acks=-1: the original's offset is committed right after, so this copy must not be lost.
    await producer.send({ topic: this.deadLetterTopic, acks: -1, messages: [message] });
    this.logger.log('warn', 'message dead-lettered', {
      ...this.identify(context),
      reasonCode: reason.code,
      deadLetterTopic: this.deadLetterTopic,
      ...(error === undefined ? {} : errorFields(error)),
    });
    return 'dead_lettered';
  }

  /** Ids only: what a log may say about a message. */
  private identify({ topic, partition, message }: MessageContext): LogFields {
    return {
      groupId: this.options.groupId,
      topic,
      partition,
      offset: message.offset,
      eventId: headerText(message.headers, HEADERS.eventId),
      eventType: headerText(message.headers, HEADERS.eventType),
      ticketId: headerText(message.headers, HEADERS.ticketId),
    };
  }
}

import { HEADERS, TOPICS, ValidationFailed, parseRecordedEvent, type RecordedEvent, type UpcasterRegistry } from '@handoff/contracts';
import type { AppendFeed } from '@handoff/event-store';
import type { Span } from '@opentelemetry/api';
import { Partitioners, type Consumer, type EachBatchPayload, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { DeadLetterReason, handlerFailureReason, headerText, toDeadLetterMessage, type DeadLetterCode } from './dead-letter';
import { prepareTopics, topicName, type TopicRef } from './kafka';
import { errorFields, jsonLineLogger, type LogFields, type StructuredLogger } from './logging';
import { positiveInteger, wholeMilliseconds } from './option-checks';
import { Sleeper } from './sleeper';
import { queryWithNext } from './held-statements';
import { endSpans, handleTraced, startAheadSpan, startProcessSpan } from './tracing';
import { backoffDelay, errorChainOf, isTransientError, type BackoffOptions } from './transient-errors';
import { UntilStarted } from './until-started';

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
   * Applies events inside the transaction that also records them as processed: in order, only
   * events of `eventTypes`, none applied before. An event alone is a batch of one; the consumer
   * passes each batch it takes from a partition, a rebuild its own larger ones, and the rows left
   * must not depend on where a batch starts or ends. Throw only for what must not be skipped:
   * transient errors are retried; on any other, the consumer goes through the batch again one
   * event at a time, each in a transaction of its own, so that only the event that fails goes to
   * the dead-letter topic (a business refusal is better recorded than thrown).
   */
  handle(events: readonly RecordedEvent[], manager: EntityManager): Promise<void>;
  /**
   * A process manager: its effect is the commands it issues to an event store (idempotent by
   * causation), never a write through `manager`. When messages are applied together, it runs
   * before the consumer's transaction, with a manager outside it that it may read through, and
   * its marks are written after it has acted: an event it acted on just before a crash comes
   * to it again, and its command finds itself already recorded.
   */
  readonly issuesCommands?: boolean;
  /**
   * Which events of `eventTypes` the handler acts on at all, judged from the event alone (a
   * process manager that reacts to an assignment only when it took the ticket from someone, say).
   * Any other is passed by as an event of another type is: no mark looked up, handled or written
   * for it. Omit to act on every event of its types.
   */
  readonly reactsTo?: (event: RecordedEvent) => boolean;
}

/** One of several handlers sharing a consumer: each keeps its own processed-event marks. */
export interface NamedEventHandler {
  /** Key of this handler's rows in `processed_events` (e.g. `routing.department-queue`). */
  readonly name: string;
  readonly handler: EventHandler;
  /** The consumer's topics this handler reads (names); default all of them. */
  readonly topics?: readonly string[];
}

interface CommonConsumerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  /** Specs are created at start() if missing; names must exist (start() waits for them briefly). */
  readonly topics: readonly TopicRef[];
  readonly dataSource: DataSource;
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
  /**
   * How old the consumer's view of its topics' partitions may grow before it is read again
   * (default 30 s; kafkajs' own is 5 min). A partition the group's assignment left out, because the
   * broker described a topic before it had settled (a topic just created) or because partitions
   * were added, is found at that read, and the group joins again and takes it.
   */
  readonly metadataMaxAgeMs?: number;
  /**
   * Applied offsets are committed to Kafka at most this often (default 1 s; 0: after every
   * batch), and once more this long after the last batch. A commit is a broker round trip in
   * the fetch loop; committing later only means a restart or rebalance delivers those messages
   * again, and the processed-event marks skip them.
   */
  readonly commitIntervalMs?: number;
  /**
   * After a fetch that brought less than a full batch, wait this long before the next fetch
   * (default 0: fetch again at once). A light load then arrives in batches instead of one
   * message at a time, and each batch costs one transaction and one fetch instead of one per
   * message; the price is up to this much delay for the messages that arrive meanwhile (the
   * first after a quiet spell is applied at once). For consumers nobody waits on message by
   * message; a consumer that is behind fetches full batches and does not wait.
   */
  readonly lingerMs?: number;
  /**
   * The service's own events: the topic its store is relayed to, the streams the relay
   * publishes, and the store's appends. An event the consumer's process managers append there
   * (heard from the appends, caused by one of the batch's events) is applied by its projections in the transaction of the batch that caused it, when it is the
   * next event of a stream the batch holds: each projection sees the stream in the order Kafka
   * will deliver it, and the delivery later finds the marks. A handoff then waits for one Kafka
   * hop fewer (routing's assignment shows in the queue with the batch that made it). A stream's
   * first event waits for its message: a new ticket in a department's queue is something the
   * assignment of other tickets reads, and it must arrive there as it always has. Unset:
   * everything waits for its message.
   */
  readonly ownEvents?: OwnEvents;
  readonly logger?: StructuredLogger;
  /** Told of each message sent to the dead-letter topic, once it is there (for metrics). */
  readonly onDeadLettered?: (reason: DeadLetterCode) => void;
  /**
   * Told, once the transaction that applied them has committed, which events a projection
   * (not a process manager) applied, under the handler's name: for work in this process that
   * waits on what a handler wrote (a sender with deliveries to send, a cache of a table), so that
   * it can be woken instead of polling. Never told of a duplicate; a rebuild tells nobody.
   */
  readonly onCommitted?: (handlerName: string, events: readonly RecordedEvent[]) => void;
}

/** One handler, its marks under `consumerName` (default: the group id). */
export interface SingleHandlerConsumerOptions extends CommonConsumerOptions {
  readonly handler: EventHandler;
  readonly consumerName?: string;
}

/**
 * Several handlers behind one consumer group: each message is fetched and parsed once and,
 * when messages come together, applied by every handler in one transaction. A service runs
 * one such consumer for all its read models and process managers (one fetch, one offset commit
 * and one database commit per batch instead of one per handler). Handlers run in the order
 * given; each is exactly-once on its own through its marks, so a handler refusing an event for
 * good dead-letters it for that handler alone.
 */
export interface MultiHandlerConsumerOptions extends CommonConsumerOptions {
  readonly handlers: readonly NamedEventHandler[];
}

export type EventConsumerOptions = SingleHandlerConsumerOptions | MultiHandlerConsumerOptions;

export type ConsumerState = 'stopped' | 'starting' | 'running' | 'stopping' | 'crashed';

export type MessageOutcome = 'applied' | 'duplicate' | 'ignored' | 'dead_lettered';

export interface ConsumerStats {
  readonly state: ConsumerState;
  /** Joined the group and received an assignment at least once since start(). */
  readonly joined: boolean;
  /** Messages applied by at least one handler. */
  readonly applied: number;
  /** Delivered again and skipped because `processed_events` already had it for every handler that wants it. */
  readonly duplicates: number;
  /** Not one of any handler's event types. */
  readonly ignored: number;
  /** Messages dead-lettered, for the consumer or for at least one handler. */
  readonly deadLettered: number;
  /** Events its own process managers appended, applied by its projections before their messages came (see ownEvents). */
  readonly appliedAhead: number;
  /** Attempts that failed with a transient error and were retried. */
  readonly transientFailures: number;
  /** Batches Kafka handed over (one partition's messages of one fetch), and the messages in them: their ratio is how much each round trip carries. */
  readonly batches: number;
  readonly batchedMessages: number;
  /** Per handler, by name, in the order given. */
  readonly handlers: readonly HandlerStats[];
}

export interface HandlerStats {
  readonly name: string;
  /** Events this handler applied. */
  readonly applied: number;
  /** Events this handler wants that were delivered again and skipped through its marks. */
  readonly duplicates: number;
  /** Events this handler refused for good (dead-lettered for it). */
  readonly deadLettered: number;
}

interface MessageContext {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

/** A handler with what it wants and what it did. */
interface Subscriber {
  readonly name: string;
  readonly handler: EventHandler;
  readonly wanted: ReadonlySet<string> | undefined;
  readonly topics: ReadonlySet<string> | undefined;
  applied: number;
  duplicates: number;
  deadLettered: number;
}

/** A service's own events: the topic its store is relayed to, and the streams the relay publishes. */
export interface OwnEvents {
  readonly topic: TopicRef;
  readonly streamPrefix: string;
  /** The service's store's appends, as they succeed: what a batch's process managers cause is among them. */
  readonly appends: AppendFeed;
}

interface TopicReaders {
  readonly subscribers: readonly Subscriber[];
  readonly wanted: ReadonlySet<string> | undefined;
}

const NO_READERS: TopicReaders = { subscribers: [], wanted: new Set() };

type HandlerOutcome = 'applied' | 'duplicate' | 'dead_lettered';

/** Stops the retry loop of a message when the consumer stops or the partition is reassigned. */
class Abandoned extends Error {}

const DEFAULT_MAX_BATCH_SIZE = 1;

const DEFAULT_COMMIT_INTERVAL_MS = 1_000;

/** The offset to commit for a partition: the next one to read. */
interface CommitOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;
/** A handler's processed-event mark as a key: the same for an event in hand and a row of `processed_events`. */
const markKey = (handlerName: string, eventId: string): string => `${handlerName}\u0000${eventId.toLowerCase()}`;

/** Marks for events new to their handlers: one already there fails the statement (isMarkTaken). */
const NEW_MARKS = 'INSERT INTO processed_events (consumer_name, event_id) SELECT * FROM unnest($1::text[], $2::uuid[])';
/** NEW_MARKS that says which marks were new, leaving the others as they were. */
const MARKS_IF_NEW = `${NEW_MARKS} ON CONFLICT (consumer_name, event_id) DO NOTHING RETURNING consumer_name, event_id::text AS event_id`;

/** Whether the error is a processed-event mark already there: the event was applied before (through TypeORM's wrapping, or not). */
function isMarkTaken(error: unknown): boolean {
  for (const current of errorChainOf(error)) {
    const { code, constraint } = current as { code?: unknown; constraint?: unknown };
    if (code === '23505' && constraint === 'processed_events_pkey') return true;
  }
  return false;
}

function groupByTopic(offsets: readonly CommitOffset[]): Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> {
  const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const { topic, partition, offset } of offsets) byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset }]);
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}

/**
 * See EventConsumerOptions.metadataMaxAgeMs: a metadata request every 30 s, on a fetch the consumer
 * makes anyway. At 10 s an idle intake woke 2.95-3.05 times a second against 1.95-2.03 at 30 s and
 * at kafkajs' 5 min (`BENCH_ONLY=idle`); at 30 s nothing measurable is added.
 */
const DEFAULT_METADATA_MAX_AGE_MS = 30_000;

/** How many events applied ahead a consumer remembers until their messages come (a few per ticket in flight). */
const AHEAD_REMEMBERED = 10_000;

const wants = (subscriber: Subscriber, type: string): boolean => !subscriber.wanted || subscriber.wanted.has(type);
/** wants, and then the handler's own test of the event (EventHandler.reactsTo). */
const wantsEvent = (subscriber: Subscriber, event: RecordedEvent): boolean => wants(subscriber, event.type) && (subscriber.handler.reactsTo?.(event) ?? true);

/**
 * The consumer every read model and process manager is built on.
 *
 * Delivery is at least once (offsets are committed after the effect), and the effect is
 * exactly once per handler: each event is applied in one database transaction together with the
 * insert of `(handler name, event_id)` into `processed_events`, and an event already there is
 * skipped for that handler. Partitions are consumed concurrently, each strictly in order, so one
 * ticket's events (one key, one partition) reach every handler in stream order.
 *
 * A message that can never succeed (not JSON, not a valid envelope, an unknown newer schema
 * version, a non-transient handler failure) goes to the dead-letter topic and the consumer goes
 * on; a transient failure (see transient-errors.ts) is retried with backoff and never skipped.
 */
export class EventConsumer {
  private readonly logger: StructuredLogger;
  private readonly subscribers: readonly Subscriber[];
  /** Per topic, its handlers and the union of their types (undefined when one of them takes every event). */
  private readonly byTopic = new Map<string, TopicReaders>();
  private readonly deadLetterTopicRef: TopicRef;
  private readonly deadLetterTopic: string;
  private readonly retry: BackoffOptions;
  private readonly maxBatchSize: number;
  private readonly metadataMaxAgeMs: number;
  private readonly lingerMs: number;
  private readonly ownEvents: OwnEvents | undefined;
  private readonly commitIntervalMs: number;
  private readonly sleeper = new Sleeper();
  /**
   * Per partition, the offset after the last message whose effect is committed to the database
   * but whose offset is not yet committed to Kafka. Only applied messages enter it, so committing
   * it at any moment keeps delivery at least once.
   */
  private readonly uncommitted = new Map<string, CommitOffset>();
  /**
   * `<projection>\0<event id>` of the events this consumer applied ahead of their messages, in
   * transactions that committed: when the message comes, the projection has it, and no mark need be
   * looked up or written for it (the transaction the lookup would take was most of the cost of a
   * light load's last hop). Forgotten when the message comes, and the oldest past AHEAD_REMEMBERED
   * (a partition that moved to another instance brings it there): a forgotten one goes by its mark.
   */
  private readonly knownApplied = new Set<string>();
  private lastCommitAt = 0;
  private commitTimer: NodeJS.Timeout | undefined;
  private batchesInHand = 0;
  private consumer: Consumer | undefined;
  private starter: UntilStarted | undefined;
  private producer: Producer | undefined;
  private stopping = false;
  private stats = {
    joined: false,
    applied: 0,
    duplicates: 0,
    ignored: 0,
    deadLettered: 0,
    appliedAhead: 0,
    transientFailures: 0,
    batches: 0,
    batchedMessages: 0,
  };
  private state: ConsumerState = 'stopped';

  constructor(private readonly options: EventConsumerOptions) {
    if (options.topics.length === 0) throw new Error('EventConsumer: at least one topic is required');
    this.logger = options.logger ?? jsonLineLogger();
    const named = 'handlers' in options ? options.handlers : [{ name: options.consumerName ?? options.groupId, handler: options.handler }];
    if (named.length === 0) throw new Error('EventConsumer: at least one handler is required');
    const names = new Set(named.map(({ name }) => name));
    if (names.size !== named.length) throw new Error('EventConsumer: handler names must be unique (they key the processed-event marks)');
    const topicNames = options.topics.map(topicName);
    this.subscribers = named.map(({ name, handler, topics }) => {
      const unknown = topics?.filter((topic) => !topicNames.includes(topic)) ?? [];
      if (unknown.length > 0) throw new Error(`EventConsumer: handler ${name} reads ${unknown.join(', ')}, which the consumer does not subscribe to`);
      return {
        name,
        handler,
        wanted: handler.eventTypes ? new Set(handler.eventTypes) : undefined,
        topics: topics ? new Set(topics) : undefined,
        applied: 0,
        duplicates: 0,
        deadLettered: 0,
      };
    });
    for (const topic of topicNames) {
      const readers = this.subscribers.filter((subscriber) => !subscriber.topics || subscriber.topics.has(topic));
      const wanted = readers.some((subscriber) => !subscriber.wanted) ? undefined : new Set(readers.flatMap((subscriber) => [...subscriber.wanted!]));
      this.byTopic.set(topic, { subscribers: readers, wanted });
    }
    this.deadLetterTopicRef = options.deadLetterTopic ?? { topic: TOPICS.deadLetter, numPartitions: 1 };
    this.deadLetterTopic = topicName(this.deadLetterTopicRef);
    this.retry = { initialDelayMs: 100, maxDelayMs: 10_000, ...options.retry };
    this.maxBatchSize = positiveInteger('EventConsumer', 'maxBatchSize', options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE);
    this.metadataMaxAgeMs = positiveInteger('EventConsumer', 'metadataMaxAgeMs', options.metadataMaxAgeMs ?? DEFAULT_METADATA_MAX_AGE_MS);
    this.commitIntervalMs = wholeMilliseconds('EventConsumer', 'commitIntervalMs', options.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS);
    this.lingerMs = wholeMilliseconds('EventConsumer', 'lingerMs', options.lingerMs ?? 0);
    this.ownEvents = options.ownEvents;
  }

  status(): ConsumerStats {
    return {
      state: this.state,
      ...this.stats,
      handlers: this.subscribers.map(({ name, applied, duplicates, deadLettered }) => ({ name, applied, duplicates, deadLettered })),
    };
  }

  async start(): Promise<void> {
    if (this.consumer) throw new Error(`consumer ${this.options.groupId} is already started`);
    const { kafka, groupId, topics } = this.options;
    this.state = 'starting';
    this.stopping = false;
    this.sleeper.restart();
    const partitions = await prepareTopics(kafka, [...topics, this.deadLetterTopicRef], this.logger);
    const names = topics.map(topicName);

    const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 1_000,
      ...(this.options.sessionTimeoutMs ? { sessionTimeout: this.options.sessionTimeoutMs } : {}),
      metadataMaxAge: this.metadataMaxAgeMs,
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.stats.joined = true;
      // A partition now someone else's is theirs to commit: ours could only move it back.
      for (const [key, { topic, partition }] of this.uncommitted) {
        if (!payload.memberAssignment[topic]?.includes(partition)) this.uncommitted.delete(key);
      }
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
        // Offsets are resolved by hand after each message's effect is committed, and committed
        // here (commitApplied): kafkajs' auto-commit commits after every batch of every partition,
        // a broker round trip each time before the next fetch.
        eachBatchAutoResolve: false,
        autoCommit: false,
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
    this.logger.log('info', 'consumer started', { groupId, handlers: this.subscribers.map(({ name }) => name).join(','), topics: names.join(',') });
  }

  /**
   * Starts now if the broker answers, or later when it does: returns at once and the state is
   * `starting` until then. stop() cancels the waiting for good.
   */
  startWhenAvailable(): void {
    if (this.consumer || this.starter) throw new Error(`consumer ${this.options.groupId} is already started`);
    const starter = new UntilStarted('consumer', this.logger, { groupId: this.options.groupId });
    this.starter = starter;
    this.state = 'starting';
    starter.begin(async () => {
      try {
        await this.start();
      } finally {
        // start() leaves `stopped` behind a failed attempt; the service is still starting it.
        if (this.state === 'stopped' && this.starter === starter) this.state = 'starting';
      }
    });
  }

  /** Finishes the message in hand, commits the resolved offsets, leaves the group and disconnects. */
  async stop(): Promise<void> {
    const starter = this.starter;
    this.starter = undefined;
    if (starter) {
      await starter.cancel();
      if (!this.consumer) this.state = 'stopped';
    }
    const { consumer, producer } = this;
    if (!consumer) return;
    this.stopping = true;
    this.state = 'stopping';
    this.sleeper.stop();
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    // A batch in hand commits what it applied as it ends (eachBatch); otherwise it is done here,
    // while the consumer is still a member of the group.
    if (this.batchesInHand === 0) await this.commitApplied((offsets) => consumer.commitOffsets([...offsets]), true).catch((error: unknown) => this.commitFailed(error));
    await consumer.disconnect();
    await producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
    this.state = 'stopped';
    this.logger.log('info', 'consumer stopped', { groupId: this.options.groupId });
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const commit = (offsets: readonly CommitOffset[]) => payload.commitOffsetsIfNecessary({ topics: [...groupByTopic(offsets)] });
    this.batchesInHand++;
    this.stats.batches++;
    this.stats.batchedMessages += payload.batch.messages.length;
    try {
      await this.applyBatch(payload, commit);
    } finally {
      this.batchesInHand--;
    }
    await this.commitApplied(commit, this.stopping);
    // kafkajs fetches again once every batch of the last fetch has returned: waiting here lets
    // the next fetch find more. stop() ends the wait at once.
    if (this.lingerMs > 0 && !this.stopping && payload.batch.messages.length < this.maxBatchSize) await this.sleeper.sleep(this.lingerMs);
  }

  private async applyBatch(payload: EachBatchPayload, commit: (offsets: readonly CommitOffset[]) => Promise<void>): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const active = (): boolean => !this.stopping && isRunning() && !isStale();
    const applied = (offset: string): void => {
      resolveOffset(offset);
      this.uncommitted.set(partitionKey(batch.topic, batch.partition), { topic: batch.topic, partition: batch.partition, offset: (BigInt(offset) + 1n).toString() });
    };
    for (let start = 0; start < batch.messages.length; start += this.maxBatchSize) {
      if (!active()) return;
      const chunk = batch.messages.slice(start, start + this.maxBatchSize);
      const outcomes = await this.processTogether(batch.topic, batch.partition, chunk);
      if (outcomes) {
        applied(chunk[chunk.length - 1].offset);
        for (const outcome of outcomes) this.count(outcome);
        await heartbeat();
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
        applied(message.offset);
        this.count(outcome);
        await heartbeat();
        // A dead-lettered message has no mark: delivered again, it would be dead-lettered again.
        if (outcome === 'dead_lettered') await this.commitApplied(commit, true);
      }
    }
  }

  /**
   * Commits the applied offsets when `now` or when the last commit is `commitIntervalMs` old;
   * otherwise makes sure a commit follows by then, so that a consumer that has gone quiet has
   * its group caught up (lag and pruning go by committed offsets) without a timer while idle.
   */
  private async commitApplied(commit: (offsets: readonly CommitOffset[]) => Promise<void>, now = false): Promise<void> {
    if (this.uncommitted.size === 0) return;
    const wait = this.lastCommitAt + this.commitIntervalMs - Date.now();
    if (!now && wait > 0) {
      this.commitLater(wait);
      return;
    }
    const offsets = [...this.uncommitted.values()];
    this.uncommitted.clear();
    this.lastCommitAt = Date.now();
    try {
      await commit(offsets);
    } catch (error) {
      // Kept for the next commit, unless a later message of the partition has been applied since.
      for (const entry of offsets) {
        const key = partitionKey(entry.topic, entry.partition);
        if (!this.uncommitted.has(key)) this.uncommitted.set(key, entry);
      }
      // A consumer gone quiet has no next batch to commit them with (a commit refused during a
      // rebalance, say): without another try its group's lag would stay above zero for good.
      this.commitLater(Math.max(this.commitIntervalMs, 100));
      throw error;
    }
  }

  /** One commit of what is applied, `delay` ms from now, unless one is already due. */
  private commitLater(delay: number): void {
    if (this.stopping) return;
    this.commitTimer ??= setTimeout(() => {
      this.commitTimer = undefined;
      const consumer = this.consumer;
      if (!consumer || this.stopping) return;
      this.commitApplied((offsets) => consumer.commitOffsets([...offsets]), true).catch((error: unknown) => this.commitFailed(error));
    }, delay);
  }

  /** The messages are delivered again after a restart or rebalance, and skipped by their marks. */
  private commitFailed(error: unknown): void {
    this.logger.log('warn', 'committing applied offsets failed; they are committed with the next ones', { groupId: this.options.groupId, ...errorFields(error) });
  }

  /**
   * Several messages of one partition, for every handler: the same effect as one message and one
   * handler at a time (each event applied once per handler, in order, with its processed-event
   * row), in as few round trips as it can. Undefined when the messages must go one at a time
   * instead: one of them is not a readable event (it is dead-lettered on the way), or applying
   * them failed.
   *
   * Process managers (`issuesCommands`) go first, outside the transaction, on the events they
   * have no mark for: their effect is the commands they issue, which the command handler makes
   * idempotent by causation (a crash before their marks are written costs a look at the
   * stream when the events come again, and nothing else). Then one transaction
   * writes every handler's marks first (the insert says which events are new to whom, and a
   * second instance applying the same batch during a rebalance waits on those rows and then
   * finds them taken) and the projections apply what is new to them. The transaction takes its
   * id at that first insert, after the commands: an open transaction id holds back every
   * readAll horizon on the server, the relays' included. A batch with nothing for projections
   * writes its marks in one statement, with no transaction around it.
   */
  private async processTogether(topic: string, partition: number, messages: readonly KafkaMessage[]): Promise<MessageOutcome[] | undefined> {
    const readers = this.byTopic.get(topic) ?? NO_READERS;
    // One message for one handler: the one-at-a-time path is the same work.
    if (messages.length < 2 && readers.subscribers.length < 2) return undefined;
    const outcomes: MessageOutcome[] = [];
    const toApply: { readonly index: number; readonly event: RecordedEvent; readonly message: KafkaMessage }[] = [];
    const ids = new Set<string>();
    const repeated: string[] = [];
    for (const message of messages) {
      if (this.unwantedByHeader(readers, message)) {
        outcomes.push('ignored');
        continue;
      }
      const decoded = this.decode(message);
      if (decoded instanceof DeadLetterReason) return undefined;
      if (readers.wanted && !readers.wanted.has(decoded.type)) {
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
      if (ids.has(id)) {
        outcomes.push('duplicate');
        repeated.push(event.type);
        continue;
      }
      ids.add(id);
      outcomes.push('duplicate');
      toApply.push({ index: outcomes.length - 1, event, message });
    }
    const spans = new Map(toApply.map(({ event, message }) => [event, startProcessSpan(event, { topic, partition, offset: message.offset, groupId: this.options.groupId, headers: message.headers })]));
    const traced = (events: readonly RecordedEvent[]) => events.map((event) => ({ event, span: spans.get(event)! }));
    // What a projection applied ahead is a duplicate for it now, known without its mark.
    const knownAhead = new Map<Subscriber, string[]>();
    const actedOn = new Set<number>();
    const wantedBy = new Map(
      readers.subscribers.map((subscriber) => [
        subscriber,
        toApply.filter(({ index, event }) => {
          if (!wantsEvent(subscriber, event)) return false;
          actedOn.add(index);
          const key = markKey(subscriber.name, event.eventId);
          if (!this.knownApplied.has(key)) return true;
          const known = knownAhead.get(subscriber);
          if (known) known.push(key);
          else knownAhead.set(subscriber, [key]);
          return false;
        }),
      ]),
    );
    // An event no handler acts on (by reactsTo) is passed by, as one of a type none wants.
    for (const { index } of toApply) if (!actedOn.has(index)) outcomes[index] = 'ignored';
    const tally = new Map<Subscriber, { applied: number; duplicates: number }>();
    const committed: { readonly name: string; readonly events: readonly RecordedEvent[] }[] = [];
    const aheadBy = new Map<Subscriber, RecordedEvent[]>();
    let appliedAhead = 0;
    try {
      if (toApply.length > 0) {
        const commanders = readers.subscribers.filter((subscriber) => subscriber.handler.issuesCommands && wantedBy.get(subscriber)!.length > 0);
        // What they reacted to before is not reacted to again: a command is idempotent, but it
        // is decided on the state of now, which may have moved on since.
        const reacted = commanders.length === 0 ? new Set<string>() : await this.marked(commanders, toApply.map(({ event }) => event.eventId));
        const appended: RecordedEvent[] = [];
        // What the batch's process managers append is caused by one of its events; whatever else this
        // process appends meanwhile (a request, another partition's batch) is caused by something else.
        const causes = new Map(toApply.map(({ event }) => [event.eventId.toLowerCase(), event]));
        const causeOf = (event: RecordedEvent) => causes.get(event.metadata.causationId.toLowerCase());
        const stopListening = commanders.length === 0 ? undefined : this.ownEvents?.appends.listen((events) => appended.push(...events.filter(causeOf)));
        try {
          for (const subscriber of commanders) {
            const events = wantedBy
              .get(subscriber)!
              .map(({ event }) => event)
              .filter((event) => !reacted.has(markKey(subscriber.name, event.eventId)));
            // Reads only, outside any transaction (see EventHandler.issuesCommands).
            if (events.length > 0) await handleTraced(subscriber.name, traced(events), () => subscriber.handler.handle(events, this.options.dataSource.manager));
          }
        } finally {
          stopListening?.();
        }
        const own = this.ownEvents;
        if (own) {
          for (const [subscriber, events] of this.aheadOf(own, toApply.map(({ event }) => event), appended)) {
            aheadBy.set(subscriber, events);
            for (const event of events) {
              const cause = causeOf(event);
              if (!spans.has(event)) spans.set(event, startAheadSpan(event, { topic: own.topic, groupId: this.options.groupId }, cause && spans.get(cause)));
            }
          }
        }
        const marks = [
          ...[...wantedBy].flatMap(([subscriber, wanted]) => wanted.map(({ event }) => ({ subscriber, eventId: event.eventId }))),
          ...[...aheadBy].flatMap(([subscriber, events]) => events.map((event) => ({ subscriber, eventId: event.eventId }))),
        ];
        // `hopeful`: every event taken as new to its handlers, as it nearly always is, so the marks
        // go with the handlers' first statement, or the COMMIT (queryWithNext), instead of in a round
        // trip of their own; a mark already there fails the transaction. Otherwise the insert says
        // which are new.
        const mark = async (manager: EntityManager, hopeful: boolean): Promise<Set<string>> => {
          if (marks.length === 0) return new Set();
          const parameters = [marks.map(({ subscriber }) => subscriber.name), marks.map(({ eventId }) => eventId)];
          if (hopeful) {
            await queryWithNext(manager, NEW_MARKS, parameters);
            return new Set(marks.map(({ subscriber, eventId }) => markKey(subscriber.name, eventId)));
          }
          const inserted = (await manager.query(MARKS_IF_NEW, parameters)) as { consumer_name: string; event_id: string }[];
          return new Set(inserted.map((row) => markKey(row.consumer_name, row.event_id)));
        };
        const apply = async (manager: EntityManager, hopeful = false) => {
          // What an attempt that was rolled back counted is forgotten.
          tally.clear();
          committed.length = 0;
          appliedAhead = 0;
          for (const { index } of toApply) if (outcomes[index] === 'applied') outcomes[index] = 'duplicate';
          const fresh = await mark(manager, hopeful);
          const isFresh = (subscriber: Subscriber, event: RecordedEvent) => fresh.has(markKey(subscriber.name, event.eventId));
          for (const subscriber of new Set([...wantedBy.keys(), ...aheadBy.keys()])) {
            const counts = { applied: 0, duplicates: 0 };
            tally.set(subscriber, counts);
            const news = (wantedBy.get(subscriber) ?? []).filter(({ event }) => {
              if (isFresh(subscriber, event)) return true;
              counts.duplicates++;
              return false;
            });
            counts.applied = news.length;
            for (const { index } of news) outcomes[index] = 'applied';
            // After the batch's own: each is the next of a stream the batch holds.
            const ahead = (aheadBy.get(subscriber) ?? []).filter((event) => isFresh(subscriber, event));
            appliedAhead += ahead.length;
            const events = [...news.map(({ event }) => event), ...ahead];
            if (events.length > 0 && !subscriber.handler.issuesCommands) {
              await handleTraced(subscriber.name, traced(events), () => subscriber.handler.handle(events, manager));
              committed.push({ name: subscriber.name, events });
            }
          }
        };
        const projections = [...wantedBy, ...aheadBy].some(([subscriber, wanted]) => !subscriber.handler.issuesCommands && wanted.length > 0);
        if (!projections) await apply(this.options.dataSource.manager);
        else {
          try {
            await this.options.dataSource.transaction((manager) => apply(manager, true));
          } catch (error) {
            if (!isMarkTaken(error)) throw error;
            // Delivered before (a restart, a rebalance): which events are new to whom, the marks tell.
            await this.options.dataSource.transaction((manager) => apply(manager));
          }
        }
      }
    } catch (error) {
      endSpans([...spans.values()], error);
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
    for (const { index, event } of toApply) spans.get(event)!.setAttribute('handoff.outcome', outcomes[index]);
    endSpans([...spans.values()]);
    for (const [subscriber, counts] of tally) {
      subscriber.applied += counts.applied;
      subscriber.duplicates += counts.duplicates;
    }
    this.stats.appliedAhead += appliedAhead;
    for (const [subscriber, keys] of knownAhead) {
      subscriber.duplicates += keys.length;
      for (const key of keys) this.knownApplied.delete(key);
    }
    for (const [subscriber, events] of aheadBy) {
      if (subscriber.handler.issuesCommands) continue;
      for (const event of events) this.knownApplied.add(markKey(subscriber.name, event.eventId));
    }
    // A Set iterates in insertion order: the first are the oldest.
    for (const key of this.knownApplied) {
      if (this.knownApplied.size <= AHEAD_REMEMBERED) break;
      this.knownApplied.delete(key);
    }
    for (const type of repeated) for (const subscriber of readers.subscribers) if (wants(subscriber, type)) subscriber.duplicates++;
    for (const { name, events } of committed) this.tellCommitted(name, events);
    return outcomes;
  }

  /**
   * Of the events the batch's process managers appended, those its projections may apply now,
   * per projection that reads the service's own topic and wants them: an event of a stream the
   * relay publishes that is the next after the last of its stream in the batch (or after one
   * taken so, in the order appended). Any other waits for its message: an event of a stream the
   * batch does not hold may follow events this consumer has not seen yet.
   */
  private aheadOf(own: OwnEvents, batch: readonly RecordedEvent[], appended: readonly RecordedEvent[]): Map<Subscriber, RecordedEvent[]> {
    const byProjection = new Map<Subscriber, RecordedEvent[]>();
    const readers = this.byTopic.get(topicName(own.topic));
    if (!readers || appended.length === 0) return byProjection;
    const last = new Map<string, number>();
    for (const event of batch) last.set(event.streamId, Math.max(last.get(event.streamId) ?? -1, event.streamPosition));
    for (const event of appended) {
      if (!event.streamId.startsWith(own.streamPrefix)) continue;
      const before = last.get(event.streamId);
      if (before === undefined || event.streamPosition !== before + 1) continue;
      last.set(event.streamId, event.streamPosition);
      for (const subscriber of readers.subscribers) {
        if (subscriber.handler.issuesCommands || !wantsEvent(subscriber, event)) continue;
        const taken = byProjection.get(subscriber);
        if (taken) taken.push(event);
        else byProjection.set(subscriber, [event]);
      }
    }
    return byProjection;
  }

  /** A listener's failure is its own: the events are applied and their offsets move on. */
  private tellCommitted(name: string, events: readonly RecordedEvent[]): void {
    try {
      this.options.onCommitted?.(name, events);
    } catch (error) {
      this.logger.log('warn', 'a listener to applied events failed', { groupId: this.options.groupId, handler: name, ...errorFields(error) });
    }
  }

  /** `<handler name>\0<event id>` of the marks these handlers have for these events. */
  private async marked(subscribers: readonly Subscriber[], eventIds: readonly string[]): Promise<Set<string>> {
    const rows = (await this.options.dataSource.query(
      `SELECT consumer_name, event_id::text AS event_id FROM processed_events
        WHERE consumer_name = ANY($1::text[]) AND event_id = ANY($2::uuid[])`,
      [subscribers.map(({ name }) => name), eventIds],
    )) as { consumer_name: string; event_id: string }[];
    return new Set(rows.map((row) => markKey(row.consumer_name, row.event_id)));
  }

  private count(outcome: MessageOutcome): void {
    const key = ({ applied: 'applied', duplicate: 'duplicates', ignored: 'ignored', dead_lettered: 'deadLettered' } as const)[outcome];
    this.stats[key]++;
  }

  private async processWithRetry(context: MessageContext, active: () => boolean, heartbeat: () => Promise<void>): Promise<MessageOutcome> {
    // Handlers done with this message: a retry after a transient failure of a later handler does not dead-letter it twice.
    const settled = new Map<Subscriber, HandlerOutcome>();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.process(context, settled);
      } catch (error) {
        this.stats.transientFailures++;
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

  /**
   * One message, each handler in a transaction of its own. Resolves with what happened to the
   * message; rejects only when it must be tried again.
   */
  private async process(context: MessageContext, settled: Map<Subscriber, HandlerOutcome>): Promise<MessageOutcome> {
    const readers = this.byTopic.get(context.topic) ?? NO_READERS;
    if (this.unwantedByHeader(readers, context.message)) return 'ignored';
    const decoded = this.decode(context.message);
    if (decoded instanceof DeadLetterReason) return this.deadLetter(context, decoded);
    if (readers.wanted && !readers.wanted.has(decoded.type)) return 'ignored';

    let event: RecordedEvent;
    try {
      event = this.options.upcasters ? this.options.upcasters.upcast(decoded) : decoded;
    } catch (error) {
      return this.deadLetter(context, new DeadLetterReason('unsupported_version', (error as Error).message), error);
    }

    if (!readers.subscribers.some((subscriber) => wantsEvent(subscriber, event))) return 'ignored';
    const span = startProcessSpan(event, { ...context, offset: context.message.offset, groupId: this.options.groupId, headers: context.message.headers });
    try {
      for (const subscriber of readers.subscribers) {
        if (!wantsEvent(subscriber, event) || settled.has(subscriber)) continue;
        settled.set(subscriber, await this.processFor(subscriber, context, event, span));
      }
    } catch (error) {
      endSpans([span], error);
      throw error;
    }
    const outcomes = [...settled.values()];
    const outcome = outcomes.includes('dead_lettered') ? 'dead_lettered' : outcomes.includes('applied') ? 'applied' : 'duplicate';
    span.setAttribute('handoff.outcome', outcome);
    endSpans([span]);
    return outcome;
  }

  private async processFor(subscriber: Subscriber, context: MessageContext, event: RecordedEvent, span: Span): Promise<HandlerOutcome> {
    try {
      // A projection's mark goes with its first statement, or the COMMIT (queryWithNext): a mark
      // already there fails the transaction, and then the event was applied before. A process
      // manager's is looked at before it reacts: its commands leave the transaction, and what it
      // reacted to before it does not react to again (see processTogether).
      const outcome = await this.options.dataSource
        .transaction(async (manager) => {
          const parameters = [[subscriber.name], [event.eventId]];
          if (!subscriber.handler.issuesCommands) await queryWithNext(manager, NEW_MARKS, parameters);
          else if (((await manager.query(MARKS_IF_NEW, parameters)) as unknown[]).length === 0) {
            return 'duplicate' as const;
          }
          await handleTraced(subscriber.name, [{ event, span }], () => subscriber.handler.handle([event], manager));
          return 'applied' as const;
        })
        .catch((error: unknown) => {
          if (isMarkTaken(error)) return 'duplicate' as const;
          throw error;
        });
      if (outcome === 'applied') {
        subscriber.applied++;
        if (!subscriber.handler.issuesCommands) this.tellCommitted(subscriber.name, [event]);
      } else subscriber.duplicates++;
      return outcome;
    } catch (error) {
      if (isTransientError(error)) throw error;
      subscriber.deadLettered++;
      await this.deadLetter(context, handlerFailureReason(error), error, subscriber.name);
      return 'dead_lettered';
    }
  }

  /**
   * The relay puts each event's type in a header so that a consumer can pass over the types it
   * does not apply without parsing and validating them (most consumers want a few types of a
   * topic; a message without the header is read in full).
   */
  private unwantedByHeader({ wanted }: TopicReaders, message: KafkaMessage): boolean {
    if (!wanted) return false;
    const type = headerText(message.headers, HEADERS.eventType);
    return type !== undefined && !wanted.has(type);
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

  /** `consumerName`: the handler that refused it; a message no handler could read is every handler's. */
  private async deadLetter(context: MessageContext, reason: DeadLetterReason, error?: unknown, consumerName?: string): Promise<MessageOutcome> {
    const producer = this.producer;
    if (!producer) throw new Error('dead-letter producer is not connected');
    const message = toDeadLetterMessage(
      context.message,
      {
        ...context,
        offset: context.message.offset,
        consumerGroup: this.options.groupId,
        consumerName: consumerName ?? this.subscribers.map(({ name }) => name).join(','),
      },
      reason,
      new Date(),
    );
    // acks=-1: the original's offset is committed right after, so this copy must not be lost.
    await producer.send({ topic: this.deadLetterTopic, acks: -1, messages: [message] });
    this.options.onDeadLettered?.(reason.code);
    this.logger.log('warn', 'message dead-lettered', {
      ...this.identify(context),
      reasonCode: reason.code,
      ...(consumerName === undefined ? {} : { handler: consumerName }),
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

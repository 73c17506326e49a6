import type { Span } from '@opentelemetry/api';
import { HEADERS, type RecordedEvent } from '@handoff/contracts';
import type { Checkpoint, EventStore, ReadAllPage } from '@handoff/event-store';
import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { DataSource, QueryRunner } from 'typeorm';
import { prepareTopics, topicName, type TopicRef } from './kafka';
import { errorFields, jsonLineLogger, type StructuredLogger } from './logging';
import { positiveInteger, wholeMilliseconds } from './option-checks';
import { Sleeper } from './sleeper';
import { endSpans, startPublishSpan } from './tracing';
import { backoffDelay, type BackoffOptions } from './transient-errors';
import { UntilStarted } from './until-started';

export interface EventRelayOptions {
  /** Key of the stored checkpoint and of the lease; one relay name per store and topic. */
  readonly name: string;
  readonly store: EventStore;
  /** Publish only these streams of a shared store. */
  readonly streamPrefix?: string;
  readonly kafka: Kafka;
  /** A spec is created at start() if missing; a name must exist (start() waits for it briefly). */
  readonly topic: TopicRef;
  /** The service's database, holding `relay_checkpoints` (see MESSAGING_MIGRATIONS). */
  readonly dataSource: DataSource;
  /** Most events read and published per round (default 500). */
  readonly batchSize?: number;
  /** Most bytes in one produce request (default 512 KiB, half the broker's default message.max.bytes). */
  readonly maxRequestBytes?: number;
  /**
   * Longest pause when the store had nothing new. A store that announces appends
   * (EventStore.watch) ends the pause as soon as something is appended, so its pause is only a
   * safety net and long (default 2 s, so an idle service reads its store once in 2 s rather than
   * ten times a second); without announcements it is how soon an append is seen (default 100 ms).
   */
  readonly idleDelayMs?: number;
  /**
   * Longest time a published checkpoint waits before it is stored (default 1 s; 0 stores it after
   * every page). A crash re-publishes what was published since the stored one, and consumers skip
   * those by event id; in return a light load does not pay a checkpoint write for every append.
   */
  readonly checkpointIntervalMs?: number;
  /**
   * Least time between the starts of two reads of the store when appends were announced while the
   * first was read and published (default 0). Under a steady load each announcement would start a
   * read of its own, a statement and a produce request for an event or two; waiting out the rest
   * of this gap lets the appends of that time go in one. When nothing was announced meanwhile (a
   * light load), the next append is read as soon as it is announced.
   */
  readonly minReadGapMs?: number;
  /** How often a standby instance asks for the lease (default 1 s). */
  readonly leasePollMs?: number;
  readonly retry?: BackoffOptions;
  readonly logger?: StructuredLogger;
}

/** `starting`: startWhenAvailable is waiting for the broker (or for `prepare`) to let it start. */
export type RelayState = 'stopped' | 'starting' | 'waiting_for_lease' | 'running' | 'stopping';

export interface RelayStatus {
  readonly name: string;
  readonly topic: string;
  readonly state: RelayState;
  /** Events Kafka acknowledged since start() (re-published ones count again). */
  readonly publishedEvents: number;
  readonly publishedBatches: number;
  /** The stored checkpoint: where a restarted relay begins. */
  readonly checkpoint: Checkpoint;
  /** The last checkpoint Kafka acknowledged; ahead of `checkpoint` until it is stored (at most checkpointIntervalMs). */
  readonly publishedCheckpoint: Checkpoint;
  /** The last read found nothing after the checkpoint. */
  readonly caughtUp: boolean;
  readonly lastPublishedAt: string | null;
  /** Class (and code) of the last failure, cleared by the next success. */
  readonly lastError: string | null;
  readonly consecutiveFailures: number;
  /**
   * Since when the store has announced events that readAll does not return yet: an older open
   * transaction on the server holds the visibility horizon back (see the store's readAll). Null
   * while nothing announced is waiting.
   */
  readonly heldBackSince: string | null;
}

/**
 * Session-level advisory lock key space for relay leases (two-int form: this class, hash of the name).
 * The value spells "Hand"; it only has to differ from other advisory lock users of the database.
 */
const LEASE_LOCK_CLASS = 0x48616e64;

/** Hands the lease session back to the pool with the durability every other user of the pool expects. */
async function releaseLeaseSession(runner: QueryRunner): Promise<void> {
  await runner.query('RESET synchronous_commit').catch(() => undefined);
  await runner.release().catch(() => undefined);
}

/** How soon to read again when the store announced events the last read did not return yet. */
const HELD_BACK_RETRY_MS = 5;

/** Checkpoints that are positions (PostgreSQL's) compare as numbers; any other pair is not known to be in order. */
function positionOf(checkpoint: Checkpoint | undefined): bigint | undefined {
  return typeof checkpoint === 'string' && /^\d{1,19}$/.test(checkpoint) ? BigInt(checkpoint) : undefined;
}

function reached(checkpoint: Checkpoint, target: Checkpoint): boolean {
  const at = positionOf(checkpoint);
  const wanted = positionOf(target);
  return at !== undefined && wanted !== undefined && at >= wanted;
}

function furthest(known: Checkpoint | undefined, announced: Checkpoint): Checkpoint {
  const knownAt = positionOf(known);
  const announcedAt = positionOf(announced);
  return knownAt !== undefined && announcedAt !== undefined && knownAt > announcedAt ? known! : announced;
}

/**
 * Where a relay holding the lease has published up to (`published`) and where a restart begins
 * (the one stored): stored at most every `intervalMs`, and when the relay stops. A crash
 * re-publishes what lies between the two, which the consumers skip by event id.
 */
class KeptCheckpoint {
  private stored: Checkpoint;
  private storedAt = Date.now();

  constructor(
    public published: Checkpoint,
    private readonly intervalMs: number,
    private readonly store: (checkpoint: Checkpoint) => Promise<void>,
  ) {
    this.stored = published;
  }

  get pending(): boolean {
    return this.published !== this.stored;
  }

  /** Milliseconds until a pending checkpoint falls due (0 or less: due now). */
  dueInMs(): number {
    return this.storedAt + this.intervalMs - Date.now();
  }

  storeIfDue(): Promise<void> {
    return this.pending && this.dueInMs() <= 0 ? this.storeNow() : Promise.resolve();
  }

  async storeNow(): Promise<void> {
    if (!this.pending) return;
    const storing = this.published;
    await this.store(storing);
    this.stored = storing;
    this.storedAt = Date.now();
  }
}

/** The Kafka message for a stored event: keyed by ticket, so one ticket's events stay in one partition, in order. */
export function toKafkaMessage(event: RecordedEvent): Message {
  return {
    key: event.ticketId,
    value: JSON.stringify(event),
    headers: {
      [HEADERS.eventId]: event.eventId,
      [HEADERS.eventType]: event.type,
      [HEADERS.schemaVersion]: String(event.schemaVersion),
      [HEADERS.ticketId]: event.ticketId,
      [HEADERS.correlationId]: event.metadata.correlationId,
      [HEADERS.contentType]: 'application/json',
    },
  };
}

/**
 * Publishes every event of one store to one topic (a transactional outbox over the event store).
 *
 * At-least-once: a page is read after the checkpoint, produced with acks=-1, and only then is
 * its checkpoint stored, at most `checkpointIntervalMs` later (and when the relay stops), so a
 * crash re-publishes what was published in that time. Consumers skip the duplicates by event id.
 *
 * One instance per name publishes at a time: the relay holds a PostgreSQL advisory lock on a
 * dedicated session and writes its checkpoint through that same session. Two replicas
 * publishing together would interleave re-publications; with the lease, a standby waits and
 * takes over when the holder's session ends (stop, crash, lost connection), and a relay whose
 * session has died cannot store a checkpoint any more.
 */
export class EventRelay {
  private readonly logger: StructuredLogger;
  private readonly topic: string;
  private readonly batchSize: number;
  private readonly maxRequestBytes: number;
  private readonly idleDelayMs: number;
  private readonly checkpointIntervalMs: number;
  private readonly minReadGapMs: number;
  private readonly leasePollMs: number;
  private readonly sleeper = new Sleeper();
  /** The pause between empty reads, cut short by the store's announcements. */
  private readonly idle = new Sleeper();
  private lastAnnouncedAt = 0;
  /** Announcements so far: one that came after a read began was not necessarily seen by it. */
  private announcements = 0;
  /** The furthest checkpoint the store's announcements named; undefined when the last one named none. */
  private announcedUpTo: Checkpoint | undefined;
  private unwatch: (() => void) | undefined;
  private producer: Producer | undefined;
  private loop: Promise<void> | undefined;
  private running = false;
  private lease: { runner: QueryRunner; pid: number } | undefined;
  private starter: UntilStarted | undefined;
  private current: Omit<RelayStatus, 'name' | 'topic'> = {
    state: 'stopped',
    publishedEvents: 0,
    publishedBatches: 0,
    checkpoint: null,
    publishedCheckpoint: null,
    caughtUp: false,
    lastPublishedAt: null,
    lastError: null,
    consecutiveFailures: 0,
    heldBackSince: null,
  };

  constructor(private readonly options: EventRelayOptions) {
    this.logger = options.logger ?? jsonLineLogger();
    this.topic = topicName(options.topic);
    this.batchSize = positiveInteger('EventRelay', 'batchSize', options.batchSize ?? 500);
    this.maxRequestBytes = options.maxRequestBytes ?? 512 * 1024;
    this.idleDelayMs = options.idleDelayMs ?? (options.store.watch ? 2_000 : 100);
    this.leasePollMs = options.leasePollMs ?? 1_000;
    this.checkpointIntervalMs = wholeMilliseconds('EventRelay', 'checkpointIntervalMs', options.checkpointIntervalMs ?? 1_000);
    this.minReadGapMs = wholeMilliseconds('EventRelay', 'minReadGapMs', options.minReadGapMs ?? 0);
  }

  status(): RelayStatus {
    return { name: this.options.name, topic: this.topic, ...this.current };
  }

  /** Seconds the store's announced events have been waiting behind the visibility horizon (0 when none are). */
  heldBackSeconds(now: number = Date.now()): number {
    const since = this.current.heldBackSince;
    return since === null ? 0 : Math.max(0, (now - Date.parse(since)) / 1000);
  }

  async start(): Promise<void> {
    if (this.loop) throw new Error(`relay ${this.options.name} is already started`);
    await prepareTopics(this.options.kafka, [this.options.topic], this.logger);
    const producer = this.options.kafka.producer({
      allowAutoTopicCreation: false,
      // One request at a time keeps a retried request from overtaking the next one (per-ticket order).
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    this.producer = producer;
    this.unwatch = this.options.store.watch?.((appendedUpTo) => {
      this.lastAnnouncedAt = Date.now();
      this.announcements++;
      this.announcedUpTo = appendedUpTo === undefined ? undefined : furthest(this.announcedUpTo, appendedUpTo);
      this.idle.wakeAll();
    });
    this.sleeper.restart();
    this.idle.restart();
    this.running = true;
    this.current = { ...this.current, publishedEvents: 0, publishedBatches: 0, consecutiveFailures: 0, lastError: null };
    this.logger.log('info', 'relay starting', { relay: this.options.name, topic: this.topic });
    this.loop = this.run();
  }

  /**
   * Starts now if the broker answers, or later when it does: returns at once, the state stays
   * `starting` (with the reason in lastError) until then. `prepare` runs before each attempt
   * (the service creates its topics there). stop() or abort() cancels the waiting for good.
   */
  startWhenAvailable(prepare: () => Promise<void> = async () => undefined): void {
    if (this.loop || this.starter) throw new Error(`relay ${this.options.name} is already started`);
    const starter = new UntilStarted('relay', this.logger, { relay: this.options.name, topic: this.topic });
    this.starter = starter;
    this.set({ state: 'starting', lastError: null });
    starter.begin(async () => {
      try {
        await prepare();
        await this.start();
      } catch (error) {
        const fields = errorFields(error);
        this.set({ lastError: [fields.errorName, fields.errorCode].filter(Boolean).join(' ') });
        throw error;
      }
    });
    void starter.done().then(() => {
      if (this.starter === starter) this.starter = undefined;
    });
  }

  /** Stops waiting for a start (startWhenAvailable) for good; an attempt in flight that starts the relay is then stopped by the caller. */
  private async cancelStart(): Promise<void> {
    const starter = this.starter;
    if (!starter) return;
    this.starter = undefined;
    await starter.cancel();
    if (!this.loop) this.set({ state: 'stopped' });
  }

  /** Finishes the page in hand (publish and checkpoint), then releases the lease and disconnects. */
  async stop(): Promise<void> {
    await this.cancelStart();
    if (!this.loop) return;
    this.running = false;
    this.set({ state: 'stopping' });
    this.unwatch?.();
    this.sleeper.stop();
    this.idle.stop();
    await this.loop;
    await this.producer?.disconnect();
    this.loop = undefined;
    this.producer = undefined;
    this.set({ state: 'stopped', heldBackSince: null });
    this.logger.log('info', 'relay stopped', { relay: this.options.name, checkpoint: this.current.checkpoint });
  }

  /**
   * Stops at once, the way a crash would: the lease session is terminated by the server (so a
   * checkpoint write in flight never commits) and the producer is dropped. Whatever was
   * published after the stored checkpoint is published again by the next holder of the lease.
   * For a shutdown deadline that stop() overran, and for testing recovery.
   */
  async abort(): Promise<void> {
    await this.cancelStart();
    if (!this.loop) return;
    this.running = false;
    this.unwatch?.();
    this.sleeper.stop();
    this.idle.stop();
    const lease = this.lease;
    if (lease) {
      await this.options.dataSource.query('SELECT pg_terminate_backend($1)', [lease.pid]).catch(() => undefined);
    }
    await this.producer?.disconnect().catch(() => undefined);
    await this.loop;
    this.loop = undefined;
    this.producer = undefined;
    this.set({ state: 'stopped', heldBackSince: null });
    this.logger.log('warn', 'relay aborted', { relay: this.options.name, checkpoint: this.current.checkpoint });
  }

  private set(changes: Partial<Omit<RelayStatus, 'name' | 'topic'>>): void {
    this.current = { ...this.current, ...changes };
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const lease = await this.acquireLease();
        if (!lease) break;
        const start = await this.readCheckpoint(lease.runner);
        this.set({ checkpoint: start, publishedCheckpoint: start, state: 'running' });
        const kept = new KeptCheckpoint(start, this.checkpointIntervalMs, async (checkpoint) => {
          await this.storeCheckpoint(lease.runner, checkpoint);
          this.set({ checkpoint });
        });
        const read = (after: Checkpoint) => this.options.store.readAll({ after, limit: this.batchSize, streamPrefix: this.options.streamPrefix });
        let prefetched: { page: Promise<ReadAllPage>; announcedBefore: number } | undefined;
        /** When the last round began, if appends were announced while it read and published: the next read waits out the gap from then. */
        let gapFrom = 0;
        while (this.running) {
          await kept.storeIfDue();
          // Not cut short by announcements: what they announce is what the gap is there to gather.
          if (!prefetched && gapFrom + this.minReadGapMs > Date.now()) await this.sleeper.sleep(gapFrom + this.minReadGapMs - Date.now());
          gapFrom = 0;
          if (!this.running) break;
          const readStartedAt = Date.now();
          const announcedBeforeRead = prefetched?.announcedBefore ?? this.announcements;
          const page = await (prefetched?.page ?? read(kept.published));
          prefetched = undefined;
          if (page.events.length === 0) {
            if (page.checkpoint !== kept.published) {
              // Nothing of ours, but the store moved past other streams: no need to scan them again.
              kept.published = page.checkpoint;
              this.set({ publishedCheckpoint: page.checkpoint });
              await kept.storeIfDue();
            }
            this.set({ caughtUp: true, consecutiveFailures: 0, lastError: null });
            // Announced but not there: committed after the read began, or held back behind an
            // older open transaction (the readAll horizon). Either way it is moments away. Once
            // the checkpoint has passed what the store said was appended, nothing announced is
            // missing: the next announcement wakes the relay, instead of reads every few ms.
            const announcedRead = this.announcedUpTo !== undefined && reached(kept.published, this.announcedUpTo);
            const waiting = this.announcedUpTo !== undefined && !announcedRead;
            if (waiting !== (this.current.heldBackSince !== null)) this.set({ heldBackSince: waiting ? new Date().toISOString() : null });
            const recentlyAnnounced = Date.now() - this.lastAnnouncedAt < this.idleDelayMs || this.lastAnnouncedAt >= readStartedAt;
            await this.pause(kept, recentlyAnnounced && !announcedRead ? Math.min(HELD_BACK_RETRY_MS, this.idleDelayMs) : this.idleDelayMs);
            continue;
          }
          this.set({ caughtUp: false, heldBackSince: null });
          if (page.events.length === this.batchSize) {
            // A full page: there is likely more. Reading it while this one is sent keeps the
            // broker and the database busy at once; it is only used once this page is published.
            prefetched = { page: read(page.checkpoint), announcedBefore: this.announcements };
            prefetched.page.catch(() => undefined);
          }
          await this.publish(page.events);
          this.set({
            publishedCheckpoint: page.checkpoint,
            publishedEvents: this.current.publishedEvents + page.events.length,
            publishedBatches: this.current.publishedBatches + 1,
            lastPublishedAt: new Date().toISOString(),
          });
          kept.published = page.checkpoint;
          await kept.storeIfDue();
          this.set({ consecutiveFailures: 0, lastError: null });
          this.logger.log('debug', 'relay published', {
            relay: this.options.name,
            events: page.events.length,
            firstEventId: page.events[0].eventId,
            lastEventId: page.events[page.events.length - 1].eventId,
            checkpoint: page.checkpoint,
          });
          // Appends came while this round read and published: they come faster than a round
          // takes, and the next read gathers more of them by waiting out the gap. Under a light
          // load nothing comes meanwhile (a ticket's next event follows this one's publication,
          // or comes much later), and the next append is read as soon as it is announced.
          if (this.announcements !== announcedBeforeRead) gapFrom = readStartedAt;
          // A page short of the limit was all the store had to show when it was read. If it
          // reached what the store had announced, and nothing was announced since, another read
          // now would find nothing: sleep until the next announcement instead. Under a light load
          // that read was one statement in every relay round, that is, for every append.
          if (!prefetched && this.announcedUpTo !== undefined && reached(kept.published, this.announcedUpTo) && this.announcements === announcedBeforeRead) {
            this.set({ caughtUp: true });
            await this.pause(kept, this.idleDelayMs);
          }
        }
        // Stopping: what was published is stored, under the lease still held.
        await kept.storeNow();
      } catch (error) {
        await this.releaseLease();
        if (!this.running) break;
        const failures = this.current.consecutiveFailures + 1;
        const fields = errorFields(error);
        this.set({ consecutiveFailures: failures, lastError: [fields.errorName, fields.errorCode].filter(Boolean).join(' ') });
        this.logger.log(failures > 5 ? 'error' : 'warn', 'relay failed; resuming from the stored checkpoint', {
          relay: this.options.name,
          consecutiveFailures: failures,
          checkpoint: this.current.checkpoint,
          ...fields,
        });
        await this.sleeper.sleep(backoffDelay(failures - 1, this.options.retry));
      }
    }
    await this.releaseLease();
  }

  /** A pause in which the published checkpoint is stored when it falls due, without another read. */
  private async pause(kept: KeptCheckpoint, ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (kept.pending && this.running) {
      const due = kept.dueInMs();
      if (due >= until - Date.now()) break;
      const announcedBefore = this.announcements;
      await this.idle.sleep(Math.max(0, due));
      // Woken by an announcement or by stop(): the loop has work, and stores it on the way.
      if (this.announcements !== announcedBefore || !this.running) return;
      await kept.storeIfDue();
    }
    await this.idle.sleep(Math.max(0, until - Date.now()));
  }

  /** Sends the page in requests that fit the broker's size limit; resolves once every one is acknowledged by all in-sync replicas. */
  private async publish(events: readonly RecordedEvent[]): Promise<void> {
    const producer = this.producer;
    if (!producer) throw new Error('relay producer is not connected');
    let chunk: Message[] = [];
    let spans: Span[] = [];
    let bytes = 0;
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      try {
        await producer.send({ topic: this.topic, acks: -1, messages: chunk });
      } catch (error) {
        endSpans(spans, error);
        throw error;
      }
      endSpans(spans);
      chunk = [];
      spans = [];
      bytes = 0;
    };
    for (const event of events) {
      const message = toKafkaMessage(event);
      const size = Buffer.byteLength(message.value as string) + 256;
      if (bytes + size > this.maxRequestBytes) await flush();
      spans.push(startPublishSpan(event, this.topic, message.headers!));
      chunk.push(message);
      bytes += size;
    }
    await flush();
  }

  private async acquireLease(): Promise<{ runner: QueryRunner; pid: number } | undefined> {
    const { name } = this.options;
    const runner = this.options.dataSource.createQueryRunner();
    try {
      await runner.connect();
      // The checkpoint only says where to resume: one lost in a server crash makes the next
      // holder publish a page again (consumers skip what they have), so its write need not wait
      // for the WAL flush. Every other write of the service still does.
      await runner.query('SET synchronous_commit TO off');
      await runner.query('INSERT INTO relay_checkpoints (relay_name) VALUES ($1) ON CONFLICT (relay_name) DO NOTHING', [name]);
      const [{ pid }] = (await runner.query('SELECT pg_backend_pid() AS pid')) as Array<{ pid: number }>;
      let announced = false;
      while (this.running) {
        const [{ acquired }] = (await runner.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS acquired', [
          LEASE_LOCK_CLASS,
          name,
        ])) as Array<{ acquired: boolean }>;
        if (acquired) {
          this.lease = { runner, pid };
          return this.lease;
        }
        if (!announced) {
          this.set({ state: 'waiting_for_lease' });
          this.logger.log('info', 'another instance holds the relay lease; standing by', { relay: name });
          announced = true;
        }
        await this.sleeper.sleep(this.leasePollMs);
      }
    } catch (error) {
      await releaseLeaseSession(runner);
      throw error;
    }
    await releaseLeaseSession(runner);
    return undefined;
  }

  private async releaseLease(): Promise<void> {
    const lease = this.lease;
    if (!lease) return;
    this.lease = undefined;
    try {
      await lease.runner.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LEASE_LOCK_CLASS, this.options.name]);
    } catch {
      // The session is gone, and the lock with it; the pool discards a dead client on release.
    }
    await releaseLeaseSession(lease.runner);
  }

  private async readCheckpoint(runner: QueryRunner): Promise<Checkpoint> {
    const rows = (await runner.query('SELECT checkpoint FROM relay_checkpoints WHERE relay_name = $1', [
      this.options.name,
    ])) as Array<{ checkpoint: string | null }>;
    return rows[0]?.checkpoint ?? null;
  }

  private async storeCheckpoint(runner: QueryRunner, checkpoint: Checkpoint): Promise<void> {
    await runner.query('UPDATE relay_checkpoints SET checkpoint = $2, updated_at = now() WHERE relay_name = $1', [
      this.options.name,
      checkpoint,
    ]);
  }
}

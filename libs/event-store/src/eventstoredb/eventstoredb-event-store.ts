import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  type JSONType,
  NO_STREAM as ESDB_NO_STREAM,
  type Position,
  type RecordedEvent as EsdbRecordedEvent,
  START,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { chainHash, type EventMetadata, GENESIS_HASH, type NewEvent, type RecordedEvent } from '@handoff/contracts';
import {
  type AppendResult,
  type Checkpoint,
  ConcurrencyConflict,
  type EventStore,
  type ExpectedVersion,
  NO_STREAM,
  type ReadAllOptions,
  type ReadAllPage,
  type StreamHead,
  type SubscribeOptions,
  type Subscription,
} from '../event-store';
import { stampEvents } from '../stamping';

export interface EventStoreDbEventStoreOptions {
  /** e.g. esdb://127.0.0.1:2113?tls=false */
  readonly connectionString: string;
}

/** What EventStoreDB keeps in each event's metadata: the envelope fields it has no place for. */
interface StoredEnvelope {
  readonly ticketId: string;
  readonly schemaVersion: number;
  readonly metadata: EventMetadata;
  readonly contentHash: string;
  readonly previousHash: string;
  readonly hash: string;
}

const DEFAULT_PAGE_SIZE = 1000;
const MAX_PAGE_SIZE = 10_000;
/** readAll with a prefix scans at most this many events per call, then hands back a checkpoint to go on from. */
const SCAN_BUDGET = 10_000;
const ANY_VERSION_ATTEMPTS = 20;

export async function createEventStoreDbEventStore(options: EventStoreDbEventStoreOptions): Promise<EventStoreDbEventStore> {
  const store = new EventStoreDbEventStore(EventStoreDBClient.connectionString(options.connectionString));
  // Fail at start-up, not on the first command, when the server is unreachable.
  await store.streamHead('handoff-connection-check');
  return store;
}

/**
 * EventStoreDB keeps positions, ordering and optimistic concurrency itself; the adapter adds
 * the hash chain (computed here from the stream's last event) and the envelope fields.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly subscriptions = new Set<Subscription>();

  constructor(private readonly client: EventStoreDBClient) {}

  async append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    if (typeof streamId !== 'string' || streamId.length === 0 || streamId.startsWith('$')) {
      throw new TypeError('streamId must be a non-empty string not starting with $ (reserved by EventStoreDB)');
    }
    if (expectedVersion !== 'any' && (!Number.isSafeInteger(expectedVersion) || expectedVersion < NO_STREAM)) {
      throw new TypeError(`expected version must be an integer >= -1 or 'any', got ${expectedVersion}`);
    }
    for (let attempt = 1; ; attempt++) {
      const head = await this.streamHead(streamId);
      const actual = head?.version ?? NO_STREAM;
      if (expectedVersion !== 'any' && actual !== expectedVersion) {
        throw new ConcurrencyConflict(streamId, expectedVersion, actual);
      }
      try {
        return await this.appendAfter(streamId, events, head);
      } catch (error) {
        if (!(error instanceof ConcurrencyConflict)) throw error;
        if (expectedVersion !== 'any') throw new ConcurrencyConflict(streamId, expectedVersion, error.actualVersion);
        if (attempt >= ANY_VERSION_ATTEMPTS) throw new ConcurrencyConflict(streamId, 'any', error.actualVersion);
      }
    }
  }

  async readStream(streamId: string, fromPosition = 0): Promise<RecordedEvent[]> {
    return this.readStreamEvents(streamId, fromPosition, Number.MAX_SAFE_INTEGER);
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllPage> {
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new TypeError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${limit}`);
    }
    let checkpoint: Checkpoint = options.after ?? null;
    let cursor = checkpoint === null ? null : positionOf(checkpoint);
    const events: RecordedEvent[] = [];
    let scanned = 0;
    while (events.length < limit && scanned < SCAN_BUDGET) {
      const batchSize = Math.min(limit, SCAN_BUDGET - scanned) + 1;
      let seen = 0;
      for await (const resolved of this.client.readAll({
        fromPosition: cursor ?? START,
        direction: FORWARDS,
        maxCount: batchSize,
      })) {
        seen++;
        const event = resolved.event;
        // Reading from a position includes the event at it, which the previous page already had.
        if (!event || (cursor && comparePositions(event.position, cursor) <= 0)) continue;
        scanned++;
        cursor = event.position;
        checkpoint = checkpointOf(event.position);
        const recorded = recordedEventOf(event);
        if (recorded && matchesPrefix(recorded.streamId, options.streamPrefix)) {
          events.push(recorded);
          if (events.length === limit) break;
        }
      }
      if (seen < batchSize) break;
    }
    return { events, checkpoint };
  }

  subscribe(options: SubscribeOptions): Subscription {
    const after = options.after ? positionOf(options.after) : null;
    const source = this.client.subscribeToAll({
      fromPosition: after ?? START,
      filter: options.streamPrefix ? streamNameFilter({ prefixes: [options.streamPrefix] }) : excludeSystemEvents(),
    });
    let stopping = false;
    let failure: { readonly error: unknown } | null = null;
    const finished = (async () => {
      try {
        for await (const resolved of source) {
          if (stopping) break;
          const event = resolved.event;
          if (!event || (after && comparePositions(event.position, after) <= 0)) continue;
          const recorded = recordedEventOf(event);
          if (!recorded || !matchesPrefix(recorded.streamId, options.streamPrefix)) continue;
          await options.onEvents([recorded], checkpointOf(event.position));
        }
      } catch (error) {
        if (stopping) return;
        failure = { error };
        options.onError?.(error);
        await source.unsubscribe().catch(() => undefined);
      }
    })();
    const subscription: Subscription = {
      stop: async () => {
        this.subscriptions.delete(subscription);
        stopping = true;
        await source.unsubscribe().catch(() => undefined);
        await finished;
        if (failure && !options.onError) throw failure.error;
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async streamHead(streamId: string): Promise<StreamHead | null> {
    try {
      const last = this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
      for await (const resolved of last) {
        const event = resolved.event;
        if (!event) continue;
        const envelope = envelopeOf(event);
        return { version: Number(event.revision), hash: envelope?.hash ?? GENESIS_HASH };
      }
      return null;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
  }

  /** EventStoreDB lists streams only through a system projection that may be off, so this scans $all. */
  async *listStreams(streamPrefix?: string): AsyncIterable<string> {
    const seen = new Set<string>();
    for await (const resolved of this.client.readAll({ direction: FORWARDS, fromPosition: START })) {
      const event = resolved.event;
      if (!event || isSystem(event.streamId, event.type) || seen.has(event.streamId)) continue;
      if (!matchesPrefix(event.streamId, streamPrefix)) continue;
      seen.add(event.streamId);
      yield event.streamId;
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose();
  }

  private async appendAfter(streamId: string, events: readonly NewEvent[], head: StreamHead | null): Promise<AppendResult> {
    const version = head?.version ?? NO_STREAM;
    if (events.length === 0) return { nextExpectedVersion: version, events: [] };
    let previousHash = head?.hash ?? GENESIS_HASH;
    const stamped = stampEvents(streamId, version + 1, events, new Date().toISOString()).map((event) => {
      const hash = chainHash(previousHash, event.contentHash);
      const envelope: StoredEnvelope = {
        ticketId: event.ticketId,
        schemaVersion: event.schemaVersion,
        metadata: event.metadata,
        contentHash: event.contentHash,
        previousHash,
        hash,
      };
      previousHash = hash;
      return jsonEvent({ id: event.eventId, type: event.type, data: event.data as JSONType, metadata: envelope });
    });
    try {
      await this.client.appendToStream(streamId, stamped, {
        expectedRevision: version === NO_STREAM ? ESDB_NO_STREAM : BigInt(version),
      });
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion === ESDB_NO_STREAM ? NO_STREAM : Number(error.actualVersion);
        throw new ConcurrencyConflict(streamId, version, actual);
      }
      throw error;
    }
    // The append result carries one position for the whole batch; each event's own comes from reading it back.
    const written = await this.readStreamEvents(streamId, version + 1, events.length);
    return { nextExpectedVersion: version + events.length, events: written };
  }

  private async readStreamEvents(streamId: string, fromPosition: number, maxCount: number): Promise<RecordedEvent[]> {
    const found: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: FORWARDS,
        fromRevision: BigInt(fromPosition),
        maxCount,
      })) {
        const recorded = resolved.event && recordedEventOf(resolved.event);
        if (recorded) found.push(recorded);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return found;
  }
}

function envelopeOf(event: EsdbRecordedEvent): StoredEnvelope | null {
  const metadata = event.metadata as Partial<StoredEnvelope> | undefined;
  if (!event.isJson || !metadata || typeof metadata !== 'object' || typeof metadata.contentHash !== 'string') return null;
  return metadata as StoredEnvelope;
}

/** null for system events and events some other writer put in the database. */
function recordedEventOf(event: EsdbRecordedEvent): RecordedEvent | null {
  if (isSystem(event.streamId, event.type)) return null;
  const envelope = envelopeOf(event);
  if (!envelope) return null;
  if (!event.position) throw new Error('EventStoreDB did not return event positions (server 22.6 or later is required)');
  return {
    eventId: event.id,
    type: event.type,
    schemaVersion: envelope.schemaVersion,
    streamId: event.streamId,
    streamPosition: Number(event.revision),
    globalPosition: checkpointOf(event.position),
    ticketId: envelope.ticketId,
    data: event.data,
    metadata: envelope.metadata,
    contentHash: envelope.contentHash,
    previousHash: envelope.previousHash,
    hash: envelope.hash,
  };
}

const isSystem = (streamId: string, type: string): boolean => streamId.startsWith('$') || type.startsWith('$');

const matchesPrefix = (streamId: string, prefix: string | undefined): boolean => !prefix || streamId.startsWith(prefix);

const checkpointOf = (position: Position): string => `${position.commit}/${position.prepare}`;

function positionOf(checkpoint: string): Position {
  const match = /^(\d+)\/(\d+)$/.exec(checkpoint);
  if (!match) throw new TypeError(`not an EventStoreDB checkpoint: ${checkpoint}`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}

function comparePositions(left: Position, right: Position): number {
  if (left.commit !== right.commit) return left.commit < right.commit ? -1 : 1;
  if (left.prepare !== right.prepare) return left.prepare < right.prepare ? -1 : 1;
  return 0;
}

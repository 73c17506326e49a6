import type { NewEvent, RecordedEvent } from '@handoff/contracts';

/**
 * -1: the stream must not exist yet; n >= 0: the stream's last position must be n;
 * 'any': append wherever the stream is (the adapter still chains hashes correctly).
 */
export type ExpectedVersion = number | 'any';
export const NO_STREAM = -1;

/** Opaque and totally ordered within one store; `null` means "from the beginning". */
export type Checkpoint = string | null;

export interface AppendResult {
  /** The stream's last position after the append (pass it as the next expected version). */
  readonly nextExpectedVersion: number;
  readonly events: readonly RecordedEvent[];
}

export interface ReadAllOptions {
  /** Return only events strictly after this checkpoint. */
  readonly after?: Checkpoint;
  /** Most events in one page (the adapter may return fewer). */
  readonly limit?: number;
  /** Only streams whose id starts with this (a service reads its own streams out of a shared store). */
  readonly streamPrefix?: string;
  /**
   * Only events of these types, where the adapter can leave the others out on its side (a rebuild
   * of a model that takes a few types is not sent the rest); an adapter may ignore it, so a
   * reader still checks each event's type.
   */
  readonly types?: readonly string[];
}

export interface ReadAllPage {
  readonly events: readonly RecordedEvent[];
  /** Where the next page starts; unchanged when nothing new was visible. */
  readonly checkpoint: Checkpoint;
}

export interface StreamHead {
  readonly version: number;
  readonly hash: string;
}

export interface SubscribeOptions extends ReadAllOptions {
  /** Called with each page, in order; the next page is read only after it resolves. */
  readonly onEvents: (events: readonly RecordedEvent[], checkpoint: Checkpoint) => Promise<void>;
  /** An error from onEvents or the store stops the subscription and is reported here (else stop() rejects with it). */
  readonly onError?: (error: unknown) => void;
}

export interface Subscription {
  /** Stops reading; resolves once the page in hand (if any) has been handed over. */
  stop(): Promise<void>;
}

export interface EventStore {
  /**
   * Throws ConcurrencyConflict when the stream is not at `expectedVersion`, DuplicateEventId
   * when an event id is already stored, UnstorableEvent when an event could not read back as given.
   */
  append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult>;
  /** The whole stream from `fromPosition` (default 0), in stream order; [] for an unknown stream. */
  readStream(streamId: string, fromPosition?: number): Promise<RecordedEvent[]>;
  /**
   * Events after a checkpoint in one stable global order. An event whose transaction
   * commits late is never skipped: it is held back until everything before it is visible.
   */
  readAll(options?: ReadAllOptions): Promise<ReadAllPage>;
  /** Reads from a checkpoint on, then follows new events as they commit. */
  subscribe(options: SubscribeOptions): Subscription;
  /**
   * Optional: calls `onAppended` soon after events were appended (by this process at once, by
   * others when the store can tell). A hint for a poller to read now; it may come late, twice,
   * or not at all, so a caller still polls. Returns the function that stops the calls.
   * `appendedUpTo`, when the store can tell, is the checkpoint a readAll reaches once it has
   * returned the appended events (PostgreSQL: the global position of the last one).
   */
  watch?(onAppended: (appendedUpTo?: Checkpoint) => void): () => void;
  /** The stream's last position and hash as the store itself keeps them (null if unknown). */
  streamHead(streamId: string): Promise<StreamHead | null>;
  /** Ids of every stream (with the prefix), for verifying or exporting everything. */
  listStreams(streamPrefix?: string): AsyncIterable<string>;
  /**
   * Optional: how many events the streams (with the prefix) hold, committed, whether or not a
   * readAll shows them yet: by the stream heads the store keeps (as streamHead gives them one by
   * one), or with `types`, by the events of those types; in one query.
   */
  countEvents?(streamPrefix?: string, types?: readonly string[]): Promise<number>;
  /** Optional: the store's connection pool, for metrics (connections open, idle, and callers waiting for one). */
  poolUse?(): PoolUse;
  close(): Promise<void>;
}

export interface PoolUse {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
  /** Round trips to the server over the pool's connections since it opened (each ends with the server's ReadyForQuery). */
  readonly roundTrips?: number;
}

export class ConcurrencyConflict extends Error {
  readonly code = 'CONCURRENCY_CONFLICT';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    readonly actualVersion: number,
  ) {
    super(`stream ${streamId}: expected version ${expectedVersion}, found ${actualVersion}`);
    this.name = 'ConcurrencyConflict';
  }
}

/**
 * The event id is already stored. PostgreSQL enforces this store-wide; EventStoreDB only within
 * one append, since it treats a repeated id as an idempotent retry.
 */
export class DuplicateEventId extends Error {
  readonly code = 'DUPLICATE_EVENT_ID';
  constructor(
    readonly streamId: string,
    readonly eventId: string,
  ) {
    super(`stream ${streamId}: event id ${eventId} is already in the store`);
    this.name = 'DuplicateEventId';
  }
}

/** The event cannot be stored as given (it would not read back identically, so its hash would break). */
export class UnstorableEvent extends Error {
  readonly code = 'UNSTORABLE_EVENT';
  constructor(
    readonly eventType: string,
    readonly eventId: string,
    readonly reason: string,
  ) {
    super(`event ${eventType} (${eventId}) cannot be stored: ${reason}`);
    this.name = 'UnstorableEvent';
  }
}

import { GENESIS_HASH, type NewEvent, type RecordedEvent } from '@handoff/contracts';
import { DatabaseError, Pool, type Client, type PoolClient } from 'pg';
import {
  type AppendResult,
  type Checkpoint,
  ConcurrencyConflict,
  DuplicateEventId,
  type EventStore,
  type ExpectedVersion,
  NO_STREAM,
  type PoolUse,
  type ReadAllOptions,
  type ReadAllPage,
  type StreamHead,
  type SubscribeOptions,
  type Subscription,
} from '../event-store';
import { stampEvents, type StampedEvent, type StampedJson } from '../stamping';
import { migratePostgresEventStore } from './migrate';
import { APPENDING_SETTING } from './migrations/005_appends_only';
import { AppendAnnouncer } from './append-announcer';
import { NotificationListener } from './notification-listener';
import { type PageRead, PollingSubscription } from './polling-subscription';

export interface PostgresEventStoreOptions {
  readonly connectionString: string;
  /** Connections for appends and reads; subscriptions share one more for LISTEN. */
  readonly poolSize?: number;
  /**
   * How long a caller waits for a pooled connection before the append or read fails with
   * "timeout exceeded when trying to connect" (a transient error: the service answers 503).
   * Without it a caller would wait for ever behind an exhausted pool.
   */
  readonly connectionTimeoutMillis?: number;
  /** Shown in pg_stat_activity, so each pool's connections can be counted; the LISTEN session gets `-listen` after it. */
  readonly applicationName?: string;
  readonly notifyChannel?: string;
  /** How long a caught-up subscription waits without a notification before reading again. */
  readonly pollIntervalMs?: number;
  /**
   * Whether appends are announced to other processes with a NOTIFY (default true); this
   * process's subscriptions and watchers are told at once either way. A process whose store no
   * other process subscribes to (the services: their relays watch, which opens no LISTEN
   * connection) spares a statement an append.
   */
  readonly notifyOtherProcesses?: boolean;
}

export const DEFAULT_NOTIFY_CHANNEL = 'handoff_events';
const DEFAULT_POOL_SIZE = 10;
const DEFAULT_POLL_INTERVAL_MS = 250;
const DEFAULT_PAGE_SIZE = 1000;
const MAX_PAGE_SIZE = 10_000;
const LIST_STREAMS_PAGE = 1000;
/** 'any' retries this often before giving up; each retry means another writer just won, so this is plenty. */
const ANY_VERSION_ATTEMPTS = 20;

/** Runs the migrations, then opens the store. */
export async function createPostgresEventStore(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
  await migratePostgresEventStore(options.connectionString, options.applicationName);
  return new PostgresEventStore(options);
}

const eventColumns = (table: string): string =>
  [
    'global_position::text AS global_position',
    'stream_id',
    'stream_position::text AS stream_position',
    'event_id::text AS event_id',
    'type',
    'schema_version',
    'ticket_id',
    'data',
    'metadata',
    'content_hash',
    'previous_hash',
    'hash',
  ]
    .map((column) => `${table}.${column}`)
    .join(', ');

// Named statements: each connection parses and plans them once instead of at every call.
const READ_STREAM = `SELECT ${eventColumns('events')} FROM events
  WHERE events.stream_id = $1 AND events.stream_position >= $2
  ORDER BY events.stream_position`;

// The horizon is the oldest transaction the statement's snapshot sees running, leaving out those
// that cannot be appending here: transaction ids are the server's, and an open transaction of
// another service's store, of a read model in this database, or any long one on the server held
// back every store's readAll, though it can never write to this store's events.
//
// What can append here holds a lock on this database's `events` table, and took it before its
// transaction id: the append statement locks the table it inserts into before it executes, and
// its id is given during execution, by its first write (the head's UPDATE, or the first row).
// So a transaction whose id the snapshot lists, found in pg_locks owning that id but holding no
// lock on `events` here, cannot have appended; every other one counts: one not found running any
// more may have been ours. pg_locks reads the backends' fast-path locks (where such a table lock
// usually is) before the shared lock table (where the id's lock is), so an appender that commits
// between the two reads is found without its id, and counts. One pg_locks read (MATERIALIZED) gives both.
// (pg_stat_get_activity told the database directly, but copied every backend's status at each
// call: 0.3-0.9 ms of server CPU a read on this machine, against about 0.05 ms for pg_locks.)
// Two running transactions never share their low 32 bits, so xid() cannot mistake one.
/**
 * The backends holding a lock on this database's `events` table, read from `locks` (pg_locks or a
 * copy of it): the only ones that can be appending to this store (see READ_ALL). The readiness
 * check names the transaction that holds the horizon back by the same test.
 */
export const backendsLockingEvents = (locks = 'pg_locks'): string =>
  `SELECT r.pid FROM ${locks} r
    WHERE r.locktype = 'relation' AND r.relation = 'events'::regclass
      AND r.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

const READ_ALL = `WITH snapshot AS MATERIALIZED (
    SELECT pg_current_snapshot() AS s
  ),
  locks AS MATERIALIZED (
    SELECT l.locktype, l.database, l.relation, l.transactionid, l.pid, l.mode, l.granted
      FROM pg_locks l WHERE l.locktype IN ('relation', 'transactionid')
  ),
  elsewhere AS MATERIALIZED (
    SELECT t.transactionid AS xid FROM locks t
     WHERE t.locktype = 'transactionid' AND t.mode = 'ExclusiveLock' AND t.granted
       AND t.pid NOT IN (${backendsLockingEvents('locks')})
  ),
  horizon AS MATERIALIZED (
    SELECT coalesce(
      (SELECT min(x) FROM snapshot, pg_snapshot_xip(snapshot.s) AS x WHERE xid(x) NOT IN (SELECT xid FROM elsewhere)),
      (SELECT pg_snapshot_xmax(s) FROM snapshot)) AS xmin
  ),
  settled AS MATERIALIZED (
    SELECT (SELECT e.global_position FROM events e, horizon h
             WHERE e.global_position > $1 AND e.transaction_id < h.xmin
             ORDER BY e.global_position DESC LIMIT 1) AS up_to
  ),
  page AS (
    SELECT e.* FROM events e, horizon h
     WHERE e.global_position > $1 AND e.transaction_id < h.xmin
       AND ($3::text IS NULL OR starts_with(e.stream_id, $3))
       AND ($4::text[] IS NULL OR e.type = ANY ($4::text[]))
     ORDER BY e.global_position LIMIT $2
  )
  SELECT settled.up_to::text AS settled_up_to, ${eventColumns('page')}
    FROM settled LEFT JOIN page ON true`;

// The parts the append statements share.
/** The hash linking content hash `content` to the hash before it, in SQL: chainHash() in @handoff/contracts. */
const chainLink = (previous: string, content: string) => `encode(sha256(convert_to(${previous} || ${content}, 'UTF8')), 'hex')`;
const APPENDING = `appending AS MATERIALIZED (SELECT set_config('${APPENDING_SETTING}', 'on', true) AS setting)`;
const INSERTED_COLUMNS = 'global_position, stream_id, stream_position, event_id, type, schema_version, ticket_id, data, metadata, content_hash, previous_hash, hash';
const APPENDED_ROW = 'RETURNING global_position, stream_position, previous_hash, hash';
/** Several events: $3 taken apart, and the chain folded from `from` (a CTE of the head's version and hash) over $4. */
const MANY = {
  input: 'input AS (SELECT e.value, e.ordinality AS i FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e)',
  chain: (from: string) => `chain (i, previous_hash, hash) AS (
    SELECT 0::bigint, NULL::text, ${from}.hash FROM ${from} WHERE ${from}.version = $2
    UNION ALL
    SELECT chain.i + 1, chain.hash, ${chainLink('chain.hash', '($4::text[])[chain.i + 1]')}
      FROM chain WHERE chain.i < cardinality($4::text[])
  )`,
  /** The rows, joined to `alsoFrom` (a CTE that must have a row for any to be inserted). */
  appended: (alsoFrom = '') => `appended AS (
    INSERT INTO events (${INSERTED_COLUMNS})
    SELECT (pg_current_xact_id()::text::bigint << 20) + input.i, $1, $2 + input.i, (input.value->>'eventId')::uuid, input.value->>'type',
           (input.value->>'schemaVersion')::int, input.value->>'ticketId', input.value->'data', input.value->'metadata', ($4::text[])[input.i],
           chain.previous_hash, chain.hash
      FROM input JOIN chain ON chain.i = input.i, appending${alsoFrom ? `, ${alsoFrom}` : ''}
     WHERE appending.setting = 'on'
    ${APPENDED_ROW}
  )`,
};
/** One event: its fields as typed parameters ($3 to $9), `link` the expressions of its previous hash and hash. */
const oneAppended = (from: string, position: string, link: string, where = '') => `appended AS (
    INSERT INTO events (${INSERTED_COLUMNS})
    SELECT (pg_current_xact_id()::text::bigint << 20) + 1, $1, ${position}, $3::uuid, $4::text, $5::int, $6::text, $7::jsonb, $8::jsonb, $9::text, ${link}
      FROM ${from}, appending
     WHERE ${where}appending.setting = 'on'
    ${APPENDED_ROW}
  )`;
const APPENDED_RESULT = 'appended.global_position::text AS appended_global_position, appended.previous_hash AS appended_previous_hash, appended.hash AS appended_hash';
/** The result of the statements that read the head first: the rows appended, each with the version read, or that version alone. */
const APPENDED_OR_PREV = `SELECT ${APPENDED_RESULT}, prev.version::text AS actual_version
  FROM prev LEFT JOIN appended ON true`;
/** The result of the statements that move the head first: the rows appended, or one row of the version found instead. */
const APPENDED_OR_REFUSED = `SELECT ${APPENDED_RESULT},
       CASE WHEN appended.global_position IS NULL THEN coalesce((SELECT version FROM streams WHERE stream_id = $1), -1)::text END AS actual_version
  FROM (VALUES (1)) AS one LEFT JOIN appended ON true`;
/** A head created from the last row appended, or moved to it (`last` picks it out of several). */
const movedHead = (last = '') => `moved_head AS (
    INSERT INTO streams (stream_id, version, previous_hash, last_hash)
    SELECT $1, appended.stream_position, appended.previous_hash, appended.hash FROM appended${last}
    ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, previous_hash = excluded.previous_hash, last_hash = excluded.last_hash
  )`;
/** The head as the statement's snapshot shows it, a new stream's as version -1 and the genesis hash. */
const PREV = `head AS (SELECT s.version, s.last_hash FROM streams s WHERE s.stream_id = $1),
  prev AS (SELECT coalesce((SELECT version FROM head), -1) AS version, coalesce((SELECT last_hash FROM head), '${GENESIS_HASH}') AS hash)`;

/**
 * One statement = one round trip = one transaction = the whole append. The adapter sends it on
 * its own, never inside a transaction of the caller's: positions are the transaction id << 20
 * plus the event's index (see 004_positions_from_transaction_ids.ts), so two appends in one
 * transaction would collide, and positions follow transaction ids whenever the id is taken.
 *
 * APPEND is for a new stream (and for one that turns out to exist: its head then does not match
 * the expected version, and nothing is inserted; the result says the actual version). Writers
 * that find no head all insert at position 0, and the unique (stream_id, stream_position) index
 * lets exactly one win: the other waits for it and fails (mapped to ConcurrencyConflict). The
 * chain is folded by the recursive CTE over the content hashes ($4, in the order of the events
 * in $3) and must equal chainHash() in @handoff/contracts.
 *
 * A stream that has a head is appended to by APPEND_NEXT and APPEND_NEXT_ONE, which move the
 * head before they insert: writers of the stream queue at its row, and each that finds the
 * version moved inserts nothing. Locks are taken in one order for each kind of stream (an
 * existing one: its head, then events; a new one: events, then the head that did not exist,
 * and only while it did not), so no two appends can each be waiting for the other.
 *
 * `appending` sets the transaction-local setting without which the database refuses a row in
 * `events` (005_appends_only.ts); the INSERT reads it, so it is set before the first row is.
 */
export const APPEND = `WITH RECURSIVE
  ${PREV},
  ${MANY.input},
  ${APPENDING},
  ${MANY.chain('prev')},
  ${MANY.appended()},
  ${movedHead(' ORDER BY appended.stream_position DESC LIMIT 1')}
${APPENDED_OR_PREV}
 ORDER BY appended.global_position`;

/**
 * APPEND for a stream that has a head: the chain is folded from the head as the statement's
 * snapshot shows it, then the head is moved, by an UPDATE that checks the version and hash it was
 * folded from (a concurrent writer of the stream makes it wait for the row, then find the version
 * moved), and the events are inserted only once it has. The version a refusal gives is the
 * snapshot's, which may not show the winner yet (the adapter reads the head again).
 */
export const APPEND_NEXT = `WITH RECURSIVE
  head AS (SELECT s.version, s.last_hash AS hash FROM streams s WHERE s.stream_id = $1),
  ${MANY.input},
  ${APPENDING},
  ${MANY.chain('head')},
  moved AS (
    UPDATE streams s SET version = $2 + chain.i, previous_hash = chain.previous_hash, last_hash = chain.hash
      FROM chain, head
     WHERE s.stream_id = $1 AND s.version = $2 AND s.last_hash = head.hash AND chain.i = cardinality($4::text[])
    RETURNING s.version
  ),
  ${MANY.appended('moved')}
${APPENDED_OR_REFUSED}
 ORDER BY appended.global_position`;

/**
 * APPEND for the commonest append, one event, to a stream that has events: the same checks, chain
 * link, stream head and setting, with the event's fields as typed parameters ($3 to $9). Taking a
 * JSON array apart and joining it to a recursive CTE cost a one-event append more server time
 * than inserting its row did (README, Performance, "Appends at 8 and 32 in flight").
 *
 * The head is moved first, by one UPDATE that checks the expected version, links the chain from
 * the hash it replaces, and returns both hashes (the one it replaced as previous_hash, see
 * 007_stream_head_previous_hash.ts). A concurrent writer of the stream waits for the row and then
 * finds the version moved: nothing is inserted, and the result's row says so. The version it
 * gives then is the statement's snapshot's, which may not show the winner yet (the adapter reads
 * the head again). The event's row follows from the moved head.
 */
export const APPEND_NEXT_ONE = `WITH
  ${APPENDING},
  head AS (
    UPDATE streams SET version = $2::bigint + 1, previous_hash = last_hash, last_hash = ${chainLink('last_hash', '$9::text')}
     WHERE stream_id = $1 AND version = $2::bigint
    RETURNING version, previous_hash, last_hash
  ),
  ${oneAppended('head', 'head.version', 'head.previous_hash, head.last_hash')}
${APPENDED_OR_REFUSED}`;

/**
 * APPEND for a stream's first event, with the event's fields as typed parameters: there is no
 * head to move first, so the row goes in and the head is created from it, as APPEND does.
 */
export const APPEND_FIRST_ONE = `WITH
  ${PREV},
  ${APPENDING},
  ${oneAppended('prev', '$2::bigint + 1', `prev.hash, ${chainLink('prev.hash', '$9::text')}`, 'prev.version = $2::bigint AND ')},
  ${movedHead()}
${APPENDED_OR_PREV}`;

/** The most events one append may hold: the positions of one transaction (see 004_positions_from_transaction_ids.ts). */
const MAX_EVENTS_PER_APPEND = 2 ** 20 - 1;

/**
 * An event's columns as eventColumns lists them, in a row read with `rowMode: 'array'`: the driver
 * then gives each row as an array instead of building an object of named members, which a rebuild
 * reading a hundred thousand events paid for twice (that object, then the event made of it).
 */
type EventColumns = [
  globalPosition: string,
  streamId: string,
  streamPosition: string,
  eventId: string,
  type: string,
  schemaVersion: number,
  ticketId: string,
  data: unknown,
  metadata: RecordedEvent['metadata'],
  contentHash: string,
  previousHash: string,
  hash: string,
];

interface AppendedRow {
  /** All three null when nothing was appended: the stream was not at the expected version. */
  readonly appended_global_position: string | null;
  readonly appended_previous_hash: string;
  readonly appended_hash: string;
  readonly actual_version: string;
}

/** The default store: one PostgreSQL database, appends in one round trip, readAll that never skips a late commit. */
export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  private readonly channel: string;
  private readonly pollIntervalMs: number;
  private readonly listener: NotificationListener;
  private readonly announcer: AppendAnnouncer;
  private readonly subscriptions = new Set<Subscription>();
  private closing: Promise<void> | null = null;
  private roundTrips = 0;

  /** Expects a migrated database: use createPostgresEventStore. */
  constructor(options: PostgresEventStoreOptions) {
    this.channel = options.notifyChannel ?? DEFAULT_NOTIFY_CHANNEL;
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(this.channel)) {
      throw new TypeError(`notifyChannel must be a plain identifier, got ${JSON.stringify(this.channel)}`);
    }
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 0,
      ...(options.applicationName ? { application_name: options.applicationName } : {}),
    });
    // An idle connection that dies (server restart) is dropped by the pool; unhandled, the event would crash the process.
    this.pool.on('error', () => undefined);
    this.pool.on('connect', (client) => countRoundTrips(client, () => this.roundTrips++));
    this.listener = new NotificationListener(options.connectionString, this.channel, options.applicationName ? `${options.applicationName}-listen` : undefined);
    this.announcer = new AppendAnnouncer(this.pool, this.channel, this.listener, options.notifyOtherProcesses ?? true);
  }

  poolUse(): PoolUse {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount, roundTrips: this.roundTrips };
  }

  async append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    assertStreamId(streamId);
    if (expectedVersion === 'any') return this.appendWherever(streamId, events);
    if (!Number.isSafeInteger(expectedVersion) || expectedVersion < NO_STREAM) {
      throw new TypeError(`expected version must be an integer >= -1 or 'any', got ${expectedVersion}`);
    }
    return this.appendAt(streamId, events, expectedVersion);
  }

  async readStream(streamId: string, fromPosition = 0): Promise<RecordedEvent[]> {
    // Qualified names: the text alias of the same name would sort position 10 before 2.
    const { rows } = await this.pool.query<EventColumns>({ name: 'handoff_read_stream', text: READ_STREAM, values: [streamId, fromPosition], rowMode: 'array' });
    return rows.map((row) => recordedEventOf(row, 0));
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllPage> {
    const { events, checkpoint } = await this.readPage(options);
    return { events, checkpoint };
  }

  subscribe(options: SubscribeOptions): Subscription {
    if (this.closing) throw new Error('event store is closed');
    const subscription = new PollingSubscription(
      (after) => this.readPage({ ...options, after }),
      options,
      this.listener,
      this.pollIntervalMs,
    );
    const tracked: Subscription = {
      stop: async () => {
        this.subscriptions.delete(tracked);
        await subscription.stop();
      },
    };
    this.subscriptions.add(tracked);
    return tracked;
  }

  /**
   * Appends through this store are announced at once. Other processes' appends are heard only
   * while a subscription of this store listens: a watcher does not open a connection of its own
   * (one per service instance adds up on a shared server), and polls for what it does not hear.
   */
  watch(onAppended: (appendedUpTo?: Checkpoint) => void): () => void {
    // The payload is the last appended global position (undefined after a reconnect).
    return this.listener.addQuietly((payload) => onAppended(payload === undefined || !/^\d{1,19}$/.test(payload) ? undefined : payload));
  }

  async streamHead(streamId: string): Promise<StreamHead | null> {
    const { rows } = await this.pool.query<{ version: string; last_hash: string }>({
      name: 'handoff_stream_head',
      text: 'SELECT version::text AS version, last_hash FROM streams WHERE stream_id = $1',
      values: [streamId],
    });
    return rows.length === 0 ? null : { version: Number(rows[0].version), hash: rows[0].last_hash };
  }

  async countEvents(streamPrefix?: string, types?: readonly string[]): Promise<number> {
    // A count of rows sees every committed event, as the heads do; readAll's horizon is its own.
    const { rows } = await this.pool.query<{ events: string }>(
      types
        ? 'SELECT count(*)::text AS events FROM events WHERE ($1::text IS NULL OR starts_with(stream_id, $1)) AND type = ANY ($2::text[])'
        : 'SELECT coalesce(sum(version + 1), 0)::text AS events FROM streams WHERE $1::text IS NULL OR starts_with(stream_id, $1)',
      types ? [streamPrefix ?? null, [...types]] : [streamPrefix ?? null],
    );
    return Number(rows[0].events);
  }

  async *listStreams(streamPrefix?: string): AsyncIterable<string> {
    let after: string | null = null;
    for (;;) {
      const { rows }: { rows: { stream_id: string }[] } = await this.pool.query(
        `SELECT stream_id FROM streams
          WHERE ($1::text IS NULL OR stream_id > $1) AND ($2::text IS NULL OR starts_with(stream_id, $2))
          ORDER BY stream_id LIMIT ${LIST_STREAMS_PAGE}`,
        [after, streamPrefix ?? null],
      );
      for (const row of rows) yield row.stream_id;
      if (rows.length < LIST_STREAMS_PAGE) return;
      after = rows[rows.length - 1].stream_id;
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.stop()));
      await this.announcer.close();
      await this.listener.close();
      await this.pool.end();
    })();
    return this.closing;
  }

  private async appendWherever(streamId: string, events: readonly NewEvent[]): Promise<AppendResult> {
    let expected = (await this.streamHead(streamId))?.version ?? NO_STREAM;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.appendAt(streamId, events, expected);
      } catch (error) {
        if (!(error instanceof ConcurrencyConflict)) throw error;
        if (attempt >= ANY_VERSION_ATTEMPTS) throw new ConcurrencyConflict(streamId, 'any', error.actualVersion);
        expected = error.actualVersion;
      }
    }
  }

  private async appendAt(streamId: string, events: readonly NewEvent[], expected: number): Promise<AppendResult> {
    if (events.length === 0) {
      const actual = (await this.streamHead(streamId))?.version ?? NO_STREAM;
      if (actual !== expected) throw new ConcurrencyConflict(streamId, expected, actual);
      return { nextExpectedVersion: actual, events: [] };
    }
    if (events.length > MAX_EVENTS_PER_APPEND) {
      throw new TypeError(`at most ${MAX_EVENTS_PER_APPEND} events in one append, got ${events.length}`);
    }
    // The content hash covers stream positions, so it is computed for the positions the expected version implies.
    const json: StampedJson[] = [];
    const stamped = stampEvents(streamId, expected + 1, events, new Date().toISOString(), json);
    let appended: AppendedRow[];
    try {
      // Announced after commit, not by NOTIFY inside the append: PostgreSQL commits notifying
      // transactions one at a time (see 003_append_set_based.ts).
      const result = await this.pool.query<AppendedRow>(appendQueryOf(streamId, expected, stamped, json));
      appended = result.rows;
    } catch (error) {
      throw await this.appendErrorOf(error, streamId, expected);
    }
    const last = appended[appended.length - 1].appended_global_position;
    if (last === null) {
      // The snapshot's version, which may be the expected one when the winner committed after it began.
      let actual = Number(appended[0].actual_version);
      if (actual === expected) actual = (await this.streamHead(streamId))?.version ?? NO_STREAM;
      throw new ConcurrencyConflict(streamId, expected, actual);
    }
    this.announcer.announce(last);
    return {
      nextExpectedVersion: expected + events.length,
      events: stamped.map((event, index) => recordedOf(event, appended[index])),
    };
  }

  private async appendErrorOf(error: unknown, streamId: string, expected: number): Promise<unknown> {
    if (!(error instanceof DatabaseError) || error.code !== '23505') return error;
    if (error.constraint === 'events_stream_position_unique') {
      // Another writer took the next position first: it won the race for the version.
      return new ConcurrencyConflict(streamId, expected, (await this.streamHead(streamId))?.version ?? NO_STREAM);
    }
    if (error.constraint === 'events_event_id_unique') {
      const eventId = /\(event_id\)=\(([^)]+)\)/.exec(error.detail ?? '')?.[1] ?? 'unknown';
      return new DuplicateEventId(streamId, eventId);
    }
    return error;
  }

  /**
   * The horizon: a row is returned only once its transaction id is below the oldest transaction
   * of this database the snapshot sees running, i.e. every transaction that got an id before it
   * and could have written here has finished (READ_ALL). Positions are taken before
   * commit, so without it a reader could pass a position whose transaction commits later.
   * It suffices only because positions follow transaction ids: each append's positions are
   * computed from its transaction id (see 004_positions_from_transaction_ids.ts).
   * When the page is not full, the checkpoint moves to the last settled position even if
   * the prefix filter kept nothing, so a service does not rescan other services' events.
   */
  private async readPage(options: ReadAllOptions): Promise<PageRead> {
    const after = checkpointPosition(options.after ?? null);
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new TypeError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${limit}`);
    }
    // Each row: settled_up_to, then the event's columns (all null in the one row of an empty page).
    const { rows } = await this.pool.query<[settledUpTo: string | null, ...EventColumns]>({
      name: 'handoff_read_all',
      text: READ_ALL,
      values: [after, limit, options.streamPrefix ?? null, options.types ? [...options.types] : null],
      rowMode: 'array',
    });
    const events: RecordedEvent[] = [];
    let ordered = true;
    for (const row of rows) {
      if (row[1] === null) continue;
      const event = recordedEventOf(row, 1);
      if (events.length > 0 && !positionBefore(events[events.length - 1].globalPosition, event.globalPosition)) ordered = false;
      events.push(event);
    }
    // READ_ALL has no ORDER BY of its own: a join ON true can only be a nested loop, whose one
    // outer row (settled) gives the page's rows in the page's order. Sorting them again cost the
    // server more than reading them (10,000 wide rows sorted on disk, a rebuild's every page).
    // Should a plan ever give them otherwise, they are put in order here.
    if (!ordered) events.sort((left, right) => (positionBefore(left.globalPosition, right.globalPosition) ? -1 : 1));
    const full = events.length === limit;
    const settledUpTo = rows[0]?.[0] ?? null;
    let checkpoint: Checkpoint = options.after ?? null;
    if (full) checkpoint = events[events.length - 1].globalPosition;
    else if (settledUpTo !== null) checkpoint = settledUpTo;
    return { events, checkpoint, full };
  }
}

/** The event whose columns (EventColumns) start at `at` in the row. */
function recordedEventOf(row: readonly unknown[], at: number): RecordedEvent {
  const column = <Index extends keyof EventColumns & number>(index: Index) => row[at + index] as EventColumns[Index];
  return {
    eventId: column(3),
    type: column(4),
    schemaVersion: column(5),
    streamId: column(1),
    streamPosition: Number(column(2)),
    globalPosition: column(0),
    ticketId: column(6),
    data: column(7),
    metadata: column(8),
    contentHash: column(9),
    previousHash: column(10),
    hash: column(11),
  };
}

/** A stamped event as appended, its members written out: V8 builds a spread extended with more on a slow path. */
function recordedOf(event: StampedEvent, row: AppendedRow): RecordedEvent {
  return {
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    streamId: event.streamId,
    streamPosition: event.streamPosition,
    ticketId: event.ticketId,
    data: event.data,
    metadata: event.metadata,
    contentHash: event.contentHash,
    globalPosition: row.appended_global_position!,
    previousHash: row.appended_previous_hash,
    hash: row.appended_hash,
  };
}

/**
 * The append statement for these events, as the store sends it (exported for tests that hold its
 * transaction open). `json`, stamping's text of each event's data and metadata, spares writing
 * them again; without it they are written here.
 */
export function appendQueryOf(streamId: string, expected: number, stamped: readonly StampedEvent[], json?: readonly StampedJson[]) {
  const texts = json ?? stamped.map((event) => ({ data: JSON.stringify(event.data), metadata: JSON.stringify(event.metadata) }));
  return stamped.length === 1 ? appendOneQuery(streamId, expected, stamped[0], texts[0]) : appendManyQuery(streamId, expected, stamped, texts);
}

function appendManyQuery(streamId: string, expected: number, stamped: readonly StampedEvent[], json: readonly StampedJson[]) {
  const first = expected === NO_STREAM;
  // The array APPEND takes apart, put together from the texts stamping wrote rather than written again.
  const elements = stamped.map(
    (event, index) =>
      `{"eventId":${JSON.stringify(event.eventId)},"type":${JSON.stringify(event.type)},"schemaVersion":${event.schemaVersion},` +
      `"ticketId":${JSON.stringify(event.ticketId)},"data":${json[index].data},"metadata":${json[index].metadata}}`,
  );
  return {
    name: first ? 'handoff_append_first' : 'handoff_append_next',
    text: first ? APPEND : APPEND_NEXT,
    values: [streamId, expected, `[${elements.join(',')}]`, stamped.map((event) => event.contentHash)],
  };
}

function appendOneQuery(streamId: string, expected: number, event: StampedEvent, json: StampedJson) {
  const first = expected === NO_STREAM;
  return {
    name: first ? 'handoff_append_first_one' : 'handoff_append_next_one',
    text: first ? APPEND_FIRST_ONE : APPEND_NEXT_ONE,
    values: [streamId, expected, event.eventId, event.type, event.schemaVersion, event.ticketId, json.data, json.metadata, event.contentHash],
  };
}


/** Global positions as the store gives them (decimal text of a positive bigint, no leading zeros). */
function positionBefore(left: string, right: string): boolean {
  return left.length < right.length || (left.length === right.length && left < right);
}

function checkpointPosition(checkpoint: Checkpoint): string {
  if (checkpoint === null) return '0';
  if (!/^\d{1,19}$/.test(checkpoint)) throw new TypeError(`not a PostgreSQL event store checkpoint: ${checkpoint}`);
  return checkpoint;
}

function assertStreamId(streamId: string): void {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new TypeError('streamId must be a non-empty string');
  if (streamId.includes('\u0000')) throw new TypeError('streamId must not contain the NUL character');
}

/**
 * Calls `counted` at the end of each round trip of a pg client: the server ends every one (a
 * statement, a pipeline up to its Sync) with one ReadyForQuery, whichever path sent it.
 */
export function countRoundTrips(client: PoolClient | Client, counted: () => void): void {
  (client as unknown as { connection: { on(event: 'readyForQuery', listener: () => void): void } }).connection.on('readyForQuery', counted);
}

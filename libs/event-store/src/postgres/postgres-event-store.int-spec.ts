import { chainHash, GENESIS_HASH, newId, type NewEvent, type RecordedEvent, verifyChain } from '@handoff/contracts';
import { createTestDatabase, eventually, type TestDatabase, uniqueSuffix } from '@handoff/testing';
import { Client } from 'pg';
import { type Checkpoint, ConcurrencyConflict, DuplicateEventId, NO_STREAM, type Subscription } from '../event-store';
import { eventStoreContract } from '../event-store.contract';
import { stampEvents } from '../stamping';
import { LOCK_CLASS, POSITION_LOCK } from './locks';
import { migratePostgresEventStore, runMigrations } from './migrate';
import { migrations } from './migrations';
import { positionsFromTransactionIds } from './migrations/004_positions_from_transaction_ids';
import { APPENDING_SETTING, DIRECT_INSERT_SQLSTATE } from './migrations/005_appends_only';
import { streamHeadPreviousHash } from './migrations/007_stream_head_previous_hash';
import { appendQueryOf, createPostgresEventStore, PostgresEventStore } from './postgres-event-store';

describe('PostgreSQL event store', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('event_store');
  });
  afterAll(async () => {
    await database?.drop();
  });

  describe('contract', () => {
    // Enough connections for the concurrent-reader test's 32 writers to be in flight at once.
    eventStoreContract({ open: () => createPostgresEventStore({ connectionString: database.url, poolSize: 36 }) });
  });

  describe('PostgreSQL only', () => {
    let store: PostgresEventStore;
    let raw: Client;
    let prefix: string;

    beforeAll(async () => {
      store = await createPostgresEventStore({ connectionString: database.url });
    });
    afterAll(async () => {
      await store?.close();
    });
    beforeEach(async () => {
      prefix = `pg-${uniqueSuffix()}-`;
      raw = new Client({ connectionString: database.url });
      await raw.connect();
    });
    afterEach(async () => {
      await raw.query('ROLLBACK').catch(() => undefined);
      await raw.end();
    });

    /** Sends the adapter's append statement on a connection the test controls (so it can hold the transaction open). */
    async function appendRaw(client: Client, streamId: string, events: readonly NewEvent[], expected: number) {
      const stamped = stampEvents(streamId, expected + 1, events, new Date().toISOString());
      const { rows } = await client.query<{ appended_global_position: string }>(appendQueryOf(streamId, expected, stamped));
      return rows.map((row) => row.appended_global_position);
    }

    it('computes each chain link inside PostgreSQL exactly as chainHash() in contracts does', async () => {
      const stream = `${prefix}ticket-1`;
      const first = await store.append(stream, [newEvent(), newEvent()], NO_STREAM);
      const second = await store.append(stream, [newEvent()], 1);
      const events = [...first.events, ...second.events];
      expect(events[0].previousHash).toBe(GENESIS_HASH);
      events.forEach((event, index) => {
        expect(event.hash).toBe(chainHash(event.previousHash, event.contentHash));
        if (index > 0) expect(event.previousHash).toBe(events[index - 1].hash);
      });
      expect(await store.readStream(stream)).toEqual(events);
    });

    it('holds back a later commit in readAll until an earlier open append commits, then returns both in order', async () => {
      const late = `${prefix}late`;
      const early = `${prefix}early`;
      await raw.query('BEGIN');
      const [latePosition] = await appendRaw(raw, late, [newEvent()], NO_STREAM);

      const committed = await store.append(early, [newEvent()], NO_STREAM);
      expect(BigInt(committed.events[0].globalPosition)).toBeGreaterThan(BigInt(latePosition));
      // The stream itself is readable at once; only the global order waits.
      expect(await store.readStream(early)).toEqual(committed.events);
      await sleep(100);
      const before = await store.readAll({ streamPrefix: prefix });
      expect(before.events).toEqual([]);
      // Other streams' settled events may move the checkpoint, but never up to the held position.
      expect(before.checkpoint === null || BigInt(before.checkpoint) < BigInt(latePosition)).toBe(true);

      await raw.query('COMMIT');
      const after = await readAllEventually(store, prefix, 2);
      expect(after.map((event) => event.streamId)).toEqual([late, early]);
      expect(after[0].globalPosition).toBe(latePosition);
    });

    it('is not held back by a transaction open in another database, which cannot write to this store', async () => {
      const elsewhere = await createTestDatabase('event_store_elsewhere');
      const other = new Client({ connectionString: elsewhere.url });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query('SELECT pg_current_xact_id()');
        const appended = await store.append(`${prefix}ticket-1`, [newEvent()], NO_STREAM);
        // The same statement, on the same snapshot, as a relay's: no waiting for a later read.
        expect((await store.readAll({ streamPrefix: prefix })).events).toEqual(appended.events);
      } finally {
        await other.query('ROLLBACK').catch(() => undefined);
        await other.end();
        await elsewhere.drop();
      }
    });

    it('is not held back by a transaction of this database that has not touched the store (a read model\'s write, say)', async () => {
      await raw.query('BEGIN');
      await raw.query('CREATE TEMPORARY TABLE read_model_write (id int)');
      await raw.query('SELECT pg_current_xact_id()');
      const appended = await store.append(`${prefix}ticket-1`, [newEvent()], NO_STREAM);
      expect((await store.readAll({ streamPrefix: prefix })).events).toEqual(appended.events);
    });

    it('is held back by a transaction of this database that has read the store before taking its id, as by one that appends', async () => {
      // Only a transaction with no lock on the events table is left out; any other may be about to append.
      await raw.query('BEGIN');
      await raw.query('SELECT count(*) FROM events');
      await raw.query('SELECT pg_current_xact_id()');
      await store.append(`${prefix}ticket-1`, [newEvent()], NO_STREAM);
      expect((await store.readAll({ streamPrefix: prefix })).events).toEqual([]);
      await raw.query('COMMIT');
      expect(await readAllEventually(store, prefix, 1)).toHaveLength(1);
    });

    it('does not let one stream held open stop an append to another stream, only to the same one', async () => {
      const held = `${prefix}held`;
      const other = `${prefix}other`;
      await raw.query('BEGIN');
      await appendRaw(raw, held, [newEvent()], NO_STREAM);

      const otherAppend = await withTimeout(store.append(other, [newEvent()], NO_STREAM), 2_000);
      expect(otherAppend.nextExpectedVersion).toBe(0);

      let settled = false;
      const sameStream = store.append(held, [newEvent()], NO_STREAM).finally(() => (settled = true));
      sameStream.catch(() => undefined);
      await sleep(300);
      expect(settled).toBe(false);
      await raw.query('COMMIT');
      await expect(sameStream).rejects.toMatchObject({ streamId: held, expectedVersion: NO_STREAM, actualVersion: 0 });
    });

    it('keeps the link before each stream head beside it, whichever append statement moved the head', async () => {
      const one = `${prefix}one`;
      const many = `${prefix}many`;
      const steps: [stream: string, count: number, expected: number][] = [
        [one, 1, NO_STREAM],
        [one, 1, 0],
        [many, 2, NO_STREAM],
        [many, 3, 1],
        [one, 2, 1],
        [many, 1, 4],
      ];
      for (const [stream, count, expected] of steps) {
        const { events: appended } = await store.append(stream, Array.from({ length: count }, newEvent), expected);
        const { rows } = await raw.query('SELECT version::int AS version, previous_hash, last_hash FROM streams WHERE stream_id = $1', [stream]);
        const last = appended[appended.length - 1];
        expect(rows).toEqual([{ version: last.streamPosition, previous_hash: last.previousHash, last_hash: last.hash }]);
        expect(last).toEqual((await store.readStream(stream)).at(-1));
      }
    });

    it('fills in the link before the head of the streams a store held before it kept it (migration 007)', async () => {
      const older = await createTestDatabase('event_store_007');
      const client = new Client({ connectionString: older.url });
      await client.connect();
      try {
        await runMigrations(client, migrations.slice(0, migrations.indexOf(streamHeadPreviousHash)));
        // Two events of a stream as the previous version left them: rows, and a head without the link before it.
        const [first, second] = stampEvents('intake-ticket-old', 0, [newEvent(), newEvent()], new Date().toISOString());
        const firstHash = chainHash(GENESIS_HASH, first.contentHash);
        const secondHash = chainHash(firstHash, second.contentHash);
        await client.query('BEGIN');
        await client.query(`SET LOCAL ${APPENDING_SETTING} = 'on'`);
        for (const [event, previous, hash] of [
          [first, GENESIS_HASH, firstHash],
          [second, firstHash, secondHash],
        ] as const) {
          await client.query(
            `INSERT INTO events (global_position, stream_id, stream_position, event_id, type, schema_version, ticket_id, data, metadata, content_hash, previous_hash, hash)
             VALUES ($1 + 1, $2, $1, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
            [event.streamPosition, event.streamId, event.eventId, event.type, event.schemaVersion, event.ticketId, event.data, event.metadata, event.contentHash, previous, hash],
          );
        }
        await client.query(`INSERT INTO streams (stream_id, version, last_hash) VALUES ('intake-ticket-old', 1, $1)`, [secondHash]);
        await client.query('COMMIT');

        await runMigrations(client, migrations);
        expect((await client.query(`SELECT previous_hash FROM streams WHERE stream_id = 'intake-ticket-old'`)).rows).toEqual([{ previous_hash: firstHash }]);
      } finally {
        await client.end();
        await older.drop();
      }
    });

    it('counts the events of the streams under a prefix as their heads say, in one query', async () => {
      await store.append(`${prefix}a`, [newEvent(), newEvent()], NO_STREAM);
      await store.append(`${prefix}b`, [newEvent()], NO_STREAM);
      await store.append(`${prefix}a`, [newEvent()], 1);
      await store.append(`other-${prefix}`, [newEvent()], NO_STREAM);

      expect(await store.countEvents(prefix)).toBe(4);
      expect(await store.countEvents(`${prefix}a`)).toBe(3);
      expect(await store.countEvents(`${prefix}none`)).toBe(0);
      expect(await store.countEvents(prefix, ['TicketNoted'])).toBe(4);
      expect(await store.countEvents(prefix, ['TicketClosed'])).toBe(0);
    });

    it('reads only the types asked for, and moves its checkpoint past the others', async () => {
      const closed = { ...newEvent(), type: 'TicketClosed' };
      await store.append(`${prefix}a`, [newEvent(), closed, newEvent()], NO_STREAM);

      const all = await readAllEventually(store, prefix, 3);
      const page = await store.readAll({ streamPrefix: prefix, types: ['TicketClosed'] });
      expect(page.events.map(({ eventId }) => eventId)).toEqual([closed.eventId]);
      expect(page.checkpoint).toBe(all.at(-1)!.globalPosition);
      expect((await store.readAll({ streamPrefix: prefix, types: ['TicketClosed'], after: page.checkpoint })).events).toEqual([]);
    });

    it('reports a duplicate event id as a typed error and writes nothing', async () => {
      const event = newEvent();
      await store.append(`${prefix}one`, [event], NO_STREAM);

      const elsewhere = store.append(`${prefix}two`, [newEvent(), event], NO_STREAM);
      await expect(elsewhere).rejects.toBeInstanceOf(DuplicateEventId);
      await expect(elsewhere).rejects.toMatchObject({ streamId: `${prefix}two`, eventId: event.eventId });
      expect(await store.streamHead(`${prefix}two`)).toBeNull();

      const twiceInOneBatch = newEvent();
      await expect(store.append(`${prefix}three`, [twiceInOneBatch, twiceInOneBatch], NO_STREAM)).rejects.toMatchObject({
        code: 'DUPLICATE_EVENT_ID',
        eventId: twiceInOneBatch.eventId,
      });
    });

    it('refuses a row written into events other than by the append, with an error that says so, and appends on', async () => {
      const stream = `${prefix}ticket-1`;
      const [recorded] = (await store.append(stream, [newEvent()], NO_STREAM)).events;
      // A writer that keeps every other rule (position from its transaction id, first write of its transaction) is still refused.
      const plainInsert = raw.query(
        `INSERT INTO events (global_position, stream_id, stream_position, event_id, type, schema_version, ticket_id, data, metadata, content_hash, previous_hash, hash)
         SELECT (pg_current_xact_id()::text::bigint << 20) + 1, stream_id, 1, gen_random_uuid(), type, schema_version, ticket_id, data, metadata, content_hash, hash, hash
           FROM events WHERE event_id = $1`,
        [recorded.eventId],
      );
      await expect(plainInsert).rejects.toMatchObject({
        code: DIRECT_INSERT_SQLSTATE,
        message: expect.stringMatching(/written only by the event store's append; a direct INSERT into events is refused/),
      });

      // The test is the trigger's WHEN clause, so appends never run the refusing function (006).
      const [guard] = (await raw.query(`SELECT pg_get_triggerdef(oid) AS definition FROM pg_trigger WHERE tgname = 'events_only_through_append'`)).rows;
      expect(guard.definition).toMatch(/ WHEN \(\(COALESCE\(current_setting\('handoff\.appending'::text, true\), ''::text\) <> 'on'::text\)\) EXECUTE FUNCTION handoff_refuse_direct_insert\(\)$/);

      // The setting each append statement (one event, several) sets lives only as long as the append's own transaction.
      for (const count of [1, 2]) {
        await appendRaw(raw, `${prefix}ticket-${count + 1}`, Array.from({ length: count }, newEvent), NO_STREAM);
        expect((await raw.query(`SELECT coalesce(current_setting('${APPENDING_SETTING}', true), '') AS setting`)).rows[0].setting).toBe('');
      }

      const next = await store.append(stream, [newEvent(), newEvent()], 0);
      expect((await store.readStream(stream)).map((event) => event.streamPosition)).toEqual([0, 1, 2]);
      expect(next.nextExpectedVersion).toBe(2);
      expect((await raw.query(`SELECT count(*)::int AS n FROM pg_proc WHERE proname = 'handoff_append'`)).rows[0].n).toBe(0);
    });

    // One event and several, to a new stream and to one that has events, go through different statements.
    it.each([1, 2])('lets exactly one of many writers racing to create or extend a stream win, %i event(s) each, and tells the others its version', async (count) => {
      const stream = `${prefix}new`;
      const race = async (expected: number) => {
        const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => store.append(stream, Array.from({ length: count }, newEvent), expected)));
        const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(7);
        lost.forEach((reason) => expect(reason).toMatchObject({ code: 'CONCURRENCY_CONFLICT', expectedVersion: expected, actualVersion: expected + count }));
      };
      await race(NO_STREAM);
      await race(count - 1);
      const events = await store.readStream(stream);
      expect(events.map((event) => event.streamPosition)).toEqual(Array.from({ length: 2 * count }, (_, position) => position));
      expect(verifyChain(events, (await store.streamHead(stream))?.hash)).toEqual({ ok: true, eventsChecked: 2 * count });
    });

    it('maps a stale expected version to ConcurrencyConflict with the actual version', async () => {
      const stream = `${prefix}ticket-1`;
      await store.append(stream, [newEvent(), newEvent(), newEvent()], NO_STREAM);
      const stale = store.append(stream, [newEvent()], 0);
      await expect(stale).rejects.toBeInstanceOf(ConcurrencyConflict);
      await expect(stale).rejects.toMatchObject({ expectedVersion: 0, actualVersion: 2 });
    });

    it('moves the checkpoint past other prefixes, so a filtered reader does not rescan them', async () => {
      await store.append(`${prefix}theirs`, [newEvent(), newEvent()], NO_STREAM);
      await readAllEventually(store, prefix, 2);
      const page = await store.readAll({ streamPrefix: `${prefix}mine` });
      expect(page.events).toEqual([]);
      expect(page.checkpoint).not.toBeNull();
      const mine = await store.append(`${prefix}mine`, [newEvent()], NO_STREAM);
      expect(await readAllEventually(store, `${prefix}mine`, 1, page.checkpoint)).toEqual(mine.events);
    });

    /** Subscribes on a second store, so each test can choose how that subscriber learns of new events. */
    async function subscribeWith(
      options: { pollIntervalMs: number; notifyChannel?: string },
      run: (received: RecordedEvent[]) => Promise<void>,
    ): Promise<void> {
      const subscriber = await createPostgresEventStore({ connectionString: database.url, ...options });
      const received: RecordedEvent[] = [];
      let subscription: Subscription | undefined;
      try {
        subscription = subscriber.subscribe({
          streamPrefix: prefix,
          onEvents: async (events) => void received.push(...events),
        });
        // Let the subscription catch up and its LISTEN connection open before the test appends.
        await sleep(300);
        await run(received);
      } finally {
        await subscription?.stop();
        await subscriber.close();
      }
    }

    it('wakes subscribers through LISTEN/NOTIFY without waiting for the poll interval', async () => {
      await subscribeWith({ pollIntervalMs: 60_000 }, async (received) => {
        await store.append(`${prefix}ticket-1`, [newEvent()], NO_STREAM);
        await eventually(() => received.length === 1, 'received.length === 1', 5_000);
      });
    });

    it('delivers an announced event soon after the horizon passes it, though no second notification follows', async () => {
      await subscribeWith({ pollIntervalMs: 60_000 }, async (received) => {
        // An append in flight to a stream outside the prefix holds the horizon.
        await raw.query('BEGIN');
        await appendRaw(raw, `held-${prefix}ticket-0`, [newEvent()], NO_STREAM);
        await store.append(`${prefix}ticket-1`, [newEvent()], NO_STREAM);
        await sleep(400);
        expect(received).toEqual([]);
        await raw.query('COMMIT');
        await eventually(() => received.length === 1, 'received.length === 1', 5_000);
      });
    });

    it('tells only its own process when told not to notify others, at once', async () => {
      const quiet = await createPostgresEventStore({ connectionString: database.url, notifyOtherProcesses: false });
      const heard: (Checkpoint | undefined)[] = [];
      const unwatch = quiet.watch((appendedUpTo) => heard.push(appendedUpTo));
      try {
        await subscribeWith({ pollIntervalMs: 60_000 }, async (received) => {
          const [appended] = (await quiet.append(`${prefix}ticket-1`, [newEvent()], NO_STREAM)).events;
          expect(heard).toEqual([appended.globalPosition]);
          // Another process hears nothing until it polls; a minute here.
          await sleep(1_000);
          expect(received).toEqual([]);
          // The same append through a store that notifies wakes it at once.
          await store.append(`${prefix}ticket-2`, [newEvent()], NO_STREAM);
          await eventually(() => received.length === 2, 'both events received', 5_000);
        });
      } finally {
        unwatch();
        await quiet.close();
      }
    });

    it('falls back to polling when no notification arrives at all', async () => {
      await subscribeWith({ pollIntervalMs: 100, notifyChannel: `unused_${uniqueSuffix()}` }, async (received) => {
        await store.append(`${prefix}ticket-1`, [newEvent()], NO_STREAM);
        await eventually(() => received.length === 1, 'received.length === 1', 5_000);
      });
    });

    it('migrates once when several services start at the same time', async () => {
      const fresh = await createTestDatabase('event_store_migrate');
      try {
        await Promise.all(Array.from({ length: 4 }, () => migratePostgresEventStore(fresh.url)));
        const client = new Client({ connectionString: fresh.url });
        await client.connect();
        try {
          const { rows } = await client.query<{ id: string }>('SELECT id FROM event_store_migrations ORDER BY id');
          expect(rows.map((row) => row.id)).toEqual(migrations.map((migration) => migration.id));
        } finally {
          await client.end();
        }
      } finally {
        await fresh.drop();
      }
    });
  });

  describe('switching a store with events to positions from transaction ids (migration 004)', () => {
    const beforeSwitch = migrations.slice(0, migrations.indexOf(positionsFromTransactionIds));
    let fresh: TestDatabase;
    const clients: Client[] = [];

    beforeEach(async () => {
      fresh = await createTestDatabase('event_store_switch');
      const client = await connect();
      await runMigrations(client, beforeSwitch);
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)));
      await fresh.drop();
    });

    async function connect(): Promise<Client> {
      const client = new Client({ connectionString: fresh.url });
      await client.connect();
      clients.push(client);
      return client;
    }

    it('keeps the events appended under the position lock, appends after them, and resumes readAll from an old checkpoint', async () => {
      // Appended as the previous version did, through the function under the position lock.
      const previousVersion = await connect();
      const appendThroughFunction = async (streamId: string, count: number) => {
        const stamped = stampEvents(streamId, 0, Array.from({ length: count }, () => newEvent()), new Date().toISOString());
        await previousVersion.query('SELECT * FROM handoff_append($1, $2, $3::jsonb, NULL)', [streamId, NO_STREAM, JSON.stringify(stamped)]);
      };
      await appendThroughFunction('intake-ticket-a', 3);
      await appendThroughFunction('intake-ticket-b', 2);
      const before = new PostgresEventStore({ connectionString: fresh.url });
      let old: RecordedEvent[];
      let oldCheckpoint: string | null;
      try {
        old = await readAllEventually(before, 'intake-', 5);
        expect(old.map((event) => event.globalPosition)).toEqual(['1', '2', '3', '4', '5']);
        oldCheckpoint = (await before.readAll({ streamPrefix: 'intake-' })).checkpoint;
      } finally {
        await before.close();
      }

      const after = await createPostgresEventStore({ connectionString: fresh.url });
      try {
        const continued = await after.append('intake-ticket-a', [newEvent()], 2);
        const started = await after.append('intake-ticket-c', [newEvent(), newEvent()], NO_STREAM);
        const appended = [...continued.events, ...started.events];
        const oldTop = old.map((event) => BigInt(event.globalPosition)).reduce((top, position) => (position > top ? position : top));
        expect(appended.every((event) => BigInt(event.globalPosition) > oldTop)).toBe(true);

        expect(await readAllEventually(after, 'intake-', 2, oldCheckpoint)).toEqual(appended);
        expect(await readAllEventually(after, 'intake-', 8)).toEqual([...old, ...appended]);
        const a = await after.readStream('intake-ticket-a');
        expect(a.map((event) => event.streamPosition)).toEqual([0, 1, 2, 3]);
        expect(verifyChain(a, (await after.streamHead('intake-ticket-a'))?.hash)).toEqual({ ok: true, eventsChecked: 4 });
      } finally {
        await after.close();
      }
    });

    it('fails an append of the old function that waits for the position lock during the switch, instead of giving it a position below younger ones', async () => {
      const holder = await connect();
      const migrator = await connect();
      const straggler = await connect();
      await holder.query('SELECT pg_advisory_lock($1::int, $2::int)', [LOCK_CLASS, POSITION_LOCK]);
      const waitingForPositionLock = async (count: number) => {
        const { rows } = await holder.query<{ waiting: number }>(
          `SELECT count(*)::int AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = $1 AND objid = $2`,
          [LOCK_CLASS, POSITION_LOCK],
        );
        return rows[0].waiting === count;
      };

      const switched = runMigrations(migrator, [positionsFromTransactionIds]);
      await eventually(() => waitingForPositionLock(1), 'the migration waits for the position lock');
      const stamped = stampEvents('intake-ticket-late', 0, [newEvent()], new Date().toISOString());
      const oldAppend = straggler.query('SELECT * FROM handoff_append($1, $2, $3::jsonb, NULL)', ['intake-ticket-late', NO_STREAM, JSON.stringify(stamped)]);
      oldAppend.catch(() => undefined);
      await eventually(() => waitingForPositionLock(2), 'the old append waits behind it');
      await holder.query('SELECT pg_advisory_unlock($1::int, $2::int)', [LOCK_CLASS, POSITION_LOCK]);

      await switched;
      await expect(oldAppend).rejects.toThrow(/events_global_position_seq/);
      const store = await createPostgresEventStore({ connectionString: fresh.url });
      try {
        expect(await store.streamHead('intake-ticket-late')).toBeNull();
        expect((await store.append('intake-ticket-late', [newEvent()], NO_STREAM)).nextExpectedVersion).toBe(0);
      } finally {
        await store.close();
      }
    });
  });
});

let counter = 0;

function newEvent(): NewEvent {
  counter++;
  return {
    eventId: newId(),
    type: 'TicketNoted',
    schemaVersion: 1,
    ticketId: `ticket-${counter}`,
    data: { note: `note ${counter}` },
    metadata: {
      correlationId: newId(),
      causationId: newId(),
      actorId: 'agent-7',
      role: 'cs',
      occurredAt: '2024-05-01T09:30:00.000Z',
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));


async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function readAllEventually(
  store: PostgresEventStore,
  streamPrefix: string,
  count: number,
  after: string | null = null,
): Promise<RecordedEvent[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { events } = await store.readAll({ after, streamPrefix });
    if (events.length >= count || Date.now() > deadline) return [...events];
    await sleep(20);
  }
}

import { chainHash, GENESIS_HASH, newId, type NewEvent, type RecordedEvent } from '@handoff/contracts';
import { createTestDatabase, eventually, type TestDatabase, uniqueSuffix } from '@handoff/testing';
import { Client } from 'pg';
import { ConcurrencyConflict, DuplicateEventId, NO_STREAM, type Subscription } from '../event-store';
import { eventStoreContract } from '../event-store.contract';
import { stampEvents } from '../stamping';
import { migratePostgresEventStore } from './migrate';
import { migrations } from './migrations';
import { NOT_FIRST_WRITE_SQLSTATE } from './migrations/002_append_function';
import { createPostgresEventStore, DEFAULT_NOTIFY_CHANNEL, type PostgresEventStore } from './postgres-event-store';

describe('PostgreSQL event store', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('event_store');
  });
  afterAll(async () => {
    await database?.drop();
  });

  describe('contract', () => {
    eventStoreContract({ open: () => createPostgresEventStore({ connectionString: database.url, poolSize: 12 }) });
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

    /** Calls the append function itself, the way the adapter does, on a connection the test controls. */
    async function appendRaw(client: Client, streamId: string, events: readonly NewEvent[], expected: number) {
      const stamped = stampEvents(streamId, expected + 1, events, new Date().toISOString());
      const { rows } = await client.query<{ appended_global_position: string }>(
        'SELECT * FROM handoff_append($1, $2, $3::jsonb, $4)',
        [streamId, expected, JSON.stringify(stamped), DEFAULT_NOTIFY_CHANNEL],
      );
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

    it('refuses to append in a transaction that has already written, since the horizon would no longer hold', async () => {
      await raw.query('BEGIN');
      await raw.query('SELECT pg_current_xact_id()');
      await expect(appendRaw(raw, `${prefix}ticket-1`, [newEvent()], NO_STREAM)).rejects.toMatchObject({
        code: NOT_FIRST_WRITE_SQLSTATE,
      });
    });

    it('maps a conflict raised inside the function to ConcurrencyConflict with the actual version', async () => {
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
        await raw.query('BEGIN');
        await raw.query('SELECT pg_current_xact_id()');
        await store.append(`${prefix}ticket-1`, [newEvent()], NO_STREAM);
        await sleep(400);
        expect(received).toEqual([]);
        await raw.query('COMMIT');
        await eventually(() => received.length === 1, 'received.length === 1', 5_000);
      });
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

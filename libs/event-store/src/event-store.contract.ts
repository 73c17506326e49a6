import {
  contentHashOf,
  chainHash,
  GENESIS_HASH,
  newId,
  verifyChain,
  type NewEvent,
  type RecordedEvent,
} from '@handoff/contracts';
import { eventually, uniqueSuffix } from '@handoff/testing';
import {
  type Checkpoint,
  ConcurrencyConflict,
  type EventStore,
  type ExpectedVersion,
  NO_STREAM,
  type ReadAllOptions,
  UnstorableEvent,
} from './event-store';

/**
 * The behaviour every EventStore adapter owes its callers. Declare it inside a describe that
 * prepares the backing database; `open` is called once, and the suite closes what it opens.
 * Tests share that store, so each writes under its own stream prefix and reads only that.
 */
export interface EventStoreContract {
  readonly open: () => Promise<EventStore>;
}

/** Visibility in readAll may lag a commit (another transaction on the server can hold the horizon back). */
const EVENTUALLY_MS = 10_000;

export function eventStoreContract({ open }: EventStoreContract): void {
  let store: EventStore;
  let prefix: string;

  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });
  beforeEach(() => {
    prefix = `contract-${uniqueSuffix()}-`;
  });

  describe('append and read', () => {
    it('round-trips every envelope field through append, readStream and readAll', async () => {
      const stream = `${prefix}ticket-1`;
      const first = newEvent('TicketOpened', {
        subject: 'Lieferung fehlt — ☎',
        items: [1, 2.5, { nested: true, nothing: null }],
        customer: { name: 'Ada', tags: [] },
      });
      const second: NewEvent = {
        ...newEvent('TicketRouted', { department: 'billing' }),
        metadata: { ...first.metadata, department: 'billing', reason: 'invoice question', role: 'department_manager' },
      };
      const before = Date.now();
      const result = await store.append(stream, [first, second], NO_STREAM);
      const after = Date.now();

      expect(result.nextExpectedVersion).toBe(1);
      expect(result.events).toHaveLength(2);
      [first, second].forEach((input, index) => {
        const recorded = result.events[index];
        expect(recorded).toEqual({
          eventId: input.eventId,
          type: input.type,
          schemaVersion: input.schemaVersion,
          streamId: stream,
          streamPosition: index,
          globalPosition: expect.any(String),
          ticketId: input.ticketId,
          data: input.data,
          metadata: { ...input.metadata, recordedAt: expect.any(String) },
          contentHash: contentHashOf(recorded),
          previousHash: index === 0 ? GENESIS_HASH : result.events[index - 1].hash,
          hash: chainHash(recorded.previousHash, recorded.contentHash),
        });
        const recordedAt = Date.parse(recorded.metadata.recordedAt);
        expect(recordedAt).toBeGreaterThanOrEqual(before - 1);
        expect(recordedAt).toBeLessThanOrEqual(after + 1);
      });

      expect(await store.readStream(stream)).toEqual(result.events);
      expect(await store.readStream(stream, 1)).toEqual([result.events[1]]);
      expect(await readAllEventually(store, { streamPrefix: prefix }, 2)).toEqual(result.events);
    });

    it('returns nothing for a stream that does not exist', async () => {
      expect(await store.readStream(`${prefix}missing`)).toEqual([]);
      expect(await store.streamHead(`${prefix}missing`)).toBeNull();
    });

    it('stores data the way it reads back, so the hash of a Date or an undefined member still verifies', async () => {
      const stream = `${prefix}ticket-1`;
      const appended = await store.append(
        stream,
        [newEvent('TicketOpened', { at: new Date('2024-05-01T10:00:00.000Z'), gone: undefined, kept: 1 })],
        NO_STREAM,
      );
      const [read] = await store.readStream(stream);
      expect(read.data).toEqual({ at: '2024-05-01T10:00:00.000Z', kept: 1 });
      expect(read).toEqual(appended.events[0]);
      expect(verifyChain([read]).ok).toBe(true);
    });

    it('refuses data holding the NUL character with an error naming the event type, and writes nothing', async () => {
      const stream = `${prefix}ticket-1`;
      const append = store.append(stream, [newEvent('CustomerWrote', { text: 'hello\u0000world' })], NO_STREAM);
      await expect(append).rejects.toBeInstanceOf(UnstorableEvent);
      await expect(append).rejects.toThrow(/CustomerWrote.*NUL/);
      expect(await store.streamHead(stream)).toBeNull();
    });
  });

  describe('expected version', () => {
    it('creates a new stream only when told it does not exist yet', async () => {
      const stream = `${prefix}ticket-1`;
      await expect(store.append(stream, [newEvent()], 0)).rejects.toMatchObject(conflict(stream, 0, NO_STREAM));
      const created = await store.append(stream, [newEvent(), newEvent()], NO_STREAM);
      expect(created.nextExpectedVersion).toBe(1);
      await expect(store.append(stream, [newEvent()], NO_STREAM)).rejects.toMatchObject(conflict(stream, NO_STREAM, 1));
    });

    it('appends at the exact version and refuses a stale one with the actual version, writing nothing', async () => {
      const stream = `${prefix}ticket-1`;
      const { nextExpectedVersion } = await store.append(stream, [newEvent()], NO_STREAM);
      const next = await store.append(stream, [newEvent(), newEvent()], nextExpectedVersion);
      expect(next.nextExpectedVersion).toBe(2);
      expect(next.events.map((event) => event.streamPosition)).toEqual([1, 2]);

      const stale = store.append(stream, [newEvent()], nextExpectedVersion);
      await expect(stale).rejects.toBeInstanceOf(ConcurrencyConflict);
      await expect(stale).rejects.toMatchObject(conflict(stream, 0, 2));
      expect(await store.readStream(stream)).toHaveLength(3);
      expect((await store.streamHead(stream))?.version).toBe(2);
    });

    it("appends wherever the stream is with 'any', new or existing, and keeps the chain", async () => {
      const stream = `${prefix}ticket-1`;
      const created = await store.append(stream, [newEvent()], 'any');
      expect(created.events[0].streamPosition).toBe(0);
      await store.append(stream, [newEvent()], 0);
      const more = await store.append(stream, [newEvent(), newEvent()], 'any');
      expect(more.nextExpectedVersion).toBe(3);
      expect(more.events.map((event) => event.streamPosition)).toEqual([2, 3]);
      const head = await store.streamHead(stream);
      expect(verifyChain(await store.readStream(stream), head?.hash)).toEqual({ ok: true, eventsChecked: 4 });
    });

    it('treats an empty append as a version check that writes nothing', async () => {
      const stream = `${prefix}ticket-1`;
      expect(await store.append(stream, [], NO_STREAM)).toEqual({ nextExpectedVersion: NO_STREAM, events: [] });
      await store.append(stream, [newEvent()], NO_STREAM);
      expect(await store.append(stream, [], 0)).toEqual({ nextExpectedVersion: 0, events: [] });
      await expect(store.append(stream, [], NO_STREAM)).rejects.toMatchObject(conflict(stream, NO_STREAM, 0));
      expect(await store.readStream(stream)).toHaveLength(1);
    });
  });

  describe('hash chain', () => {
    it('links every event to the one before, from GENESIS_HASH, and ends at the head the store keeps', async () => {
      const stream = `${prefix}ticket-1`;
      await store.append(stream, [newEvent(), newEvent(), newEvent()], NO_STREAM);
      await store.append(stream, [newEvent()], 2);
      await store.append(stream, [newEvent(), newEvent()], 'any');
      const events = await store.readStream(stream);
      const head = await store.streamHead(stream);

      expect(events[0].previousHash).toBe(GENESIS_HASH);
      expect(head).toEqual({ version: 5, hash: events[5].hash });
      expect(verifyChain(events, head?.hash)).toEqual({ ok: true, eventsChecked: 6 });
    });

    it('gives verifyChain what it needs to catch an edited or a deleted event', async () => {
      const stream = `${prefix}ticket-1`;
      await store.append(stream, [newEvent('TicketOpened', { amount: 10 }), newEvent(), newEvent()], NO_STREAM);
      const events = await store.readStream(stream);
      const head = await store.streamHead(stream);
      const edited = events.map((event, index) => (index === 1 ? { ...event, data: { amount: 1_000 } } : event));

      expect(verifyChain(edited, head?.hash).firstBreak).toMatchObject({ kind: 'content_changed', streamPosition: 1 });
      expect(verifyChain(events.slice(0, 2), head?.hash).firstBreak).toMatchObject({ kind: 'head_mismatch' });
    });
  });

  describe('readAll', () => {
    it('returns events in the order they were appended, in pages, resuming from each checkpoint', async () => {
      const appended: RecordedEvent[] = [];
      for (const stream of ['a', 'b', 'a', 'c', 'b', 'a']) {
        const { events } = await store.append(`${prefix}${stream}`, [newEvent(), newEvent()], 'any');
        appended.push(...events);
      }
      await readAllEventually(store, { streamPrefix: prefix }, appended.length);

      const pages: (readonly RecordedEvent[])[] = [];
      let checkpoint: Checkpoint = null;
      for (;;) {
        const page = await store.readAll({ after: checkpoint, limit: 5, streamPrefix: prefix });
        if (page.events.length === 0) {
          expect(page.checkpoint).toBe(checkpoint);
          break;
        }
        expect(page.events.length).toBeLessThanOrEqual(5);
        pages.push(page.events);
        checkpoint = page.checkpoint;
      }
      expect(pages.flat().map((event) => event.eventId)).toEqual(appended.map((event) => event.eventId));
      expect(pages.flat()).toEqual(appended);
      expect(pages[0]).toHaveLength(5);

      const later = await store.append(`${prefix}d`, [newEvent()], NO_STREAM);
      expect(await readAllEventually(store, { after: checkpoint, streamPrefix: prefix }, 1)).toEqual(later.events);
    });

    it('keeps to the stream prefix it is given', async () => {
      const mine = await store.append(`${prefix}mine-1`, [newEvent()], NO_STREAM);
      await store.append(`other-${prefix}1`, [newEvent()], NO_STREAM);
      const alsoMine = await store.append(`${prefix}mine-2`, [newEvent()], NO_STREAM);
      const read = await readAllEventually(store, { streamPrefix: `${prefix}mine-` }, 2);
      expect(read).toEqual([...mine.events, ...alsoMine.events]);
    });
  });

  describe('subscribe', () => {
    it('delivers the events already there, then new ones as they come, and nothing after stop', async () => {
      const stream = `${prefix}ticket-1`;
      const existing = await store.append(stream, [newEvent(), newEvent(), newEvent()], NO_STREAM);
      const received: RecordedEvent[] = [];
      const checkpoints: Checkpoint[] = [];
      const subscription = store.subscribe({
        streamPrefix: prefix,
        onEvents: async (events, checkpoint) => {
          received.push(...events);
          checkpoints.push(checkpoint);
        },
      });
      try {
        await eventually(() => received.length === 3, 'received.length === 3');
        const fresh = await store.append(stream, [newEvent(), newEvent()], 2);
        await eventually(() => received.length === 5, 'received.length === 5');
        expect(received).toEqual([...existing.events, ...fresh.events]);
        expect(checkpoints[checkpoints.length - 1]).toEqual(expect.any(String));
      } finally {
        await subscription.stop();
      }
      await store.append(stream, [newEvent()], 4);
      await sleep(500);
      expect(received).toHaveLength(5);
    });

    it('starts after the checkpoint it is given', async () => {
      const stream = `${prefix}ticket-1`;
      await store.append(stream, [newEvent(), newEvent()], NO_STREAM);
      const { checkpoint } = await readAllPageEventually(store, { streamPrefix: prefix }, 2);
      const later = await store.append(stream, [newEvent()], 1);
      const received: RecordedEvent[] = [];
      const subscription = store.subscribe({
        after: checkpoint,
        streamPrefix: prefix,
        onEvents: async (events) => {
          received.push(...events);
        },
      });
      try {
        await eventually(() => received.length >= 1, 'received.length >= 1');
        await sleep(200);
        expect(received).toEqual(later.events);
      } finally {
        await subscription.stop();
      }
    });

    it('lets the page in hand finish before stop() resolves', async () => {
      const stream = `${prefix}ticket-1`;
      await store.append(stream, [newEvent()], NO_STREAM);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let handling = false;
      let handled = 0;
      const subscription = store.subscribe({
        streamPrefix: prefix,
        onEvents: async (events) => {
          handling = true;
          await released;
          handled += events.length;
          handling = false;
        },
      });
      await eventually(() => handling, 'handling');
      let stopped = false;
      const stopping = subscription.stop().then(() => (stopped = true));
      await sleep(150);
      expect(stopped).toBe(false);
      release();
      await stopping;
      expect(handled).toBe(1);
      await store.append(stream, [newEvent()], 0);
      await sleep(300);
      expect(handled).toBe(1);
    });

    it('stops and reports through onError when a handler fails', async () => {
      const stream = `${prefix}ticket-1`;
      await store.append(stream, [newEvent()], NO_STREAM);
      const failure = new Error('projection broke');
      const errors: unknown[] = [];
      let calls = 0;
      const subscription = store.subscribe({
        streamPrefix: prefix,
        onEvents: async () => {
          calls++;
          throw failure;
        },
        onError: (error) => errors.push(error),
      });
      await eventually(() => errors.length === 1, 'errors.length === 1');
      expect(errors).toEqual([failure]);
      await store.append(stream, [newEvent()], 0);
      await sleep(300);
      expect(calls).toBe(1);
      await subscription.stop();
    });
  });

  it('lists the streams under a prefix', async () => {
    for (const name of ['b', 'a', 'c']) await store.append(`${prefix}${name}`, [newEvent()], NO_STREAM);
    await store.append(`other-${prefix}a`, [newEvent()], NO_STREAM);
    const listed: string[] = [];
    for await (const streamId of store.listStreams(prefix)) listed.push(streamId);
    expect(listed.sort()).toEqual([`${prefix}a`, `${prefix}b`, `${prefix}c`]);
  });

  it(
    'loses, duplicates and reorders nothing while 32 writers race on shared streams and readers follow',
    async () => {
      const writers = 32;
      const eventsPerWriter = 40;
      const streams = Array.from({ length: 16 }, (_, index) => `${prefix}shared-${index}`);
      const total = writers * eventsPerWriter;
      const written = new Set<string>();
      let writing = true;
      let abandoned = false;

      // Page sizes differ, so the readers resume from different checkpoints; each must see the same order.
      const follow = (limit: number) => {
        const seen: RecordedEvent[] = [];
        const done = (async () => {
          let checkpoint: Checkpoint = null;
          while (seen.length < total && !abandoned) {
            const page = await store.readAll({ after: checkpoint, limit, streamPrefix: prefix });
            seen.push(...page.events);
            checkpoint = page.checkpoint;
            if (page.events.length === 0) await sleep(writing ? 1 : 20);
          }
        })();
        return { seen, done };
      };
      const smallPages = follow(7);
      const largePages = follow(250);

      const subscribed: RecordedEvent[] = [];
      const subscription = store.subscribe({
        streamPrefix: prefix,
        limit: 50,
        onEvents: async (events) => {
          subscribed.push(...events);
        },
      });

      const writer = async (index: number): Promise<void> => {
        const known = new Map<string, ExpectedVersion>();
        let remaining = eventsPerWriter;
        for (let step = 0; remaining > 0; step++) {
          const stream = streams[(index + step) % streams.length];
          const batch = Array.from({ length: Math.min(remaining, 1 + (step % 3)) }, () =>
            newEvent('WorkLogged', { writer: index, step }),
          );
          // A quarter of the writers never track versions and rely on 'any'.
          let expected: ExpectedVersion = index % 4 === 0 ? 'any' : (known.get(stream) ?? NO_STREAM);
          for (;;) {
            try {
              const result = await store.append(stream, batch, expected);
              known.set(stream, result.nextExpectedVersion);
              break;
            } catch (error) {
              if (!(error instanceof ConcurrencyConflict)) throw error;
              expected = error.actualVersion;
            }
          }
          batch.forEach((event) => written.add(event.eventId));
          remaining -= batch.length;
        }
      };

      try {
        await Promise.all(Array.from({ length: writers }, (_, index) => writer(index)));
        writing = false;
        // A reader that skipped an event would wait here forever; the tally below says what it missed.
        await eventually(() => smallPages.seen.length >= total, 'smallPages.seen.length >= total').catch(() => undefined);
        await eventually(() => largePages.seen.length >= total, 'largePages.seen.length >= total').catch(() => undefined);
        await eventually(() => subscribed.length >= total, 'subscribed.length >= total').catch(() => undefined);
      } finally {
        writing = false;
        abandoned = true;
        await subscription.stop();
        await Promise.all([smallPages.done, largePages.done]);
      }

      expect(written.size).toBe(total);
      const settled = await readAllEventually(store, { streamPrefix: prefix, limit: 10_000 }, total);
      for (const [reader, seen] of [
        ['readAll follower, pages of 7', smallPages.seen],
        ['readAll follower, pages of 250', largePages.seen],
        ['subscription', subscribed],
      ] as const) {
        const ids = seen.map((event) => event.eventId);
        expect({
          reader,
          missed: [...written].filter((id) => !ids.includes(id)).length,
          duplicated: ids.length - new Set(ids).size,
          // Same order as one read over the settled store: nothing was slipped in behind the reader.
          inSettledOrder: ids.join() === settled.map((event) => event.eventId).join(),
        }).toEqual({ reader, missed: 0, duplicated: 0, inSettledOrder: true });
      }

      for (const stream of streams) {
        const inGlobalOrder = settled.filter((event) => event.streamId === stream);
        expect(inGlobalOrder.map((event) => event.streamPosition)).toEqual(inGlobalOrder.map((_, index) => index));
        const head = await store.streamHead(stream);
        const events = await store.readStream(stream);
        expect(events).toEqual(inGlobalOrder);
        expect(verifyChain(events, head?.hash)).toEqual({ ok: true, eventsChecked: events.length });
      }
    },
    60_000,
  );
}

let counter = 0;

function newEvent(type = 'TicketNoted', data: unknown = { note: `note ${++counter}` }): NewEvent {
  return {
    eventId: newId(),
    type,
    schemaVersion: 1,
    ticketId: `ticket-${counter}`,
    data,
    metadata: {
      correlationId: newId(),
      causationId: newId(),
      actorId: 'agent-7',
      role: 'cs',
      occurredAt: '2024-05-01T09:30:00.000Z',
    },
  };
}

const conflict = (streamId: string, expectedVersion: ExpectedVersion, actualVersion: number) => ({
  code: 'CONCURRENCY_CONFLICT',
  streamId,
  expectedVersion,
  actualVersion,
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));


async function readAllPageEventually(store: EventStore, options: ReadAllOptions, count: number) {
  const deadline = Date.now() + EVENTUALLY_MS;
  for (;;) {
    const page = await store.readAll({ limit: 10_000, ...options });
    if (page.events.length >= count || Date.now() > deadline) return page;
    await sleep(20);
  }
}

/** Everything readAll returns once `count` events are visible (or what it has at the deadline). */
async function readAllEventually(store: EventStore, options: ReadAllOptions, count: number): Promise<RecordedEvent[]> {
  return [...(await readAllPageEventually(store, options, count)).events];
}

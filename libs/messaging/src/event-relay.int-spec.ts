import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@handoff/contracts';
import { NO_STREAM, type EventStore, type ReadAllPage } from '@handoff/event-store';
import { eventually } from '@handoff/testing';
import { MessagingTestBed, quietLogger } from '@handoff/testing/pipeline';
import { EventRelay } from './event-relay';

/**
 * Under a light load every append is a relay round of its own, so what a round reads is what
 * each append costs. The store's announcement wakes the relay; once it has published what was
 * announced, another read would come back empty, and the relay sleeps until the next one instead.
 */
describe('the relay under a light load', () => {
  const bed = MessagingTestBed.forThisFile('relay-light', { logger: quietLogger() });

  const event = (ticketId: string): NewEvent => ({
    eventId: randomUUID(),
    type: 'TicketNoted',
    schemaVersion: 1,
    ticketId,
    data: {},
    metadata: { correlationId: ticketId, causationId: randomUUID(), actorId: 'agent-1', role: 'cs', occurredAt: new Date().toISOString() },
  });

  it('reads nothing more after publishing a lone append, and publishes the next one as soon as it is announced', async () => {
    // The store as the relay sees it, every read it makes written down (the reads themselves are the store's).
    const reads: { at: number; events: number }[] = [];
    const store: EventStore = Object.create(bed.store) as EventStore;
    store.readAll = async (options) => {
      const page: ReadAllPage = await bed.store.readAll(options);
      reads.push({ at: Date.now(), events: page.events.length });
      return page;
    };
    // The safety-net read is further off than the test lasts, so a publish can only follow an
    // announcement: a wall-clock bound here failed on a loaded CI machine (1.7 s against 1.5 s).
    const relay = await bed.start(
      new EventRelay({ name: 'light', store, kafka: bed.kafka, topic: bed.topic, dataSource: bed.dataSource, logger: quietLogger(), idleDelayMs: 600_000 }),
    );
    await eventually(() => relay.status().caughtUp, 'the relay to catch up with the empty store');

    for (let round = 1; round <= 3; round++) {
      const ticketId = randomUUID();
      const appendedAt = Date.now();
      await bed.store.append(`ticket-${ticketId}`, [event(ticketId)], NO_STREAM);
      await eventually(() => relay.status().publishedEvents >= round && relay.status().caughtUp, `append ${round} to be published (woken by its announcement)`);
      const published = reads.findIndex((read) => read.at >= appendedAt && read.events > 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Before: every round ended with a read that found nothing.
      expect(reads.slice(published + 1)).toEqual([]);
    }
  });

  it('waits out its read gap only after a round during which appends were announced, and reads what came meanwhile together', async () => {
    const gapMs = 2_000;
    const reads: { at: number; events: number }[] = [];
    // A read that finds events can be held, as a slow round under load would be.
    let hold: Promise<void> | undefined;
    const store: EventStore = Object.create(bed.store) as EventStore;
    store.readAll = async (options) => {
      const at = Date.now();
      const page: ReadAllPage = await bed.store.readAll(options);
      reads.push({ at, events: page.events.length });
      if (page.events.length > 0 && hold) await hold;
      return page;
    };
    const relay = await bed.start(
      new EventRelay({ name: 'gap', store, kafka: bed.kafka, topic: bed.topic, dataSource: bed.dataSource, logger: quietLogger(), minReadGapMs: gapMs }),
    );
    await eventually(() => relay.status().caughtUp, 'the relay to catch up with the store');
    const before = relay.status().publishedEvents;
    const append = async () => {
      const ticketId = randomUUID();
      await bed.store.append(`ticket-${ticketId}`, [event(ticketId)], NO_STREAM);
    };

    // A light load: each append published before the next, none announced during a round.
    for (let round = 1; round <= 3; round++) {
      const appendedAt = Date.now();
      await append();
      await eventually(() => relay.status().publishedEvents === before + round && relay.status().caughtUp, `light append ${round} to be published`);
      const found = reads.find((read) => read.at >= appendedAt && read.events > 0)!;
      // Read on its announcement, not after the gap (the margin is half the gap, for a loaded machine).
      expect(found.at - appendedAt).toBeLessThan(gapMs / 2);
    }

    // A round held while one more append is announced, then five more straight after it.
    let release!: () => void;
    hold = new Promise<void>((resolve) => (release = resolve));
    const heldAt = Date.now();
    await append();
    await eventually(() => reads.some((read) => read.at >= heldAt && read.events > 0), 'the read of the held round');
    hold = undefined;
    await append();
    release();
    await eventually(() => relay.status().publishedEvents >= before + 4, 'the held round to be published');
    const heldRead = reads.find((read) => read.at >= heldAt && read.events > 0)!;
    for (let index = 0; index < 5; index++) await append();
    expect(Date.now() - heldRead.at).toBeLessThan(gapMs);
    await eventually(() => relay.status().publishedEvents === before + 10, 'the six appends after the held read to be published');
    const after = reads.filter((read) => read.at > heldRead.at && read.events > 0);
    // Before: a read for each append, or nearly.
    expect(after.map((read) => read.events)).toEqual([6]);
    // The gap counts from the relay's own clock reading, a moment before this one's (and timers round to the millisecond).
    expect(after[0].at - heldRead.at).toBeGreaterThanOrEqual(gapMs - 50);
  });

  it('stops at once when asked during a read, rather than sleeping out its pause after it', async () => {
    let readBegun!: () => void;
    let release!: () => void;
    const begun = new Promise<void>((resolve) => (readBegun = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    let holdReads = false;
    const store: EventStore = Object.create(bed.store) as EventStore;
    store.readAll = async (options) => {
      if (holdReads) {
        readBegun();
        await gate;
      }
      return bed.store.readAll(options);
    };
    const relay = await bed.start(
      new EventRelay({ name: 'stop-in-read', store, kafka: bed.kafka, topic: bed.topic, dataSource: bed.dataSource, logger: quietLogger(), idleDelayMs: 600_000 }),
    );
    await eventually(() => relay.status().caughtUp, 'the relay to catch up');
    const publishedBefore = relay.status().publishedEvents;
    holdReads = true;
    const ticketId = randomUUID();
    await bed.store.append(`ticket-${ticketId}`, [event(ticketId)], NO_STREAM);
    await begun;
    // The stop finds the loop in its read, not asleep; the read then returns the append, which
    // is published, and the loop's next step is its pause (600 s here, 2 s by default).
    const stopped = relay.stop().then(() => 'stopped');
    release();
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([stopped, new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still stopping after 20 s'), 20_000)))]);
    clearTimeout(timer);
    expect(outcome).toBe('stopped');
    expect(relay.status()).toMatchObject({ state: 'stopped', publishedEvents: publishedBefore + 1 });
  });

  it('stores its checkpoint at most once per interval while publishing each append, and what it published when it stops', async () => {
    const stored = async (): Promise<string | null> =>
      ((await bed.dataSource.query('SELECT checkpoint FROM relay_checkpoints WHERE relay_name = $1', ['interval']))[0]?.checkpoint as string | null) ?? null;
    // Longer than the test: the only writes are the first page's and the one stop() makes.
    const relay = await bed.start(
      new EventRelay({ name: 'interval', store: bed.store, kafka: bed.kafka, topic: bed.topic, dataSource: bed.dataSource, logger: quietLogger(), checkpointIntervalMs: 600_000 }),
    );
    await eventually(() => relay.status().caughtUp, 'the relay to catch up');
    const atStart = await stored();

    for (let round = 1; round <= 3; round++) {
      const ticketId = randomUUID();
      await bed.store.append(`ticket-${ticketId}`, [event(ticketId)], NO_STREAM);
      await eventually(() => relay.status().publishedEvents >= round, `append ${round} to be published`);
    }
    const published = relay.status().publishedCheckpoint;
    // Published, and stored only once the interval has passed, or when the relay stops.
    expect(await stored()).toBe(atStart);
    expect(relay.status().checkpoint).toBe(atStart);
    await relay.stop();
    // At least what it published, or further if a later read moved past other transactions.
    const atStop = await stored();
    expect(BigInt(atStop!)).toBeGreaterThanOrEqual(BigInt(published!));
    expect(atStop).toBe(relay.status().publishedCheckpoint);
    expect(relay.status().checkpoint).toBe(atStop);
  });
});

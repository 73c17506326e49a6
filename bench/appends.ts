import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@handoff/contracts';
import { type Checkpoint, ConcurrencyConflict, createPostgresEventStore, type PostgresEventStore } from '@handoff/event-store';
import { type BenchInfra, rawPool } from './infra';
import { inParallel, timed, type Report } from './report';
import { RAW_TABLE } from './store';

export interface AppendsSettings {
  /** Events written by each single-event run (and by its baseline), per concurrency. */
  readonly singleEvents: number;
  /** How many appends (and baseline INSERTs) are in flight at once. */
  readonly singleConcurrencies: readonly number[];
  /** Events written by the multi-event run (and its baseline). */
  readonly batchEvents: number;
  readonly batchSize: number;
  readonly batchConcurrency: number;
  readonly streams: number;
  /** The size of each event's data, as JSON. */
  readonly eventBytes: number;
  /** The readAll check: this many writers append while one reader follows readAll. */
  readonly checkWriters: number;
  readonly checkEvents: number;
  readonly checkPage: number;
}

/** Each figure and its baseline are measured in this many alternating turns. */
const ROUNDS = 3;
const FAKE_HASH = 'a'.repeat(64);
const RAW_COLUMNS = 11;
/** After the writers finish, a reader that has not seen everything by then has skipped something. */
const CHECK_SETTLE_MS = 15_000;

/**
 * Appends against raw INSERTs into a table with the events table's columns and indexes, at the
 * concurrencies the issue names, each pair measured in alternating turns in the same run; then
 * whether readAll, followed while many writers append, loses or doubles anything.
 */
export async function benchAppends(infra: BenchInfra, report: Report, settings: AppendsSettings): Promise<void> {
  const section = 'appends';
  const inFlight = Math.max(...settings.singleConcurrencies, settings.batchConcurrency, settings.checkWriters);
  const raw = rawPool({ connectionString: await infra.database('appends_raw'), max: inFlight });
  const url = await infra.database('appends_store');
  const store = await createPostgresEventStore({ connectionString: url, poolSize: inFlight });
  try {
    await raw.query(RAW_TABLE);
    const streams = Array.from({ length: settings.streams }, () => `intake-ticket-${randomUUID()}`);
    const rawPositions = new Map<string, number>();
    const versions = new Map<string, number>();
    const newEvents = (stream: string, count: number) => Array.from({ length: count }, () => sizedEvent(stream, settings.eventBytes));

    const insert = async (stream: string, count: number) => {
      const first = rawPositions.get(stream) ?? 0;
      rawPositions.set(stream, first + count);
      const recordedAt = new Date().toISOString();
      const rows = newEvents(stream, count).map((event, row) => [
        stream,
        first + row,
        event.eventId,
        event.type,
        event.schemaVersion,
        event.ticketId,
        JSON.stringify(event.data),
        JSON.stringify({ ...event.metadata, recordedAt }),
        FAKE_HASH,
        FAKE_HASH,
        FAKE_HASH,
      ]);
      const placeholders = rows.map((_, row) => `(${Array.from({ length: RAW_COLUMNS }, (__, column) => `$${row * RAW_COLUMNS + column + 1}`).join(', ')})`);
      await raw.query(
        `INSERT INTO raw_events (stream_id, stream_position, event_id, type, schema_version, ticket_id, data, metadata, content_hash, previous_hash, hash)
         VALUES ${placeholders.join(', ')}`,
        rows.flat(),
      );
    };
    // Exact expected versions, as a command handler passes them: a stream comes round again only
    // after `streams` more writes, long after its previous one finished, so none is stale.
    const append = async (stream: string, count: number) => {
      const expected = versions.get(stream) ?? -1;
      versions.set(stream, expected + count);
      await store.append(stream, newEvents(stream, count), expected);
    };

    let next = 0;
    const compare = async (appendsOf: number, concurrency: number, total: number) => {
      const perRound = Math.ceil(total / appendsOf / ROUNDS);
      const seconds = { raw: 0, store: 0 };
      // Baseline and store take turns, so both see the same machine (other work shares its cores).
      for (let round = 0; round < ROUNDS; round++) {
        const rawStart = next;
        next += perRound;
        seconds.raw += (await timed(() => inParallel(perRound, concurrency, (index) => insert(streams[(rawStart + index) % streams.length], appendsOf)))).seconds;
        const storeStart = next;
        next += perRound;
        seconds.store += (await timed(() => inParallel(perRound, concurrency, (index) => append(streams[(storeStart + index) % streams.length], appendsOf)))).seconds;
      }
      const rows = perRound * ROUNDS * appendsOf;
      return { rows, raw: rows / seconds.raw, store: rows / seconds.store };
    };

    for (const concurrency of settings.singleConcurrencies) {
      const measured = await compare(1, concurrency, settings.singleEvents);
      const baseline = `raw single-row INSERT, ${concurrency} in flight`;
      const details = { events: measured.rows, inFlight: concurrency, streams: settings.streams, eventBytes: settings.eventBytes, rounds: ROUNDS };
      report.add({ section, name: baseline, value: measured.raw, unit: 'rows/s', better: 'higher', details });
      report.add({
        section,
        name: `append, 1 event, ${concurrency} in flight`,
        value: measured.store,
        unit: 'events/s',
        better: 'higher',
        baseline,
        target: { kind: 'ratio', atLeast: 0.7 },
        details,
      });
    }
    {
      const measured = await compare(settings.batchSize, settings.batchConcurrency, settings.batchEvents);
      const baseline = `raw multi-row INSERT, ${settings.batchSize} rows, ${settings.batchConcurrency} in flight`;
      const details = { events: measured.rows, perAppend: settings.batchSize, inFlight: settings.batchConcurrency, streams: settings.streams, eventBytes: settings.eventBytes, rounds: ROUNDS };
      report.add({ section, name: baseline, value: measured.raw, unit: 'rows/s', better: 'higher', details });
      report.add({
        section,
        name: `append, ${settings.batchSize} events, ${settings.batchConcurrency} in flight`,
        value: measured.store,
        unit: 'events/s',
        better: 'higher',
        baseline,
        target: { kind: 'ratio', atLeast: 0.7 },
        details,
      });
    }

    await checkReadAll(store, report, section, settings, newEvents);
  } finally {
    await store.close();
    await raw.end();
  }
}

/**
 * Writers race on shared streams (so expected versions conflict and are retried) while one
 * reader follows readAll from its checkpoint; afterwards every written event must have been
 * read exactly once, and in the order a single read of the settled store gives.
 */
async function checkReadAll(
  store: PostgresEventStore,
  report: Report,
  section: string,
  settings: AppendsSettings,
  newEvents: (stream: string, count: number) => NewEvent[],
): Promise<void> {
  const prefix = `check-${randomUUID()}-`;
  const streams = Array.from({ length: settings.checkWriters * 4 }, (_, index) => `${prefix}${index}`);
  const written: string[] = [];
  const seen: string[] = [];
  let writing = true;
  let checkpoint: Checkpoint = null;
  const reader = (async () => {
    let giveUpAt = Number.POSITIVE_INFINITY;
    for (;;) {
      const page = await store.readAll({ after: checkpoint, limit: settings.checkPage, streamPrefix: prefix });
      seen.push(...page.events.map((event) => event.eventId));
      checkpoint = page.checkpoint;
      if (!writing) {
        if (seen.length >= written.length) return;
        // A reader that skipped an event would wait for it forever; the tally says what it missed.
        giveUpAt = Math.min(giveUpAt, Date.now() + CHECK_SETTLE_MS);
        if (Date.now() > giveUpAt) return;
      }
      if (page.events.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  const known = new Map<string, number>();
  const perWriter = Math.ceil(settings.checkEvents / settings.checkWriters);
  const { seconds } = await timed(() =>
    Promise.all(
      Array.from({ length: settings.checkWriters }, async (_, writer) => {
        for (let step = 0, remaining = perWriter; remaining > 0; step++) {
          const stream = streams[(writer * 7 + step) % streams.length];
          const events = newEvents(stream, Math.min(remaining, 1 + (step % 3)));
          let expected = known.get(stream) ?? -1;
          for (;;) {
            try {
              known.set(stream, (await store.append(stream, events, expected)).nextExpectedVersion);
              break;
            } catch (error) {
              if (!(error instanceof ConcurrencyConflict)) throw error;
              expected = error.actualVersion;
            }
          }
          written.push(...events.map((event) => event.eventId));
          remaining -= events.length;
        }
      }),
    ),
  );
  writing = false;
  await reader;

  const settled: string[] = [];
  for (let after: Checkpoint = null; ; ) {
    const page = await store.readAll({ after, limit: 10_000, streamPrefix: prefix });
    if (page.events.length === 0) break;
    settled.push(...page.events.map((event) => event.eventId));
    after = page.checkpoint;
  }
  const seenOnce = new Set(seen);
  const details = { written: written.length, read: seen.length, writers: settings.checkWriters, streams: streams.length, page: settings.checkPage, appendSeconds: Math.round(seconds * 10) / 10 };
  report.add({
    section,
    name: `readAll followed under ${settings.checkWriters} writers: events lost`,
    value: written.filter((id) => !seenOnce.has(id)).length,
    unit: 'events',
    better: 'lower',
    target: { kind: 'value', atMost: 0 },
    details,
  });
  report.add({
    section,
    name: `readAll followed under ${settings.checkWriters} writers: events read twice`,
    value: seen.length - seenOnce.size,
    unit: 'events',
    better: 'lower',
    target: { kind: 'value', atMost: 0 },
    details,
  });
  report.add({
    section,
    name: `readAll followed under ${settings.checkWriters} writers: events out of the settled store's order`,
    value: seen.filter((id, index) => settled[index] !== id).length,
    unit: 'events',
    better: 'lower',
    target: { kind: 'value', atMost: 0 },
    details,
  });
}

/** An event whose data is `bytes` long as JSON, the size the workload uses. */
function sizedEvent(ticketId: string, bytes: number): NewEvent {
  const shell = { note: '' };
  return {
    eventId: randomUUID(),
    type: 'TicketNoted',
    schemaVersion: 1,
    ticketId,
    data: { note: 'x'.repeat(Math.max(0, bytes - JSON.stringify(shell).length)) },
    metadata: {
      correlationId: randomUUID(),
      causationId: randomUUID(),
      actorId: 'agent-7',
      role: 'cs',
      occurredAt: new Date().toISOString(),
    },
  };
}

import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@handoff/contracts';
import { createPostgresEventStore, type PostgresEventStore } from '@handoff/event-store';
import { type BenchInfra, rawPool } from './infra';
import { inParallel, timed, type Report } from './report';
import { sampleEvent } from './samples';

export interface StoreSettings {
  /** Events written by each single-event append run (and its baseline). */
  readonly singleEvents: number;
  /** Events written by the batched append run (and its baseline). */
  readonly batchEvents: number;
  readonly batchSize: number;
  readonly streams: number;
  readonly singleConcurrency: number;
  readonly batchConcurrency: number;
  readonly readPage: number;
}

/**
 * The baseline table has the events table's columns and indexes (see
 * 001_streams_and_events.ts): what the baseline leaves out is the store's own work (stream
 * locks, expected-version checks, hash chain, notification), not the cost of
 * the rows and indexes any event table needs.
 */
export const RAW_TABLE = `
CREATE TABLE raw_events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream_id text NOT NULL,
  stream_position bigint NOT NULL,
  event_id uuid NOT NULL,
  type text NOT NULL,
  schema_version int NOT NULL,
  ticket_id text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  content_hash text NOT NULL,
  previous_hash text NOT NULL,
  hash text NOT NULL,
  CONSTRAINT raw_events_event_id_unique UNIQUE (event_id),
  CONSTRAINT raw_events_stream_position_unique UNIQUE (stream_id, stream_position)
);
CREATE INDEX raw_events_ticket_id_idx ON raw_events (ticket_id, global_position);
`;
const RAW_COLUMNS = 12 - 1;
const FAKE_HASH = 'a'.repeat(64);
/** Each figure and its baseline are measured in this many alternating turns. */
const ROUNDS = 3;

export interface StoreOutcome {
  /** The store the events were written to, still open, for the relay section. */
  readonly store: PostgresEventStore;
  readonly url: string;
  /** One recorded event as the store gives it back: the message every Kafka figure sends. */
  readonly sample: RecordedEvent;
  readonly eventCount: number;
}

export async function benchStore(infra: BenchInfra, report: Report, settings: StoreSettings): Promise<StoreOutcome> {
  const section = 'event store';
  const rawUrl = await infra.database('raw');
  const raw = rawPool({ connectionString: rawUrl, max: Math.max(settings.singleConcurrency, settings.batchConcurrency) });
  await raw.query(RAW_TABLE);
  const streams = Array.from({ length: settings.streams }, () => randomUUID());
  const positions = new Map<string, number>();
  const nextPosition = (stream: string, count: number) => {
    const first = positions.get(stream) ?? 0;
    positions.set(stream, first + count);
    return first;
  };

  const rowValues = (stream: string, position: number, index: number): unknown[] => {
    const event = sampleEvent(stream, index);
    return [
      `intake-ticket-${stream}`,
      position,
      event.eventId,
      event.type,
      event.schemaVersion,
      event.ticketId,
      JSON.stringify(event.data),
      JSON.stringify({ ...event.metadata, recordedAt: new Date().toISOString() }),
      FAKE_HASH,
      FAKE_HASH,
      FAKE_HASH,
    ];
  };
  const insert = async (rows: unknown[][]) => {
    const placeholders = rows.map((_, row) => `(${Array.from({ length: RAW_COLUMNS }, (__, column) => `$${row * RAW_COLUMNS + column + 1}`).join(', ')})`);
    await raw.query(
      `INSERT INTO raw_events (stream_id, stream_position, event_id, type, schema_version, ticket_id, data, metadata, content_hash, previous_hash, hash)
       VALUES ${placeholders.join(', ')}`,
      rows.flat(),
    );
  };

  // The store itself, on a database of its own.
  const url = await infra.database('store');
  const store = await createPostgresEventStore({ connectionString: url, poolSize: Math.max(settings.singleConcurrency, settings.batchConcurrency) });
  const versions = new Map<string, number>();
  const append = async (stream: string, count: number, index: number) => {
    const expected = versions.get(stream) ?? -1;
    versions.set(stream, expected + count);
    await store.append(
      `intake-ticket-${stream}`,
      Array.from({ length: count }, (_, offset) => sampleEvent(stream, index + offset)),
      expected,
    );
  };

  // Each figure and its baseline run in turns (baseline, store, baseline, store, ...), so both
  // see the same machine: the broker, the database and anything else running here share it.
  // Consecutive indexes go to different streams; a stream comes round again only after
  // `streams` more writes, long after its previous one finished, so no expected version is stale.
  const rounds = ROUNDS;
  const singlePerRound = Math.ceil(settings.singleEvents / rounds);
  const batchesPerRound = Math.ceil(settings.batchEvents / settings.batchSize / rounds);
  const totals = { rawSingle: 0, single: 0, rawBatch: 0, batch: 0 };
  for (let round = 0; round < rounds; round++) {
    const offset = round * singlePerRound;
    totals.rawSingle += (
      await timed(() =>
        inParallel(singlePerRound, settings.singleConcurrency, async (index) => {
          const stream = streams[(offset + index) % streams.length];
          await insert([rowValues(stream, nextPosition(stream, 1), offset + index)]);
        }),
      )
    ).seconds;
    totals.single += (
      await timed(() => inParallel(singlePerRound, settings.singleConcurrency, (index) => append(streams[(offset + index) % streams.length], 1, offset + index)))
    ).seconds;
  }
  for (let round = 0; round < rounds; round++) {
    const offset = round * batchesPerRound;
    totals.rawBatch += (
      await timed(() =>
        inParallel(batchesPerRound, settings.batchConcurrency, async (index) => {
          const stream = streams[(offset + index) % streams.length];
          const first = nextPosition(stream, settings.batchSize);
          await insert(Array.from({ length: settings.batchSize }, (_, row) => rowValues(stream, first + row, (offset + index) * settings.batchSize + row)));
        }),
      )
    ).seconds;
    totals.batch += (
      await timed(() =>
        inParallel(batchesPerRound, settings.batchConcurrency, (index) =>
          append(streams[(offset + index) % streams.length], settings.batchSize, (offset + index) * settings.batchSize),
        ),
      )
    ).seconds;
  }
  const singleEvents = singlePerRound * rounds;
  const batchEvents = batchesPerRound * rounds * settings.batchSize;
  const rawSingleName = 'raw INSERT, 1 row per statement';
  const rawBatchName = `raw multi-row INSERT, ${settings.batchSize} rows per statement`;
  report.add({
    section,
    name: rawSingleName,
    value: singleEvents / totals.rawSingle,
    unit: 'rows/s',
    better: 'higher',
    details: { rows: singleEvents, concurrency: settings.singleConcurrency, rounds },
  });
  report.add({
    section,
    name: rawBatchName,
    value: batchEvents / totals.rawBatch,
    unit: 'rows/s',
    better: 'higher',
    details: { rows: batchEvents, concurrency: settings.batchConcurrency, rounds },
  });
  report.add({
    section,
    name: 'append, 1 event per append',
    value: singleEvents / totals.single,
    unit: 'events/s',
    better: 'higher',
    baseline: rawSingleName,
    target: { kind: 'ratio', atLeast: 0.5 },
    details: { events: singleEvents, concurrentStreams: settings.singleConcurrency, streams: settings.streams, rounds },
  });
  report.add({
    section,
    name: `append, ${settings.batchSize} events per append`,
    value: batchEvents / totals.batch,
    unit: 'events/s',
    better: 'higher',
    baseline: rawBatchName,
    target: { kind: 'ratio', atLeast: 0.5 },
    details: { events: batchEvents, concurrentStreams: settings.batchConcurrency, streams: settings.streams, rounds },
  });

  // Reads see settled tables (hint bits set, statistics known), the store's as much as the baseline's.
  await raw.query('VACUUM ANALYZE raw_events');
  {
    const settle = rawPool({ connectionString: url, max: 1 });
    await settle.query('VACUUM ANALYZE events');
    await settle.end();
  }
  const readRaw = async () => {
    let after = 0;
    let read = 0;
    for (;;) {
      // Qualified: the text alias of the same name would sort (and page) by text.
      const { rows } = await raw.query(
        `SELECT global_position::text AS global_position, stream_id, stream_position::text AS stream_position, event_id::text AS event_id, type,
                schema_version, ticket_id, data, metadata, content_hash, previous_hash, hash
           FROM raw_events WHERE raw_events.global_position > $1 ORDER BY raw_events.global_position LIMIT ${settings.readPage}`,
        [after],
      );
      read += rows.length;
      if (rows.length < settings.readPage) return read;
      after = Number(rows[rows.length - 1].global_position);
    }
  };
  let sample: RecordedEvent | undefined;
  const readStore = async () => {
    let after: string | null = null;
    let read = 0;
    for (;;) {
      const page = await store.readAll({ after, limit: settings.readPage });
      read += page.events.length;
      sample ??= page.events[0];
      if (page.events.length === 0) return read;
      after = page.checkpoint;
    }
  };
  const reads = { raw: 0, rawSeconds: 0, store: 0, storeSeconds: 0 };
  for (let round = 0; round < rounds; round++) {
    const rawRound = await timed(readRaw);
    reads.raw += rawRound.result;
    reads.rawSeconds += rawRound.seconds;
    const storeRound = await timed(readStore);
    reads.store += storeRound.result;
    reads.storeSeconds += storeRound.seconds;
  }
  await raw.end();
  report.add({
    section,
    name: 'raw sequential read',
    value: reads.raw / reads.rawSeconds,
    unit: 'rows/s',
    better: 'higher',
    details: { rows: reads.raw, page: settings.readPage, rounds },
  });
  report.add({
    section,
    name: 'readAll',
    value: reads.store / reads.storeSeconds,
    unit: 'events/s',
    better: 'higher',
    baseline: 'raw sequential read',
    details: { events: reads.store, page: settings.readPage, rounds },
  });
  return { store, url, sample: sample!, eventCount: reads.store / rounds };
}

import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@handoff/contracts';
import { PostgresEventStore } from '@handoff/event-store';
import { emptyReadModel, openReadModelDatabase, rebuildReadModel } from '@handoff/read-models';
import type { AuditSource } from '@handoff/audit';
import type { EventHandler } from '@handoff/messaging';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { READ_MODEL_SERVICES } from '../apps/audit/src/read-model-commands';
import type { BenchInfra } from './infra';
import { timed, type Report } from './report';

export interface RebuildSettings {
  /** The pipeline's events are copied this many times, under new ticket ids, to give the rebuild a sizeable history. */
  readonly copies: number;
  readonly batchSize: number;
  readonly pageSize: number;
}

const section = 'rebuild';
const MODEL = 'routing.department-queue';
const RAW_READ = "raw sequential read of the rebuild's two stores";
const HANDLER_REBUILD = 'department queue rebuild through the handler (before)';
const FOLD_REBUILD = 'department queue rebuild, fold and COPY (audit rebuild)';

/**
 * Rebuilds routing's department queue from the event stores the pipeline wrote, the way
 * `npm run audit -- rebuild` does (rebuildReadModel: routing's and intake's stores merged in
 * recorded order), into a scratch database, twice: through the handler the live consumer runs
 * (processed-event marks, batches in transactions: the path before), then by fold and COPY (the
 * path the tool takes for a rowProjection), against a raw read of the same two stores measured
 * first. The history is the pipeline's own events, copied under new ticket ids so that there are
 * enough of them to time.
 */
export async function benchRebuild(
  infra: BenchInfra,
  report: Report,
  settings: RebuildSettings,
  sources: { routingUrl: string; intakeUrl: string },
): Promise<void> {
  // Through the operators' tool, the one place that knows every service's read models.
  const routing = READ_MODEL_SERVICES.find((service) => service.service === 'routing');
  const model = routing?.models.find((candidate) => candidate.name === MODEL);
  if (!routing || !model) throw new Error(`${MODEL} is not among routing's read models`);
  const copied = { routing: await copyHistory(sources.routingUrl, settings.copies), intake: await copyHistory(sources.intakeUrl, settings.copies) };
  const stores: AuditSource[] = [
    { service: 'routing', store: new PostgresEventStore({ connectionString: sources.routingUrl }) },
    { service: 'intake', store: new PostgresEventStore({ connectionString: sources.intakeUrl }) },
  ];
  const target = await openReadModelDatabase(await infra.database('rebuild'), routing, { migrate: true });
  try {
    // What reading the two stores costs at the least: every column of every event, in order, page by page.
    const raw = await timed(async () => (await rawRead(sources.routingUrl, settings.pageSize)) + (await rawRead(sources.intakeUrl, settings.pageSize)));
    report.add({
      section,
      name: RAW_READ,
      value: raw.result / raw.seconds,
      unit: 'rows/s',
      better: 'higher',
      details: { rows: raw.result, page: settings.pageSize, note: 'every column of the events table, keyset-paged, routing then intake' },
    });

    // Before: through the handler the live consumer runs, batch by batch.
    const before = await timed(() =>
      rebuildReadModel({ model, sources: stores, dataSource: target, path: 'handler', batchSize: settings.batchSize, pageSize: settings.pageSize }),
    );
    const result = before.result;
    const seconds = before.seconds;
    report.add({
      section,
      name: HANDLER_REBUILD,
      value: result.events / seconds,
      unit: 'events/s',
      better: 'higher',
      baseline: RAW_READ,
      details: { eventsRead: result.events, eventsApplied: result.applied, storeEvents: copied.routing + copied.intake, batchSize: settings.batchSize, pageSize: settings.pageSize },
    });

    // After: the same folds, every event folded in memory, each table written once with COPY.
    const rss = new RssPeak();
    const folded = await timed(() => rebuildReadModel({ model, sources: stores, dataSource: target, pageSize: settings.pageSize }));
    const peak = rss.stop();
    if (folded.result.path !== 'fold' || folded.result.applied !== result.applied) throw new Error(`the fold-and-COPY rebuild took the ${folded.result.path} path, or applied ${folded.result.applied} of ${result.applied} events`);
    const rows = Number((await target.query('SELECT count(*) AS n FROM department_queue'))[0].n);
    report.add({
      section,
      name: FOLD_REBUILD,
      value: folded.result.events / folded.seconds,
      unit: 'events/s',
      better: 'higher',
      baseline: RAW_READ,
      target: { kind: 'value', atLeast: 100_000 },
      details: { eventsRead: folded.result.events, eventsApplied: folded.result.applied, queueRows: rows, pageSize: settings.pageSize },
    });
    report.add({
      section,
      name: `${FOLD_REBUILD}, against the handler`,
      value: folded.result.events / folded.seconds,
      unit: 'events/s',
      better: 'higher',
      baseline: HANDLER_REBUILD,
      details: { note: 'the same history, the same scratch database, one after the other' },
    });
    report.add({
      section,
      name: 'bench process RSS, peak during the fold-and-COPY rebuild',
      value: peak.peak / 2 ** 20,
      unit: 'MiB',
      better: 'lower',
      baseline: 'bench process RSS before the fold-and-COPY rebuild',
      details: { queueRows: rows, eventsApplied: folded.result.applied, note: 'sampled every 20 ms; the in-memory fold holds one row per key of each table' },
    });
    report.add({ section, name: 'bench process RSS before the fold-and-COPY rebuild', value: peak.start / 2 ** 20, unit: 'MiB', better: 'lower' });

    // What the marks alone cost (one per applied event, a batch's ids in one statement, as the
    // rebuild writes them): the part of the rebuild's writes that no projection can avoid.
    const marks = await timed(() => insertMarks(target, result.applied, settings.batchSize));
    report.add({
      section,
      name: `raw INSERT of processed-event marks, ${settings.batchSize.toLocaleString('en-US')} per statement`,
      value: result.applied / marks.seconds,
      unit: 'rows/s',
      better: 'higher',
      details: { rows: result.applied, note: 'the table of processed_events with its primary key, a transaction per statement' },
    });
    report.add({
      section,
      name: 'department queue rebuild through the handler, against writing its marks alone',
      value: result.events / seconds,
      unit: 'events/s',
      better: 'higher',
      baseline: `raw INSERT of processed-event marks, ${settings.batchSize.toLocaleString('en-US')} per statement`,
      details: { note: 'the handler rebuild above, compared with the least it has to write; the fold-and-COPY rebuild writes its marks with COPY' },
    });

    // The projection alone: the same events, already in memory, applied batch by batch.
    const handler = model.handler({ live: false });
    const events = await relevantEvents(stores, handler);
    await emptyReadModel(target, model);
    const applied = await timed(() => applyInBatches(target, handler, events, settings.batchSize));
    report.add({
      section,
      name: 'department queue projection, events in memory',
      value: events.length / applied.seconds,
      unit: 'events/s',
      better: 'higher',
      baseline: HANDLER_REBUILD,
      details: { events: events.length, batchSize: settings.batchSize },
    });
  } finally {
    await Promise.all(stores.map(({ store }) => store.close()));
    await target.destroy();
  }
}

/** Adds `copies` copies of every event in the store, each under a new ticket id; returns the events the store then holds. */
async function copyHistory(url: string, copies: number): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    // Positions as the store computes them (004_positions_from_transaction_ids.ts): they follow transaction ids.
    // One bulk copy, past the trigger that keeps every other writer out (005_appends_only.ts): the copies are
    // chains already folded, and appending them one stream at a time would measure the append, not the rebuild.
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    // The copies' stream heads too, as a store keeps them: what a rebuild counts the events by.
    await client.query(
      `INSERT INTO streams (stream_id, version, previous_hash, last_hash)
       SELECT replace(s.stream_id, k.ticket_id, md5(k.ticket_id || ':' || copy)::uuid::text), s.version, s.previous_hash, s.last_hash
         FROM generate_series(1, $1::int) AS copy
        CROSS JOIN streams s
        CROSS JOIN LATERAL (SELECT e.ticket_id FROM events e WHERE e.stream_id = s.stream_id LIMIT 1) k`,
      [copies],
    );
    await client.query(
      `INSERT INTO events (global_position, stream_id, stream_position, event_id, type, schema_version, ticket_id, data, metadata, content_hash, previous_hash, hash)
       SELECT (pg_current_xact_id()::text::bigint << 20) + row_number() OVER (ORDER BY copy, e.global_position),
              replace(e.stream_id, e.ticket_id, t.ticket_id), e.stream_position, gen_random_uuid(), e.type, e.schema_version, t.ticket_id,
              replace(e.data::text, e.ticket_id, t.ticket_id)::jsonb, e.metadata, e.content_hash, e.previous_hash, e.hash
         FROM generate_series(1, $1::int) AS copy
        CROSS JOIN events e
        CROSS JOIN LATERAL (SELECT md5(e.ticket_id || ':' || copy)::uuid::text AS ticket_id) t
        ORDER BY copy, e.global_position`,
      [copies],
    );
    await client.query('COMMIT');
    // Rebuilds read settled tables, like the stores of a service that has been running a while.
    await client.query('VACUUM ANALYZE events');
    return Number((await client.query('SELECT count(*) AS n FROM events')).rows[0].n);
  } finally {
    await client.end();
  }
}

async function relevantEvents(sources: readonly AuditSource[], handler: EventHandler): Promise<RecordedEvent[]> {
  const wanted = handler.eventTypes ? new Set(handler.eventTypes) : undefined;
  const events: RecordedEvent[] = [];
  for (const { store } of sources) {
    let after: string | null = null;
    for (;;) {
      const page = await store.readAll({ after, limit: 5_000 });
      if (page.events.length === 0) break;
      for (const event of page.events) if (!wanted || wanted.has(event.type)) events.push(event);
      after = page.checkpoint;
    }
  }
  return events;
}

async function applyInBatches(dataSource: DataSource, handler: EventHandler, events: readonly RecordedEvent[], batchSize: number): Promise<void> {
  for (let start = 0; start < events.length; start += batchSize) {
    const batch = events.slice(start, start + batchSize);
    await dataSource.transaction((manager) => handler.handle(batch, manager));
  }
}

/** `count` marks into a table shaped like processed_events, `batchSize` ids per statement. */
async function insertMarks(dataSource: DataSource, count: number, batchSize: number): Promise<void> {
  await dataSource.query('CREATE TABLE raw_marks (LIKE processed_events INCLUDING ALL)');
  for (let done = 0; done < count; done += batchSize) {
    const ids = Array.from({ length: Math.min(batchSize, count - done) }, () => randomUUID());
    await dataSource.query('INSERT INTO raw_marks (consumer_name, event_id) SELECT $1, unnest($2::uuid[])', [MODEL, ids]);
  }
}

/** Every event of a store's table, all columns, in global order, `pageSize` at a time: how fast the rows come at the least. */
async function rawRead(url: string, pageSize: number): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    let after = '0';
    let read = 0;
    for (;;) {
      const { rows } = await client.query(
        `SELECT global_position::text AS global_position, stream_id, stream_position::text AS stream_position, event_id::text AS event_id, type,
                schema_version, ticket_id, data, metadata, content_hash, previous_hash, hash
           FROM events WHERE events.global_position > $1 ORDER BY events.global_position LIMIT ${pageSize}`,
        [after],
      );
      read += rows.length;
      if (rows.length < pageSize) return read;
      after = rows[rows.length - 1].global_position;
    }
  } finally {
    await client.end();
  }
}

/** The process's resident set, sampled until stopped: the most it reached. */
class RssPeak {
  readonly start = process.memoryUsage.rss();
  private peak = this.start;
  private readonly timer = setInterval(() => (this.peak = Math.max(this.peak, process.memoryUsage.rss())), 20);

  stop(): { start: number; peak: number } {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
    return { start: this.start, peak: this.peak };
  }
}

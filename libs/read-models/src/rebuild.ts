import { parseRecordedEvent, ValidationFailed, type RecordedEvent } from '@handoff/contracts';
import type { EventStore } from '@handoff/event-store';
import { backoffDelay, isTransientError, type EventHandler } from '@handoff/messaging';
import type { DataSource } from 'typeorm';
import type { ReadModel } from './read-model';
import { quoted, readTableRows, tableShape } from './rebuild-tables';
import { foldAndCopy, isRefusedRow } from './rebuild-fold';
import { projectionFoldsOf } from './row-projection';

/**
 * Rebuilding a read model from the event stores, through the very handler its live consumer runs.
 *
 * Which events: every event of the services whose topics the model reads, read from each
 * service's own store (its streams only, as its relay publishes them).
 *
 * In which order: each store's own order, and the stores merged by recorded-at. Projections
 * rely on the order of each ticket's stream, which one store keeps (a stream's positions follow
 * the store's order); across services there is no order to rely on even live, where the topics'
 * partitions are consumed side by side, so each projection keys its rows by ticket and keeps its
 * place per stream. Merging by recorded-at (the moment each store took the event) comes closest
 * to the order in which the events became visible to the live consumers.
 *
 * How: `batchSize` events per transaction, each event applied exactly as the consumer applies it
 * (the processed-event mark under the model's name, then the handler, same transaction). An event
 * the handler refuses for good is left out, as the consumer would dead-letter it, and reported.
 * A model whose handler is a rowProjection is built from the same folds without the handler's
 * reads and upserts: every event folded into final rows in memory, then each table written once
 * with COPY (rebuild-fold.ts; rebuild-fold.int-spec.ts shows both give the same rows and marks).
 */

/**
 * One service's event store, read whole. The audit's sources are such stores; the type is
 * restated here so that the read models need nothing of the audit.
 */
export interface RebuildSource {
  readonly service: string;
  readonly store: EventStore;
}

export interface RebuildProgress {
  /** Events read from the stores so far (applied, ignored or skipped). */
  readonly done: number;
  /** Events the stores held when the rebuild started; `done` may pass it if more arrived since. */
  readonly total: number;
  readonly applied: number;
  readonly elapsedMs: number;
}

/** An event the live consumer would have sent to the dead-letter topic. */
export interface SkippedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly reason: string;
}

/**
 * `fold`: every event folded into the model's final rows in memory, each table then written once
 * with COPY (rebuild-fold.ts), for a handler made by rowProjection. `handler`: through the handler.
 */
export type RebuildPath = 'fold' | 'handler';

export interface RebuildResult {
  readonly model: string;
  readonly path: RebuildPath;
  /** Events of the stores: read, or left out by a store that sends only the model's types. */
  readonly events: number;
  /** Applied through the handler or its folds (and marked processed). */
  readonly applied: number;
  /** Not among the handler's event types: acknowledged without effect, as live (or not even sent). */
  readonly ignored: number;
  readonly skipped: readonly SkippedEvent[];
  readonly elapsedMs: number;
}

export interface RebuildOptions {
  readonly model: ReadModel;
  /** The services' stores; each service whose topic the model reads must be among them. */
  readonly sources: readonly RebuildSource[];
  /** The database to rebuild into, migrated; the model's tables and marks in it are emptied first. */
  readonly dataSource: DataSource;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /**
   * On the handler path, events applied per transaction (default 10,000). Large: a projection folds each ticket's
   * events of a batch in memory and writes its rows once, so the bigger the batch, the fewer
   * rows are written again (bench: 12,909 events/s at 1,000, 19,590 at 10,000).
   */
  readonly batchSize?: number;
  /**
   * `handler` to go through the handler even where the model's folds could be folded in memory
   * (default: `fold` where they can; a row the server refuses there goes through the handler).
   */
  readonly path?: RebuildPath;
  /** Events read per page from a store (default 10,000, the most a store page holds). */
  readonly pageSize?: number;
  /** How long to wait for events recorded but not yet readable (default 30 s); see mergedByRecordedAt. */
  readonly horizonWaitMs?: number;
}

/** The services a model's topics come from: `routing.events` is routing's store. */
export function servicesOf(model: ReadModel): string[] {
  return model.topics.map((topic) => {
    const match = /^([a-z]+)\.events$/.exec(topic);
    if (!match) throw new Error(`${model.name} reads ${topic}, which is no service's event topic`);
    return match[1];
  });
}

export function sourcesFor(model: ReadModel, sources: readonly RebuildSource[]): RebuildSource[] {
  return servicesOf(model).map((service) => {
    const source = sources.find((candidate) => candidate.service === service);
    if (!source) throw new Error(`${model.name} reads ${service}'s events, but there is no event store for ${service} among the audit sources`);
    return source;
  });
}

/** Empties the model's tables and its processed-event marks in `dataSource`. */
export async function emptyReadModel(dataSource: DataSource, model: ReadModel): Promise<void> {
  for (const table of model.tables) await tableShape(dataSource, table);
  await dataSource.transaction(async (manager) => {
    await manager.query(`TRUNCATE ${model.tables.map(quoted).join(', ')}`);
    await manager.query('DELETE FROM processed_events WHERE consumer_name = $1', [model.name]);
  });
}

export async function rebuildReadModel(options: RebuildOptions): Promise<RebuildResult> {
  const handler = options.model.handler({ live: false });
  const folds = options.path === 'handler' ? undefined : projectionFoldsOf(handler);
  if (folds) {
    try {
      return await replay(options, handler, 'fold', (skipped) => foldAndCopy(options.dataSource, options.model.name, folds, skipped));
    } catch (error) {
      // A row or a mark the server refuses (a value out of range, an event the stores hold twice):
      // which event it came from, only the handler, batch by batch, can tell, and it leaves that one out.
      if (!isRefusedRow(error)) throw error;
    }
  }
  const batchSize = options.batchSize ?? 10_000;
  return replay(options, handler, 'handler', (skipped) => handlerBatches(options.dataSource, options.model.name, handler, batchSize, skipped));
}

/** How a replay applies the events of the model's types it reads, in order. */
export interface EventApplier {
  /** Applied so far (each marked processed); an event refused for good goes to the skipped list instead. */
  readonly applied: number;
  /** The next events, in order: a run of the merge at a time, so that the wait for the server is per run, not per event. */
  apply(events: readonly RecordedEvent[]): Promise<void>;
  /** After the last event. */
  finish(): Promise<void>;
  /** When the replay stops early; undoes what finish() has not committed. */
  close(): Promise<void>;
}

async function replay(
  options: RebuildOptions,
  handler: EventHandler,
  path: RebuildPath,
  applierOf: (skipped: SkippedEvent[]) => Promise<EventApplier>,
): Promise<RebuildResult> {
  const { model, dataSource } = options;
  const started = Date.now();
  const sources = sourcesFor(model, options.sources);
  const pageSize = options.pageSize ?? 10_000;
  const wanted = handler.eventTypes ? new Set(handler.eventTypes) : undefined;

  // A store that can count the events of the model's types is asked for those alone: the rest
  // (routing's queue takes 60 % of the two stores it reads) are never sent, parsed or merged.
  const types = sources.map((source) => (wanted && source.store.countEvents ? [...wanted] : undefined));
  // Side by side: each count scans a store's events, and none depends on another or on the emptying.
  const [, held, byType] = await Promise.all([
    emptyReadModel(dataSource, model),
    Promise.all(sources.map((source) => countRecordedEvents(source))),
    Promise.all(sources.map((source, index) => (types[index] ? countRecordedEvents(source, types[index]) : undefined))),
  ]);
  const total = held.reduce((sum, count) => sum + count, 0);
  const expected = held.map((count, index) => byType[index] ?? count);
  const sent = expected.reduce((sum, count) => sum + count, 0);
  const passedOver = Math.max(0, total - sent);

  const skipped: SkippedEvent[] = [];
  let read = 0;
  let ignored = 0;
  const applier = await applierOf(skipped);
  // The events left out by the stores count as done in step with those read, so the bar moves evenly.
  const done = () => read + Math.round(passedOver * (sent === 0 ? 1 : Math.min(1, read / sent)));
  const report = () => options.onProgress?.({ done: done(), total: Math.max(total, done()), applied: applier.applied, elapsedMs: Date.now() - started });
  try {
    report();
    for await (const run of mergedRunsByRecordedAt(sources, { pageSize, expected, types, horizonWaitMs: options.horizonWaitMs })) {
      let events: RecordedEvent[] = [];
      for (const stored of run) {
        // Also while reading events the model does not take, so the bar moves.
        if (++read % pageSize === 0) report();
        // By its type alone, as the consumer passes over an event by its type header without parsing it.
        if (wanted && !wanted.has(stored.type)) {
          ignored++;
          continue;
        }
        try {
          // What the consumer checks of every message it takes before anything else.
          events.push(parseRecordedEvent(stored));
        } catch (error) {
          if (!(error instanceof ValidationFailed)) throw error;
          // The events before it first, so that the skipped list stays in the events' order.
          await applier.apply(events);
          events = [];
          skipped.push(skippedEvent(stored, `invalid_envelope: ${error.message}`));
        }
      }
      await applier.apply(events);
    }
    await applier.finish();
  } finally {
    await applier.close();
  }
  report();
  return { model: model.name, path, events: done(), applied: applier.applied, ignored: ignored + passedOver, skipped, elapsedMs: Date.now() - started };
}

/** Through the handler, `batchSize` events per transaction, as described at the top. */
async function handlerBatches(dataSource: DataSource, consumerName: string, handler: EventHandler, batchSize: number, skipped: SkippedEvent[]): Promise<EventApplier> {
  let batch: RecordedEvent[] = [];
  let applied = 0;
  const flush = async () => {
    const outcome = await applyBatch(dataSource, consumerName, handler, batch);
    applied += outcome.applied;
    skipped.push(...outcome.skipped);
    batch = [];
  };
  return {
    get applied() {
      return applied;
    },
    async apply(events) {
      for (const event of events) {
        batch.push(event);
        if (batch.length >= batchSize) await flush();
      }
    },
    finish: flush,
    close: async () => undefined,
  };
}

const skippedEvent = (event: RecordedEvent, reason: string): SkippedEvent => ({
  eventId: event.eventId,
  type: event.type,
  streamId: event.streamId,
  streamPosition: event.streamPosition,
  reason,
});

const TRANSIENT_ATTEMPTS = 5;

/**
 * Applies events in as few transactions as it can: the marks of a batch (an event already marked
 * is a duplicate and is not applied again, as live), then its events through the handler in
 * order, in one transaction. When the handler fails for good on one event, the transaction is
 * rolled back, the events before it are applied again, it is left out, and the rest go on.
 */
async function applyBatch(dataSource: DataSource, consumerName: string, handler: EventHandler, events: readonly RecordedEvent[]) {
  const skipped: SkippedEvent[] = [];
  let applied = 0;
  let oneByOne = false;
  // Still to apply, in order: a failure splits a segment into the part before and the part after.
  const segments: (readonly RecordedEvent[])[] = [events];
  for (let attempt = 0; segments.length > 0; ) {
    const segment = segments[0];
    if (segment.length === 0) {
      segments.shift();
      continue;
    }
    let failedAt = -1;
    let failure: unknown;
    try {
      applied += await dataSource.transaction(async (manager) => {
        const marked = (await manager.query(
          `INSERT INTO processed_events (consumer_name, event_id)
           SELECT $1, event_id FROM unnest($2::uuid[]) AS event_id
           ON CONFLICT (consumer_name, event_id) DO NOTHING RETURNING event_id::text AS event_id`,
          [consumerName, segment.map((event) => event.eventId)],
        )) as { event_id: string }[];
        const fresh = new Set(marked.map((row) => row.event_id));
        const unseen = segment.filter((event) => fresh.has(event.eventId.toLowerCase()));
        if (!oneByOne) {
          await handler.handle(unseen, manager);
          return unseen.length;
        }
        for (const event of unseen) {
          try {
            await handler.handle([event], manager);
          } catch (error) {
            failedAt = segment.indexOf(event);
            failure = error;
            throw error;
          }
        }
        return unseen.length;
      });
      segments.shift();
      attempt = 0;
    } catch (error) {
      const cause = failedAt >= 0 ? failure : error;
      if (isTransientError(cause)) {
        if (++attempt >= TRANSIENT_ATTEMPTS) throw cause;
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, { initialDelayMs: 100, maxDelayMs: 2_000 })));
      } else if (!oneByOne) {
        // Which event it was, only one at a time can tell.
        oneByOne = true;
      } else if (failedAt >= 0) {
        skipped.push(skippedEvent(segment[failedAt], `handler_failed: ${cause instanceof Error ? cause.message : String(cause)}`));
        segments.splice(0, 1, segment.slice(0, failedAt), segment.slice(failedAt + 1));
      } else {
        throw error;
      }
    }
  }
  return { applied, skipped };
}

/**
 * How many events the service's streams hold, from the store's own stream heads: every event
 * committed, including those a read of everything does not show yet (see mergedByRecordedAt).
 */
export async function countRecordedEvents(source: RebuildSource, types?: readonly string[]): Promise<number> {
  // One query instead of one per stream: a year of a desk has a hundred thousand streams.
  if (source.store.countEvents) return source.store.countEvents(`${source.service}-`, types);
  if (types) throw new Error(`${source.service}'s store cannot count events by type`);
  let count = 0;
  let streams: string[] = [];
  const countHeads = async () => {
    const heads = await Promise.all(streams.map((streamId) => source.store.streamHead(streamId)));
    for (const head of heads) count += head ? head.version + 1 : 0;
    streams = [];
  };
  for await (const streamId of source.store.listStreams(`${source.service}-`)) {
    streams.push(streamId);
    if (streams.length >= 16) await countHeads();
  }
  await countHeads();
  return count;
}

async function* pagesOf(
  source: RebuildSource,
  pageSize: number,
  expected: number | undefined,
  horizonWaitMs: number,
  types?: readonly string[],
): AsyncGenerator<readonly RecordedEvent[]> {
  let after: string | null = null;
  let read = 0;
  let waitingSince: number | undefined;
  for (;;) {
    const page = await source.store.readAll({ after, limit: pageSize, streamPrefix: `${source.service}-`, ...(types ? { types } : {}) });
    // An adapter may return a short page before the end; only an empty one says there is no more.
    if (page.events.length === 0) {
      if (expected === undefined || read >= expected) return;
      waitingSince ??= Date.now();
      if (Date.now() - waitingSince > horizonWaitMs) {
        throw new Error(
          `${source.service}'s store shows ${read} of the ${expected} events its streams hold: either a long transaction on the database server holds the newest back ` +
            `(the store shows an event only once every transaction begun before it has ended), or events were removed from the store (run \`verify\`)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    waitingSince = undefined;
    read += page.events.length;
    yield page.events;
    after = page.checkpoint;
  }
}

/**
 * Every event of one service's store, in the store's order, waiting (up to `horizonWaitMs`)
 * for events a long transaction elsewhere on the server still hides, instead of ending early.
 */
export async function* readAllEvents(source: RebuildSource, options: { pageSize?: number; horizonWaitMs?: number } = {}): AsyncGenerator<RecordedEvent> {
  const expected = await countRecordedEvents(source);
  for await (const page of pagesOf(source, options.pageSize ?? 1000, expected, options.horizonWaitMs ?? 30_000)) yield* page;
}

export interface MergeOptions {
  readonly pageSize?: number;
  /**
   * Per source, the events its streams held at the start (countRecordedEvents). A read of
   * everything shows an event only once every transaction begun before it has ended, anywhere on
   * the server, so a long transaction can hide the newest events for a while: with `expected`,
   * reading waits for them (up to `horizonWaitMs`, default 30 s) instead of ending early.
   */
  readonly expected?: readonly number[];
  readonly horizonWaitMs?: number;
  /** Per source, the only event types to read (its `expected` then counts those alone, see countRecordedEvents). */
  readonly types?: readonly (readonly string[] | undefined)[];
}

/** Each store in its own order; between stores, the event recorded first goes first (ties: sources' order). */
export async function* mergedByRecordedAt(sources: readonly RebuildSource[], options: MergeOptions = {}): AsyncGenerator<RecordedEvent> {
  for await (const run of mergedRunsByRecordedAt(sources, options)) yield* run;
}

/**
 * mergedByRecordedAt's events in runs: each run as long as every store's page in hand lasts, so
 * that a rebuild waits (and pays for an await) once a run rather than once an event.
 */
export async function* mergedRunsByRecordedAt(sources: readonly RebuildSource[], options: MergeOptions = {}): AsyncGenerator<readonly RecordedEvent[]> {
  const readers = sources.map(
    (source, index) => new StoreReader(pagesOf(source, options.pageSize ?? 2000, options.expected?.[index], options.horizonWaitMs ?? 30_000, options.types?.[index])),
  );
  try {
    for (;;) {
      for (const reader of readers) await reader.fill();
      const run: RecordedEvent[] = [];
      for (;;) {
        let next: StoreReader | undefined;
        for (const reader of readers) if (reader.head && (!next || reader.headAt < next.headAt)) next = reader;
        if (!next) break;
        run.push(next.take());
        // A store whose page ran out may have more: its next page is needed before the next comparison.
        if (!next.head) break;
      }
      if (run.length === 0) return;
      yield run;
    }
  } finally {
    await Promise.all(readers.map((reader) => reader.close()));
  }
}

class StoreReader {
  private page: readonly RecordedEvent[] = [];
  private index = 0;
  private finished = false;
  /** The next page, asked for as soon as the one before arrived: read while the caller applies. */
  private ahead: Promise<IteratorResult<readonly RecordedEvent[]>> | undefined;
  headAt = Number.POSITIVE_INFINITY;

  constructor(private readonly pages: AsyncGenerator<readonly RecordedEvent[]>) {}

  get head(): RecordedEvent | undefined {
    return this.page[this.index];
  }

  async fill(): Promise<void> {
    if (this.index < this.page.length || this.finished) return;
    const next = await (this.ahead ?? this.pages.next());
    this.ahead = undefined;
    this.finished = next.done === true;
    this.page = next.done ? [] : next.value;
    this.index = 0;
    this.headAt = this.head ? Date.parse(this.head.metadata.recordedAt) : Number.POSITIVE_INFINITY;
    if (!this.finished) {
      this.ahead = this.pages.next();
      // Seen by fill() when it gets there; until then a failure must not count as unhandled.
      this.ahead.catch(() => undefined);
    }
  }

  take(): RecordedEvent {
    const event = this.page[this.index++];
    this.headAt = this.head ? Date.parse(this.head.metadata.recordedAt) : Number.POSITIVE_INFINITY;
    return event;
  }

  async close(): Promise<void> {
    await this.pages.return(undefined);
  }
}

/**
 * Replaces the model's rows and processed-event marks in `into` (the live database) with those
 * of `from` (a finished rebuild), in one transaction: the live model is either the old one or
 * the rebuilt one, never half of each, and a rebuild interrupted before this leaves it untouched.
 * Only while the service is stopped: a running consumer would apply events in between.
 */
export async function replaceReadModel({ model, from, into }: { model: ReadModel; from: DataSource; into: DataSource }): Promise<{ rows: number; marks: number }> {
  const shapes = new Map<string, Awaited<ReturnType<typeof tableShape>>>();
  for (const table of model.tables) {
    const [source, target] = await Promise.all([tableShape(from, table), tableShape(into, table)]);
    const describe = (shape: typeof source) => [...shape.columns].map(([name, type]) => `${name} ${type}`).join(', ');
    if (describe(source) !== describe(target)) throw new Error(`${table} has different columns in the two databases (are both migrated to the same version?)`);
    shapes.set(table, source);
  }
  let rows = 0;
  let marks = 0;
  await into.transaction(async (manager) => {
    await manager.query(`TRUNCATE ${model.tables.map(quoted).join(', ')}`);
    await manager.query('DELETE FROM processed_events WHERE consumer_name = $1', [model.name]);
    const copy = async (table: string, primaryKey: readonly string[], where?: { sql: string; parameters: unknown[] }) => {
      let copied = 0;
      // A generated column (the queue's next_due_at) is computed by the table itself and refuses a value.
      const written: { column_name: string }[] = await manager.query(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position",
        [table],
      );
      const columns = written.map(({ column_name }) => quoted(column_name)).join(', ');
      for await (const page of readTableRows(from, table, primaryKey, { where, pageSize: 1000 })) {
        await manager.query(`INSERT INTO ${quoted(table)} (${columns}) SELECT ${columns} FROM jsonb_populate_recordset(NULL::${quoted(table)}, $1::jsonb)`, [
          JSON.stringify(page.map((row) => row.values)),
        ]);
        copied += page.length;
      }
      return copied;
    };
    for (const table of model.tables) rows += await copy(table, shapes.get(table)!.primaryKey);
    marks = await copy('processed_events', ['consumer_name', 'event_id'], { sql: 'consumer_name = $1', parameters: [model.name] });
  });
  return { rows, marks };
}

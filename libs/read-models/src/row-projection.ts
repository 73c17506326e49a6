import { typedEventOf, type DomainEvent, type EventRegistry, type RecordedEvent, type RecordedOf } from '@handoff/contracts';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { writeTables, type SentAlong, type TableRows } from './bulk-rows';
import { queryWithNext, type EventHandler } from '@handoff/messaging';

/**
 * One table of a read model as a pure fold: each event names the row it changes by the row's
 * key, and `evolve` says what the row becomes. The fold knows nothing of SQL; the writer below
 * reads the rows a batch touches, folds the batch in memory and writes each changed row once.
 * An event applied alone is a batch of one, so every batch size leaves the same rows.
 */
export interface RowFold<Row extends ObjectLiteral, Key extends keyof Row & string = keyof Row & string> {
  readonly entity: EntityTarget<Row>;
  /** The table's primary key, as properties of the row. */
  readonly key: readonly Key[];
  /** The key of the row an event changes; undefined when it changes no row of this table. */
  keyOf(event: RecordedEvent): Pick<Row, Key> | undefined;
  /** The row after the event; undefined, or the very same row, when the event changes nothing. */
  evolve(row: Row | undefined, event: RecordedEvent): Row | undefined;
  /**
   * Set for a table whose rows are fed by several topics, consumed side by side: a batch then
   * takes an advisory lock (this class, the key's hash) on each of its rows before reading them,
   * so a concurrent batch of another topic waits and folds onto what this one wrote.
   */
  readonly lockClass?: number;
  /**
   * Whether no row of the event's key can be there before it: the first event of the one stream
   * the key's rows are folded from. A batch does not read the rows of keys whose first event in
   * it is such an event (the processed-event marks keep a delivered-again event from the fold).
   */
  firstOfKey?(event: RecordedEvent): boolean;
  /**
   * Set when an event makes the whole row, whatever was there before, unless the row is already
   * past it (a ticket's subject line, from its latest hand-over): the column whose greater value
   * says which of two rows is the later. A batch then reads no row of the fold; it folds its own
   * events from nothing, and each row is written only over one with a lower value. So a change's
   * `before` is only what the batch itself made: no other table may follow from this fold, and
   * an announcement must not read it.
   */
  readonly newerBy?: keyof Row & string;
}

/**
 * A fold over the events of one registry: each event is typed, and checked against its contract,
 * before the fold sees it (data that breaks the contract throws ValidationFailed, and the
 * consumer dead-letters the event with the reason); an event of another registry changes nothing.
 */
export function typedRowFold<Row extends ObjectLiteral, Key extends keyof Row & string, E extends DomainEvent>(
  registry: EventRegistry<E>,
  fold: Omit<RowFold<Row, Key>, 'keyOf' | 'evolve'> & {
    keyOf(event: RecordedOf<E>): Pick<Row, Key> | undefined;
    evolve(row: Row | undefined, event: RecordedOf<E>): Row | undefined;
  },
): RowFold<Row, Key> {
  return {
    ...fold,
    keyOf(event) {
      const typed = typedEventOf(registry, event);
      return typed && fold.keyOf(typed);
    },
    evolve(row, event) {
      const typed = typedEventOf(registry, event);
      return typed && fold.evolve(row, typed);
    },
  };
}

/** One change a fold made, in the order of the events. */
export interface FoldStep<Row> {
  readonly event: RecordedEvent;
  readonly before: Row | undefined;
  readonly after: Row;
}

export interface FoldedRows<Row> {
  /** The rows the batch changed, each once, as the batch leaves them. */
  readonly changed: readonly Row[];
  readonly steps: readonly FoldStep<Row>[];
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** How foldRows and the rebuild tell a fold's rows apart: a one-column key is its value, else the key's values as JSON. */
export function rowIdentity<Row extends ObjectLiteral, Key extends keyof Row & string>(fold: RowFold<Row, Key>): (key: Pick<Row, Key>) => string {
  const [only] = fold.key;
  return fold.key.length === 1 ? (key) => String(key[only]) : (key) => JSON.stringify(fold.key.map((property) => key[property]));
}

/** Reads the rows the events touch (one query) and folds the events into them in memory; writes nothing. */
export async function foldRows<Row extends ObjectLiteral, Key extends keyof Row & string>(
  manager: EntityManager,
  fold: RowFold<Row, Key>,
  events: readonly RecordedEvent[],
): Promise<FoldedRows<Row>> {
  // A one-column key is its value, as other writers of the table lock it (e.g. an erasure reaching a customer's tickets).
  const identity = rowIdentity(fold);
  const touched = new Map<string, Pick<Row, Key>>();
  const unread = new Set<string>();
  const keyed: { readonly event: RecordedEvent; readonly id: string }[] = [];
  for (const event of events) {
    const key = fold.keyOf(event);
    if (!key) continue;
    const id = identity(key);
    if (!touched.has(id)) {
      touched.set(id, key);
      if (fold.newerBy !== undefined || fold.firstOfKey?.(event)) unread.add(id);
    }
    keyed.push({ event, id });
  }
  if (keyed.length === 0) return { changed: [], steps: [] };

  const rows = new Map<string, Row>();
  for (const row of await readRows(manager, fold, [...touched.keys()].sort(), touched, unread)) rows.set(identity(row), row);
  const changed = new Map<string, Row>();
  const steps: FoldStep<Row>[] = [];
  for (const { event, id } of keyed) {
    const before = rows.get(id);
    const after = fold.evolve(before, event);
    if (after === undefined || after === before) continue;
    rows.set(id, after);
    changed.set(id, after);
    steps.push({ event, before, after });
  }
  return { changed: [...changed.values()], steps };
}

async function readRows<Row extends ObjectLiteral, Key extends keyof Row & string>(
  manager: EntityManager,
  fold: RowFold<Row, Key>,
  locked: readonly string[],
  keys: ReadonlyMap<string, Pick<Row, Key>>,
  unread: ReadonlySet<string>,
): Promise<Row[]> {
  if (fold.lockClass !== undefined) {
    // In one order, so that two batches never wait on each other crosswise. Sent with the read
    // below, which runs once they are held, in its own snapshot.
    await queryWithNext(manager, 'SELECT pg_advisory_xact_lock($1, hashtext(id)) FROM unnest($2::text[]) AS id', [fold.lockClass, locked]);
  }
  const ids = locked.filter((id) => !unread.has(id));
  if (ids.length === 0) return [];
  const metadata = manager.connection.getMetadata(fold.entity);
  const columns = fold.key.map((property) => {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`foldRows: ${metadata.tableName} has no column for ${property}`);
    return { property, name: column.databaseName };
  });
  const table = quote(metadata.tableName);
  const names = columns.map(({ name }) => quote(name));
  // The keys as one JSON parameter, typed by the table's own row type: one statement for any
  // number of keys, of one column or several. The LIMIT (their number) is for the planner: it
  // takes a function for 100 rows, and for a batch's few keys read the whole table (a hash join,
  // 205 buffers a batch in the search model at 2,000 tickets) rather than the key's index.
  const records = ids.map((id) => Object.fromEntries(columns.map(({ property, name }) => [name, keys.get(id)![property]])));
  return manager
    .createQueryBuilder(fold.entity, 'existing')
    .where(`(${names.map((name) => `existing.${name}`).join(', ')}) IN (SELECT ${names.join(', ')} FROM jsonb_populate_recordset(NULL::${table}, :keys::jsonb) LIMIT ${records.length})`, {
      keys: JSON.stringify(records),
    })
    .getMany();
}

/** The rows a fold changed, for writeTables. */
function foldedRowsToWrite<Row extends ObjectLiteral, Key extends keyof Row & string>(manager: EntityManager, fold: RowFold<Row, Key>, folded: FoldedRows<Row>): TableRows<Row> {
  if (fold.newerBy === undefined) return { entity: fold.entity, rows: folded.changed, options: { onConflict: fold.key } };
  return { entity: fold.entity, rows: folded.changed, options: { onConflict: fold.key, where: overAnOlderRow(manager, fold.entity, fold.newerBy) } };
}

/** The upsert's condition that writes a row only over one whose `newer` column is lower. */
function overAnOlderRow<Row extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<Row>, newer: keyof Row & string): string {
  const metadata = manager.connection.getMetadata(entity);
  const column = metadata.findColumnWithPropertyName(newer);
  if (!column) throw new Error(`rowProjection: ${metadata.tableName} has no column for ${newer}`);
  return `${quote(metadata.tableName)}.${quote(column.databaseName)} < EXCLUDED.${quote(column.databaseName)}`;
}

/**
 * Rows of another table that follow from each row of a fold (a queue entry's running deadlines):
 * whenever the fold changes a row, the rows under its key are replaced by `rowsOf` the new one.
 * The source fold's key is one column, which these rows hold as `sourceKey`.
 */
export interface FollowingRows<Source extends ObjectLiteral, Row extends ObjectLiteral> {
  readonly entity: EntityTarget<Row>;
  readonly source: RowFold<Source, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly sourceKey: keyof Row & string;
  rowsOf(source: Source): Row[];
}

/**
 * One row per key, the newest any change of a fold gave (when each handler was last given a
 * ticket). Not read back and folded: a batch merges its own changes, then each row is written
 * only over an older one, so batches of different partitions never wait on each other's reads.
 */
export interface NewestRows<Source extends ObjectLiteral, Row extends ObjectLiteral> {
  readonly entity: EntityTarget<Row>;
  readonly source: RowFold<Source, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly key: readonly (keyof Row & string)[];
  /** The column whose greater value wins; on a tie the row already there stays. */
  readonly newest: keyof Row & string;
  /** The row a change of the source gives, if any. */
  rowOf(step: FoldStep<Source>): Row | undefined;
}

/**
 * How many of a fold's rows are in each group (a department's tickets in progress, per handler),
 * kept as the fold changes: each change takes its row out of the group it was in and puts it in
 * the one it is in now. Not read back: a batch adds its own net moves to each group's row, so
 * batches of different partitions never wait on each other's reads. A group's row stays, at zero,
 * once its last row has left it: a row at zero is as good as none (a rebuild writes none, and
 * ReadModel.countedTables leaves them out of a comparison).
 */
export interface CountedRows<Source extends ObjectLiteral, Row extends ObjectLiteral> {
  readonly entity: EntityTarget<Row>;
  readonly source: RowFold<Source, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The group's columns, the table's primary key. */
  readonly key: readonly (keyof Row & string)[];
  /** The column holding the number of rows in the group. */
  readonly count: keyof Row & string;
  /** The group a row of the fold counts in, as a row of this table with its count at 1; undefined: none. */
  groupOf(source: Source): Row | undefined;
}

/** Per group, by its key's values, the row with the count moved by these changes, in order. */
export function countedMoves<Source extends ObjectLiteral, Row extends ObjectLiteral>(
  counted: CountedRows<Source, Row>,
  steps: Iterable<FoldStep<Source>>,
  into = new Map<string, Row>(),
): Map<string, Row> {
  const identity = (row: Row) => JSON.stringify(counted.key.map((property) => row[property]));
  const move = (source: Source | undefined, by: number) => {
    const group = source && counted.groupOf(source);
    if (!group) return;
    const id = identity(group);
    const known = into.get(id);
    into.set(id, { ...group, [counted.count]: ((known?.[counted.count] as number | undefined) ?? 0) + by });
  };
  for (const { before, after } of steps) {
    move(before, -1);
    move(after, 1);
  }
  return into;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- each table with a row type of its own */
/**
 * What a projection's tables are made of, for whoever builds them other than batch by batch:
 * a rebuild folds every event into final rows in memory and writes each table once
 * (rebuild-fold.ts). The same objects the live handler runs, so there is one definition of each.
 */
export interface ProjectionFolds {
  readonly tables: readonly RowFold<any, any>[];
  readonly following: readonly FollowingRows<any, any>[];
  readonly newest: readonly NewestRows<any, any>[];
  readonly counted: readonly CountedRows<any, any>[];
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The changes a batch made, per fold. */
export type FoldedBatch = ReadonlyMap<RowFold<any, any>, FoldedRows<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface RowProjection extends EventHandler {
  readonly folds: ProjectionFolds;
}

/** The folds of a handler made by rowProjection; undefined for any other handler. */
export function projectionFoldsOf(handler: EventHandler): ProjectionFolds | undefined {
  return (handler as Partial<RowProjection>).folds;
}

/**
 * A projection made of folds: each batch is read and folded for every table first, then written
 * in one statement: the tables, the rows following each changed row (replacing those there), the
 * newest rows, the counts, and what the batch announces. Writes come after every read because a
 * transaction holds a transaction id from its first write to its commit, and every relay's read
 * horizon on the server waits for it; and in one statement, the last of the batch, because the
 * newest rows and the counts are shared by every partition and stay locked until the commit.
 */
export function rowProjection(options: {
  /** The event types the folds take (see EventHandler.eventTypes). */
  readonly eventTypes: readonly string[];
  /** Each with a row type of its own. */
  readonly tables: readonly RowFold<any, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly following?: readonly FollowingRows<any, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly newest?: readonly NewestRows<any, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly counted?: readonly CountedRows<any, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * What the batch tells anyone listening (routing's notifications to live queues), sent with its
   * rows in the same statement. Writes no rows of the model; a rebuild leaves it out.
   */
  readonly announce?: (batch: FoldedBatch) => SentAlong | undefined;
}): RowProjection {
  const folds: ProjectionFolds = { tables: options.tables, following: options.following ?? [], newest: options.newest ?? [], counted: options.counted ?? [] };
  for (const derived of [...folds.following, ...folds.newest, ...folds.counted]) {
    if (!folds.tables.includes(derived.source)) throw new Error('rowProjection: rows follow a fold that is not among its tables');
    if (derived.source.newerBy !== undefined) throw new Error('rowProjection: rows follow a fold whose rows are not read (newerBy)');
  }
  return {
    eventTypes: options.eventTypes,
    folds,
    async handle(events, manager) {
      const batch = new Map<RowFold<any, any>, FoldedRows<any>>(); // eslint-disable-line @typescript-eslint/no-explicit-any
      for (const fold of folds.tables) batch.set(fold, await foldRows(manager, fold, events));
      const announced = options.announce?.(batch);
      await writeTables(
        manager,
        [
          ...folds.tables.map((fold) => foldedRowsToWrite(manager, fold, batch.get(fold)!)),
          ...folds.following.map((following) => followingRowsToWrite(manager, following, batch.get(following.source)!)),
          ...folds.newest.map((newest) => newestRowsToWrite(manager, newest, batch.get(newest.source)!)),
          ...folds.counted.map((counted) => countedRowsToWrite(counted, batch.get(counted.source)!)),
        ],
        announced ? [announced] : [],
      );
    },
  };
}

/** The rows following each changed row, in place of those there. */
function followingRowsToWrite<Source extends ObjectLiteral, Row extends ObjectLiteral>(
  manager: EntityManager,
  following: FollowingRows<Source, Row>,
  folded: FoldedRows<Source>,
): TableRows<Row> {
  const metadata = manager.connection.getMetadata(following.entity);
  if (following.source.key.length !== 1) throw new Error(`rowProjection: ${metadata.tableName} follows no one-column key`);
  const [sourceKey] = following.source.key;
  return {
    entity: following.entity,
    rows: folded.changed.flatMap((row) => following.rowsOf(row)),
    options: {
      // Upserted by the table's own key, so the rows replaced and the rows written are never the same.
      onConflict: metadata.primaryColumns.map((column) => column.propertyName as keyof Row & string),
      replacing: { property: following.sourceKey, values: folded.changed.map((row) => String(row[sourceKey])) },
    },
  };
}

/** Per key, the newest of the rows the steps give, in order (a tie keeps the first). */
export function newestOf<Source extends ObjectLiteral, Row extends ObjectLiteral>(
  newest: NewestRows<Source, Row>,
  steps: Iterable<FoldStep<Source>>,
  into = new Map<string, Row>(),
): Map<string, Row> {
  const identity = (row: Row) => JSON.stringify(newest.key.map((property) => row[property]));
  for (const step of steps) {
    const row = newest.rowOf(step);
    if (!row) continue;
    const id = identity(row);
    const known = into.get(id);
    if (!known || known[newest.newest] < row[newest.newest]) into.set(id, row);
  }
  return into;
}

function newestRowsToWrite<Source extends ObjectLiteral, Row extends ObjectLiteral>(
  manager: EntityManager,
  newest: NewestRows<Source, Row>,
  folded: FoldedRows<Source>,
): TableRows<Row> {
  // In one order, the keys' own: each row stays locked until the batch commits.
  const rows = [...newestOf(newest, folded.steps).entries()].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)).map(([, row]) => row);
  return { entity: newest.entity, rows, options: { onConflict: newest.key, where: overAnOlderRow(manager, newest.entity, newest.newest) } };
}

function countedRowsToWrite<Source extends ObjectLiteral, Row extends ObjectLiteral>(counted: CountedRows<Source, Row>, folded: FoldedRows<Source>): TableRows<Row> {
  // In one order, the keys' own: each row stays locked until the batch commits.
  const rows = [...countedMoves(counted, folded.steps).entries()]
    .filter(([, row]) => row[counted.count] !== 0)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
    .map(([, row]) => row);
  return { entity: counted.entity, rows, options: { onConflict: counted.key, adding: counted.count } };
}

import { typedEventOf, type DomainEvent, type EventRegistry, type RecordedEvent, type RecordedOf } from '@handoff/contracts';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { writeRows } from './bulk-rows';
import type { EventHandler } from './event-consumer';

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

/** Reads the rows the events touch (one query) and folds the events into them in memory; writes nothing. */
export async function foldRows<Row extends ObjectLiteral, Key extends keyof Row & string>(
  manager: EntityManager,
  fold: RowFold<Row, Key>,
  events: readonly RecordedEvent[],
): Promise<FoldedRows<Row>> {
  // A one-column key is its value, as other writers of the table lock it (e.g. an erasure reaching a customer's tickets).
  const identity = (key: Pick<Row, Key>) => (fold.key.length === 1 ? String(key[fold.key[0]]) : JSON.stringify(fold.key.map((property) => key[property])));
  const touched = new Map<string, Pick<Row, Key>>();
  const keyed: { readonly event: RecordedEvent; readonly id: string }[] = [];
  for (const event of events) {
    const key = fold.keyOf(event);
    if (!key) continue;
    const id = identity(key);
    touched.set(id, key);
    keyed.push({ event, id });
  }
  if (keyed.length === 0) return { changed: [], steps: [] };

  const rows = new Map<string, Row>();
  for (const row of await readRows(manager, fold, [...touched.keys()].sort(), touched)) rows.set(identity(row), row);
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
  ids: readonly string[],
  keys: ReadonlyMap<string, Pick<Row, Key>>,
): Promise<Row[]> {
  if (fold.lockClass !== undefined) {
    // In one order, so that two batches never wait on each other crosswise.
    await manager.query('SELECT pg_advisory_xact_lock($1, hashtext(id)) FROM unnest($2::text[]) AS id', [fold.lockClass, ids]);
  }
  const metadata = manager.connection.getMetadata(fold.entity);
  const columns = fold.key.map((property) => {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`foldRows: ${metadata.tableName} has no column for ${property}`);
    return { property, name: column.databaseName };
  });
  const table = quote(metadata.tableName);
  const names = columns.map(({ name }) => quote(name));
  // The keys as one JSON parameter, typed by the table's own row type: one statement for any
  // number of keys, of one column or several.
  const records = ids.map((id) => Object.fromEntries(columns.map(({ property, name }) => [name, keys.get(id)![property]])));
  return manager
    .createQueryBuilder(fold.entity, 'existing')
    .where(`(${names.map((name) => `existing.${name}`).join(', ')}) IN (SELECT ${names.join(', ')} FROM jsonb_populate_recordset(NULL::${table}, :keys::jsonb))`, {
      keys: JSON.stringify(records),
    })
    .getMany();
}

/** Writes the rows a fold changed, in one statement. */
export function writeFoldedRows<Row extends ObjectLiteral, Key extends keyof Row & string>(
  manager: EntityManager,
  fold: RowFold<Row, Key>,
  folded: FoldedRows<Row>,
): Promise<void> {
  return writeRows(manager, fold.entity, folded.changed, { onConflict: fold.key });
}

/**
 * A projection made of folds alone: each batch is read and folded for every table first, then
 * written. Writes come last because a transaction holds a transaction id from its first write
 * to its commit, and every relay's read horizon on the server waits for it.
 */
export function rowProjection(options: {
  /** The event types the folds take (see EventHandler.eventTypes). */
  readonly eventTypes: readonly string[];
  /** Each with a row type of its own. */
  readonly tables: readonly RowFold<any, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
}): EventHandler {
  return {
    eventTypes: options.eventTypes,
    async handle(events, manager) {
      const folded = [];
      for (const fold of options.tables) folded.push({ fold, rows: await foldRows(manager, fold, events) });
      for (const { fold, rows } of folded) await writeFoldedRows(manager, fold, rows);
    },
  };
}

import type { RecordedEvent } from '@handoff/contracts';
import type { PoolClient } from 'pg';
import type { DataSource, EntityTarget, ObjectLiteral, QueryRunner } from 'typeorm';
import { copyShape, CopyWriter } from './copy-rows';
import { quoted } from './rebuild-tables';
import type { EventApplier, SkippedEvent } from './rebuild';
import { countedMoves, newestOf, rowIdentity, type CountedRows, type FoldStep, type NewestRows, type ProjectionFolds, type RowFold } from './row-projection';

/**
 * A rowProjection's tables rebuilt from empty without its handler: each event folded, in the
 * rebuild's order, into a map of final rows per table (one row per key, as the table will hold
 * it), then each table written once with COPY. The live handler reads the rows a batch touches and
 * upserts them back, batch after batch; here nothing is read back and no row is written twice.
 *
 * The marks go to processed_events with COPY as the events are folded, so the server writes them
 * while the rebuild reads and folds; rows and marks commit in one transaction at the end.
 *
 * Equal to the handler's result because it runs the very same folds (rowProjection exposes them):
 * a fold's rows do not depend on where batches start or end, a batch of everything is one more
 * batch size, and the rows following a fold (FollowingRows), the newest rows (NewestRows) and the
 * counts (CountedRows, but for groups left at zero) are derived from the fold's rows and changes
 * as the handler derives them.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRow = any;

interface TableState {
  readonly fold: RowFold<AnyRow, AnyRow>;
  readonly identity: (key: AnyRow) => string;
  readonly rows: Map<string, AnyRow>;
  readonly newest: readonly { readonly table: NewestRows<AnyRow, AnyRow>; readonly rows: Map<string, AnyRow> }[];
  readonly counted: readonly { readonly table: CountedRows<AnyRow, AnyRow>; readonly rows: Map<string, AnyRow> }[];
}

interface Change {
  readonly table: TableState;
  readonly id: string;
  readonly step: FoldStep<AnyRow>;
}

export async function foldAndCopy(dataSource: DataSource, consumerName: string, folds: ProjectionFolds, skipped: SkippedEvent[]): Promise<EventApplier> {
  const newest = folds.newest.map((table) => ({ table, rows: new Map<string, AnyRow>() }));
  const counted = folds.counted.map((table) => ({ table, rows: new Map<string, AnyRow>() }));
  const tables: TableState[] = folds.tables.map((fold) => ({
    fold,
    identity: rowIdentity(fold),
    rows: new Map(),
    newest: newest.filter(({ table }) => table.source === fold),
    counted: counted.filter(({ table }) => table.source === fold),
  }));

  const runner = dataSource.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  await runner.startTransaction();
  let committed = false;
  const marks = new CopyWriter(client, 'COPY processed_events (consumer_name, event_id) FROM STDIN');
  const markPrefix = `${consumerName.replace(/[\\\t\n\r]/g, '')}\t`;
  let applied = 0;

  /** Every fold's change for the event, or none of them when a fold refuses it. */
  const changesOf = (event: RecordedEvent): Change[] => {
    const changes: Change[] = [];
    for (const table of tables) {
      const key = table.fold.keyOf(event);
      if (!key) continue;
      const id = table.identity(key);
      const before = table.rows.get(id);
      const after = table.fold.evolve(before, event);
      if (after === undefined || after === before) continue;
      changes.push({ table, id, step: { event, before, after } });
    }
    return changes;
  };

  return {
    get applied() {
      return applied;
    },
    async apply(events) {
      let lines = '';
      for (const event of events) {
        let changes: Change[];
        try {
          changes = changesOf(event);
        } catch (error) {
          // What the handler does with an event it refuses for good: leaves it out, unmarked.
          skipped.push({
            eventId: event.eventId,
            type: event.type,
            streamId: event.streamId,
            streamPosition: event.streamPosition,
            reason: `handler_failed: ${error instanceof Error ? error.message : String(error)}`,
          });
          continue;
        }
        for (const { table, id, step } of changes) {
          table.rows.set(id, step.after);
          for (const { table: derived, rows } of table.newest) newestOf(derived, [step], rows);
          for (const { table: derived, rows } of table.counted) countedMoves(derived, [step], rows);
        }
        applied++;
        lines += `${markPrefix}${event.eventId}\n`;
      }
      await marks.write(lines);
    },
    async finish() {
      await marks.end();
      for (const { fold, rows } of tables) if (rows.size > 0) await copyRows(runner, client, fold.entity, rows.values());
      for (const following of folds.following) {
        const source = tables.find((table) => table.fold === following.source)!;
        if (source.rows.size > 0) await copyRows(runner, client, following.entity, flatRows(source.rows.values(), following.rowsOf));
      }
      for (const { table, rows } of newest) if (rows.size > 0) await copyRows(runner, client, table.entity, rows.values());
      for (const { table, rows } of counted) {
        const groups = [...rows.values()].filter((row) => row[table.count] !== 0);
        if (groups.length > 0) await copyRows(runner, client, table.entity, groups);
      }
      await runner.commitTransaction();
      committed = true;
    },
    async close() {
      try {
        if (!committed && runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      } finally {
        await runner.release();
      }
    },
  };
}

const COPY_CHUNK = 64 * 1024;

function* flatRows<Source, Row>(sources: Iterable<Source>, rowsOf: (source: Source) => Row[]): Generator<Row> {
  for (const source of sources) yield* rowsOf(source);
}

/**
 * Rows into a table the rebuild emptied, its indexes and its keys built after the COPY: building
 * an index from all the rows at once costs the server less than inserting each row into it (the
 * running deadlines' 84,200 rows: 178 ms against 310-370 with their key and index in place),
 * and in the same transaction, so a rebuild that fails leaves them as they were. A key that two
 * rows share fails the key's return as it would have failed the COPY (class 23, isRefusedRow).
 * A key another table's foreign key refers to stays, as it must.
 */
async function copyRows<Row extends ObjectLiteral>(runner: QueryRunner, client: PoolClient, entity: EntityTarget<Row>, rows: Iterable<Row>): Promise<void> {
  const metadata = runner.connection.getMetadata(entity);
  const table = quoted(metadata.tableName);
  // Keys first, so that a key two rows share is found before any index is built.
  const built = (await client.query<{ drop: string; build: string }>(
    `SELECT 'ALTER TABLE ' || $1 || ' DROP CONSTRAINT ' || quote_ident(k.conname) AS drop,
            'ALTER TABLE ' || $1 || ' ADD CONSTRAINT ' || quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid) AS build, 0 AS turn
       FROM pg_constraint k
      WHERE k.conrelid = to_regclass($1) AND k.contype IN ('p', 'u')
        AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = k.conrelid AND f.conindid = k.conindid)
     UNION ALL
     SELECT 'DROP INDEX ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname), pg_get_indexdef(i.indexrelid), 1
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE i.indrelid = to_regclass($1) AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
     ORDER BY turn, drop`,
    [table],
  )).rows;
  // Each list in one statement text: one round trip each, in order, the first failure ending it.
  if (built.length > 0) await client.query(built.map(({ drop }) => drop).join(';\n'));
  await copyLines(client, copyShape(metadata), rows);
  if (built.length > 0) await client.query(built.map(({ build }) => build).join(';\n'));
}

async function copyLines<Row extends ObjectLiteral>(client: PoolClient, shape: ReturnType<typeof copyShape>, rows: Iterable<Row>): Promise<void> {
  const writer = new CopyWriter(client, shape.statement);
  // Lines gathered into chunks here: an await a row cost as much as encoding it.
  let lines = '';
  for (const row of rows) {
    lines += shape.line(row);
    if (lines.length >= COPY_CHUNK) {
      await writer.write(lines);
      lines = '';
    }
  }
  await writer.write(lines);
  await writer.end();
}

/**
 * A row or mark PostgreSQL refused: a data exception (class 22: a value out of range, text too
 * long) or an integrity one (class 23: a duplicate key, a NOT NULL).
 */
export function isRefusedRow(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

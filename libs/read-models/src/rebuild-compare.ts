import { isDeepStrictEqual } from 'node:util';
import type { ReadModel } from './read-model';
import type { DataSource } from 'typeorm';
import { compareKeys, quoted, readTableRows, RowCursor, tableShape } from './rebuild-tables';

/**
 * A live read model against one rebuilt from the events, row by row, matched on primary keys.
 * From the events' side: a row the rebuild has and the live model lacks is `missing`, a live
 * row the events do not produce is `extra`, and a row both have with other values `differs`.
 * The model's volatile columns (write times) and volatile tables are left out, and so are the
 * rows at zero of its counted tables.
 */

export type RowDifferenceKind = 'missing' | 'extra' | 'differs';

export interface ColumnDifference {
  readonly column: string;
  readonly live: unknown;
  readonly rebuilt: unknown;
}

export interface RowDifference {
  readonly table: string;
  readonly kind: RowDifferenceKind;
  /** Primary-key column to value. */
  readonly key: Readonly<Record<string, string>>;
  /** For `differs`: the columns that differ. */
  readonly columns?: readonly ColumnDifference[];
}

export interface TableComparison {
  readonly table: string;
  readonly liveRows: number;
  readonly rebuiltRows: number;
  readonly missing: number;
  readonly extra: number;
  readonly differing: number;
}

export interface ReadModelComparison {
  readonly model: string;
  readonly equal: boolean;
  readonly tables: readonly TableComparison[];
  /** The first `maxDifferences` differences, in table and key order; the tables' counts are complete. */
  readonly differences: readonly RowDifference[];
  readonly ignoredColumns: readonly string[];
  readonly ignoredTables: readonly string[];
  /** The counted tables, whose rows at zero were left out. */
  readonly zeroRowsIgnored: readonly string[];
}

export async function compareReadModel(options: {
  readonly model: ReadModel;
  readonly live: DataSource;
  readonly rebuilt: DataSource;
  /** Most differences described (default 100); all are counted. */
  readonly maxDifferences?: number;
}): Promise<ReadModelComparison> {
  const { model, live, rebuilt } = options;
  const maxDifferences = options.maxDifferences ?? 100;
  const ignored = new Set(model.volatileColumns ?? []);
  const tables: TableComparison[] = [];
  const differences: RowDifference[] = [];
  const note = (difference: RowDifference) => {
    if (differences.length < maxDifferences) differences.push(difference);
  };

  const ignoredTables = new Set(model.volatileTables ?? []);
  for (const table of model.tables) {
    if (ignoredTables.has(table)) continue;
    const [liveShape, rebuiltShape] = await Promise.all([tableShape(live, table), tableShape(rebuilt, table)]);
    if (liveShape.primaryKey.join() !== rebuiltShape.primaryKey.join()) {
      throw new Error(`${table} has a different primary key in the two databases (are both migrated to the same version?)`);
    }
    const primaryKey = liveShape.primaryKey;
    const keyOf = (key: readonly string[]) => Object.fromEntries(primaryKey.map((column, index) => [column, key[index]]));
    const counts = { table, liveRows: 0, rebuiltRows: 0, missing: 0, extra: 0, differing: 0 };
    const count = model.countedTables?.[table];
    const compared = count === undefined ? {} : { where: { sql: `${quoted(count)} <> 0`, parameters: [] } };
    const liveRows = new RowCursor(readTableRows(live, table, primaryKey, compared));
    const rebuiltRows = new RowCursor(readTableRows(rebuilt, table, primaryKey, compared));
    try {
      for (;;) {
        const [left, right] = await Promise.all([liveRows.peek(), rebuiltRows.peek()]);
        if (!left && !right) break;
        const order = !left ? 1 : !right ? -1 : compareKeys(left.key, right.key);
        if (order < 0) {
          counts.liveRows++;
          counts.extra++;
          note({ table, kind: 'extra', key: keyOf(left!.key) });
          liveRows.take();
        } else if (order > 0) {
          counts.rebuiltRows++;
          counts.missing++;
          note({ table, kind: 'missing', key: keyOf(right!.key) });
          rebuiltRows.take();
        } else {
          counts.liveRows++;
          counts.rebuiltRows++;
          const columns = differingColumns(left!.values, right!.values, ignored);
          if (columns.length > 0) {
            counts.differing++;
            note({ table, kind: 'differs', key: keyOf(left!.key), columns });
          }
          liveRows.take();
          rebuiltRows.take();
        }
      }
    } finally {
      await Promise.all([liveRows.close(), rebuiltRows.close()]);
    }
    tables.push(counts);
  }
  const equal = tables.every((table) => table.missing + table.extra + table.differing === 0);
  return {
    model: model.name,
    equal,
    tables,
    differences,
    ignoredColumns: [...ignored],
    ignoredTables: [...ignoredTables],
    zeroRowsIgnored: Object.keys(model.countedTables ?? {}).filter((table) => !ignoredTables.has(table)),
  };
}

function differingColumns(live: Record<string, unknown>, rebuilt: Record<string, unknown>, ignored: ReadonlySet<string>): ColumnDifference[] {
  const columns = new Set([...Object.keys(live), ...Object.keys(rebuilt)]);
  const found: ColumnDifference[] = [];
  for (const column of columns) {
    if (ignored.has(column)) continue;
    if (!isDeepStrictEqual(live[column], rebuilt[column])) found.push({ column, live: live[column], rebuilt: rebuilt[column] });
  }
  return found;
}

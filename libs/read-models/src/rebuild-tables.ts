import type { DataSource, QueryRunner } from 'typeorm';

/**
 * Reading a read model's tables the same way in two databases: rows as JSON (timestamps in UTC,
 * so two servers' time zones cannot differ), in primary-key order under the "C" collation,
 * through a server-side cursor so a big table is never held in memory at once.
 */

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export function quoted(identifier: string): string {
  if (!IDENTIFIER.test(identifier)) throw new Error(`not a plain table or column name: ${identifier}`);
  return `"${identifier}"`;
}

export interface TableRow {
  /** The primary key's values as text, in key order. */
  readonly key: readonly string[];
  readonly values: Record<string, unknown>;
}

export interface TableShape {
  readonly primaryKey: readonly string[];
  /** Column name to its SQL type, in table order. */
  readonly columns: ReadonlyMap<string, string>;
}

export async function tableShape(database: DataSource | QueryRunner, table: string): Promise<TableShape> {
  const found = (await database.query('SELECT to_regclass($1) IS NOT NULL AS present', [`public.${quoted(table)}`])) as { present: boolean }[];
  if (!found[0]?.present) throw new Error(`table ${table} does not exist in this database (are its migrations run?)`);
  const columns = (await database.query(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [`public.${quoted(table)}`],
  )) as { name: string; type: string }[];
  const primaryKey = (await database.query(
    `SELECT a.attname AS name
       FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary
      ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [`public.${quoted(table)}`],
  )) as { name: string }[];
  if (primaryKey.length === 0) throw new Error(`table ${table} has no primary key to match rows on`);
  return { primaryKey: primaryKey.map((column) => column.name), columns: new Map(columns.map((column) => [column.name, column.type])) };
}

/** Orders keys as PostgreSQL's "C" collation orders their text: by UTF-8 bytes. */
export function compareKeys(left: readonly string[], right: readonly string[]): number {
  for (let index = 0; index < left.length; index++) {
    const order = Buffer.compare(Buffer.from(left[index], 'utf8'), Buffer.from(right[index], 'utf8'));
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * Every row of `table` in key order, `pageSize` at a time. `where` narrows it (used for one
 * consumer's processed-event marks). Runs in its own read-only transaction on its own connection.
 */
export async function* readTableRows(
  dataSource: DataSource,
  table: string,
  primaryKey: readonly string[],
  options: { readonly where?: { readonly sql: string; readonly parameters: readonly unknown[] }; readonly pageSize?: number } = {},
): AsyncGenerator<TableRow[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction('REPEATABLE READ');
    await runner.query(`SET LOCAL TIME ZONE 'UTC'`);
    const key = primaryKey.map((column) => `${quoted(column)}::text COLLATE "C"`);
    await runner.query(
      `DECLARE read_model_rows NO SCROLL CURSOR FOR
         SELECT ARRAY[${key.join(', ')}] AS key, to_jsonb(t) AS "values" FROM ${quoted(table)} t
         ${options.where ? `WHERE ${options.where.sql}` : ''}
         ORDER BY ${key.join(', ')}`,
      [...(options.where?.parameters ?? [])],
    );
    for (;;) {
      const rows = (await runner.query(`FETCH ${options.pageSize ?? 2000} FROM read_model_rows`)) as TableRow[];
      if (rows.length === 0) break;
      yield rows;
    }
    await runner.commitTransaction();
  } finally {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    await runner.release();
  }
}

/** One row at a time over the pages of readTableRows. */
export class RowCursor {
  private page: TableRow[] = [];
  private index = 0;
  private finished = false;

  constructor(private readonly pages: AsyncGenerator<TableRow[]>) {}

  async peek(): Promise<TableRow | undefined> {
    if (this.index >= this.page.length && !this.finished) {
      const next = await this.pages.next();
      this.page = next.done ? [] : next.value;
      this.index = 0;
      this.finished = next.done === true;
    }
    return this.page[this.index];
  }

  take(): void {
    this.index++;
  }

  async close(): Promise<void> {
    await this.pages.return(undefined);
  }
}

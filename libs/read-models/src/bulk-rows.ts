import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { queryWithNext } from '@handoff/messaging';

export interface WriteRowsOptions<T> {
  /** Upsert on these properties (the table's unique key): every other column takes the new value. */
  readonly onConflict?: readonly (keyof T & string)[];
  /** With onConflict: update only where this holds (SQL over the table and EXCLUDED, e.g. a position check). */
  readonly where?: string;
  /**
   * With onConflict: the rows are all there is for these values of `property` (the rows following
   * a changed row, each time made anew from it). A row there with one of them whose key is not
   * among the rows is deleted by the same statement, so the delete and the upsert touch different
   * rows and may share its snapshot. Values with no rows left delete all of theirs.
   */
  readonly replacing?: { readonly property: keyof T & string; readonly values: readonly string[] };
  /** With onConflict: this column of a row already there is added to (a count moved by a change), not replaced. */
  readonly adding?: keyof T & string;
}

/**
 * Inserts (or upserts) many rows of an entity's table in one statement with one parameter: the
 * rows as a JSON array, turned into table rows by `jsonb_populate_recordset`. For the batches a
 * projection writes, TypeORM's multi-row insert spends more CPU building its SQL (a parameter
 * per value, looked up by name) than PostgreSQL spends writing the rows.
 *
 * Values go through JSON: Dates become ISO instants, jsonb columns take the value as it is,
 * arrays fill array columns, and undefined is NULL, as TypeORM writes them.
 */
export async function writeRows<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  rows: readonly T[],
  options: WriteRowsOptions<T> = {},
): Promise<void> {
  await writeTables(manager, [{ entity, rows, options }]);
}

/** Rows of one table for writeTables. */
export interface TableRows<T extends ObjectLiteral = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly entity: EntityTarget<T>;
  readonly rows: readonly T[];
  readonly options?: WriteRowsOptions<T>;
}

/**
 * A statement sent with the writes, in the same round trip, that writes no rows of a table
 * (a `pg_notify` of what they changed, say). `sql` is a query given the placeholder numbers of its
 * values in order; it is read to its end (`count(*)`), whether or not it returns anything.
 */
export interface SentAlong {
  readonly values: readonly unknown[];
  sql(first: number): string;
}

/**
 * writeRows for several tables in one statement (one round trip): each table's insert is a
 * data-modifying WITH query, which PostgreSQL runs to completion whether or not it is read.
 * They run side by side on one snapshot, so each table may appear only once. `along` go in the
 * same statement (see SentAlong). In a transaction nothing waits on it: it goes with the
 * transaction's next statement or its COMMIT (queryWithNext), and fails that one if it fails.
 */
export async function writeTables(manager: EntityManager, writes: readonly TableRows[], along: readonly SentAlong[] = []): Promise<void> {
  const nonEmpty = writes.filter((write) => write.rows.length > 0 || (write.options?.replacing?.values.length ?? 0) > 0);
  const tables = nonEmpty.map((write) => manager.connection.getMetadata(write.entity).tableName);
  if (new Set(tables).size !== tables.length) throw new Error(`writeTables: a table appears twice (${tables.join(', ')}); write it in one TableRows`);
  const values: unknown[] = [];
  const writing = nonEmpty.flatMap((write) => writesOf(manager, write, values));
  if (writing.length === 1 && along.length === 0) {
    await queryWithNext(manager, writing[0], values);
    return;
  }
  if (writing.length === 0 && along.length === 0) return;
  const parts = writing.map((sql, index) => `written_${index} AS (${sql})`);
  const read = along.map((sent, index) => {
    parts.push(`along_${index} AS (${sent.sql(values.length + 1)})`);
    values.push(...sent.values);
    return `(SELECT count(*) FROM along_${index})`;
  });
  await queryWithNext(manager, `WITH ${parts.join(', ')} SELECT ${read.length === 0 ? '1' : read.join(', ')}`, values);
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/**
 * The statements writing one table's rows: the insert (or upsert), and with `replacing` the
 * delete of the rows the new ones replace; their values appended to `values`.
 */
function writesOf<T extends ObjectLiteral>(manager: EntityManager, write: TableRows<T>, values: unknown[]): string[] {
  const { entity, rows, options = {} } = write;
  const metadata = manager.connection.getMetadata(entity);
  const columns = metadata.columns.map((column) => ({ property: column.propertyName, name: column.databaseName }));
  const columnOf = (property: string) => {
    const column = columns.find((candidate) => candidate.property === property);
    if (!column) throw new Error(`writeRows: ${metadata.tableName} has no column for ${property}`);
    return column.name;
  };
  const table = quote(metadata.tableName);
  const names = columns.map((column) => quote(column.name)).join(', ');
  const records = rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (const { property, name } of columns) record[name] = row[property] ?? null;
    return record;
  });
  const parameter = (value: unknown) => `$${values.push(value)}`;
  const given = parameter(JSON.stringify(records));
  const statements: string[] = [];
  if (rows.length > 0) {
    let sql = `INSERT INTO ${table} (${names}) SELECT ${names} FROM jsonb_populate_recordset(NULL::${table}, ${given}::jsonb)`;
    if (options.onConflict) {
      const keys = options.onConflict.map(columnOf);
      const added = options.adding === undefined ? undefined : columnOf(options.adding);
      const updates = columns
        .filter((column) => !keys.includes(column.name))
        .map((column) => `${quote(column.name)} = ${column.name === added ? `${table}.${quote(column.name)} + ` : ''}EXCLUDED.${quote(column.name)}`);
      sql += ` ON CONFLICT (${keys.map(quote).join(', ')}) DO ${updates.length === 0 ? 'NOTHING' : `UPDATE SET ${updates.join(', ')}`}`;
      if (options.where && updates.length > 0) sql += ` WHERE ${options.where}`;
    }
    statements.push(sql);
  }
  if (options.replacing) {
    if (!options.onConflict) throw new Error(`writeRows: replacing rows of ${metadata.tableName} needs onConflict, the key that tells them apart`);
    const kept = options.onConflict.map((property) => `kept.${quote(columnOf(property))} = t.${quote(columnOf(property))}`).join(' AND ');
    statements.push(
      `DELETE FROM ${table} t WHERE t.${quote(columnOf(options.replacing.property))} = ANY(${parameter([...options.replacing.values])}::text[]) ` +
        `AND NOT EXISTS (SELECT 1 FROM jsonb_populate_recordset(NULL::${table}, ${given}::jsonb) kept WHERE ${kept})`,
    );
  }
  return statements;
}

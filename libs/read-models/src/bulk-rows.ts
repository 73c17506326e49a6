import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

export interface WriteRowsOptions<T> {
  /** Upsert on these properties (the table's unique key): every other column takes the new value. */
  readonly onConflict?: readonly (keyof T & string)[];
  /** With onConflict: update only where this holds (SQL over the table and EXCLUDED, e.g. a position check). */
  readonly where?: string;
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
  if (rows.length === 0) return;
  const { sql, records } = insertOf(manager, { entity, rows, options }, 1);
  await manager.query(sql, [records]);
}

/** Rows of one table for writeTables. */
export interface TableRows<T extends ObjectLiteral = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly entity: EntityTarget<T>;
  readonly rows: readonly T[];
  readonly options?: WriteRowsOptions<T>;
}

/**
 * writeRows for several tables in one statement (one round trip): each table's insert is a
 * data-modifying WITH query, which PostgreSQL runs to completion whether or not it is read.
 * They run side by side on one snapshot, so each table may appear only once.
 */
export async function writeTables(manager: EntityManager, writes: readonly TableRows[]): Promise<void> {
  const nonEmpty = writes.filter((write) => write.rows.length > 0);
  const tables = nonEmpty.map((write) => manager.connection.getMetadata(write.entity).tableName);
  if (new Set(tables).size !== tables.length) throw new Error(`writeTables: a table appears twice (${tables.join(', ')}); write it in one TableRows`);
  if (nonEmpty.length <= 1) {
    for (const write of nonEmpty) await writeRows(manager, write.entity, write.rows, write.options);
    return;
  }
  const inserts = nonEmpty.map((write, index) => insertOf(manager, write, index + 1));
  const sql = `WITH ${inserts.map(({ sql }, index) => `written_${index} AS (${sql})`).join(', ')} SELECT 1`;
  await manager.query(sql, inserts.map(({ records }) => records));
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** The insert (or upsert) of one table's rows, taking them as the JSON of parameter $`parameter`. */
function insertOf<T extends ObjectLiteral>(manager: EntityManager, write: TableRows<T>, parameter: number): { readonly sql: string; readonly records: string } {
  const { entity, rows, options = {} } = write;
  const metadata = manager.connection.getMetadata(entity);
  const columns = metadata.columns.map((column) => ({ property: column.propertyName, name: column.databaseName }));
  const table = quote(metadata.tableName);
  const names = columns.map((column) => quote(column.name)).join(', ');
  const records = rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (const { property, name } of columns) record[name] = row[property] ?? null;
    return record;
  });
  let sql = `INSERT INTO ${table} (${names}) SELECT ${names} FROM jsonb_populate_recordset(NULL::${table}, $${parameter}::jsonb)`;
  if (options.onConflict) {
    const keys = options.onConflict.map((property) => {
      const column = columns.find((candidate) => candidate.property === property);
      if (!column) throw new Error(`writeRows: ${metadata.tableName} has no column for ${property}`);
      return column.name;
    });
    const updates = columns.filter((column) => !keys.includes(column.name)).map((column) => `${quote(column.name)} = EXCLUDED.${quote(column.name)}`);
    sql += ` ON CONFLICT (${keys.map(quote).join(', ')}) DO ${updates.length === 0 ? 'NOTHING' : `UPDATE SET ${updates.join(', ')}`}`;
    if (options.where && updates.length > 0) sql += ` WHERE ${options.where}`;
  }
  return { sql, records: JSON.stringify(records) };
}

import { once } from 'node:events';
import type { PoolClient } from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import type { EntityMetadata } from 'typeorm';

/**
 * Rows into a table with COPY (text format), for a rebuild that writes each row once. Each value
 * is written as writeRows writes it (bulk-rows.ts), so the two give the same rows: what JSON makes
 * of it (Dates as ISO instants, undefined as NULL), a jsonb column the value's JSON, an array
 * column its elements.
 */

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

const SPECIAL = /[\\\n\r\t]/;
const escapeText = (text: string) => (SPECIAL.test(text) ? text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') : text);

const TWO_DIGITS = Array.from({ length: 100 }, (_, value) => String(value).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, value) => String(value).padStart(3, '0'));

/**
 * `date.toISOString()`, written out from its fields for the years 1000 to 9999: about 140 ns a
 * date against 450 in a micro-benchmark (README, "Issue 18, eighteenth round"), and a rebuild
 * writes up to ten for every row of the department queue.
 */
function isoInstant(date: Date): string {
  const year = date.getUTCFullYear();
  if (!(year >= 1000 && year <= 9999)) return date.toISOString();
  return `${year}-${TWO_DIGITS[date.getUTCMonth() + 1]}-${TWO_DIGITS[date.getUTCDate()]}T${TWO_DIGITS[date.getUTCHours()]}:${TWO_DIGITS[date.getUTCMinutes()]}:${TWO_DIGITS[date.getUTCSeconds()]}.${THREE_DIGITS[date.getUTCMilliseconds()]}Z`;
}

/** A scalar as JSON gives it to jsonb_populate_recordset, as text; undefined for NULL. */
function scalarText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? String(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'undefined':
      return undefined;
    default:
      if (value === null) return undefined;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : isoInstant(value);
      return JSON.stringify(value);
  }
}

const arrayElement = (value: unknown): string => {
  const text = scalarText(value);
  return text === undefined ? 'NULL' : `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
};

/** The COPY statement and a line encoder for an entity's table (every column TypeORM maps, as writeRows writes them). */
export function copyShape(metadata: EntityMetadata): { readonly statement: string; line(row: Record<string, unknown>): string } {
  const columns = metadata.columns.map((column) => ({
    property: column.propertyName,
    kind: column.isArray ? ('array' as const) : column.type === 'jsonb' || column.type === 'json' ? ('json' as const) : ('scalar' as const),
  }));
  const fieldOf = (value: unknown, kind: 'array' | 'json' | 'scalar'): string => {
    if (value === undefined || value === null) return '\\N';
    if (kind === 'json') return escapeText(JSON.stringify(value));
    if (kind === 'array' && Array.isArray(value)) return escapeText(`{${value.map(arrayElement).join(',')}}`);
    // The commonest scalars first, unescaped where their text cannot hold a character COPY escapes
    // (a rebuild writes a row per ticket and several rows follow each): the same text as below.
    if (typeof value === 'string') return escapeText(value);
    if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '\\N';
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? '\\N' : isoInstant(value);
    const text = scalarText(value);
    return text === undefined ? '\\N' : escapeText(text);
  };
  return {
    statement: `COPY ${quote(metadata.tableName)} (${metadata.columns.map((column) => quote(column.databaseName)).join(', ')}) FROM STDIN`,
    line(row) {
      let line = '';
      for (let index = 0; index < columns.length; index++) {
        const { property, kind } = columns[index];
        line += (index === 0 ? '' : '\t') + fieldOf(row[property], kind);
      }
      return `${line}\n`;
    },
  };
}

/**
 * A COPY in progress on `client`, fed lines in chunks: `write` waits when the server is behind,
 * and `end` resolves once it has taken every row (or rejects with its error).
 */
export class CopyWriter {
  private readonly stream: CopyStreamQuery;
  private readonly done: Promise<void>;
  private failure: unknown;
  private chunk = '';

  constructor(client: PoolClient, statement: string) {
    this.stream = client.query(copyFrom(statement));
    this.done = new Promise((resolve, reject) => {
      this.stream.on('finish', resolve);
      this.stream.on('error', (error) => {
        this.failure = error;
        reject(error);
      });
    });
    // Seen by end(); until then a failure must not count as unhandled.
    this.done.catch(() => undefined);
  }

  async write(line: string): Promise<void> {
    this.chunk += line;
    if (this.chunk.length >= 64 * 1024) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    const chunk = this.chunk;
    this.chunk = '';
    if (chunk.length > 0 && !this.stream.write(chunk)) await Promise.race([once(this.stream, 'drain'), this.done]);
  }

  async end(): Promise<number> {
    await this.flush();
    this.stream.end();
    await this.done;
    return this.stream.rowCount;
  }
}

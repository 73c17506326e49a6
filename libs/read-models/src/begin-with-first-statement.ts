import { Client, Query, type QueryConfig, type QueryResult } from 'pg';

/** What TypeORM sends to open and end a transaction. */
const OPENS = new Set(['START TRANSACTION', 'BEGIN']);
const ENDS = new Set(['COMMIT', 'ROLLBACK']);
/** Longer texts are none of those: most statements are kilobytes, not copied and upper-cased for nothing. */
const LONGEST_COMMAND = 'START TRANSACTION;'.length + 4;

/** The wire messages of node-postgres' Connection this file writes; not in its typings. */
interface WireConnection {
  parse(query: { text: string }): void;
  bind(config: object): void;
  execute(config: object): void;
}

/**
 * A statement with BEGIN before it in one round trip: BEGIN's Parse, Bind and Execute, then the
 * statement's, then the one Sync the statement ends with. The server runs them in order; the
 * results are BEGIN's, then the statement's.
 */
class BegunWith extends Query {
  requiresPreparation(): boolean {
    return true;
  }

  prepare(connection: WireConnection): void {
    connection.parse({ text: 'BEGIN' });
    connection.bind({});
    connection.execute({});
    (Query.prototype as unknown as { prepare(connection: WireConnection): void }).prepare.call(this, connection);
  }
}

type Settled = (error: Error | null | undefined, results: QueryResult | QueryResult[]) => void;

/**
 * A node-postgres client that sends a transaction's BEGIN with its first statement, in one round
 * trip instead of two (a service's read models open a transaction for every batch a consumer
 * applies, and at a light load each round trip costs the server a wake-up).
 *
 * TypeORM's `START TRANSACTION` is answered at once and held back. The next statement carries
 * it: one with parameters in the same round trip (BegunWith), any other (a migration's text of
 * several statements, a COPY) after BEGIN sent on its own, in order, as before. A transaction
 * that ends before any statement sends nothing, since nothing was begun on the server. A failed
 * statement leaves the transaction aborted, as it would have, for the caller's ROLLBACK.
 */
export class BeginWithFirstStatementClient extends Client {
  private beginHeld = false;

  // node-postgres' query() has many overloads; TypeORM calls query(text, values) and awaits it.
  override query(...args: unknown[]): any { // eslint-disable-line @typescript-eslint/no-explicit-any
    const [config, values, callback] = args;
    const plain = typeof config === 'string' || (typeof config === 'object' && config !== null && typeof (config as { submit?: unknown }).submit !== 'function');
    const promised = plain && typeof values !== 'function' && callback === undefined;
    const text = typeof config === 'string' ? config : plain ? (config as { text?: string }).text : undefined;
    const command = text !== undefined && text.length <= LONGEST_COMMAND ? text.trim().replace(/;$/, '').toUpperCase() : undefined;
    const parameters = (typeof config === 'object' && config !== null ? (config as { values?: unknown[] }).values : undefined) ?? (Array.isArray(values) ? values : undefined);
    if (promised && command !== undefined && OPENS.has(command) && !parameters?.length && !this.beginHeld) {
      this.beginHeld = true;
      return Promise.resolve(resultOf('BEGIN'));
    }
    if (this.beginHeld) {
      this.beginHeld = false;
      if (promised && command !== undefined && ENDS.has(command)) return Promise.resolve(resultOf(command));
      if (promised && parameters && parameters.length > 0) {
        return new Promise((resolve, reject) => {
          const settled: Settled = (error, results) => (error ? reject(error) : resolve(Array.isArray(results) ? results[results.length - 1] : results));
          const normalized = (typeof config === 'string' ? { text: config, values: parameters } : { ...(config as object), values: parameters }) as QueryConfig;
          super.query(new BegunWith(normalized, undefined, settled as never) as never);
        });
      }
      // Queued ahead of the statement; should it fail, so does the statement after it.
      void (super.query('BEGIN') as Promise<unknown>).catch(() => undefined);
    }
    return (super.query as (...given: unknown[]) => unknown)(...args);
  }
}

function resultOf(command: string): QueryResult {
  return { command, rowCount: null, oid: 0, rows: [], fields: [] };
}

import { countRoundTrips } from '@handoff/event-store';
import { statementHolderOf, type StatementHolder } from '@handoff/messaging';
import pg, { Client, Query, type ClientConfig, type QueryConfig, type QueryResult } from 'pg';
import type { EntityManager } from 'typeorm';

/** What TypeORM sends to open and end a transaction. */
const OPENS = new Set(['START TRANSACTION', 'BEGIN']);
const ENDS = new Set(['COMMIT', 'ROLLBACK']);
/** Longer texts are none of those: most statements are kilobytes, not copied and upper-cased for nothing. */
const LONGEST_COMMAND = 'START TRANSACTION;'.length + 4;

/** node-postgres' own mapping of a parameter to its wire text (a Date, an array, an object as JSON). */
const { prepareValue } = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils;

/** The wire messages of node-postgres' Connection this file writes; not in its typings. */
interface WireConnection {
  parse(query: { text: string }): void;
  bind(config: object): void;
  describe(config: object): void;
  execute(config: object): void;
}

/** A statement sent ahead of another, in the same round trip: its values as the wire takes them. */
interface Ahead {
  readonly text: string;
  readonly values: readonly unknown[];
}

const BEGIN: Ahead = { text: 'BEGIN', values: [] };

/** A statement to send ahead, its values mapped now: a value the wire cannot take is refused to the caller that gave it. */
const aheadOf = (text: string, values: readonly unknown[]): Ahead => ({ text, values: values.map((value) => prepareValue(value)) });

/**
 * Statements in one round trip: each one ahead's Parse, Bind, Describe and Execute, then the
 * statement's own, then the one Sync it ends with. The server runs them in order, each with a
 * snapshot of its own, as if sent one after the other; the first to fail ends the round there,
 * and its error is the round's. The results are one per statement; the caller's is the last.
 */
class Pipelined extends Query {
  ahead: readonly Ahead[] = [];

  requiresPreparation(): boolean {
    return true;
  }

  prepare(connection: WireConnection): void {
    for (const { text, values } of this.ahead) {
      connection.parse({ text });
      connection.bind({ values });
      connection.describe({ type: 'P', name: '' });
      connection.execute({});
    }
    (Query.prototype as unknown as { prepare(connection: WireConnection): void }).prepare.call(this, connection);
  }
}

type Settled = (error: Error | null | undefined, results: QueryResult | QueryResult[]) => void;

/**
 * A node-postgres client that saves a transaction's round trips (each one a socket write and a
 * wake-up on both sides, and a network round trip where the server is remote, while the
 * transaction holds its locks): a service's read models open a transaction for every batch a
 * consumer applies.
 *
 * - **BEGIN with the first statement.** TypeORM's `START TRANSACTION` is answered at once and
 *   held back; the next statement carries it.
 * - **Statements nobody reads, with the next one** (holdForNext, through messaging's queryWithNext): a lock
 *   taken before a read, a batch's write before the COMMIT. Held until the transaction's next
 *   statement, or its COMMIT, and sent in the same round trip, ahead of it. Should one fail, the
 *   next statement (or the COMMIT) fails with its error, and nothing after it runs; a ROLLBACK
 *   drops what is held, which the server never saw.
 * - **Statements together** (queryTogether, through queriesTogether): reads that need none of
 *   each other's results, with what is held, in one round trip.
 * - **A COMMIT answered with ROLLBACK is refused** (see committed).
 *
 * The next statement carries what is held when it has parameters (the extended protocol, one
 * round trip); any other (a migration's text of several statements, a COPY) goes after them, in
 * order, as before. A transaction that ends before any statement sends nothing, since nothing
 * was begun on the server. A failed statement leaves the transaction aborted, as it would have,
 * for the caller's ROLLBACK.
 */
export class TransactionPipelineClient extends Client implements StatementHolder {
  /** Round trips to the server over every such client of the process (a service has one pool of them: its read models'). */
  static roundTrips = 0;
  private beginHeld = false;
  private inTransaction = false;
  private held: Ahead[] = [];

  constructor(config?: string | ClientConfig) {
    super(config);
    countRoundTrips(this, () => TransactionPipelineClient.roundTrips++);
  }

  /**
   * Holds the statement for the transaction's next one; false, and nothing held, outside a
   * transaction (the caller sends it itself). Its values are mapped now, so a value the wire
   * cannot take is refused here, to the caller that gave it.
   */
  holdForNext(text: string, values: readonly unknown[]): boolean {
    if (!this.inTransaction) return false;
    this.held.push(aheadOf(text, values));
    return true;
  }

  /** What is to go ahead of the next statement (BEGIN, if held, then the held statements), no longer held. */
  private takeHeld(): Ahead[] {
    const ahead = [...(this.beginHeld ? [BEGIN] : []), ...this.held];
    this.beginHeld = false;
    this.held = [];
    return ahead;
  }

  // node-postgres' query() has many overloads; TypeORM calls query(text, values) and awaits it.
  override query(...args: unknown[]): any { // eslint-disable-line @typescript-eslint/no-explicit-any
    const [config, values, callback] = args;
    const plain = typeof config === 'string' || (typeof config === 'object' && config !== null && typeof (config as { submit?: unknown }).submit !== 'function');
    const promised = plain && typeof values !== 'function' && callback === undefined;
    const text = typeof config === 'string' ? config : plain ? (config as { text?: string }).text : undefined;
    const command = text !== undefined && text.length <= LONGEST_COMMAND ? text.trim().replace(/;$/, '').toUpperCase() : undefined;
    const parameters = (typeof config === 'object' && config !== null ? (config as { values?: unknown[] }).values : undefined) ?? (Array.isArray(values) ? values : undefined);
    if (promised && command !== undefined && OPENS.has(command) && !parameters?.length && !this.inTransaction) {
      this.beginHeld = true;
      this.inTransaction = true;
      return Promise.resolve(resultOf('BEGIN'));
    }
    const begun = !this.beginHeld;
    const ahead = this.takeHeld();
    const ends = command !== undefined && ENDS.has(command);
    if (ends) this.inTransaction = false;
    if (promised && ends) {
      // Nothing begun on the server, or nothing but BEGIN to send: nothing to end there.
      if (!begun && (command === 'ROLLBACK' || ahead.length === 1)) return Promise.resolve(resultOf(command));
      // A ROLLBACK drops what is held: the server never saw it.
      if (command === 'ROLLBACK') return (super.query as (...given: unknown[]) => unknown)(...args);
      const sent = ahead.length === 0 ? ((super.query as (...given: unknown[]) => unknown)(...args) as Promise<QueryResult>) : this.pipelined(ahead, { text: command!, values: [] }).then(lastOf);
      return sent.then(committed);
    }
    if (ahead.length === 0) return (super.query as (...given: unknown[]) => unknown)(...args);
    if (promised && parameters && parameters.length > 0) {
      return this.pipelined(ahead, (typeof config === 'string' ? { text: config, values: parameters } : { ...(config as object), values: parameters }) as QueryConfig).then(lastOf);
    }
    // Sent first, on their own; should they fail, so does the statement after them.
    const sentAhead = this.pipelined(ahead.slice(0, -1), ahead[ahead.length - 1] as QueryConfig).then(lastOf);
    sentAhead.catch(() => undefined);
    const result = (super.query as (...given: unknown[]) => unknown)(...args);
    if (!promised) return result;
    // The error of what went ahead is the reason; the statement's is only "transaction aborted".
    return Promise.allSettled([sentAhead, result as Promise<QueryResult>]).then(([first, own]) => {
      if (first.status === 'rejected') throw first.reason;
      if (own.status === 'rejected') throw own.reason;
      return own.value;
    });
  }

  /**
   * The rows of each statement, in one round trip with what is held (false outside a
   * transaction: the caller sends them itself). Each is one statement (the extended protocol).
   */
  queryTogether(statements: readonly Statement[]): Promise<unknown[][]> | false {
    if (!this.inTransaction || statements.length === 0) return false;
    const ahead = [...this.takeHeld(), ...statements.slice(0, -1).map(({ sql, parameters }) => aheadOf(sql, parameters))];
    const last = statements[statements.length - 1];
    return this.pipelined(ahead, { text: last.sql, values: [...last.parameters] }).then((results) => results.slice(-statements.length).map((result) => result.rows));
  }

  private pipelined(ahead: readonly Ahead[], statement: QueryConfig): Promise<QueryResult[]> {
    return new Promise((resolve, reject) => {
      const settled: Settled = (error, results) => (error ? reject(error) : resolve(Array.isArray(results) ? results : [results]));
      const query = new Pipelined(statement, undefined, settled as never);
      query.ahead = ahead;
      super.query(query as never);
    });
  }
}

/** A statement and its parameters. */
export interface Statement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/**
 * Statements none of which needs another's result (a lock and the reads it guards, say), inside
 * the manager's transaction: sent in one round trip, with what is held (TransactionPipelineClient).
 * They run one after the other on the server, each with a snapshot of its own taken as it begins,
 * so each sees what the ones before it did and waited for. The rows of each, in order; the first
 * to fail fails them all. Elsewhere (no transaction, another client) they are sent one by one.
 */
export async function queriesTogether(manager: EntityManager, statements: readonly Statement[]): Promise<unknown[][]> {
  const together = pipelineClientOf(manager)?.queryTogether(statements);
  if (together) return together;
  const rows: unknown[][] = [];
  for (const { sql, parameters } of statements) rows.push((await manager.query(sql, [...parameters])) as unknown[]);
  return rows;
}

/** The manager's connection while it is in a transaction, when it is a TransactionPipelineClient. */
function pipelineClientOf(manager: EntityManager): TransactionPipelineClient | undefined {
  const client = statementHolderOf(manager);
  return client instanceof TransactionPipelineClient ? client : undefined;
}

/**
 * The COMMIT's result, unless the server rolled the transaction back instead: it answers COMMIT so
 * when a statement of the transaction failed, and whoever sent that statement caught its error (a
 * held statement's error comes at a later one). Unchecked, the caller would take the rollback for
 * a commit.
 */
function committed(result: QueryResult): QueryResult {
  if (result.command === 'ROLLBACK') throw new Error('the transaction was rolled back, not committed: one of its statements had failed, and its error was caught');
  return result;
}

function lastOf(results: readonly QueryResult[]): QueryResult {
  return results[results.length - 1];
}

function resultOf(command: string): QueryResult {
  return { command, rowCount: null, oid: 0, rows: [], fields: [] };
}

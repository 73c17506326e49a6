import type { EntityManager, QueryRunner } from 'typeorm';

/**
 * A connection that can hold a statement nobody reads the result of for its transaction's next
 * statement, or its COMMIT, and send them in one round trip (read-models' TransactionPipelineClient,
 * the services' read-model pools). False outside a transaction: nothing is held.
 */
export interface StatementHolder {
  holdForNext(sql: string, parameters: readonly unknown[]): boolean;
}

/**
 * A statement whose result the caller does not need (a lock, a write), inside the manager's
 * transaction: held by its connection for the transaction's next statement or its COMMIT, and
 * sent in the same round trip. Its failure is that statement's, or the COMMIT's, and the
 * transaction rolls back as it would have. Elsewhere (no transaction, a connection that cannot
 * hold) it is sent at once, as manager.query would.
 */
export async function queryWithNext(manager: EntityManager, sql: string, parameters: readonly unknown[]): Promise<void> {
  if (statementHolderOf(manager)?.holdForNext(sql, parameters)) return;
  await manager.query(sql, [...parameters]);
}

/** The manager's connection while it is in a transaction, when it can hold statements. */
export function statementHolderOf(manager: EntityManager): StatementHolder | undefined {
  const runner = manager.queryRunner as (QueryRunner & { readonly databaseConnection?: unknown }) | undefined;
  const connection = runner?.isTransactionActive ? (runner.databaseConnection as Partial<StatementHolder> | undefined) : undefined;
  return typeof connection?.holdForNext === 'function' ? (connection as StatementHolder) : undefined;
}

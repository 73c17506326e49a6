import { Pool } from 'pg';
import { newDataKey, unwrapKey, wrapKey } from './sealing';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS customer_keys (
  key_id text PRIMARY KEY,
  wrapped_key bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS customer_key_erasures (
  key_id text NOT NULL,
  erased_at timestamptz NOT NULL DEFAULT now(),
  erased_by text NOT NULL,
  reason text NOT NULL
);
CREATE INDEX IF NOT EXISTS customer_key_erasures_key ON customer_key_erasures (key_id);
`;

export interface Erasure {
  readonly keyId: string;
  readonly erasedAt: string;
  readonly erasedBy: string;
  readonly reason: string;
}

/**
 * Per-customer data keys, wrapped by the master key, in a database of their own (apart from
 * every event store). Erasure deletes the key: there is no copy to restore it from.
 */
export class CustomerKeyStore {
  private readonly cache = new Map<string, { key: Buffer; until: number }>();

  private constructor(
    private readonly pool: Pool,
    private readonly masterKey: Buffer,
    /** How long another process may still use a key after its erasure elsewhere. */
    private readonly cacheMs: number,
    private readonly trips: { readonly count: number },
  ) {}

  static async open(options: {
    connectionString: string;
    masterKey: Buffer;
    cacheMs?: number;
    /** Most connections (default 4). */
    poolSize?: number;
    /** How long a caller waits for a free connection before failing (transient: the service answers 503); 0 waits for ever. */
    connectionTimeoutMillis?: number;
    /** Shown in pg_stat_activity, to count whose connections these are. */
    applicationName?: string;
  }): Promise<CustomerKeyStore> {
    if (options.masterKey.length !== 32) throw new Error('the vault master key must be 32 bytes');
    const pool = new Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 4,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 0,
      ...(options.applicationName ? { application_name: options.applicationName } : {}),
    });
    // An idle connection the server ends (restart, administrator) is dropped by the pool and the
    // next query opens another; unhandled, its error event would crash the service.
    pool.on('error', () => undefined);
    const trips = { count: 0 };
    // The server ends each round trip with one ReadyForQuery (handoff_db_round_trips_total).
    pool.on('connect', (connected) => (connected as unknown as { connection: { on(event: string, listener: () => void): void } }).connection.on('readyForQuery', () => trips.count++));
    const client = await pool.connect();
    try {
      // Serialised: several services open the vault at start and would race on CREATE TABLE.
      await client.query("SELECT pg_advisory_lock(hashtext('handoff_vault_schema'))");
      await client.query(SCHEMA);
      await client.query("SELECT pg_advisory_unlock(hashtext('handoff_vault_schema'))");
    } finally {
      client.release();
    }
    return new CustomerKeyStore(pool, options.masterKey, options.cacheMs ?? 5_000, trips);
  }

  /** The pool's connections (open, idle), callers waiting for one, and its round trips so far, for metrics. */
  poolUse(): { total: number; idle: number; waiting: number; roundTrips: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount, roundTrips: this.trips.count };
  }

  /**
   * The customer's key, created on first use. One statement whether the key is new or not (it was
   * a read, an insert and a read again for every new customer): the insert gives the key it
   * created, the read the one that was there before the statement began.
   */
  async keyFor(keyId: string): Promise<Buffer> {
    const cached = this.cached(keyId);
    if (cached) return cached;
    const result = await this.pool.query<{ wrapped_key: Buffer }>(
      `WITH created AS (INSERT INTO customer_keys (key_id, wrapped_key) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING RETURNING wrapped_key)
       SELECT wrapped_key FROM created UNION ALL SELECT wrapped_key FROM customer_keys WHERE key_id = $1`,
      [keyId, wrapKey(newDataKey(), keyId, this.masterKey)],
    );
    if (result.rowCount === 0) {
      // Created by another caller after this statement began: there, but not in its snapshot.
      const created = await this.find(keyId);
      if (!created) throw new Error(`customer key ${keyId} vanished while being created`);
      return created;
    }
    return this.remember(keyId, result.rows[0].wrapped_key);
  }

  /** The key, or null when there never was one or it was erased. */
  async find(keyId: string): Promise<Buffer | null> {
    const cached = this.cached(keyId);
    if (cached) return cached;
    const result = await this.pool.query<{ wrapped_key: Buffer }>('SELECT wrapped_key FROM customer_keys WHERE key_id = $1', [keyId]);
    if (result.rowCount === 0) {
      this.cache.delete(keyId);
      return null;
    }
    return this.remember(keyId, result.rows[0].wrapped_key);
  }

  /**
   * The keys of many customers at once (absent ones missing from the map): one statement for
   * every key not cached, so a page of results costs one round trip rather than one per customer.
   */
  async findMany(keyIds: readonly string[]): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    const wanted = new Set<string>();
    for (const keyId of keyIds) {
      const cached = this.cached(keyId);
      if (cached) found.set(keyId, cached);
      else wanted.add(keyId);
    }
    if (wanted.size === 0) return found;
    const result = await this.pool.query<{ key_id: string; wrapped_key: Buffer }>('SELECT key_id, wrapped_key FROM customer_keys WHERE key_id = ANY($1::text[])', [
      [...wanted],
    ]);
    for (const row of result.rows) {
      found.set(row.key_id, this.remember(row.key_id, row.wrapped_key));
      wanted.delete(row.key_id);
    }
    for (const keyId of wanted) this.cache.delete(keyId);
    return found;
  }

  /** The key as this process last read it, while it may still be used (cacheMs). */
  private cached(keyId: string): Buffer | undefined {
    const cached = this.cache.get(keyId);
    return cached && cached.until > Date.now() ? cached.key : undefined;
  }

  /** The key a wrapped one holds, kept for cacheMs. */
  private remember(keyId: string, wrapped: Buffer): Buffer {
    const key = unwrapKey(wrapped, keyId, this.masterKey);
    this.cache.set(keyId, { key, until: Date.now() + this.cacheMs });
    return key;
  }

  async erase(keyId: string, erasedBy: string, reason: string): Promise<Erasure> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('DELETE FROM customer_keys WHERE key_id = $1', [keyId]);
      const row = await client.query<{ erased_at: Date }>(
        'INSERT INTO customer_key_erasures (key_id, erased_by, reason) VALUES ($1, $2, $3) RETURNING erased_at',
        [keyId, erasedBy, reason],
      );
      await client.query('COMMIT');
      this.cache.delete(keyId);
      return { keyId, erasedAt: row.rows[0].erased_at.toISOString(), erasedBy, reason };
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async erasuresOf(keyId: string): Promise<Erasure[]> {
    const result = await this.pool.query<{ erased_at: Date; erased_by: string; reason: string }>(
      'SELECT erased_at, erased_by, reason FROM customer_key_erasures WHERE key_id = $1 ORDER BY erased_at',
      [keyId],
    );
    return result.rows.map((row) => ({ keyId, erasedAt: row.erased_at.toISOString(), erasedBy: row.erased_by, reason: row.reason }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

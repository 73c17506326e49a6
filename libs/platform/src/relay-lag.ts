import type { DataSource } from 'typeorm';

export interface RelayLag {
  /** This service's events after the relay's stored checkpoint (counted up to MAX_COUNTED). */
  readonly events: number;
  /** Age of the oldest of them (0 when there are none). */
  readonly seconds: number;
}

/** Counting stops here: beyond it the figure says "far behind" well enough, and the count stays cheap. */
export const MAX_COUNTED = 100_000;

const LAG = `WITH checkpoint AS (
    SELECT COALESCE((SELECT checkpoint FROM relay_checkpoints WHERE relay_name = $1), '0')::bigint AS at
  ),
  pending AS (
    SELECT e.metadata FROM events e, checkpoint c
     WHERE e.global_position > c.at AND starts_with(e.stream_id, $2)
     ORDER BY e.global_position LIMIT ${MAX_COUNTED}
  )
  SELECT count(*)::int AS events,
         COALESCE(EXTRACT(EPOCH FROM now() - min((metadata->>'recordedAt')::timestamptz)), 0)::float8 AS seconds
    FROM pending`;

/**
 * How far the relay is behind the store, from PostgreSQL rather than from the relay's memory:
 * the checkpoint stored in `relay_checkpoints` (whichever instance holds the lease) against the
 * events in the store, visible or not yet (held back by an open transaction). A walk of the
 * primary key from the checkpoint, so it costs what the lag is. Asked at most every `cacheMs`
 * (a scrape asks for two gauges, readiness for one).
 */
export class RelayLagProbe {
  private last: { at: number; lag: Promise<RelayLag> } | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly relayName: string,
    private readonly streamPrefix: string,
    private readonly cacheMs = 500,
  ) {}

  lag(): Promise<RelayLag> {
    const now = Date.now();
    if (this.last && now - this.last.at < this.cacheMs) return this.last.lag;
    const lag = this.dataSource
      .query(LAG, [this.relayName, this.streamPrefix])
      .then((rows: { events: number; seconds: number }[]) => ({ events: rows[0].events, seconds: Math.max(0, rows[0].seconds) }));
    this.last = { at: now, lag };
    lag.catch(() => {
      if (this.last?.lag === lag) this.last = undefined;
    });
    return lag;
  }
}

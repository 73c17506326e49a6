import type { Pool } from 'pg';
import type { NotificationListener } from './notification-listener';

/**
 * Appends that commit while one announcement is in flight, or within this long after it, are
 * announced together by the next: at most about a hundred NOTIFYs a second per store under load.
 * Subscribers in this process are told at once, whatever the spacing.
 */
const MIN_SPACING_MS = 10;

/**
 * Tells subscribers that events were appended, after the append has committed: at once to the
 * subscribers of this process, and with one NOTIFY (coalesced: one in flight at a time, with
 * the highest position) to every other process listening on the channel.
 *
 * Not inside the append's transaction: PostgreSQL makes every transaction that notifies commit
 * one after another, each with its own WAL flush, so a NOTIFY per append turned concurrent
 * appends into a queue. The NOTIFY sent here has a transaction of its own that writes nothing,
 * so it needs no flush. Notifications are a hint: subscribers poll anyway, so a lost one costs
 * latency, not events.
 */
export class AppendAnnouncer {
  private inFlight: Promise<void> | null = null;
  private pending: bigint | null = null;
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly channel: string,
    private readonly listener: NotificationListener,
    /** False: this process's subscribers only (PostgresEventStoreOptions.notifyOtherProcesses). */
    private readonly otherProcesses: boolean,
  ) {}

  announce(position: string): void {
    this.listener.deliverLocally(position);
    if (this.closed || !this.otherProcesses) return;
    const value = BigInt(position);
    if (this.pending === null || value > this.pending) this.pending = value;
    this.inFlight ??= this.flush();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pending = null;
    await this.inFlight;
  }

  private async flush(): Promise<void> {
    while (this.pending !== null && !this.closed) {
      const position = this.pending;
      this.pending = null;
      try {
        await this.pool.query('SELECT pg_notify($1, $2)', [this.channel, position.toString()]);
      } catch {
        // A hint only: the other processes' subscribers will find the events when they poll.
      }
      await new Promise((resolve) => setTimeout(resolve, MIN_SPACING_MS));
    }
    this.inFlight = null;
  }
}

import type { EntityManager } from 'typeorm';
import { queryWithNext } from '@handoff/messaging';

// What the writers of the timeline's tables share: the timeline projection, and evaluation's
// policy=now refresher, which judges the KPI facts again and moves their day rows.

/**
 * Advisory lock class for "one ticket's timeline is being changed" (two-int form: this class,
 * hash of the ticket id). The value spells "Tmln"; it only has to differ from the relay's. The
 * timeline projection holds it while it reads and rewrites a ticket's facts and day tallies; the
 * `policy=now` refresher takes it too, so that neither works from facts the other is changing.
 */
export const TIMELINE_TICKET_LOCK_CLASS = 0x546d6c6e;

/**
 * Advisory lock class for "one day's rows are being changed" (two-int form: this class, the
 * day's number since 1970). The value spells "KpiD". Taken after the tickets' locks and in day
 * order, so two transactions never wait on each other crosswise; rows of a day shared by tickets
 * on different partitions (the day's total, its channels) are then changed one transaction at a time.
 */
const DAY_LOCK_CLASS = 0x4b706944;

/** The day number of tickets not opened yet (their rows' day is '-infinity'). */
export const NOT_OPENED_DAY = -(2 ** 31);

/**
 * The changes of a batch to the timeline's rows per UTC day (the KPI day tallies, the ticket
 * list's counts), written together: the days' locks, then one statement whose parts (data-
 * modifying CTEs) each delete, update or insert rows of one table, all read in its one snapshot.
 * Under the locks no other writer changes those days, so what the snapshot does not show is not there.
 */
export class DayRows {
  private readonly parts: string[] = [];
  private readonly parameters: string[] = [];
  private readonly days = new Set<number>();

  /** The changes as a parameter of the statement, by its placeholder (a JSON array). */
  parameter(changes: readonly object[]): string {
    this.parameters.push(JSON.stringify(changes));
    return `$${this.parameters.length}::jsonb`;
  }

  /** A part (one or more CTEs) changing rows of `days` (day numbers since 1970, or NOT_OPENED_DAY). */
  add(part: string, days: Iterable<number>): void {
    this.parts.push(part);
    for (const day of days) this.days.add(day);
  }

  async write(manager: EntityManager): Promise<void> {
    if (this.parts.length === 0) return;
    // Neither is read: both go with the transaction's next statement, or its COMMIT, the lock first.
    await queryWithNext(manager, 'SELECT pg_advisory_xact_lock($1, day) FROM unnest($2::int[]) AS day ORDER BY day', [DAY_LOCK_CLASS, [...this.days].sort((a, b) => a - b)]);
    // The parts' statements run whether or not the query reads them.
    await queryWithNext(manager, `WITH ${this.parts.join(',\n       ')}\n     SELECT NULL WHERE false`, this.parameters);
  }
}

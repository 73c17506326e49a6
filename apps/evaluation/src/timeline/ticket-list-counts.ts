import { DAY_MS } from '@handoff/service-time';
import { NOT_OPENED_DAY, type DayRows } from '../timeline-writers';
import type { TicketLifecycleRecord } from './timeline.entities';

/**
 * The ticket list's counts (ticket_list_counts): how many tickets there are per UTC day opened,
 * department that had them, outcome, complaint and escalation, so that a list asked for its count
 * sums a row per day and kind instead of reading every ticket it matches (timeline.reader.ts).
 * A ticket counts once in the all-departments row ('') and once for each department it visited;
 * one not opened yet (its intake events not arrived) on the day '-infinity'.
 */
export const ALL_DEPARTMENTS = '';
/** The outcome of a ticket not closed, as the list's filter names it. */
export const OPEN = 'open';

/** What the counts read of a ticket's lifecycle row. */
export type ListCounted = Pick<TicketLifecycleRecord, 'ticketId' | 'openedAt' | 'departmentsVisited' | 'outcome' | 'complaint' | 'escalationCount'>;
export const LIST_COUNTED_COLUMNS: (keyof ListCounted)[] = ['ticketId', 'openedAt', 'departmentsVisited', 'outcome', 'complaint', 'escalationCount'];

export interface ListCountChange {
  /** Day number since 1970, or NOT_OPENED_DAY. */
  readonly day: number;
  readonly department: string;
  readonly outcome: string;
  readonly complaint: boolean;
  readonly escalated: boolean;
  readonly tickets: number;
}

/** What replacing the rows `previous` with `next` (either side absent for a ticket) changes in the counts. */
export function listCountChangesOf(previous: readonly ListCounted[], next: readonly ListCounted[]): ListCountChange[] {
  const changes = new Map<string, ListCountChange & { tickets: number }>();
  const apply = (record: ListCounted, sign: number) => {
    const day = record.openedAt === null ? NOT_OPENED_DAY : Math.floor(new Date(record.openedAt).getTime() / DAY_MS);
    const kind = { outcome: record.outcome ?? OPEN, complaint: record.complaint, escalated: record.escalationCount > 0 };
    for (const department of new Set([ALL_DEPARTMENTS, ...record.departmentsVisited])) {
      const id = JSON.stringify([day, department, kind.outcome, kind.complaint, kind.escalated]);
      const change = changes.get(id) ?? { day, department, ...kind, tickets: 0 };
      change.tickets += sign;
      changes.set(id, change);
    }
  };
  for (const record of previous) apply(record, -1);
  for (const record of next) apply(record, 1);
  return [...changes.values()].filter((change) => change.tickets !== 0);
}

/** The counts' changes as a part of the batch's DayRows: each a delete (the row's last tickets taken away), an update, or an insert. */
export function addListCountChanges(rows: DayRows, previous: readonly ListCounted[], next: readonly ListCounted[]): void {
  const changes = listCountChangesOf(previous, next);
  if (changes.length === 0) return;
  const parameter = rows.parameter(
    changes.map((change) => ({
      day: change.day === NOT_OPENED_DAY ? '-infinity' : new Date(change.day * DAY_MS).toISOString(),
      department: change.department,
      outcome: change.outcome,
      complaint: change.complaint,
      escalated: change.escalated,
      tickets: change.tickets,
    })),
  );
  const key = 'c.department = t.department AND c.day = t.day AND c.outcome = t.outcome AND c.complaint = t.complaint AND c.escalated = t.escalated';
  rows.add(
    `list_change AS MATERIALIZED (
         SELECT * FROM jsonb_to_recordset(${parameter}) AS c(day timestamptz, department text, outcome text, complaint boolean, escalated boolean, tickets int)
       ),
       list_emptied AS (DELETE FROM ticket_list_counts t USING list_change c WHERE ${key} AND t.tickets + c.tickets = 0),
       list_updated AS (UPDATE ticket_list_counts t SET tickets = t.tickets + c.tickets FROM list_change c WHERE ${key} AND t.tickets + c.tickets <> 0),
       list_inserted AS (
         INSERT INTO ticket_list_counts (department, day, outcome, complaint, escalated, tickets)
         SELECT c.department, c.day, c.outcome, c.complaint, c.escalated, c.tickets FROM list_change c
          WHERE NOT EXISTS (SELECT 1 FROM ticket_list_counts t WHERE ${key})
       )`,
    changes.map((change) => change.day),
  );
}

/** ticket_list_counts from ticket_lifecycles in one statement: the migration's fill, and the tests' recomputation. */
export const LIST_COUNTS_FROM_LIFECYCLES = `
  INSERT INTO ticket_list_counts (department, day, outcome, complaint, escalated, tickets)
  SELECT d.department, coalesce(date_bin('24 hours', opened_at, 'epoch'), '-infinity'), coalesce(outcome, '${OPEN}'), complaint, escalation_count > 0, count(*)
    FROM ticket_lifecycles
         CROSS JOIN LATERAL (SELECT DISTINCT department FROM unnest(ARRAY['${ALL_DEPARTMENTS}'] || departments_visited) AS department) AS d
   GROUP BY 1, 2, 3, 4, 5`;

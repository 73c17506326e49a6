import type { EntityManager } from 'typeorm';
import { DayRows } from '../timeline-writers';
import { dailyChangesOf, DAY_MS, type ChangedFacts } from './kpi-daily';
import type { KpiTicketFacts } from './kpi-facts.entities';

/**
 * Brings the day tallies from the facts `previous` (as stored, read under the tickets' locks) to
 * `next` (about to be stored) in the caller's transaction: counts added, values added and taken
 * away as multisets, rows left without tickets deleted, so a row always equals the sum of the
 * facts of its day and group (kpi-facts.int-spec.ts); and so the `policy=now` verdicts' rows
 * (kpi_daily_now_verdicts, their waiting deadlines in kpi_daily_now_due), from whichever writes
 * the facts' `now_` columns: the timeline as it writes a ticket, the refresher as it judges one
 * again under another policy.
 */
export async function writeDailyChanges(manager: EntityManager, previous: readonly KpiTicketFacts[], next: readonly KpiTicketFacts[], changed: ChangedFacts = 'any'): Promise<void> {
  const rows = new DayRows();
  addDailyChanges(rows, previous, next, changed);
  await rows.write(manager);
}

/** writeDailyChanges as parts of a batch's DayRows: each change a delete (the row's last tickets taken away), an update, or an insert. */
export function addDailyChanges(rows: DayRows, previous: readonly KpiTicketFacts[], next: readonly KpiTicketFacts[], changed: ChangedFacts = 'any'): void {
  const { tallies, now, versions } = dailyChangesOf(previous, next, changed);
  const dayOf = (change: { readonly day: Date }) => change.day.getTime() / DAY_MS;
  const added = (changes: readonly object[]) => rows.parameter(changes);
  // A stored array (`t.<column>`) with change `c`'s values taken away and added, as multisets and sorted.
  // Most changes move no value: the stored array is then kept as it is, not rebuilt and written
  // again (a day's arrays hold a value per ticket of that day and group).
  const moved = (column: string, change: string) =>
    `CASE WHEN cardinality(c.${change}_added) + cardinality(c.${change}_removed) = 0 THEN t.${column}
                  ELSE ARRAY((SELECT unnest(t.${column}) EXCEPT ALL SELECT unnest(c.${change}_removed)) UNION ALL SELECT unnest(c.${change}_added) ORDER BY 1) END`;
  if (tallies.length > 0) {
    const changes = added(
      tallies.map((change) => ({
        day: change.day.toISOString(),
        dimension: change.dimension,
        value: change.value,
        counters: change.counters,
        first_response_added: change.firstResponseAdded,
        first_response_removed: change.firstResponseRemoved,
        resolution_added: change.resolutionAdded,
        resolution_removed: change.resolutionRemoved,
      })),
    );
    // `value` arrives as the JSON value itself (null or a string), which is the key's form.
    const key = 'c.dimension = t.dimension AND c.day = t.day AND coalesce(c.value, \'null\'::jsonb) = t.value';
    rows.add(`tally_change AS MATERIALIZED (
         SELECT * FROM jsonb_to_recordset(${changes}) AS c(day timestamptz, dimension text, value jsonb, counters int[],
           first_response_added float8[], first_response_removed float8[], resolution_added float8[], resolution_removed float8[])
       ),
       tally_emptied AS (DELETE FROM kpi_daily_tallies t USING tally_change c WHERE ${key} AND t.counters[1] + c.counters[1] = 0),
       tally_updated AS (
         UPDATE kpi_daily_tallies t
            SET counters = ARRAY(SELECT coalesce(a, 0) + coalesce(b, 0) FROM unnest(t.counters, c.counters) WITH ORDINALITY AS x(a, b, i) ORDER BY i),
                first_response_minutes = ${moved('first_response_minutes', 'first_response')},
                accepted_resolution_minutes = ${moved('accepted_resolution_minutes', 'resolution')}
           FROM tally_change c
          WHERE ${key} AND t.counters[1] + c.counters[1] <> 0
       ),
       tally_inserted AS (
         INSERT INTO kpi_daily_tallies (day, dimension, value, counters, first_response_minutes, accepted_resolution_minutes)
         SELECT c.day, c.dimension, coalesce(c.value, 'null'::jsonb), c.counters,
                ARRAY(SELECT unnest(c.first_response_added) ORDER BY 1), ARRAY(SELECT unnest(c.resolution_added) ORDER BY 1)
           FROM tally_change c
          WHERE NOT EXISTS (SELECT 1 FROM kpi_daily_tallies t WHERE ${key})
       )`, tallies.map(dayOf));
  }
  // A change that moves only waiting deadlines leaves the verdicts' row as it is.
  const counted = now.filter((change) => change.counters.some((counter) => counter !== 0));
  if (counted.length > 0) {
    const changes = added(
      counted.map((change) => ({ day: change.day.toISOString(), dimension: change.dimension, value: change.value, policy: change.policy, counters: change.counters })),
    );
    const key = 'c.policy = t.policy AND c.dimension = t.dimension AND c.day = t.day AND coalesce(c.value, \'null\'::jsonb) = t.value';
    rows.add(
      `now_change AS MATERIALIZED (
         SELECT * FROM jsonb_to_recordset(${changes}) AS c(day timestamptz, dimension text, value jsonb, policy text, counters int[])
       ),
       -- A row is left without tickets where the policy's verdicts on that day were judged again under another.
       now_emptied AS (DELETE FROM kpi_daily_now_verdicts t USING now_change c WHERE ${key} AND t.counters[1] + c.counters[1] = 0),
       now_updated AS (
         UPDATE kpi_daily_now_verdicts t
            SET counters = ARRAY(SELECT a + b FROM unnest(t.counters, c.counters) WITH ORDINALITY AS x(a, b, i) ORDER BY i)
           FROM now_change c
          WHERE ${key} AND t.counters[1] + c.counters[1] <> 0
       ),
       now_inserted AS (
         INSERT INTO kpi_daily_now_verdicts (policy, dimension, day, value, counters)
         SELECT c.policy, c.dimension, c.day, coalesce(c.value, 'null'::jsonb), c.counters
           FROM now_change c
          WHERE NOT EXISTS (SELECT 1 FROM kpi_daily_now_verdicts t WHERE ${key})
       )`,
      counted.map(dayOf),
    );
  }
  const due = now.flatMap((change) =>
    change.due.map(({ deadline, at, tickets }) => ({
      day: change.day,
      dimension: change.dimension,
      value: change.value,
      policy: change.policy,
      deadline,
      due_at: new Date(at).toISOString(),
      tickets,
    })),
  );
  // Deadlines added are upserted, one index probe each (the rows of a ticket just judged, or just
  // opened); those taken away exist, and are lowered or deleted when no ticket waits on them.
  const dueAdded = due.filter((change) => change.tickets > 0);
  const dueTaken = due.filter((change) => change.tickets < 0);
  const dueColumns = 'day timestamptz, dimension text, value jsonb, policy text, deadline text, due_at timestamptz, tickets int';
  if (dueAdded.length > 0) {
    rows.add(
      `due_added AS (
         INSERT INTO kpi_daily_now_due AS t (policy, dimension, day, value, deadline, due_at, tickets)
         SELECT c.policy, c.dimension, c.day, coalesce(c.value, 'null'::jsonb), c.deadline, c.due_at, c.tickets
           FROM jsonb_to_recordset(${added(dueAdded)}) AS c(${dueColumns})
         ON CONFLICT (policy, dimension, day, value, deadline, due_at) DO UPDATE SET tickets = t.tickets + excluded.tickets
       )`,
      dueAdded.map(dayOf),
    );
  }
  if (dueTaken.length > 0) {
    const key = `c.policy = t.policy AND c.dimension = t.dimension AND c.day = t.day AND coalesce(c.value, 'null'::jsonb) = t.value
                 AND c.deadline = t.deadline AND c.due_at = t.due_at`;
    rows.add(
      `due_taken AS MATERIALIZED (SELECT * FROM jsonb_to_recordset(${added(dueTaken)}) AS c(${dueColumns})),
       due_emptied AS (DELETE FROM kpi_daily_now_due t USING due_taken c WHERE ${key} AND t.tickets + c.tickets = 0),
       due_lowered AS (UPDATE kpi_daily_now_due t SET tickets = t.tickets + c.tickets FROM due_taken c WHERE ${key} AND t.tickets + c.tickets <> 0)`,
      dueTaken.map(dayOf),
    );
  }
  if (versions.length > 0) {
    const changes = added(versions.map((change) => ({ day: change.day.toISOString(), version: change.version, tickets: change.tickets })));
    const key = 'c.day = t.day AND c.version = t.version';
    rows.add(`version_change AS MATERIALIZED (SELECT * FROM jsonb_to_recordset(${changes}) AS c(day timestamptz, version text, tickets int)),
       version_emptied AS (DELETE FROM kpi_daily_policy_versions t USING version_change c WHERE ${key} AND t.tickets + c.tickets = 0),
       version_updated AS (
         UPDATE kpi_daily_policy_versions t SET tickets = t.tickets + c.tickets FROM version_change c WHERE ${key} AND t.tickets + c.tickets <> 0
       ),
       version_inserted AS (
         INSERT INTO kpi_daily_policy_versions (day, version, tickets)
         SELECT c.day, c.version, c.tickets FROM version_change c WHERE NOT EXISTS (SELECT 1 FROM kpi_daily_policy_versions t WHERE ${key})
       )`, versions.map(dayOf));
  }
}

import type { EntityManager } from 'typeorm';
import { dailyChangesOf, DAY_MS } from './kpi-daily';
import type { KpiTicketFacts } from './kpi-facts.entities';

/**
 * Advisory lock class for "one day's tallies are being changed" (two-int form: this class, the
 * day's number since 1970). The value spells "KpiD". Taken after the tickets' locks and in day
 * order, so two transactions never wait on each other crosswise; rows of a day shared by tickets
 * on different partitions (the day's total, its channels) are then changed one transaction at a time.
 */
const DAY_LOCK_CLASS = 0x4b706944;

/**
 * Brings the day tallies from the facts `previous` (as stored, read under the tickets' locks) to
 * `next` (about to be stored) in the caller's transaction: counts added, values added and taken
 * away as multisets, rows left without tickets deleted, so a row always equals the sum of the
 * facts of its day and group (kpi-facts.int-spec.ts); and so the `policy=now` verdicts' rows
 * (kpi_daily_now_verdicts), from whichever writes the facts' `now_` columns: the timeline as it
 * writes a ticket, the refresher as it judges one again under another policy.
 */
export async function writeDailyChanges(manager: EntityManager, previous: readonly KpiTicketFacts[], next: readonly KpiTicketFacts[]): Promise<void> {
  const { tallies, now, versions } = dailyChangesOf(previous, next);
  if (tallies.length === 0 && now.length === 0 && versions.length === 0) return;
  const days = [...new Set([...tallies, ...now, ...versions].map((change) => change.day.getTime() / DAY_MS))].sort((a, b) => a - b);
  await manager.query('SELECT pg_advisory_xact_lock($1, day) FROM unnest($2::int[]) AS day ORDER BY day', [DAY_LOCK_CLASS, days]);

  if (tallies.length > 0) {
    const changes = JSON.stringify(
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
    const recordset = `jsonb_to_recordset($1::jsonb) AS c(day timestamptz, dimension text, value jsonb, counters int[],
        first_response_added float8[], first_response_removed float8[], resolution_added float8[], resolution_removed float8[])`;
    // `value` arrives as the JSON value itself (null or a string), which is the key's form.
    const key = (row: string) => `c.dimension = ${row}.dimension AND c.day = ${row}.day AND coalesce(c.value, 'null'::jsonb) = ${row}.value`;
    // Rows there are changed and the others inserted, in one statement (one round trip a batch):
    // what the update did not reach is new, since the days' locks keep other writers out.
    await manager.query(
      `WITH c AS MATERIALIZED (SELECT * FROM ${recordset}),
       updated AS (
         UPDATE kpi_daily_tallies t
            SET counters = ARRAY(SELECT coalesce(a, 0) + coalesce(b, 0) FROM unnest(t.counters, c.counters) WITH ORDINALITY AS x(a, b, i) ORDER BY i),
                -- Most changes move no value: the stored array is then kept as it is, not rebuilt and
                -- written again (a day's arrays hold a value per ticket of that day and group).
                first_response_minutes = CASE WHEN cardinality(c.first_response_added) + cardinality(c.first_response_removed) = 0 THEN t.first_response_minutes
                  ELSE ARRAY((SELECT unnest(t.first_response_minutes) EXCEPT ALL SELECT unnest(c.first_response_removed))
                             UNION ALL SELECT unnest(c.first_response_added) ORDER BY 1) END,
                accepted_resolution_minutes = CASE WHEN cardinality(c.resolution_added) + cardinality(c.resolution_removed) = 0 THEN t.accepted_resolution_minutes
                  ELSE ARRAY((SELECT unnest(t.accepted_resolution_minutes) EXCEPT ALL SELECT unnest(c.resolution_removed))
                             UNION ALL SELECT unnest(c.resolution_added) ORDER BY 1) END
           FROM c
          WHERE ${key('t')}
         RETURNING t.day, t.dimension, t.value
       )
       INSERT INTO kpi_daily_tallies (day, dimension, value, counters, first_response_minutes, accepted_resolution_minutes)
       SELECT c.day, c.dimension, coalesce(c.value, 'null'::jsonb), c.counters,
              ARRAY(SELECT unnest(c.first_response_added) ORDER BY 1), ARRAY(SELECT unnest(c.resolution_added) ORDER BY 1)
         FROM c
        WHERE NOT EXISTS (SELECT 1 FROM updated u WHERE ${key('u')})`,
      [changes],
    );
    // A row can be left without tickets only where this change takes some away.
    if (tallies.some((change) => change.counters[0]! < 0)) {
      await manager.query(`DELETE FROM kpi_daily_tallies t USING ${recordset} WHERE ${key('t')} AND t.counters[1] = 0`, [changes]);
    }
  }
  if (now.length > 0) {
    const changes = JSON.stringify(now.map((change) => ({ day: change.day.toISOString(), dimension: change.dimension, value: change.value, policy: change.policy, counters: change.counters })));
    const recordset = 'jsonb_to_recordset($1::jsonb) AS c(day timestamptz, dimension text, value jsonb, policy text, counters int[])';
    await manager.query(
      `INSERT INTO kpi_daily_now_verdicts AS t (policy, dimension, day, value, counters)
       SELECT c.policy, c.dimension, c.day, coalesce(c.value, 'null'::jsonb), c.counters FROM ${recordset}
       ON CONFLICT (policy, dimension, day, value)
       DO UPDATE SET counters = ARRAY(SELECT a + b FROM unnest(t.counters, EXCLUDED.counters) WITH ORDINALITY AS x(a, b, i) ORDER BY i)`,
      [changes],
    );
    // A row is left without tickets only where this change takes some away (the policy's verdicts
    // on a day the refresher has judged again under another).
    if (now.some((change) => change.counters[0]! < 0)) {
      await manager.query(
        `DELETE FROM kpi_daily_now_verdicts t USING ${recordset}
          WHERE t.policy = c.policy AND t.dimension = c.dimension AND t.day = c.day AND t.value = coalesce(c.value, 'null'::jsonb) AND t.counters[1] = 0`,
        [changes],
      );
    }
  }
  if (versions.length > 0) {
    const changes = JSON.stringify(versions.map((change) => ({ day: change.day.toISOString(), version: change.version, tickets: change.tickets })));
    await manager.query(
      `INSERT INTO kpi_daily_policy_versions AS t (day, version, tickets)
       SELECT day, version, tickets FROM jsonb_to_recordset($1::jsonb) AS c(day timestamptz, version text, tickets int)
       ON CONFLICT (day, version) DO UPDATE SET tickets = t.tickets + EXCLUDED.tickets`,
      [changes],
    );
    if (versions.some((change) => change.tickets < 0)) {
      await manager.query(
        `DELETE FROM kpi_daily_policy_versions t USING jsonb_to_recordset($1::jsonb) AS c(day timestamptz, version text)
          WHERE t.day = c.day AND t.version = c.version AND t.tickets = 0`,
        [changes],
      );
    }
  }
}

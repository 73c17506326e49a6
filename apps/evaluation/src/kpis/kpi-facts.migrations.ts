import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateKpiTicketFacts1797700000000 implements MigrationInterface {
  readonly name = 'CreateKpiTicketFacts1797700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE kpi_ticket_facts (
        ticket_id text PRIMARY KEY,
        opened_at timestamptz NOT NULL,
        channel text,
        type text,
        complaint boolean NOT NULL,
        outcome text,
        resolved_at_first_contact boolean NOT NULL,
        with_result boolean NOT NULL,
        reopened boolean NOT NULL,
        first_response_minutes double precision,
        accepted_resolution_minutes double precision,
        first_response_deadline_met boolean,
        resolution_deadline_met boolean,
        departments text[] NOT NULL,
        agents text[] NOT NULL,
        policy_versions text[] NOT NULL,
        rounds jsonb NOT NULL
      )`);
    // Every report reads one window of opening times; a department manager's, one department's tickets in it.
    await queryRunner.query('CREATE INDEX kpi_ticket_facts_opened_idx ON kpi_ticket_facts (opened_at)');
    await queryRunner.query('CREATE INDEX kpi_ticket_facts_departments_idx ON kpi_ticket_facts USING gin (departments)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE kpi_ticket_facts');
  }
}

const CHANNELS_OF_1798000100000 = ['web_chat', 'message_board', 'email', 'hotline', 'social_media', 'on_site', 'visit'];

/** Each fact once per UTC day (`day`) and grouping value (`dimension`, `value`), as kpi-daily.ts tallies them. */
const FACTS_BY_DAY_AND_GROUP = `kpi_ticket_facts
         CROSS JOIN LATERAL (SELECT date_bin('24 hours', opened_at, 'epoch') AS day) AS d
         CROSS JOIN LATERAL (VALUES ('total', ARRAY[NULL]::text[]),
                                    ('department', CASE WHEN cardinality(departments) > 0 THEN departments ELSE ARRAY[NULL]::text[] END),
                                    ('agent', CASE WHEN cardinality(agents) > 0 THEN agents ELSE ARRAY[NULL]::text[] END),
                                    ('channel', ARRAY[channel]),
                                    ('type', ARRAY[type])) AS g(dimension, members)
         CROSS JOIN LATERAL unnest(g.members) AS m(value)`;

/** kpi_daily_tallies from kpi_ticket_facts in one statement: the migration's fill. */
export const DAILY_TALLIES_FROM_FACTS = `
  INSERT INTO kpi_daily_tallies (day, dimension, value, counters, first_response_minutes, accepted_resolution_minutes)
  SELECT day, dimension, coalesce(to_jsonb(value), 'null'::jsonb),
         ARRAY[count(*), count(*) FILTER (WHERE complaint), count(outcome), count(*) FILTER (WHERE outcome = 'satisfied'),
               count(*) FILTER (WHERE outcome = 'unconfirmed_unreachable'), count(*) FILTER (WHERE resolved_at_first_contact),
               count(*) FILTER (WHERE with_result), count(*) FILTER (WHERE reopened),
               count(*) FILTER (WHERE first_response_deadline_met), count(*) FILTER (WHERE NOT first_response_deadline_met),
               count(*) FILTER (WHERE resolution_deadline_met), count(*) FILTER (WHERE NOT resolution_deadline_met),
               ${Array.from({ length: 24 }, (_, hour) => `count(*) FILTER (WHERE extract(hour FROM opened_at AT TIME ZONE 'UTC') = ${hour})`).join(', ')},
               ${CHANNELS_OF_1798000100000.map((channel) => `count(*) FILTER (WHERE channel = '${channel}')`).join(', ')}]::int[],
         coalesce(array_agg(first_response_minutes ORDER BY first_response_minutes) FILTER (WHERE first_response_minutes IS NOT NULL), '{}'),
         coalesce(array_agg(accepted_resolution_minutes ORDER BY accepted_resolution_minutes) FILTER (WHERE accepted_resolution_minutes IS NOT NULL), '{}')
    FROM ${FACTS_BY_DAY_AND_GROUP}
   GROUP BY day, dimension, value`;

export const DAILY_VERSIONS_FROM_FACTS = `
  INSERT INTO kpi_daily_policy_versions (day, version, tickets)
  SELECT date_bin('24 hours', opened_at, 'epoch'), version, count(*)::int
    FROM kpi_ticket_facts CROSS JOIN LATERAL unnest(policy_versions) AS version
   GROUP BY 1, 2`;

export class CreateKpiDailyTallies1798000100000 implements MigrationInterface {
  readonly name = 'CreateKpiDailyTallies1798000100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE kpi_daily_tallies (
        day timestamptz NOT NULL,
        dimension text NOT NULL,
        value jsonb NOT NULL,
        counters integer[] NOT NULL,
        first_response_minutes double precision[] NOT NULL,
        accepted_resolution_minutes double precision[] NOT NULL,
        -- A report reads one grouping's days in a window.
        PRIMARY KEY (dimension, day, value)
      )`);
    await queryRunner.query(`
      CREATE TABLE kpi_daily_policy_versions (
        day timestamptz NOT NULL,
        version text NOT NULL,
        tickets integer NOT NULL,
        PRIMARY KEY (day, version)
      )`);
    // A report gathers each group's values from its days' arrays without a row per value (kpi-facts.reader.ts).
    await queryRunner.query('CREATE AGGREGATE kpi_minutes_concat (double precision[]) (SFUNC = array_cat, STYPE = double precision[], INITCOND = \'{}\')');
    // The facts already there, tallied as kpi-daily.ts tallies them (its counters with the channels of this release).
    await queryRunner.query(DAILY_TALLIES_FROM_FACTS);
    await queryRunner.query(DAILY_VERSIONS_FROM_FACTS);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP AGGREGATE kpi_minutes_concat (double precision[])');
    await queryRunner.query('DROP TABLE kpi_daily_policy_versions');
    await queryRunner.query('DROP TABLE kpi_daily_tallies');
  }
}

export class AddKpiVerdictsNow1798000200000 implements MigrationInterface {
  readonly name = 'AddKpiVerdictsNow1798000200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE kpi_ticket_facts
        ADD COLUMN now_policy text,
        ADD COLUMN now_first_response_met boolean,
        ADD COLUMN now_first_response_due_at timestamptz,
        ADD COLUMN now_resolution_met boolean,
        ADD COLUMN now_resolution_due_at timestamptz,
        ADD COLUMN now_judged_on_request boolean`);
    // The refresher looks for the tickets judged under another policy than today's, or none yet: none, mostly.
    await queryRunner.query('CREATE INDEX kpi_ticket_facts_now_policy_idx ON kpi_ticket_facts (now_policy)');
    await queryRunner.query(`
      CREATE TABLE kpi_deadline_policy (
        one boolean PRIMARY KEY CHECK (one),
        book_version integer NOT NULL,
        key text NOT NULL,
        document jsonb NOT NULL
      )`);
    // The facts already there are left unjudged (now_policy null): reports judge their rounds until
    // the service's refresher (kpi-verdicts.refresher.ts) has judged them, a chunk at a time.
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE kpi_deadline_policy');
    await queryRunner.query('DROP INDEX kpi_ticket_facts_now_policy_idx');
    await queryRunner.query(`
      ALTER TABLE kpi_ticket_facts
        DROP COLUMN now_policy, DROP COLUMN now_first_response_met, DROP COLUMN now_first_response_due_at,
        DROP COLUMN now_resolution_met, DROP COLUMN now_resolution_due_at, DROP COLUMN now_judged_on_request`);
  }
}

/** The fill of 1798000300000 as it shipped, with the deadlines as arrays (1798000400000 took them out). */
const DAILY_NOW_VERDICTS_FROM_FACTS_OF_1798000300000 = `
  INSERT INTO kpi_daily_now_verdicts (policy, dimension, day, value, counters, first_response_due, resolution_due)
  SELECT now_policy, dimension, day, coalesce(to_jsonb(value), 'null'::jsonb),
         ARRAY[count(*),
               count(*) FILTER (WHERE NOT now_judged_on_request AND now_first_response_met),
               count(*) FILTER (WHERE NOT now_judged_on_request AND NOT now_first_response_met),
               count(*) FILTER (WHERE NOT now_judged_on_request AND now_resolution_met),
               count(*) FILTER (WHERE NOT now_judged_on_request AND NOT now_resolution_met)]::int[],
         coalesce(array_agg(now_first_response_due_at ORDER BY now_first_response_due_at)
                    FILTER (WHERE NOT now_judged_on_request AND now_first_response_met IS NULL AND now_first_response_due_at IS NOT NULL), '{}'),
         coalesce(array_agg(now_resolution_due_at ORDER BY now_resolution_due_at)
                    FILTER (WHERE NOT now_judged_on_request AND now_resolution_met IS NULL AND now_resolution_due_at IS NOT NULL), '{}')
    FROM ${FACTS_BY_DAY_AND_GROUP}
   WHERE now_policy IS NOT NULL
   GROUP BY now_policy, dimension, day, value`;

export class AddKpiDailyNowVerdicts1798000300000 implements MigrationInterface {
  readonly name = 'AddKpiDailyNowVerdicts1798000300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE kpi_daily_now_verdicts (
        policy text NOT NULL,
        dimension text NOT NULL,
        day timestamptz NOT NULL,
        value jsonb NOT NULL,
        counters integer[] NOT NULL,
        first_response_due timestamptz[] NOT NULL,
        resolution_due timestamptz[] NOT NULL,
        -- A report reads one grouping's days in a window, under today's policy.
        PRIMARY KEY (policy, dimension, day, value)
      )`);
    // The tickets a report judges from their rounds (a round paused without a result): few beside the desk's history.
    await queryRunner.query('CREATE INDEX kpi_ticket_facts_judged_on_request_idx ON kpi_ticket_facts (opened_at) WHERE now_judged_on_request');
    await queryRunner.query(DAILY_NOW_VERDICTS_FROM_FACTS_OF_1798000300000);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX kpi_ticket_facts_judged_on_request_idx');
    await queryRunner.query('DROP TABLE kpi_daily_now_verdicts');
  }
}

/** kpi_daily_now_verdicts from kpi_ticket_facts in one statement (kpi-daily.ts, nowPartOf). */
export const DAILY_NOW_VERDICTS_FROM_FACTS = `
  INSERT INTO kpi_daily_now_verdicts (policy, dimension, day, value, counters)
  SELECT now_policy, dimension, day, coalesce(to_jsonb(value), 'null'::jsonb),
         ARRAY[count(*),
               count(*) FILTER (WHERE NOT now_judged_on_request AND now_first_response_met),
               count(*) FILTER (WHERE NOT now_judged_on_request AND NOT now_first_response_met),
               count(*) FILTER (WHERE NOT now_judged_on_request AND now_resolution_met),
               count(*) FILTER (WHERE NOT now_judged_on_request AND NOT now_resolution_met)]::int[]
    FROM ${FACTS_BY_DAY_AND_GROUP}
   WHERE now_policy IS NOT NULL
   GROUP BY now_policy, dimension, day, value`;

/** kpi_daily_now_due from kpi_ticket_facts in one statement (kpi-daily.ts, nowPartOf): the deadlines of the verdicts still waiting. */
export const DAILY_NOW_DUE_FROM_FACTS = `
  INSERT INTO kpi_daily_now_due (policy, dimension, day, value, deadline, due_at, tickets)
  SELECT now_policy, dimension, day, coalesce(to_jsonb(value), 'null'::jsonb), due.deadline, due.at, count(*)::int
    FROM ${FACTS_BY_DAY_AND_GROUP}
         CROSS JOIN LATERAL (VALUES ('first_response', CASE WHEN now_first_response_met IS NULL THEN now_first_response_due_at END),
                                    ('resolution', CASE WHEN now_resolution_met IS NULL THEN now_resolution_due_at END)) AS due(deadline, at)
   WHERE now_policy IS NOT NULL AND NOT now_judged_on_request AND due.at IS NOT NULL
   GROUP BY now_policy, dimension, day, value, due.deadline, due.at`;

/**
 * The deadlines of the `policy=now` verdicts still waiting, a row per deadline instant instead of
 * two arrays in each day row. A ticket opened or answered changed its day's arrays, and PostgreSQL
 * writes an array whole: on a day of a few thousand tickets each such change rewrote, sorted and
 * stored again every value of five rows (about 26 ms a batch at 30 tickets/s, most of evaluation's
 * database time). A row per instant costs a change the same whatever the day holds, and a report
 * reads only the deadlines of the verdicts still waiting, which on a working desk are few.
 */
export class KpiDailyNowDueRows1798000400000 implements MigrationInterface {
  readonly name = 'KpiDailyNowDueRows1798000400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE kpi_daily_now_due (
        policy text NOT NULL,
        dimension text NOT NULL,
        day timestamptz NOT NULL,
        value jsonb NOT NULL,
        deadline text NOT NULL,
        due_at timestamptz NOT NULL,
        tickets integer NOT NULL,
        -- A report counts, per day row, the deadlines before its instant.
        PRIMARY KEY (policy, dimension, day, value, deadline, due_at)
      )`);
    await queryRunner.query(`
      INSERT INTO kpi_daily_now_due (policy, dimension, day, value, deadline, due_at, tickets)
      SELECT n.policy, n.dimension, n.day, n.value, due.deadline, due.at, count(*)::int
        FROM kpi_daily_now_verdicts n
             CROSS JOIN LATERAL (SELECT 'first_response', at FROM unnest(n.first_response_due) AS at
                                 UNION ALL SELECT 'resolution', at FROM unnest(n.resolution_due) AS at) AS due(deadline, at)
       GROUP BY 1, 2, 3, 4, 5, 6`);
    await queryRunner.query('ALTER TABLE kpi_daily_now_verdicts DROP COLUMN first_response_due, DROP COLUMN resolution_due');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE kpi_daily_now_verdicts ADD COLUMN first_response_due timestamptz[] NOT NULL DEFAULT '{}',
                                         ADD COLUMN resolution_due timestamptz[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`
      UPDATE kpi_daily_now_verdicts n
         SET first_response_due = ARRAY(SELECT d.due_at FROM kpi_daily_now_due d CROSS JOIN LATERAL generate_series(1, d.tickets)
                                         WHERE (d.policy, d.dimension, d.day, d.value, d.deadline) = (n.policy, n.dimension, n.day, n.value, 'first_response') ORDER BY 1),
             resolution_due = ARRAY(SELECT d.due_at FROM kpi_daily_now_due d CROSS JOIN LATERAL generate_series(1, d.tickets)
                                     WHERE (d.policy, d.dimension, d.day, d.value, d.deadline) = (n.policy, n.dimension, n.day, n.value, 'resolution') ORDER BY 1)`);
    await queryRunner.query('ALTER TABLE kpi_daily_now_verdicts ALTER COLUMN first_response_due DROP DEFAULT, ALTER COLUMN resolution_due DROP DEFAULT');
    await queryRunner.query('DROP TABLE kpi_daily_now_due');
  }
}

/**
 * The facts of the tickets already on the timeline, computed in the migration would need the
 * application's fold: they (and the day tallies) are filled by a rebuild of `evaluation.timeline` (`npm run audit -- rebuild`).
 */
export const KPI_MIGRATIONS = [CreateKpiTicketFacts1797700000000, CreateKpiDailyTallies1798000100000, AddKpiVerdictsNow1798000200000, AddKpiDailyNowVerdicts1798000300000, KpiDailyNowDueRows1798000400000];

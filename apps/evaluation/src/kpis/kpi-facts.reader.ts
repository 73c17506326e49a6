import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { CHANNELS, type Channel, type GroupBy, type KpiReport, type KpiRowKey } from '@handoff/contracts';
import { offsetAt, type Granularity } from '@handoff/service-time';
import type { DepartmentRound } from '../records/service-record';
import type { KpiPolicy } from './kpi-policy';
import { COUNTER_INDEX, DAILY_COUNTERS, DAY_MS, TICKET_COUNTS } from './kpi-daily';
import { deadlinePolicyKey, verdictsNow } from './kpi-deadlines-now';
import { granularityOf, reportOf, type KpiQuery, type KpiTallies } from './kpis';

const HOUR_MS = 3_600_000;

/**
 * The KPI report from the KPI aggregate (kpi_ticket_facts, kpi_daily_tallies): PostgreSQL sums the
 * day tallies of the window's whole UTC days and counts the facts of the tickets in the rest, takes
 * the percentiles of every value of the window, per group, and sends back one row per group, never
 * a ticket's timeline (tallyByDays; a department's scope and rows per period count the tickets of
 * the whole window, tallyTickets). `policy=now` counts the verdicts each ticket holds under
 * today's deadline policy as of the request (countVerdictsNow), and judges here from their rounds
 * the tickets whose verdicts are not under today's policy yet (just after a change) or move with
 * the request's instant (a round paused without a result).
 * Equal to kpiReport over the service records by test (kpi-facts.int-spec.ts).
 */
@Injectable()
export class KpiFactsReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  report(query: KpiQuery, policy: KpiPolicy, asOf: Date): Promise<KpiReport> {
    return this.dataSource.transaction('REPEATABLE READ', (manager) => kpiReportFromFacts(manager, query, policy, asOf));
  }
}

const PERIOD_FORMATS: Record<Granularity, string> = { day: 'YYYY-MM-DD', week: 'IYYY-"W"IW', month: 'YYYY-MM' };

/** Each ticket's group values: everyone who worked on it, every department that held it; none is the null group. */
function groupValuesSql(groupBy: GroupBy | undefined): string {
  switch (groupBy) {
    case 'agent':
      return 'CASE WHEN cardinality(agents) > 0 THEN agents ELSE ARRAY[NULL]::text[] END';
    case 'department':
      return 'CASE WHEN cardinality(departments) > 0 THEN departments ELSE ARRAY[NULL]::text[] END';
    case 'channel':
      return 'ARRAY[channel]';
    case 'type':
      return 'ARRAY[type]';
    case 'period':
    case undefined:
      return 'ARRAY[NULL]::text[]';
  }
}

const TALLY_COLUMNS = [
  ...TICKET_COUNTS.map(({ name, sql }) => `count(*) FILTER (WHERE ${sql})::int AS ${name}`),
  // percentile_cont interpolates between the closest ranks as statistics.ts does (R's type 7), on the same doubles.
  'count(first_response_minutes)::int AS first_response_count',
  'percentile_cont(0.5::float8) WITHIN GROUP (ORDER BY first_response_minutes) AS first_response_median',
  'percentile_cont(0.9::float8) WITHIN GROUP (ORDER BY first_response_minutes) AS first_response_p90',
  'count(accepted_resolution_minutes)::int AS resolution_count',
  'percentile_cont(0.5::float8) WITHIN GROUP (ORDER BY accepted_resolution_minutes) AS resolution_median',
  'percentile_cont(0.9::float8) WITHIN GROUP (ORDER BY accepted_resolution_minutes) AS resolution_p90',
  ...CHANNELS.map((channel, index) => `count(*) FILTER (WHERE channel = '${channel}')::int AS channel_${index}`),
  ...Array.from({ length: 24 }, (_, hour) => `count(*) FILTER (WHERE hour = ${hour})::int AS hour_${hour}`),
].join(',\n      ');

type TallyRow = Record<string, unknown> & { period?: string | null; value?: string | null };

function talliesOfRow(row: TallyRow): KpiTallies {
  const n = (column: string) => row[column] as number;
  return {
    tickets: n('tickets'),
    complaints: n('complaints'),
    closed: n('closed'),
    closedSatisfied: n('closed_satisfied'),
    closedUnreachable: n('closed_unreachable'),
    resolvedAtFirstContact: n('resolved_at_first_contact'),
    withResult: n('with_result'),
    reopened: n('reopened'),
    firstResponseMinutes: { count: n('first_response_count'), median: (row.first_response_median as number | null) ?? null, p90: (row.first_response_p90 as number | null) ?? null },
    resolutionMinutes: { count: n('resolution_count'), median: (row.resolution_median as number | null) ?? null, p90: (row.resolution_p90 as number | null) ?? null },
    firstResponseDeadline: { met: n('first_response_met'), missed: n('first_response_missed') },
    resolutionDeadline: { met: n('resolution_met'), missed: n('resolution_missed') },
    volumeByChannel: Object.fromEntries(CHANNELS.map((channel, index) => [channel, n(`channel_${index}`)])) as Record<Channel, number>,
    volumeByHour: Array.from({ length: 24 }, (_, hour) => n(`hour_${hour}`)),
  };
}

/** The tickets of the window and department scope: $1 from, $2 to, $4 the department or null. */
const IN_WINDOW = 'kpi_ticket_facts WHERE opened_at >= $1 AND opened_at < $2 AND ($4::text IS NULL OR departments @> ARRAY[$4::text])';
/**
 * The tickets opened in any of the ranges, their bounds parameters from $`first` on: a condition
 * per range rather than a join with a list of them, so the planner sees how few rows each reads.
 */
function inRanges(ranges: readonly (readonly [Date, Date])[], first: number): { readonly source: string; readonly parameters: Date[] } {
  const conditions = ranges.map((_, index) => `(opened_at >= $${first + 2 * index} AND opened_at < $${first + 2 * index + 1})`);
  // In parentheses: a caller may add conditions with AND.
  return { source: `kpi_ticket_facts WHERE (${conditions.length > 0 ? conditions.join(' OR ') : 'false'})`, parameters: ranges.flat() };
}

interface TalliedRows {
  readonly total: TallyRow & { versions: string[] | null };
  readonly groups: TallyRow[];
}

/** The tallies of the tickets of `source` (IN_WINDOW or inRanges; `zone` the time zone's parameter), the total and the groups, in one statement. */
async function tallyTickets(manager: EntityManager, source: string, zone: string, query: KpiQuery, parameters: unknown[]): Promise<TalliedRows> {
  const granularity = granularityOf(query);
  const grouped = Boolean(query.groupBy || granularity);
  const period = granularity ? `to_char(opened_at AT TIME ZONE ${zone}, '${PERIOD_FORMATS[granularity]}')` : 'NULL::text';
  // Materialised: each tally below reads the window's rows once, with their local hour and period worked out once.
  const scope = `WITH scope AS MATERIALIZED (
      SELECT channel, type, complaint, outcome, resolved_at_first_contact, with_result, reopened, first_response_minutes,
             accepted_resolution_minutes, first_response_deadline_met, resolution_deadline_met, departments, agents, policy_versions,
             extract(hour FROM opened_at AT TIME ZONE ${zone})::int AS hour, ${period} AS period
        FROM ${source}
    )`;
  // The total (each ticket once) and the groups (a ticket in each of its groups) in one statement.
  const rows = (await manager.query(
    `${scope}
     SELECT true AS total, NULL::text AS period, NULL::text AS value, ${TALLY_COLUMNS},
            (SELECT array_agg(DISTINCT version) FROM scope CROSS JOIN LATERAL unnest(policy_versions) AS version) AS versions
       FROM scope
     ${
       grouped
         ? `UNION ALL
     SELECT false, period, value, ${TALLY_COLUMNS}, NULL
       FROM scope CROSS JOIN LATERAL unnest(${groupValuesSql(query.groupBy)}) AS member(value)
      GROUP BY period, value`
         : ''
     }`,
    parameters,
  )) as (TallyRow & { total: boolean; versions: string[] | null })[];
  return { total: rows.find((row) => row.total)!, groups: rows.filter((row) => !row.total) };
}

/** The columns of a tally row that are counts. */
const HOUR_COLUMNS = Array.from({ length: 24 }, (_, hour) => `hour_${hour}`);
const COUNT_COLUMNS = [...DAILY_COUNTERS.filter((name) => !name.includes(':')), ...CHANNELS.map((_, index) => `channel_${index}`), ...HOUR_COLUMNS];
const FIRST_HOUR_COUNTER = COUNTER_INDEX.get('utc_hour:0')!;
const NO_MINUTES = { first_response_count: 0, first_response_median: null, first_response_p90: null, resolution_count: 0, resolution_median: null, resolution_p90: null };

/**
 * How many hours a UTC day's local hours are ahead of its UTC hours (0-23), or null if some UTC
 * hour of it is not within one local hour, or the day's hours are not all shifted alike (a change
 * of offset within it); as kpis.ts reads hours, by the offsets of @handoff/service-time.
 */
function hourShiftOf(day: number, timeZone: string): number | null {
  let shift: number | null = null;
  for (let hour = 0; hour < 24; hour += 1) {
    const starts = day + hour * HOUR_MS;
    const offset = offsetAt(starts, timeZone);
    // Transitions fall on whole seconds (service-time): an hour whose first and last second agree holds one offset.
    if (offset % HOUR_MS !== 0 || offsetAt(starts + HOUR_MS - 1000, timeZone) !== offset) return null;
    // hourOf's local hour less the UTC hour, from the offset alone: a whole number of hours here.
    // (Through hourOf, an ISO string and its parse, this took about 19 µs a day of a report's window, 0.6 ms a month.)
    const hourShift = (((offset / HOUR_MS) % 24) + 24) % 24;
    if (shift !== null && hourShift !== shift) return null;
    shift = hourShift;
  }
  return shift;
}

/** Day rows' counts summed per group, their UTC hours read as local hours by their day's shift (`t.shift`). */
const DAY_SUMS = [
  ...DAILY_COUNTERS.flatMap((name, index) => (name.includes(':') ? [] : [`sum(t.counters[${index + 1}])::int AS ${name}`])),
  ...CHANNELS.map((channel, index) => `coalesce(sum(t.counters[${COUNTER_INDEX.get(`channel:${channel}`)! + 1}]), 0)::int AS channel_${index}`),
  ...HOUR_COLUMNS.map((column, hour) => `sum(t.counters[${FIRST_HOUR_COUNTER + 1} + (${hour} - t.shift + 24) % 24])::int AS ${column}`),
].join(',\n              ');

/**
 * The window's whole UTC days that the day rows can stand for, and the rest of it as ranges of
 * opening times read ticket by ticket (kpi-daily.ts). Undefined where days do not fit: a
 * department's scope (the days are not tallied per department held) and rows per period (UTC
 * days straddle local days); the caller then tallies the tickets.
 */
interface WindowDays {
  readonly firstDay: number;
  readonly endDay: number;
  readonly wholeDays: readonly { readonly day: number; readonly shift: number }[];
  /** The whole days as ranges of opening times, next days joined. */
  readonly wholeRanges: readonly (readonly [Date, Date])[];
  /** The rest of the window, read ticket by ticket: its ends, and the days that are not whole. */
  readonly ranges: readonly (readonly [Date, Date])[];
}

/** Adds [starts, ends) to `ranges`, joined to the last one where it follows on from it. */
function addRange(ranges: [Date, Date][], starts: number, ends: number): void {
  const last = ranges[ranges.length - 1];
  if (last && last[1].getTime() === starts) last[1] = new Date(ends);
  else ranges.push([new Date(starts), new Date(ends)]);
}

async function windowDaysOf(manager: EntityManager, query: KpiQuery, policy: KpiPolicy): Promise<WindowDays | undefined> {
  if (query.department !== undefined || granularityOf(query) !== null || query.groupBy === 'period') return undefined;
  const from = query.from === undefined ? -Infinity : Date.parse(query.from);
  const to = query.to === undefined ? Infinity : Date.parse(query.to);
  // The whole days: from the first midnight (UTC) at or after `from` to the last at or before `to`; unbounded, the days there are.
  let firstDay = Math.ceil(from / DAY_MS) * DAY_MS;
  let endDay = Math.floor(to / DAY_MS) * DAY_MS;
  if (!Number.isFinite(from) || !Number.isFinite(to)) {
    const [held] = (await manager.query("SELECT min(day) AS first, max(day) AS last FROM kpi_daily_tallies WHERE dimension = 'total'")) as { first: Date | null; last: Date | null }[];
    if (!held?.first || !held.last) return undefined;
    if (!Number.isFinite(from)) firstDay = held.first.getTime();
    if (!Number.isFinite(to)) endDay = held.last.getTime() + DAY_MS;
  }
  if (firstDay >= endDay) return undefined;
  const days: { day: number; shift: number | null }[] = [];
  for (let day = firstDay; day < endDay; day += DAY_MS) days.push({ day, shift: hourShiftOf(day, policy.timeZone) });
  const wholeDays = days.flatMap(({ day, shift }) => (shift === null ? [] : [{ day, shift }]));
  if (wholeDays.length === 0) return undefined;

  const ranges: [Date, Date][] = [];
  const wholeRanges: [Date, Date][] = [];
  if (Number.isFinite(from) && from < firstDay) addRange(ranges, from, firstDay);
  for (const { day, shift } of days) addRange(shift === null ? ranges : wholeRanges, day, day + DAY_MS);
  if (Number.isFinite(to) && endDay < to) addRange(ranges, endDay, to);
  return { firstDay, endDay, wholeDays, wholeRanges, ranges };
}

/**
 * The tallies from the day tallies (kpi-daily.ts) for the whole UTC days in the window, and from
 * the tickets for the rest (the window's ends, and any day whose UTC hours are not each within one
 * local hour: a time zone half an hour off, a change of offset within an hour). The counts are sums
 * of the days' counts; the percentiles are taken, as before, of every value in the window: the
 * days' arrays of them and the other tickets' own.
 */
async function tallyByDays(manager: EntityManager, query: KpiQuery, policy: KpiPolicy, window: WindowDays): Promise<TalliedRows> {
  const { firstDay, endDay, wholeDays, ranges } = window;
  const dimensions = query.groupBy ? ['total', query.groupBy] : ['total'];
  const rest = inRanges(ranges, 2);
  const tickets = await tallyTickets(manager, rest.source, '$1', query, [policy.timeZone, ...rest.parameters]);

  // The whole days' counts, summed per group; and the percentiles of every value of the window,
  // the days' arrays and the other tickets' own, per group (by the days' key: JSON, as stored).
  const dayRows = (await manager.query(
    `WITH day AS (SELECT * FROM unnest($2::timestamptz[], $3::int[]) AS day(day, shift)),
     ticket AS MATERIALIZED (
       SELECT array_remove(ARRAY[first_response_minutes], NULL) AS first_response, array_remove(ARRAY[accepted_resolution_minutes], NULL) AS resolution,
              departments, agents, channel, type
         FROM ${inRanges(ranges, 6).source}
     ),
     -- The days' rows (counts, and values as arrays) and the other tickets' values, which add no counts here.
     part AS (
       SELECT t.dimension = 'total' AS total, t.value, t.counters, day.shift, t.first_response_minutes AS first_response, t.accepted_resolution_minutes AS resolution
         FROM kpi_daily_tallies t JOIN day USING (day)
        WHERE t.dimension = ANY($1::text[]) AND t.day >= $4 AND t.day < $5
       UNION ALL
       SELECT true, 'null'::jsonb, NULL, NULL, first_response, resolution FROM ticket
       ${
         query.groupBy
           ? `UNION ALL
       SELECT false, coalesce(to_jsonb(member.value), 'null'::jsonb), NULL, NULL, first_response, resolution
         FROM ticket CROSS JOIN LATERAL unnest(${groupValuesSql(query.groupBy)}) AS member(value)`
           : ''
       }
     ),
     grouped AS (
       SELECT total, value,
              ${DAY_SUMS},
              kpi_minutes_concat(first_response) AS first_response, kpi_minutes_concat(resolution) AS resolution
         FROM part AS t
        GROUP BY total, value
     )
     -- Each group's values sorted on their own, once per percentile pair.
     SELECT grouped.total, grouped.value, ${COUNT_COLUMNS.map((column) => `grouped.${column}`).join(', ')}, first.*, resolved.*,
            (SELECT array_agg(DISTINCT version) FROM kpi_daily_policy_versions v JOIN day USING (day) WHERE v.tickets > 0) AS versions
       FROM grouped
            CROSS JOIN LATERAL (
              SELECT count(minutes)::int AS first_response_count,
                     percentile_cont(0.5::float8) WITHIN GROUP (ORDER BY minutes) AS first_response_median,
                     percentile_cont(0.9::float8) WITHIN GROUP (ORDER BY minutes) AS first_response_p90
                FROM unnest(grouped.first_response) AS minutes) AS first
            CROSS JOIN LATERAL (
              SELECT count(minutes)::int AS resolution_count,
                     percentile_cont(0.5::float8) WITHIN GROUP (ORDER BY minutes) AS resolution_median,
                     percentile_cont(0.9::float8) WITHIN GROUP (ORDER BY minutes) AS resolution_p90
                FROM unnest(grouped.resolution) AS minutes) AS resolved`,
    [dimensions, wholeDays.map(({ day }) => new Date(day)), wholeDays.map(({ shift }) => shift), new Date(firstDay), new Date(endDay), ...rest.parameters],
  )) as (TallyRow & { total: boolean; versions: string[] | null })[];

  // The sums of the days' counts and the other tickets'; the percentiles as taken above.
  const rowOf = (total: boolean, value: string | null | undefined) => JSON.stringify([total, value ?? null]);
  const sums = new Map<string, TallyRow>();
  const summed = (total: boolean, value: string | null): TallyRow => {
    let row = sums.get(rowOf(total, value));
    if (!row) {
      row = { value, ...Object.fromEntries(COUNT_COLUMNS.map((column) => [column, 0])), ...NO_MINUTES };
      sums.set(rowOf(total, value), row);
    }
    return row;
  };
  summed(true, null);
  for (const [total, row] of [[true, tickets.total] as const, ...tickets.groups.map((group) => [false, group] as const)]) {
    const into = summed(total, row.value ?? null);
    for (const column of COUNT_COLUMNS) into[column] = (into[column] as number) + (row[column] as number);
  }
  for (const row of dayRows) {
    const into = summed(row.total, row.value ?? null);
    for (const column of COUNT_COLUMNS) into[column] = (into[column] as number) + ((row[column] as number | null) ?? 0);
    for (const column of Object.keys(NO_MINUTES)) into[column] = row[column] ?? into[column];
  }
  const versions = [...new Set([...(tickets.total.versions ?? []), ...(dayRows[0]?.versions ?? [])])];
  return {
    total: { ...sums.get(rowOf(true, null))!, versions },
    groups: [...sums.entries()].filter(([id, row]) => id !== rowOf(true, null) && (row.tickets as number) > 0).map(([, row]) => row),
  };
}

/**
 * A kpi_ticket_facts row's `policy=now` verdicts as the row stores them (kpi-deadlines-now.ts,
 * verdictsAsOf): `stored` when judged under today's policy (`key`, a parameter) and not left to
 * the request, and each verdict the stored one, or missed once its deadline is before `asOf`.
 */
const storedVerdicts = (key: string, asOf: string) => `coalesce(now_policy = ${key} AND NOT now_judged_on_request, false) AS stored,
              coalesce(now_first_response_met, CASE WHEN now_first_response_due_at < ${asOf} THEN false END) AS first_response,
              coalesce(now_resolution_met, CASE WHEN now_resolution_due_at < ${asOf} THEN false END) AS resolution`;

interface VerdictCountRow {
  readonly total: boolean;
  readonly period: string | null;
  readonly value: string | null;
  readonly first_response_met: number;
  readonly first_response_missed: number;
  readonly resolution_met: number;
  readonly resolution_missed: number;
  /** On the total's row: the tickets with rounds whose verdicts are not stored under today's policy. */
  readonly others: string[] | null;
}

/**
 * `policy=now` verdicts of the window's tickets with rounds judged under today's policy ($6 its
 * key), as of $5, in total and per group: the stored verdict, or missed once the stored deadline
 * is before $5 (kpi-deadlines-now.ts, verdictsAsOf); and, in the same scan, which tickets are
 * not, for the caller to judge from their rounds.
 */
async function countVerdictsNow(manager: EntityManager, query: KpiQuery, period: string, parameters: unknown[]): Promise<VerdictCountRow[]> {
  const grouped = Boolean(query.groupBy || granularityOf(query));
  const counts = `count(*) FILTER (WHERE stored AND first_response)::int AS first_response_met,
            count(*) FILTER (WHERE stored AND NOT first_response)::int AS first_response_missed,
            count(*) FILTER (WHERE stored AND resolution)::int AS resolution_met,
            count(*) FILTER (WHERE stored AND NOT resolution)::int AS resolution_missed`;
  return (await manager.query(
    `WITH judged AS MATERIALIZED (
       SELECT ${grouped ? `${period} AS period, ${groupValuesSql(query.groupBy)} AS group_values` : 'NULL::text AS period, NULL::text[] AS group_values'},
              ticket_id, ${storedVerdicts('$6', '$5')}
         FROM ${IN_WINDOW} AND cardinality(policy_versions) > 0 AND $3::text IS NOT NULL
     )
     SELECT true AS total, NULL::text AS period, NULL::text AS value, ${counts}, array_agg(ticket_id) FILTER (WHERE NOT stored) AS others
       FROM judged
     ${
       grouped
         ? `UNION ALL
     SELECT false, period, value, ${counts}, NULL
       FROM judged CROSS JOIN LATERAL unnest(group_values) AS member(value)
      WHERE stored
      GROUP BY period, value`
         : ''
     }`,
    parameters,
  )) as VerdictCountRow[];
}

/**
 * `policy=now` verdicts as countVerdictsNow counts them, for a window the day rows fit: the
 * whole days' verdicts from their day rows under today's policy ($3 its key;
 * kpi_daily_now_verdicts): the fixed ones, and those waiting on a deadline before $4 (kpi_daily_now_due) as missed;
 * the tickets of those days judged on request for the caller to judge (their index), and the
 * rest of the window ticket by ticket. Undefined
 * when some ticket of the whole days is not judged under today's policy (just after a change,
 * while the refresher works): the caller then counts the window's tickets.
 */
async function countVerdictsByDays(manager: EntityManager, query: KpiQuery, window: WindowDays, asOf: Date, policyKey: string): Promise<VerdictCountRow[] | undefined> {
  const dimensions = query.groupBy ? ['total', query.groupBy] : ['total'];
  const rest = inRanges(window.ranges, 7);
  const whole = inRanges(window.wholeRanges, 7 + rest.parameters.length);
  // A ticket's part: its verdicts, each true (met), false (missed) or null (none as of $4).
  const counted = (first: string, resolution: string) => `(${first} IS TRUE)::int, (${first} IS FALSE)::int, (${resolution} IS TRUE)::int, (${resolution} IS FALSE)::int`;
  const rows = (await manager.query(
    `WITH day AS (SELECT * FROM unnest($1::timestamptz[]) AS day(day)),
     ticket AS MATERIALIZED (
       SELECT ticket_id, departments, agents, channel, type, ${storedVerdicts('$3', '$4')}
         FROM ${rest.source} AND cardinality(policy_versions) > 0
       UNION ALL
       -- The whole days' tickets judged on request (the day rows hold the others'), judged by the caller.
       SELECT ticket_id, departments, agents, channel, type, false, NULL::boolean, NULL::boolean
         FROM ${whole.source} AND now_judged_on_request
     ),
     part (total, value, first_response_met, first_response_missed, resolution_met, resolution_missed) AS (
       -- The total's row, whatever there is: it says whether the day rows stand for the whole days.
       VALUES (true, 'null'::jsonb, 0, 0, 0, 0)
       UNION ALL
       -- Fixed verdicts, and the waiting ones whose deadline is before $4: missed as of then.
       SELECT n.dimension = 'total', n.value, n.counters[2], n.counters[3], n.counters[4], n.counters[5]
         FROM kpi_daily_now_verdicts n JOIN day USING (day)
        WHERE n.policy = $3 AND n.dimension = ANY($2::text[]) AND n.day >= $5 AND n.day < $6
       UNION ALL
       SELECT d.dimension = 'total', d.value, 0, CASE WHEN d.deadline = 'first_response' THEN d.tickets ELSE 0 END, 0, CASE WHEN d.deadline = 'resolution' THEN d.tickets ELSE 0 END
         FROM kpi_daily_now_due d JOIN day USING (day)
        WHERE d.policy = $3 AND d.dimension = ANY($2::text[]) AND d.day >= $5 AND d.day < $6 AND d.due_at < $4
       UNION ALL
       SELECT true, 'null'::jsonb, ${counted('first_response', 'resolution')} FROM ticket WHERE stored
       ${
         query.groupBy
           ? `UNION ALL
       SELECT false, coalesce(to_jsonb(member.value), 'null'::jsonb), ${counted('first_response', 'resolution')}
         FROM ticket CROSS JOIN LATERAL unnest(${groupValuesSql(query.groupBy)}) AS member(value)
        WHERE stored`
           : ''
       }
     )
     SELECT total, NULL::text AS period, value #>> '{}' AS value,
            sum(first_response_met)::int AS first_response_met, sum(first_response_missed)::int AS first_response_missed,
            sum(resolution_met)::int AS resolution_met, sum(resolution_missed)::int AS resolution_missed,
            CASE WHEN total THEN (SELECT array_agg(ticket_id) FROM ticket WHERE NOT stored) END AS others,
            -- Every ticket of the whole days judged under today's policy, or the day rows do not stand for them.
            (SELECT coalesce(sum(t.counters[1]), 0) FROM kpi_daily_tallies t JOIN day USING (day) WHERE t.dimension = 'total' AND t.day >= $5 AND t.day < $6)
              = (SELECT coalesce(sum(n.counters[1]), 0) FROM kpi_daily_now_verdicts n JOIN day USING (day) WHERE n.policy = $3 AND n.dimension = 'total' AND n.day >= $5 AND n.day < $6) AS covered
       FROM part
      GROUP BY total, value`,
    [window.wholeDays.map(({ day }) => new Date(day)), dimensions, policyKey, asOf, new Date(window.firstDay), new Date(window.endDay), ...rest.parameters, ...whole.parameters],
  )) as (VerdictCountRow & { covered: boolean })[];
  return rows.some((row) => !row.covered) ? undefined : rows;
}

export async function kpiReportFromFacts(manager: EntityManager, query: KpiQuery, policy: KpiPolicy, asOf: Date): Promise<KpiReport> {
  const granularity = granularityOf(query);
  const grouped = Boolean(query.groupBy || granularity);
  const periodIn = (zone: string) => (granularity ? `to_char(opened_at AT TIME ZONE ${zone}, '${PERIOD_FORMATS[granularity]}')` : 'NULL::text');
  const period = periodIn('$3');
  const parameters = [query.from ? new Date(query.from) : '-infinity', query.to ? new Date(query.to) : 'infinity', policy.timeZone, query.department ?? null];

  const window = await windowDaysOf(manager, query, policy);
  const tallied = window ? await tallyByDays(manager, query, policy, window) : await tallyTickets(manager, IN_WINDOW, '$3', query, parameters);
  const total = tallied.total;
  const groupRows = tallied.groups;
  const versions = total.versions ?? [];

  const keyOf = (row: { period?: string | null; value?: string | null }): KpiRowKey => {
    const key: Record<string, string | null> = granularity ? { period: row.period! } : {};
    if (query.groupBy && query.groupBy !== 'period') key[query.groupBy] = row.value ?? null;
    return key as KpiRowKey;
  };
  const identity = (row: { period?: string | null; value?: string | null }) => JSON.stringify([row.period ?? null, row.value ?? null]);
  const groups = new Map(groupRows.map((row) => [identity(row), { key: keyOf(row), tallies: talliesOfRow(row) }]));
  let totalTallies = talliesOfRow(total);

  if (query.policy === 'now') {
    const empty = () => ({ firstResponse: { met: 0, missed: 0 }, resolution: { met: 0, missed: 0 } });
    const counts = new Map<string, ReturnType<typeof empty>>();
    const overall = empty();
    const add = (into: ReturnType<typeof empty>, row: VerdictCountRow) => {
      into.firstResponse.met += row.first_response_met;
      into.firstResponse.missed += row.first_response_missed;
      into.resolution.met += row.resolution_met;
      into.resolution.missed += row.resolution_missed;
    };
    // The tickets judged under today's policy, counted as of the request from their stored verdicts.
    let others: string[] = [];
    const policyKey = deadlinePolicyKey(policy.deadlines);
    const verdictRows =
      (window && (await countVerdictsByDays(manager, query, window, asOf, policyKey))) ?? (await countVerdictsNow(manager, query, period, [...parameters, asOf, policyKey]));
    for (const row of verdictRows) {
      if (row.total) {
        add(overall, row);
        others = row.others ?? [];
      } else {
        const id = identity(row);
        const group = counts.get(id) ?? empty();
        add(group, row);
        counts.set(id, group);
      }
    }
    // The others (judged under another policy, not yet, or paused with a deadline that moves with
    // the request's instant) judged here from their rounds.
    const judged: { period: string | null; group_values: (string | null)[]; rounds: DepartmentRound[] }[] =
      others.length === 0
        ? []
        : await manager.query(
            `SELECT ${periodIn('$2')} AS period, ${groupValuesSql(query.groupBy)} AS group_values, rounds
               FROM kpi_ticket_facts WHERE ticket_id = ANY($1::text[]) AND $2::text IS NOT NULL`,
            [others, policy.timeZone],
          );
    const tally = (into: ReturnType<typeof empty>, firstResponse: boolean | null, resolution: boolean | null) => {
      if (firstResponse !== null) into.firstResponse[firstResponse ? 'met' : 'missed']++;
      if (resolution !== null) into.resolution[resolution ? 'met' : 'missed']++;
    };
    for (const ticket of judged) {
      const verdicts = verdictsNow(ticket.rounds, policy.deadlines, asOf);
      tally(overall, verdicts.firstResponse, verdicts.resolution);
      if (!grouped) continue;
      for (const value of ticket.group_values) {
        const id = identity({ period: ticket.period, value });
        const group = counts.get(id) ?? empty();
        tally(group, verdicts.firstResponse, verdicts.resolution);
        counts.set(id, group);
      }
    }
    const now = (tallies: KpiTallies, verdicts: ReturnType<typeof empty>): KpiTallies => ({
      ...tallies,
      firstResponseDeadline: verdicts.firstResponse,
      resolutionDeadline: verdicts.resolution,
    });
    totalTallies = now(totalTallies, overall);
    for (const [id, group] of groups) groups.set(id, { ...group, tallies: now(group.tallies, counts.get(id) ?? empty()) });
  }

  return reportOf({ total: totalTallies, groups: [...groups.values()], deadlinePolicyVersions: versions }, query, policy, asOf);
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { CHANNELS, type Channel, type GroupBy, type KpiReport, type KpiRowKey } from '@handoff/contracts';
import type { Granularity } from '@handoff/service-time';
import type { DepartmentRound } from '../records/service-record';
import type { KpiPolicy } from './kpi-policy';
import { granularityOf, reportOf, verdictsNow, type KpiQuery, type KpiTallies } from './kpis';

/**
 * The KPI report from the KPI aggregate (kpi_ticket_facts): PostgreSQL counts, and takes the
 * percentiles of, the facts of the tickets in the window, per group, so a request reads one index
 * range and sends back one row per group, never a ticket's timeline. `policy=now` judges the
 * rounds again under today's deadline policy as of the request, which no stored count can hold:
 * those verdicts are computed here from the rounds of the tickets in the window that have any.
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
  'count(*)::int AS tickets',
  'count(*) FILTER (WHERE complaint)::int AS complaints',
  'count(outcome)::int AS closed',
  "count(*) FILTER (WHERE outcome = 'satisfied')::int AS closed_satisfied",
  "count(*) FILTER (WHERE outcome = 'unconfirmed_unreachable')::int AS closed_unreachable",
  'count(*) FILTER (WHERE resolved_at_first_contact)::int AS resolved_at_first_contact',
  'count(*) FILTER (WHERE with_result)::int AS with_result',
  'count(*) FILTER (WHERE reopened)::int AS reopened',
  // percentile_cont interpolates between the closest ranks as statistics.ts does (R's type 7), on the same doubles.
  'count(first_response_minutes)::int AS first_response_count',
  'percentile_cont(0.5::float8) WITHIN GROUP (ORDER BY first_response_minutes) AS first_response_median',
  'percentile_cont(0.9::float8) WITHIN GROUP (ORDER BY first_response_minutes) AS first_response_p90',
  'count(accepted_resolution_minutes)::int AS resolution_count',
  'percentile_cont(0.5::float8) WITHIN GROUP (ORDER BY accepted_resolution_minutes) AS resolution_median',
  'percentile_cont(0.9::float8) WITHIN GROUP (ORDER BY accepted_resolution_minutes) AS resolution_p90',
  'count(*) FILTER (WHERE first_response_deadline_met)::int AS first_response_met',
  'count(*) FILTER (WHERE NOT first_response_deadline_met)::int AS first_response_missed',
  'count(*) FILTER (WHERE resolution_deadline_met)::int AS resolution_met',
  'count(*) FILTER (WHERE NOT resolution_deadline_met)::int AS resolution_missed',
  ...CHANNELS.map((channel, index) => `count(*) FILTER (WHERE channel = '${channel}')::int AS channel_${index}`),
  ...Array.from({ length: 24 }, (_, hour) => `count(*) FILTER (WHERE hour = ${hour})::int AS hour_${hour}`),
].join(',\n      ');

type TallyRow = Record<string, number | null> & { period?: string | null; value?: string | null };

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
    firstResponseMinutes: { count: n('first_response_count'), median: row.first_response_median ?? null, p90: row.first_response_p90 ?? null },
    resolutionMinutes: { count: n('resolution_count'), median: row.resolution_median ?? null, p90: row.resolution_p90 ?? null },
    firstResponseDeadline: { met: n('first_response_met'), missed: n('first_response_missed') },
    resolutionDeadline: { met: n('resolution_met'), missed: n('resolution_missed') },
    volumeByChannel: Object.fromEntries(CHANNELS.map((channel, index) => [channel, n(`channel_${index}`)])) as Record<Channel, number>,
    volumeByHour: Array.from({ length: 24 }, (_, hour) => n(`hour_${hour}`)),
  };
}

export async function kpiReportFromFacts(manager: EntityManager, query: KpiQuery, policy: KpiPolicy, asOf: Date): Promise<KpiReport> {
  const granularity = granularityOf(query);
  const grouped = Boolean(query.groupBy || granularity);
  const period = granularity ? `to_char(opened_at AT TIME ZONE $3, '${PERIOD_FORMATS[granularity]}')` : 'NULL::text';
  // Materialised: each tally below reads the window's rows once, with their local hour and period worked out once.
  const scope = `WITH scope AS MATERIALIZED (
      SELECT channel, type, complaint, outcome, resolved_at_first_contact, with_result, reopened, first_response_minutes,
             accepted_resolution_minutes, first_response_deadline_met, resolution_deadline_met, departments, agents, policy_versions,
             extract(hour FROM opened_at AT TIME ZONE $3)::int AS hour, ${period} AS period
        FROM kpi_ticket_facts
       WHERE opened_at >= $1 AND opened_at < $2 AND ($4::text IS NULL OR departments @> ARRAY[$4::text])
    )`;
  const parameters = [query.from ? new Date(query.from) : '-infinity', query.to ? new Date(query.to) : 'infinity', policy.timeZone, query.department ?? null];

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
  const total = rows.find((row) => row.total)!;
  const groupRows = rows.filter((row) => !row.total);
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
    const judged: { period: string | null; group_values: (string | null)[]; rounds: DepartmentRound[] }[] = await manager.query(
      `SELECT ${period} AS period, ${groupValuesSql(query.groupBy)} AS group_values, rounds
         FROM kpi_ticket_facts
        WHERE opened_at >= $1 AND opened_at < $2 AND ($4::text IS NULL OR departments @> ARRAY[$4::text]) AND jsonb_array_length(rounds) > 0
          AND $3::text IS NOT NULL`,
      parameters,
    );
    const empty = () => ({ firstResponse: { met: 0, missed: 0 }, resolution: { met: 0, missed: 0 } });
    const counts = new Map<string, ReturnType<typeof empty>>();
    const overall = empty();
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

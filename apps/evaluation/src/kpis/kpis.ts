import {
  CAUSE_NOT_REPORTED,
  CHANNELS,
  causeLabelOf,
  type ComplaintCauseTaxonomy,
  KPI_NAMES,
  kpiValue,
  type Channel,
  type ComplaintReport,
  type DeadlineCompliance,
  type Distribution,
  type GroupBy,
  type KpiFigures,
  type KpiName,
  type KpiReport,
  type KpiRow,
  type KpiRowKey,
  type PolicyBasis,
  type RecordedEvent,
  type Share,
  type Target,
  type TargetCheck,
} from '@handoff/contracts';
import { hourOf, periodBounds, periodOf, type DeadlinePolicy, type Granularity } from '@handoff/service-time';
import { serviceRecordsFromEvents, type ServiceRecord } from '../records/service-record';
import { verdictsNow, type Verdicts } from './kpi-deadlines-now';
import { currentTargets, targetsAt, type KpiPolicy, type TargetsVersion } from './kpi-policy';
import { distributionOf, rate } from './statistics';

/**
 * The service standards measured (DOMAIN.md, "Evaluation"). Every figure is a plain function of
 * the service records, which are a plain function of the events; the definitions:
 *
 * - population: the tickets opened (intake recorded the contact) in [from, to); a department's
 *   view keeps the tickets that department held at some point.
 * - satisfaction rate = closed satisfied ÷ closed (a ticket closed because the customer could not
 *   be reached counts as closed and not satisfied: it is never recorded as satisfied).
 * - complaint rate = complaints ÷ tickets.
 * - resolution rate = closed satisfied ÷ tickets.
 * - first-contact resolution rate = closed satisfied on CS's first-contact answer ÷ tickets.
 * - reopen (second handling) rate = tickets sent back at least once ÷ tickets that got a result.
 * - first response time: opened → the first answer anyone gave (minutes), over the tickets with one.
 * - resolution time: opened → the result the customer accepted, over the tickets closed satisfied.
 *   Both as median and 90th percentile (linear interpolation, see statistics.ts).
 * - deadline compliance (first response, resolution) = tickets whose every department round met
 *   the deadline ÷ tickets with a verdict. `then`: the deadlines routing recorded and the breaches
 *   it recorded. `now`: each round's deadline recomputed from its start under today's policy; a
 *   round still without its response counts as missed once that deadline is before `asOf`.
 * - volume by channel, and by local hour of the contact, with the configured peak hours marked.
 *
 * Grouping by agent or by department can put one ticket in several groups (two agents worked on
 * it, it passed between departments), so group rows need not add up to the total.
 */

export interface KpiQuery {
  readonly from?: string;
  readonly to?: string;
  readonly groupBy?: GroupBy;
  /** Rows per day, week or month (with `groupBy=period`, or beside another grouping). */
  readonly period?: Granularity;
  readonly policy: PolicyBasis;
  /** Only the tickets this department held. */
  readonly department?: string;
}

export function kpiReport(records: readonly ServiceRecord[], query: KpiQuery, policy: KpiPolicy, asOf: Date): KpiReport {
  const inScope = selectRecords(records, query);
  const verdicts = new Map(inScope.map((record) => [record.ticketId, verdictsOf(record, query.policy, policy.deadlines, asOf)]));
  const granularity = granularityOf(query);

  const groups = new Map<string, { key: KpiRowKey; members: ServiceRecord[] }>();
  if (query.groupBy || granularity) {
    for (const record of inScope) {
      const periodKey = granularity ? { period: periodOf(record.openedAt!, granularity, policy.timeZone) } : {};
      for (const groupKey of groupKeysOf(record, query.groupBy)) {
        const key: KpiRowKey = { ...periodKey, ...groupKey };
        const id = JSON.stringify([key.period ?? '', ...Object.values(groupKey)]);
        const group = groups.get(id) ?? { key, members: [] };
        group.members.push(record);
        groups.set(id, group);
      }
    }
  }
  const versions = new Set<string>();
  for (const record of inScope) for (const round of record.rounds) versions.add(round.policyVersion);
  return reportOf(
    {
      total: talliesOf(inScope, verdicts, policy),
      groups: [...groups.values()].map(({ key, members }) => ({ key, tallies: talliesOf(members, verdicts, policy) })),
      deadlinePolicyVersions: [...versions],
    },
    query,
    policy,
    asOf,
  );
}

/** Rows per period: asked for, or months for `groupBy=period` without one. */
export const granularityOf = (query: Pick<KpiQuery, 'period' | 'groupBy'>): Granularity | null => query.period ?? (query.groupBy === 'period' ? 'month' : null);

/**
 * The counts a row's figures are made of, before any share is taken: what the records give
 * (talliesOf) and what the KPI aggregate sums (kpi-facts.reader.ts), so both end in one report.
 */
export interface KpiTallies extends Pick<KpiFigures, 'tickets' | 'complaints' | 'closed' | 'closedSatisfied' | 'closedUnreachable' | 'resolvedAtFirstContact' | 'withResult' | 'reopened'> {
  readonly firstResponseMinutes: Distribution;
  readonly resolutionMinutes: Distribution;
  readonly firstResponseDeadline: { readonly met: number; readonly missed: number };
  readonly resolutionDeadline: { readonly met: number; readonly missed: number };
  readonly volumeByChannel: Readonly<Record<Channel, number>>;
  /** 24 counts, by local hour of the contact. */
  readonly volumeByHour: readonly number[];
}

export interface KpiTalliesByGroup {
  readonly total: KpiTallies;
  /** In any order; the report sorts them. */
  readonly groups: readonly { readonly key: KpiRowKey; readonly tallies: KpiTallies }[];
  /** The deadline policy versions routing recorded on the rounds in scope, in any order. */
  readonly deadlinePolicyVersions: readonly string[];
}

/** The report from its tallies: shares, the targets in force, the order of the rows. */
export function reportOf(tallies: KpiTalliesByGroup, query: KpiQuery, policy: KpiPolicy, asOf: Date): KpiReport {
  const rowTargets = (periodLabel: string | undefined): TargetsVersion => {
    if (query.policy === 'now') return currentTargets(policy.targets);
    const reference = periodLabel ? periodBounds(periodLabel, policy.timeZone).start : (query.from ?? asOf.toISOString());
    return targetsAt(policy.targets, reference);
  };
  const row = (key: KpiRowKey, counts: KpiTallies): KpiRow => {
    const figures = figuresOf(counts, policy);
    const targets = rowTargets(key.period);
    return { key, figures, targetsVersion: targets.version, targets: checkTargets(figures, targets) };
  };
  const rows = [...tallies.groups].sort((a, b) => compareKeys(a.key, b.key)).map(({ key, tallies: counts }) => row(key, counts));
  const total = row({}, tallies.total);

  return {
    asOf: asOf.toISOString(),
    from: query.from ?? null,
    to: query.to ?? null,
    department: query.department ?? null,
    groupBy: query.groupBy ?? null,
    period: granularityOf(query),
    timeZone: policy.timeZone,
    peakHours: policy.peakHours,
    policy: {
      basis: query.policy,
      deadlinePolicyVersions: query.policy === 'now' ? [policy.deadlines.version] : [...new Set(tallies.deadlinePolicyVersions)].sort(),
      targetsVersions: [...new Set([total, ...rows].map((r) => r.targetsVersion))].sort(),
    },
    total,
    rows,
  };
}

/** The same report recomputed from the event stores' events alone. */
export function kpiReportFromEvents(events: readonly RecordedEvent[], query: KpiQuery, policy: KpiPolicy, asOf: Date): KpiReport {
  return kpiReport(serviceRecordsFromEvents(events), query, policy, asOf);
}

/** Tickets opened in [from, to) (and held by the department, if one is asked for), by ticket id. */
export function selectRecords(records: readonly ServiceRecord[], query: Pick<KpiQuery, 'from' | 'to' | 'department'>): ServiceRecord[] {
  const from = query.from === undefined ? -Infinity : Date.parse(query.from);
  const to = query.to === undefined ? Infinity : Date.parse(query.to);
  return records
    .filter((record) => {
      if (record.openedAt === null) return false;
      const opened = Date.parse(record.openedAt);
      if (opened < from || opened >= to) return false;
      return query.department === undefined || record.lifecycle.departmentsVisited.includes(query.department);
    })
    .sort((a, b) => (a.ticketId < b.ticketId ? -1 : a.ticketId > b.ticketId ? 1 : 0));
}

function groupKeysOf(record: ServiceRecord, groupBy: GroupBy | undefined): KpiRowKey[] {
  switch (groupBy) {
    case undefined:
    case 'period':
      return [{}];
    case 'agent':
      return record.agents.length > 0 ? record.agents.map((agent) => ({ agent })) : [{ agent: null }];
    case 'department': {
      const departments = [...new Set(record.lifecycle.departmentsVisited)];
      return departments.length > 0 ? departments.map((department) => ({ department })) : [{ department: null }];
    }
    case 'channel':
      return [{ channel: record.channel }];
    case 'type':
      return [{ type: record.type }];
  }
}

/** By period, then by group value; the "none" group (null) after the named ones. */
function compareKeys(a: KpiRowKey, b: KpiRowKey): number {
  const text = (x: string | null | undefined, y: string | null | undefined) =>
    x === y ? 0 : x === null || x === undefined ? 1 : y === null || y === undefined ? -1 : x < y ? -1 : 1;
  const value = (key: KpiRowKey) => key.agent ?? key.department ?? key.channel ?? key.type ?? null;
  return text(a.period, b.period) || text(value(a), value(b));
}

// ---------------------------------------------------------------------------------------------
// Deadlines: as recorded, or recomputed under today's policy

export function verdictsOf(record: ServiceRecord, basis: PolicyBasis, deadlines: DeadlinePolicy, asOf: Date): Verdicts {
  if (basis === 'then') {
    return { firstResponse: record.lifecycle.firstResponseDeadlineMet, resolution: record.lifecycle.resolutionDeadlineMet };
  }
  return verdictsNow(record.rounds, deadlines, asOf);
}

// ---------------------------------------------------------------------------------------------
// Figures

function talliesOf(records: readonly ServiceRecord[], verdicts: ReadonlyMap<string, Verdicts>, policy: KpiPolicy): KpiTallies {
  const count = (test: (record: ServiceRecord) => boolean) => records.filter(test).length;
  const firstResponse = records.flatMap((r) => (r.lifecycle.firstResponseMinutes === null ? [] : [r.lifecycle.firstResponseMinutes]));
  const resolution = records.flatMap((r) =>
    r.lifecycle.outcome === 'satisfied' && r.lifecycle.resolutionMinutes !== null ? [r.lifecycle.resolutionMinutes] : [],
  );
  const compliance = (pick: (verdicts: Verdicts) => boolean | null) => {
    const judged = records.map((r) => pick(verdicts.get(r.ticketId)!)).filter((verdict): verdict is boolean => verdict !== null);
    const met = judged.filter(Boolean).length;
    return { met, missed: judged.length - met };
  };
  const hours = Array.from({ length: 24 }, () => 0);
  for (const record of records) hours[hourOf(record.openedAt!, policy.timeZone)]!++;
  return {
    tickets: records.length,
    complaints: count((r) => r.complaint),
    closed: count((r) => r.lifecycle.outcome !== null),
    closedSatisfied: count((r) => r.lifecycle.outcome === 'satisfied'),
    closedUnreachable: count((r) => r.lifecycle.outcome === 'unconfirmed_unreachable'),
    resolvedAtFirstContact: count((r) => r.lifecycle.resolvedAtFirstContact),
    withResult: count((r) => r.lifecycle.rounds > 0),
    reopened: count((r) => r.lifecycle.reopens > 0),
    firstResponseMinutes: distributionOf(firstResponse),
    resolutionMinutes: distributionOf(resolution),
    firstResponseDeadline: compliance((v) => v.firstResponse),
    resolutionDeadline: compliance((v) => v.resolution),
    volumeByChannel: Object.fromEntries(CHANNELS.map((channel) => [channel, count((r) => r.channel === channel)])) as Record<Channel, number>,
    volumeByHour: hours,
  };
}

function figuresOf(tallies: KpiTallies, policy: KpiPolicy): KpiFigures {
  const { tickets, complaints, closed, closedSatisfied, resolvedAtFirstContact, withResult, reopened } = tallies;
  const compliance = ({ met, missed }: { met: number; missed: number }): DeadlineCompliance => ({ met, missed, rate: rate(met, met + missed) });
  const busiest = Math.max(...tallies.volumeByHour);
  return {
    tickets,
    complaints,
    closed,
    closedSatisfied,
    closedUnreachable: tallies.closedUnreachable,
    resolvedAtFirstContact,
    withResult,
    reopened,
    satisfactionRate: rate(closedSatisfied, closed),
    complaintRate: rate(complaints, tickets),
    resolutionRate: rate(closedSatisfied, tickets),
    firstContactResolutionRate: rate(resolvedAtFirstContact, tickets),
    reopenRate: rate(reopened, withResult),
    firstResponseMinutes: tallies.firstResponseMinutes,
    resolutionMinutes: tallies.resolutionMinutes,
    firstResponseDeadline: compliance(tallies.firstResponseDeadline),
    resolutionDeadline: compliance(tallies.resolutionDeadline),
    volumeByChannel: { ...tallies.volumeByChannel },
    volumeByHour: tallies.volumeByHour.map((volume, hour) => ({ hour, volume, peak: policy.peakHours.includes(hour) })),
    busiestHours: busiest > 0 ? tallies.volumeByHour.flatMap((volume, hour) => (volume === busiest ? [hour] : [])) : [],
  };
}

function checkTargets(figures: KpiFigures, version: TargetsVersion): TargetCheck[] {
  return KPI_NAMES.flatMap((kpi) => {
    const target = version.targets[kpi];
    if (!target) return [];
    const actual = kpiValue(figures, kpi);
    const met = actual === null ? null : 'min' in target ? actual >= target.min : actual <= target.max;
    return [{ kpi, actual, target, met }];
  });
}

// ---------------------------------------------------------------------------------------------
// Complaint analysis

/**
 * Complaints by category, by cause and by the department that put them right. The cause is what
 * the department named from the taxonomy with its result (`unclassified` for results from before
 * it asked, `not_reported` while there is no result), each with its words in both languages.
 */
export function complaintReport(records: readonly ServiceRecord[], query: Pick<KpiQuery, 'from' | 'to' | 'department'>, causes: ComplaintCauseTaxonomy): ComplaintReport {
  const complaints = selectRecords(records, query).filter((record) => record.complaint);
  const shares = (keyOf: (record: ServiceRecord) => string): Share[] => {
    const counts = new Map<string, number>();
    for (const record of complaints) counts.set(keyOf(record), (counts.get(keyOf(record)) ?? 0) + 1);
    return [...counts.entries()]
      .map(([key, count]) => ({ key, count, share: count / complaints.length }))
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
  };
  const withAction = complaints.filter((record) => record.correctiveActionGiven).length;
  return {
    from: query.from ?? null,
    to: query.to ?? null,
    department: query.department ?? null,
    complaints: complaints.length,
    byCategory: shares((record) => record.category ?? 'unclassified'),
    byCause: shares((record) => record.cause ?? CAUSE_NOT_REPORTED).map((share) => ({ ...share, label: causeLabelOf(causes, share.key) })),
    byDepartment: shares((record) => record.resolvingDepartment ?? 'unresolved'),
    withCorrectiveAction: { count: withAction, share: rate(withAction, complaints.length) },
  };
}

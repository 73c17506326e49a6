import { CHANNELS } from '@handoff/contracts';
import type { KpiTicketFacts } from './kpi-facts.entities';

/**
 * The day tallies (kpi_daily_tallies): the facts of each UTC day's tickets added up per grouping
 * value, so a month's counts read about thirty rows per group instead of every ticket. The values
 * the percentiles are taken of are kept too, as they are (a percentile of a window needs every
 * value in it), but as one array per row, which PostgreSQL reads far faster than a row per ticket.
 * UTC days because a row must hold tickets of one local hour each whatever the time zone asked
 * for: the counts by hour are by UTC hour and turned into local hours per day when read.
 */

export const DAY_MS = 86_400_000;

/** The groupings a day is tallied by: the whole day (`total`) and each GroupBy but `period`. */
export const DAILY_DIMENSIONS = ['total', 'department', 'agent', 'channel', 'type'] as const;
export type DailyDimension = (typeof DAILY_DIMENSIONS)[number];

/**
 * The ticket counts a KPI report adds up, each with its test on a ticket's facts and the same test
 * in SQL on a kpi_ticket_facts row: the day tallies count them as the facts are written, and a
 * report over the facts themselves counts them in PostgreSQL (kpi-facts.reader.ts).
 */
export const TICKET_COUNTS: readonly { readonly name: string; readonly of: (facts: KpiTicketFacts) => boolean; readonly sql: string }[] = [
  { name: 'tickets', of: () => true, sql: 'true' },
  { name: 'complaints', of: (facts) => facts.complaint, sql: 'complaint' },
  { name: 'closed', of: (facts) => facts.outcome !== null, sql: 'outcome IS NOT NULL' },
  { name: 'closed_satisfied', of: (facts) => facts.outcome === 'satisfied', sql: "outcome = 'satisfied'" },
  { name: 'closed_unreachable', of: (facts) => facts.outcome === 'unconfirmed_unreachable', sql: "outcome = 'unconfirmed_unreachable'" },
  { name: 'resolved_at_first_contact', of: (facts) => facts.resolvedAtFirstContact, sql: 'resolved_at_first_contact' },
  { name: 'with_result', of: (facts) => facts.withResult, sql: 'with_result' },
  { name: 'reopened', of: (facts) => facts.reopened, sql: 'reopened' },
  { name: 'first_response_met', of: (facts) => facts.firstResponseDeadlineMet === true, sql: 'first_response_deadline_met' },
  { name: 'first_response_missed', of: (facts) => facts.firstResponseDeadlineMet === false, sql: 'NOT first_response_deadline_met' },
  { name: 'resolution_met', of: (facts) => facts.resolutionDeadlineMet === true, sql: 'resolution_deadline_met' },
  { name: 'resolution_missed', of: (facts) => facts.resolutionDeadlineMet === false, sql: 'NOT resolution_deadline_met' },
];

/**
 * The counts of a row, in this order in its `counters` array: the ticket counts, by UTC hour,
 * by channel (last, so that a channel added to CHANNELS lengthens the array; the rows already
 * written count none of it, which a rebuild of evaluation.timeline puts right). The order is the
 * stored layout: a count is only ever added after the ticket counts' last with a migration.
 */
export const DAILY_COUNTERS: readonly string[] = [
  ...TICKET_COUNTS.map((count) => count.name),
  ...Array.from({ length: 24 }, (_, hour) => `utc_hour:${hour}`),
  ...CHANNELS.map((channel) => `channel:${channel}`),
];
export const COUNTER_INDEX = new Map<string, number>(DAILY_COUNTERS.map((name, index) => [name, index]));

/** One row's change: counts to add, values to add and to take away (as multisets). */
export interface DailyChange {
  readonly day: Date;
  readonly dimension: DailyDimension;
  /** The group value, null for the "none" group (and the total). */
  readonly value: string | null;
  readonly counters: number[];
  readonly firstResponseAdded: number[];
  readonly firstResponseRemoved: number[];
  readonly resolutionAdded: number[];
  readonly resolutionRemoved: number[];
}

/**
 * The `policy=now` verdicts of a UTC day's tickets for one grouping value, per deadline policy
 * they were judged under (kpi_daily_now_verdicts): the tickets judged under it, the verdicts that
 * are fixed (kpi-deadlines-now.ts), which hold whatever instant a report is asked as of, and the
 * deadlines of those still waiting (missed as of any instant after them), a row per instant in
 * kpi_daily_now_due. A ticket judged on request is left to the report, which judges its
 * rounds (kpi-facts.reader.ts).
 */
export const NOW_COUNTERS = ['tickets', 'first_response_met', 'first_response_missed', 'resolution_met', 'resolution_missed'] as const;

export interface DailyNowChange {
  readonly day: Date;
  readonly dimension: DailyDimension;
  readonly value: string | null;
  readonly policy: string;
  /** NOW_COUNTERS, in that order. */
  readonly counters: number[];
  /** The deadlines (epoch ms) of waiting verdicts whose tickets change: how many to add (or, below 0, take away). */
  readonly due: readonly DueChange[];
}

export interface DueChange {
  readonly deadline: 'first_response' | 'resolution';
  readonly at: number;
  readonly tickets: number;
}

export interface DailyVersionChange {
  readonly day: Date;
  readonly version: string;
  readonly tickets: number;
}

/** What the day tallies read of a ticket's facts (all but its rounds). */
export const DAILY_FACT_COLUMNS: (keyof KpiTicketFacts)[] = [
  'ticketId',
  'openedAt',
  'channel',
  'type',
  'complaint',
  'outcome',
  'resolvedAtFirstContact',
  'withResult',
  'reopened',
  'firstResponseMinutes',
  'acceptedResolutionMinutes',
  'firstResponseDeadlineMet',
  'resolutionDeadlineMet',
  'departments',
  'agents',
  'policyVersions',
  'nowPolicy',
  'nowFirstResponseMet',
  'nowFirstResponseDueAt',
  'nowResolutionMet',
  'nowResolutionDueAt',
  'nowJudgedOnRequest',
];

export const dayOf = (instant: Date): Date => new Date(Math.floor(instant.getTime() / DAY_MS) * DAY_MS);

/** The group values of a ticket under a dimension, as the reader unnests them (kpi-facts.reader.ts). */
export function membersOf(facts: KpiTicketFacts, dimension: DailyDimension): (string | null)[] {
  switch (dimension) {
    case 'total':
      return [null];
    case 'department':
      return facts.departments.length > 0 ? facts.departments : [null];
    case 'agent':
      return facts.agents.length > 0 ? facts.agents : [null];
    case 'channel':
      return [facts.channel];
    case 'type':
      return [facts.type];
  }
}

function countersOf(facts: KpiTicketFacts): number[] {
  const counters = new Array<number>(DAILY_COUNTERS.length).fill(0);
  const add = (name: string, when: boolean) => {
    if (when) counters[COUNTER_INDEX.get(name)!]! += 1;
  };
  for (const count of TICKET_COUNTS) add(count.name, count.of(facts));
  if (facts.channel !== null) add(`channel:${facts.channel}`, COUNTER_INDEX.has(`channel:${facts.channel}`));
  add(`utc_hour:${new Date(facts.openedAt).getUTCHours()}`, true);
  return counters;
}

/** A ticket's part of its day's kpi_daily_now_verdicts rows, or none before it is judged. */
function nowPartOf(facts: KpiTicketFacts): { counters: number[]; firstResponseDue: number | null; resolutionDue: number | null } | undefined {
  if (facts.nowPolicy === null) return undefined;
  // Judged on request, its verdicts are not stored (a paused round's deadline moves with the report's instant).
  const stored = facts.nowJudgedOnRequest !== true;
  const fixed = (met: boolean | null, wanted: boolean) => (stored && met === wanted ? 1 : 0);
  const waiting = (met: boolean | null, dueAt: Date | null) => (stored && met === null && dueAt !== null ? new Date(dueAt).getTime() : null);
  return {
    counters: [1, fixed(facts.nowFirstResponseMet, true), fixed(facts.nowFirstResponseMet, false), fixed(facts.nowResolutionMet, true), fixed(facts.nowResolutionMet, false)],
    firstResponseDue: waiting(facts.nowFirstResponseMet, facts.nowFirstResponseDueAt),
    resolutionDue: waiting(facts.nowResolutionMet, facts.nowResolutionDueAt),
  };
}

/** Which facts a change of the facts may have changed. */
export type ChangedFacts = 'any' | 'policy=now verdicts';

/**
 * What replacing the facts `previous` with `next` (one entry per ticket, either side absent for a
 * ticket without facts) changes in the day tallies: only the rows whose contents change. With
 * `changed` 'policy=now verdicts' (a ticket judged again, nothing else of it changed), the tallies
 * and the policy versions are not added up, since each would cancel out.
 */
export function dailyChangesOf(
  previous: readonly KpiTicketFacts[],
  next: readonly KpiTicketFacts[],
  changed: ChangedFacts = 'any',
): { readonly tallies: DailyChange[]; readonly now: DailyNowChange[]; readonly versions: DailyVersionChange[] } {
  const tallied = changed === 'any';
  const rows = new Map<string, { day: Date; dimension: DailyDimension; value: string | null; counters: number[]; firstResponse: Map<number, number>; resolution: Map<number, number> }>();
  const nowRows = new Map<
    string,
    { day: Date; dimension: DailyDimension; value: string | null; policy: string; counters: number[]; firstResponseDue: Map<number, number>; resolutionDue: Map<number, number> }
  >();
  const versions = new Map<string, { day: Date; version: string; tickets: number }>();
  const count = (values: Map<number, number>, value: number | null, sign: number) => {
    if (value !== null) values.set(value, (values.get(value) ?? 0) + sign);
  };
  const apply = (facts: KpiTicketFacts, sign: number) => {
    const day = dayOf(new Date(facts.openedAt));
    const counters = tallied ? countersOf(facts) : undefined;
    const nowPart = nowPartOf(facts);
    if (!counters && !nowPart) return;
    for (const dimension of DAILY_DIMENSIONS) {
      for (const value of membersOf(facts, dimension)) {
        if (nowPart) {
          const nowId = JSON.stringify([day.getTime(), dimension, value, facts.nowPolicy]);
          let nowRow = nowRows.get(nowId);
          if (!nowRow) {
            nowRow = { day, dimension, value, policy: facts.nowPolicy!, counters: new Array<number>(NOW_COUNTERS.length).fill(0), firstResponseDue: new Map(), resolutionDue: new Map() };
            nowRows.set(nowId, nowRow);
          }
          for (let index = 0; index < nowPart.counters.length; index += 1) nowRow.counters[index]! += sign * nowPart.counters[index]!;
          count(nowRow.firstResponseDue, nowPart.firstResponseDue, sign);
          count(nowRow.resolutionDue, nowPart.resolutionDue, sign);
        }
        if (!counters) continue;
        const id = JSON.stringify([day.getTime(), dimension, value]);
        let row = rows.get(id);
        if (!row) {
          row = { day, dimension, value, counters: new Array<number>(DAILY_COUNTERS.length).fill(0), firstResponse: new Map(), resolution: new Map() };
          rows.set(id, row);
        }
        for (let index = 0; index < counters.length; index += 1) row.counters[index]! += sign * counters[index]!;
        count(row.firstResponse, facts.firstResponseMinutes, sign);
        count(row.resolution, facts.acceptedResolutionMinutes, sign);
      }
    }
    if (!tallied) return;
    for (const version of facts.policyVersions) {
      const id = JSON.stringify([day.getTime(), version]);
      const entry = versions.get(id) ?? { day, version, tickets: 0 };
      entry.tickets += sign;
      versions.set(id, entry);
    }
  };
  for (const facts of previous) apply(facts, -1);
  for (const facts of next) apply(facts, 1);

  const expand = (values: Map<number, number>, sign: number) => [...values].flatMap(([value, times]) => (Math.sign(times) === sign ? Array<number>(Math.abs(times)).fill(value) : []));
  const tallies: DailyChange[] = [];
  for (const row of rows.values()) {
    const change: DailyChange = {
      day: row.day,
      dimension: row.dimension,
      value: row.value,
      counters: row.counters,
      firstResponseAdded: expand(row.firstResponse, 1),
      firstResponseRemoved: expand(row.firstResponse, -1),
      resolutionAdded: expand(row.resolution, 1),
      resolutionRemoved: expand(row.resolution, -1),
    };
    const unchanged = change.counters.every((counter) => counter === 0) && [change.firstResponseAdded, change.firstResponseRemoved, change.resolutionAdded, change.resolutionRemoved].every((values) => values.length === 0);
    if (!unchanged) tallies.push(change);
  }
  const dueOf = (deadline: DueChange['deadline'], values: Map<number, number>): DueChange[] =>
    [...values].filter(([, tickets]) => tickets !== 0).map(([at, tickets]) => ({ deadline, at, tickets }));
  return {
    tallies,
    now: [...nowRows.values()]
      .map(({ firstResponseDue, resolutionDue, ...row }) => ({ ...row, due: [...dueOf('first_response', firstResponseDue), ...dueOf('resolution', resolutionDue)] }))
      .filter((row) => row.counters.some((counter) => counter !== 0) || row.due.length > 0),
    versions: [...versions.values()].filter((entry) => entry.tickets !== 0),
  };
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DepartmentRound } from '../records/service-record';

/**
 * The KPI aggregate: one row per opened ticket holding exactly what its figures read (kpi-facts.ts),
 * kept by the timeline projection as events arrive, and summed by PostgreSQL per request
 * (kpi-facts.reader.ts). A row per ticket as well as the day tallies below: windows that start at
 * any instant, a department's scope and local periods need each ticket's facts, and the median and
 * the 90th percentile of fractional minutes each value.
 */
@Entity({ name: 'kpi_ticket_facts' })
export class KpiTicketFacts {
  @PrimaryColumn('text', { name: 'ticket_id' })
  ticketId!: string;

  @Column('timestamptz', { name: 'opened_at' })
  openedAt!: Date;

  @Column('text', { nullable: true })
  channel!: string | null;

  @Column('text', { nullable: true })
  type!: string | null;

  @Column('boolean')
  complaint!: boolean;

  @Column('text', { nullable: true })
  outcome!: string | null;

  @Column('boolean', { name: 'resolved_at_first_contact' })
  resolvedAtFirstContact!: boolean;

  @Column('boolean', { name: 'with_result' })
  withResult!: boolean;

  @Column('boolean')
  reopened!: boolean;

  @Column('double precision', { name: 'first_response_minutes', nullable: true })
  firstResponseMinutes!: number | null;

  /** Only for a ticket closed satisfied: the resolution time the figures count. */
  @Column('double precision', { name: 'accepted_resolution_minutes', nullable: true })
  acceptedResolutionMinutes!: number | null;

  /** As routing recorded it (`policy=then`). */
  @Column('boolean', { name: 'first_response_deadline_met', nullable: true })
  firstResponseDeadlineMet!: boolean | null;

  @Column('boolean', { name: 'resolution_deadline_met', nullable: true })
  resolutionDeadlineMet!: boolean | null;

  /** Every department that held it, once each, sorted. */
  @Column('text', { array: true })
  departments!: string[];

  /** The people who did the work (ServiceRecord.agents), sorted. */
  @Column('text', { array: true })
  agents!: string[];

  /** The deadline policy versions routing recorded on its rounds. */
  @Column('text', { name: 'policy_versions', array: true })
  policyVersions!: string[];

  /** The department rounds, which `policy=now` judges again under today's deadline policy. */
  @Column('jsonb')
  rounds!: DepartmentRound[];

  /**
   * The deadline policy (deadlinePolicyKey) the `now_` verdicts below were judged under, null if
   * none yet: a report counts them only when it is today's, and judges the rounds otherwise.
   */
  @Column('text', { name: 'now_policy', nullable: true })
  nowPolicy!: string | null;

  /** `policy=now`, as kpi-deadlines-now.ts stores it: the verdict if fixed, else missed once `due_at` is before the report's instant. */
  @Column('boolean', { name: 'now_first_response_met', nullable: true })
  nowFirstResponseMet!: boolean | null;

  @Column('timestamptz', { name: 'now_first_response_due_at', nullable: true })
  nowFirstResponseDueAt!: Date | null;

  @Column('boolean', { name: 'now_resolution_met', nullable: true })
  nowResolutionMet!: boolean | null;

  @Column('timestamptz', { name: 'now_resolution_due_at', nullable: true })
  nowResolutionDueAt!: Date | null;

  /** A round still paused without a result: its deadline moves with the report's instant, so its rounds are judged per request. */
  @Column('boolean', { name: 'now_judged_on_request', nullable: true })
  nowJudgedOnRequest!: boolean | null;
}

/**
 * The deadline policy the timeline projection judges `policy=now` under as it writes a ticket's
 * facts: evaluation's policy in force, put here by KpiVerdictsRefresher (one row), which also
 * judges again the facts judged under an older one.
 */
@Entity({ name: 'kpi_deadline_policy' })
export class KpiDeadlinePolicy {
  /** Always true: the table holds one row. */
  @PrimaryColumn('boolean')
  one!: boolean;

  /** The policies table's version of it (0: the service's file); a lower one never replaces a higher. */
  @Column('int', { name: 'book_version' })
  bookVersion!: number;

  @Column('text')
  key!: string;

  @Column('jsonb')
  document!: Record<string, unknown>;
}

/**
 * The facts of one UTC day's tickets added up for one grouping value (kpi-daily.ts), kept in the
 * same transaction as the facts, so that a report reads a day per group where it can.
 */
@Entity({ name: 'kpi_daily_tallies' })
export class KpiDailyTallies {
  @PrimaryColumn('timestamptz')
  day!: Date;

  /** `total` or a GroupBy other than `period`. */
  @PrimaryColumn('text')
  dimension!: string;

  /** The group value as JSON: a key can then be the "none" group (null) too. */
  @PrimaryColumn('jsonb')
  value!: string | null;

  /** DAILY_COUNTERS, in that order. */
  @Column('int', { array: true })
  counters!: number[];

  /** Of the tickets that have one, sorted: a row is the same whichever order its tickets came in. */
  @Column('double precision', { name: 'first_response_minutes', array: true })
  firstResponseMinutes!: number[];

  @Column('double precision', { name: 'accepted_resolution_minutes', array: true })
  acceptedResolutionMinutes!: number[];
}

/** How many of a UTC day's tickets have rounds under each deadline policy version. */
@Entity({ name: 'kpi_daily_policy_versions' })
export class KpiDailyPolicyVersions {
  @PrimaryColumn('timestamptz')
  day!: Date;

  @PrimaryColumn('text')
  version!: string;

  @Column('int')
  tickets!: number;
}

/** The key of a `policy=now` day row: a UTC day's tickets for one grouping value, under one deadline policy. */
abstract class NowDayKey {
  /** The deadline policy's key (deadlinePolicyKey), as the facts' `now_policy`. */
  @PrimaryColumn('text')
  policy!: string;

  @PrimaryColumn('text')
  dimension!: string;

  @PrimaryColumn('timestamptz')
  day!: Date;

  @PrimaryColumn('jsonb')
  value!: string | null;
}

/**
 * The `policy=now` verdicts of one UTC day's tickets for one grouping value, per deadline policy
 * they were judged under (kpi-daily.ts, NOW_COUNTERS): kept with the facts, in the same transaction.
 */
@Entity({ name: 'kpi_daily_now_verdicts' })
export class KpiDailyNowVerdicts extends NowDayKey {
  /** NOW_COUNTERS, in that order. */
  @Column('int', { array: true })
  counters!: number[];
}

/**
 * The deadlines of a day row's verdicts still waiting (KpiDailyNowVerdicts), each missed as of any
 * instant after it: how many of the row's tickets wait on it.
 */
@Entity({ name: 'kpi_daily_now_due' })
export class KpiDailyNowDue extends NowDayKey {
  @PrimaryColumn('text')
  deadline!: 'first_response' | 'resolution';

  @PrimaryColumn('timestamptz', { name: 'due_at' })
  dueAt!: Date;

  @Column('int')
  tickets!: number;
}

export const KPI_ENTITIES = [KpiTicketFacts, KpiDailyTallies, KpiDailyPolicyVersions, KpiDailyNowVerdicts, KpiDailyNowDue, KpiDeadlinePolicy];

// What evaluation's KPI endpoints answer (`GET /v1/kpis`, `GET /v1/kpis/complaints`), and the
// one reading of a KPI's value from its figures that the services and the consoles share.
import type { Channel } from './vocabulary';

export const KPI_NAMES = [
  'satisfactionRate',
  'complaintRate',
  'resolutionRate',
  'firstContactResolutionRate',
  'reopenRate',
  'firstResponseMinutesMedian',
  'firstResponseMinutesP90',
  'resolutionMinutesMedian',
  'resolutionMinutesP90',
  'firstResponseDeadlineRate',
  'resolutionDeadlineRate',
] as const;
export type KpiName = (typeof KPI_NAMES)[number];

/** At least `min` (a rate to reach) or at most `max` (a time or a complaint rate to stay under). */
export type Target = { readonly min: number } | { readonly max: number };

export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export const GROUP_BYS = ['agent', 'department', 'channel', 'type', 'period'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export const POLICY_BASES = ['then', 'now'] as const;
export type PolicyBasis = (typeof POLICY_BASES)[number];

export interface Distribution {
  readonly count: number;
  readonly median: number | null;
  readonly p90: number | null;
}

export interface DeadlineCompliance {
  readonly met: number;
  readonly missed: number;
  readonly rate: number | null;
}

export interface HourVolume {
  readonly hour: number;
  readonly volume: number;
  /** One of the configured peak hours. */
  readonly peak: boolean;
}

export interface KpiFigures {
  readonly tickets: number;
  readonly complaints: number;
  readonly closed: number;
  readonly closedSatisfied: number;
  readonly closedUnreachable: number;
  readonly resolvedAtFirstContact: number;
  readonly withResult: number;
  readonly reopened: number;
  readonly satisfactionRate: number | null;
  readonly complaintRate: number | null;
  readonly resolutionRate: number | null;
  readonly firstContactResolutionRate: number | null;
  readonly reopenRate: number | null;
  readonly firstResponseMinutes: Distribution;
  readonly resolutionMinutes: Distribution;
  readonly firstResponseDeadline: DeadlineCompliance;
  readonly resolutionDeadline: DeadlineCompliance;
  readonly volumeByChannel: Readonly<Record<Channel, number>>;
  readonly volumeByHour: readonly HourVolume[];
  /** The hours with the most contacts (empty with no contacts). */
  readonly busiestHours: readonly number[];
}

export interface TargetCheck {
  readonly kpi: KpiName;
  readonly actual: number | null;
  readonly target: Target;
  /** Null when there is no actual value to judge. */
  readonly met: boolean | null;
}

export interface KpiRowKey {
  readonly period?: string;
  readonly agent?: string | null;
  readonly department?: string | null;
  readonly channel?: string | null;
  readonly type?: string | null;
}

export interface KpiRow {
  readonly key: KpiRowKey;
  readonly figures: KpiFigures;
  /** The targets the row is judged against, and each beside its actual value. */
  readonly targetsVersion: string;
  readonly targets: readonly TargetCheck[];
}

export interface KpiReport {
  readonly asOf: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly department: string | null;
  readonly groupBy: GroupBy | null;
  readonly period: Granularity | null;
  readonly timeZone: string;
  readonly peakHours: readonly number[];
  readonly policy: {
    readonly basis: PolicyBasis;
    /** `now`: today's deadline policy; `then`: the versions routing recorded on the rounds counted. */
    readonly deadlinePolicyVersions: readonly string[];
    /** `then`: targets in force at each row's period start (or at `from`); `now`: today's. */
    readonly targetsVersions: readonly string[];
  };
  readonly total: KpiRow;
  readonly rows: readonly KpiRow[];
}

export function kpiValue(figures: KpiFigures, kpi: KpiName): number | null {
  switch (kpi) {
    case 'satisfactionRate':
    case 'complaintRate':
    case 'resolutionRate':
    case 'firstContactResolutionRate':
    case 'reopenRate':
      return figures[kpi];
    case 'firstResponseMinutesMedian':
      return figures.firstResponseMinutes.median;
    case 'firstResponseMinutesP90':
      return figures.firstResponseMinutes.p90;
    case 'resolutionMinutesMedian':
      return figures.resolutionMinutes.median;
    case 'resolutionMinutesP90':
      return figures.resolutionMinutes.p90;
    case 'firstResponseDeadlineRate':
      return figures.firstResponseDeadline.rate;
    case 'resolutionDeadlineRate':
      return figures.resolutionDeadline.rate;
  }
}

export interface Share {
  readonly key: string;
  readonly count: number;
  /** count ÷ complaints. */
  readonly share: number;
}

export interface ComplaintReport {
  readonly from: string | null;
  readonly to: string | null;
  readonly department: string | null;
  readonly complaints: number;
  /** What the complaints are about: the category they were classified in. */
  readonly byCategory: readonly Share[];
  /**
   * Why: the cause the department named with its result, a code of the complaint cause taxonomy
   * (`unclassified`: a result from before causes were asked; `not_reported`: no result yet), with its label.
   */
  readonly byCause: readonly (Share & { readonly label: { readonly en: string; readonly 'zh-CN': string } })[];
  /** Where the problem was put right: the department of the latest result, `unresolved` without one. */
  readonly byDepartment: readonly Share[];
  /** Complaints whose result carried a corrective action against the same problem happening again. */
  readonly withCorrectiveAction: { readonly count: number; readonly share: number | null };
}

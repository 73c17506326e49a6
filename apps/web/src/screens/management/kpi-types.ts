// The shapes evaluation answers with (apps/evaluation/src/kpis/kpis.ts, timeline.reader.ts), as
// the consoles read them. Kept here rather than imported: the page must not bundle server code.

export type GroupBy = 'agent' | 'department' | 'channel' | 'type' | 'period';
export type Granularity = 'day' | 'week' | 'month';
export type PolicyBasis = 'then' | 'now';

export type KpiName =
  | 'satisfactionRate'
  | 'complaintRate'
  | 'resolutionRate'
  | 'firstContactResolutionRate'
  | 'reopenRate'
  | 'firstResponseMinutesMedian'
  | 'firstResponseMinutesP90'
  | 'resolutionMinutesMedian'
  | 'resolutionMinutesP90'
  | 'firstResponseDeadlineRate'
  | 'resolutionDeadlineRate';

export type Target = { readonly min: number } | { readonly max: number };

export interface TargetCheck {
  readonly kpi: KpiName;
  readonly actual: number | null;
  readonly target: Target;
  readonly met: boolean | null;
}

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
  readonly volumeByChannel: Readonly<Record<string, number>>;
  readonly volumeByHour: readonly { hour: number; volume: number; peak: boolean }[];
  readonly busiestHours: readonly number[];
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
  readonly policy: { readonly basis: PolicyBasis; readonly deadlinePolicyVersions: readonly string[]; readonly targetsVersions: readonly string[] };
  readonly total: KpiRow;
  readonly rows: readonly KpiRow[];
}

export interface Share {
  readonly key: string;
  readonly count: number;
  readonly share: number;
}

export interface ComplaintReport {
  readonly complaints: number;
  readonly byCategory: readonly Share[];
  readonly byCause: readonly Share[];
  readonly byDepartment: readonly Share[];
  readonly withCorrectiveAction: { readonly count: number; readonly share: number | null };
}

export interface LifecycleEscalation {
  readonly level: 'department_manager' | 'management';
  readonly trigger: string;
  readonly round: number;
  readonly department: string;
  readonly at: string;
}

export interface Lifecycle {
  readonly ticketId: string;
  readonly channel: string | null;
  readonly type: string | null;
  readonly complaint: boolean;
  readonly openedAt: string | null;
  readonly firstResponseAt: string | null;
  readonly resolvedAt: string | null;
  readonly closedAt: string | null;
  readonly outcome: string | null;
  readonly rounds: number;
  readonly reopens: number;
  readonly firstResponseDeadlineMet: boolean | null;
  readonly resolutionDeadlineMet: boolean | null;
  readonly departmentsVisited: readonly string[];
  readonly escalationCount: number;
  readonly escalations: readonly LifecycleEscalation[];
  readonly managementInvolved: boolean;
}

export interface TicketList {
  readonly items: readonly Lifecycle[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

import type { DeadlinePolicy } from '@handoff/service-time';
import type { DepartmentRound, ServiceRecord } from '../records/service-record';
import { deadlineVerdictsNow } from './kpi-deadlines-now';
import type { KpiTicketFacts } from './kpi-facts.entities';

/** The deadline policy to store `policy=now` verdicts under, with its key (deadlinePolicyKey). */
export interface DeadlinesInForce {
  readonly key: string;
  readonly policy: DeadlinePolicy;
}

/**
 * What the KPIs read of one ticket (kpis.ts, `talliesOf`), from its service record; undefined for a
 * ticket whose contact intake has not recorded yet, which no report counts. Its `policy=now`
 * verdicts are judged under `deadlines`; without one, left for the refresher.
 */
export function kpiFactsOf(record: ServiceRecord, deadlines?: DeadlinesInForce): KpiTicketFacts | undefined {
  if (record.openedAt === null) return undefined;
  const { lifecycle } = record;
  return {
    ticketId: record.ticketId,
    openedAt: new Date(record.openedAt),
    channel: record.channel,
    type: record.type,
    complaint: record.complaint,
    outcome: lifecycle.outcome,
    resolvedAtFirstContact: lifecycle.resolvedAtFirstContact,
    withResult: lifecycle.rounds > 0,
    reopened: lifecycle.reopens > 0,
    firstResponseMinutes: lifecycle.firstResponseMinutes,
    acceptedResolutionMinutes: lifecycle.outcome === 'satisfied' ? lifecycle.resolutionMinutes : null,
    firstResponseDeadlineMet: lifecycle.firstResponseDeadlineMet,
    resolutionDeadlineMet: lifecycle.resolutionDeadlineMet,
    departments: [...new Set(lifecycle.departmentsVisited)].sort(),
    agents: [...record.agents],
    policyVersions: [...new Set(record.rounds.map((round) => round.policyVersion))].sort(),
    rounds: [...record.rounds],
    ...verdictColumnsOf(record.rounds, deadlines),
  };
}

type VerdictColumns = Pick<KpiTicketFacts, 'nowPolicy' | 'nowFirstResponseMet' | 'nowFirstResponseDueAt' | 'nowResolutionMet' | 'nowResolutionDueAt' | 'nowJudgedOnRequest'>;

/** The `now_` columns of a ticket's facts: its rounds judged under `deadlines`, or nothing yet. */
export function verdictColumnsOf(rounds: readonly DepartmentRound[], deadlines: DeadlinesInForce | undefined): VerdictColumns {
  if (!deadlines) return { nowPolicy: null, nowFirstResponseMet: null, nowFirstResponseDueAt: null, nowResolutionMet: null, nowResolutionDueAt: null, nowJudgedOnRequest: null };
  const verdicts = deadlineVerdictsNow(rounds, deadlines.policy);
  return {
    nowPolicy: deadlines.key,
    nowFirstResponseMet: verdicts.firstResponseMet,
    nowFirstResponseDueAt: verdicts.firstResponseDueAt,
    nowResolutionMet: verdicts.resolutionMet,
    nowResolutionDueAt: verdicts.resolutionDueAt,
    nowJudgedOnRequest: verdicts.judgedOnRequest,
  };
}

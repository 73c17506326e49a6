import type { ServiceRecord } from '../records/service-record';
import type { KpiTicketFacts } from './kpi-facts.entities';

/**
 * What the KPIs read of one ticket (kpis.ts, `talliesOf`), from its service record; undefined for a
 * ticket whose contact intake has not recorded yet, which no report counts.
 */
export function kpiFactsOf(record: ServiceRecord): KpiTicketFacts | undefined {
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
  };
}

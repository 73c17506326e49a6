import { contractOf, type HandoffEvent, type RecordedEvent, type RecordedOf, type RunningDeadline, type TicketStateAsOf } from '@handoff/contracts';
import { handoffLedger } from './ledger';

export type { RunningDeadline, TicketStateAsOf } from '@handoff/contracts';

/**
 * Known types are read as they are, not re-validated: an audit must not silently drop an event
 * because today's contract is stricter than the one it was written under.
 */
function typed(event: RecordedEvent): RecordedOf<HandoffEvent> | undefined {
  return contractOf(event.type) ? (event as RecordedOf<HandoffEvent>) : undefined;
}

/**
 * The ticket as it stood at `asOf`, replayed from the events that had happened by then
 * (occurred-at at or before it), including which deadlines were running and whether late.
 */
export function stateAsOf(history: readonly RecordedEvent[], asOf: Date): TicketStateAsOf {
  const sofar = history.filter((event) => Date.parse(event.metadata.occurredAt) <= asOf.getTime());
  const ledger = handoffLedger(sofar);
  const current = ledger.holdings.at(-1);
  let stage: TicketStateAsOf['stage'] = 'not_yet_recorded';
  let department: string | null = null;
  let handlerId: string | null = null;
  let round = 0;
  let complaint = false;
  let outcome: string | null = null;
  const deadlines = new Map<string, { deadline: 'first_response' | 'resolution'; round: number; dueAt: string; met: boolean }>();
  const escalations: { level: string; trigger: string; at: string }[] = [];
  let pausedClock: { since: string; reason: string } | null = null;

  const setDeadlines = (forRound: number, due: { firstResponseDueAt: string; resolutionDueAt: string }) => {
    deadlines.clear();
    deadlines.set('first_response', { deadline: 'first_response', round: forRound, dueAt: due.firstResponseDueAt, met: false });
    deadlines.set('resolution', { deadline: 'resolution', round: forRound, dueAt: due.resolutionDueAt, met: false });
  };
  // A moved deadline is the same deadline: a first response already given stays given.
  const setDeadlinesKeepingMet = (forRound: number, due: { firstResponseDueAt: string; resolutionDueAt: string }) => {
    const met = new Set([...deadlines.values()].filter((deadline) => deadline.met).map((deadline) => deadline.deadline));
    setDeadlines(forRound, due);
    for (const deadline of met) meet(deadline);
  };
  const meet = (deadline: 'first_response' | 'resolution') => {
    const running = deadlines.get(deadline);
    if (running) deadlines.set(deadline, { ...running, met: true });
  };

  for (const raw of sofar) {
    const event = typed(raw);
    if (!event) continue;
    switch (event.type) {
      case 'ContactRecorded':
        stage = 'at_front_desk';
        complaint = event.data.type === 'complaint';
        break;
      case 'TicketRouted':
        stage = 'with_department';
        department = event.data.department;
        round = event.data.round;
        setDeadlines(event.data.round, event.data.deadlines);
        break;
      case 'HandlerAssigned':
        handlerId = event.data.handlerId;
        break;
      case 'TicketTakenOver':
        handlerId = event.data.holderId;
        break;
      case 'TransferAccepted':
        department = event.data.toDepartment;
        handlerId = null;
        break;
      case 'ProgressReported':
        meet('first_response');
        break;
      case 'ResultReported':
        meet('first_response');
        meet('resolution');
        stage = 'awaiting_confirmation';
        break;
      case 'AnsweredAtFirstContact':
        stage = 'awaiting_confirmation';
        break;
      case 'TicketReopened':
        pausedClock = null;
        stage = 'with_department';
        department = event.data.department;
        handlerId = event.data.handlerId ?? null;
        round = event.data.round;
        setDeadlines(event.data.round, event.data.deadlines);
        break;
      case 'ResolutionClockPaused':
        pausedClock = { since: event.data.pausedAt, reason: event.data.reason };
        break;
      case 'ResolutionClockResumed':
        pausedClock = null;
        setDeadlinesKeepingMet(event.data.round, event.data.deadlines);
        break;
      case 'PriorityChanged':
        setDeadlinesKeepingMet(event.data.round, event.data.deadlines);
        break;
      case 'TicketEscalated':
        escalations.push({ level: event.data.level, trigger: event.data.trigger, at: event.metadata.occurredAt });
        break;
      case 'TicketHandedToManagement':
        stage = 'with_management';
        break;
      case 'TicketClosed':
        stage = 'closed';
        outcome = event.data.outcome;
        deadlines.clear();
        break;
      default:
        break;
    }
  }
  const last = sofar.at(-1);
  return {
    asOf: asOf.toISOString(),
    eventsSoFar: sofar.length,
    stage,
    holder: current && current.to === null ? current.holder : null,
    department,
    handlerId,
    round,
    complaint,
    managementInvolved: ledger.managementInvolved.length > 0,
    runningDeadlines: [...deadlines.values()]
      .filter((deadline) => !deadline.met && !(deadline.deadline === 'resolution' && pausedClock !== null))
      .map(({ deadline, round: forRound, dueAt }) => ({ deadline, round: forRound, dueAt, overdue: Date.parse(dueAt) < asOf.getTime() })),
    pausedClock,
    escalations,
    outcome,
    lastEvent: last ? { type: last.type, service: (last as { service?: string }).service ?? last.streamId.split('-')[0], occurredAt: last.metadata.occurredAt } : null,
  };
}

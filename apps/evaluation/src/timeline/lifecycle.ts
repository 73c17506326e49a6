import type {
  Channel,
  CloseOutcome,
  Deadlines,
  Department,
  EventMetadata,
  EscalationLevel,
  EscalationTrigger,
  HandoffEvent,
  LifecycleEscalation,
  RecordedEvent,
  RecordedOf,
  TicketType,
} from '@handoff/contracts';
import { isOffWorkflow } from '@handoff/contracts';

/**
 * One ticket's life as the figures see it, computed from its events alone (all three contexts,
 * in order), so any review can reproduce it. Times are the events' `metadata.occurredAt`.
 */
export interface TicketLifecycle {
  readonly ticketId: string;
  /** The contact's subject line, so a list can say which ticket this is. */
  readonly subject: string | null;
  readonly channel: Channel | null;
  readonly type: TicketType | null;
  readonly complaint: boolean;
  /** When intake recorded the contact. */
  readonly openedAt: string | null;
  /** The first answer anyone gave: CS at first contact, or a department's progress or result. */
  readonly firstResponseAt: string | null;
  /** The latest result given to the customer (a department's, or CS's first-contact answer). */
  readonly resolvedAt: string | null;
  readonly closedAt: string | null;
  readonly outcome: CloseOutcome | null;
  /** Closed satisfied on CS's first-contact answer, no department involved. */
  readonly resolvedAtFirstContact: boolean;
  /** Results given to the customer: 1 when the first was accepted, 3 after two objections. */
  readonly rounds: number;
  /** Times the ticket went back after an objection (second handling and later). */
  readonly reopens: number;
  /** From `openedAt`, in minutes (fractional). */
  readonly firstResponseMinutes: number | null;
  /** From `openedAt` to the latest result, less the time the resolution clock stood paused in between. */
  readonly resolutionMinutes: number | null;
  /**
   * Minutes the resolution clock stood paused (the department waiting on the customer or a third
   * party), up to the latest result, or up to now-as-recorded while no result is given yet.
   */
  readonly pausedMinutes: number;
  /**
   * Over every department round: false if any round missed the deadline, true if every round
   * met it, null when no department deadline applied or the current round has no verdict yet.
   */
  readonly firstResponseDeadlineMet: boolean | null;
  readonly resolutionDeadlineMet: boolean | null;
  /** Departments in the order they had the ticket (a handoff back appears again). */
  readonly departmentsVisited: readonly Department[];
  readonly escalations: readonly LifecycleEscalation[];
  readonly managementInvolved: boolean;
}

/** What the figures read of an event: a recorded event, or a timeline entry rebuilt from a read model. */
export interface LifecycleEvent extends Pick<RecordedEvent, 'ticketId' | 'type' | 'data'> {
  readonly metadata: Pick<EventMetadata, 'occurredAt'>;
}

/** One department round as the fold sees it: the deadlines routing set, when the work was done, any breach. */
export interface LifecycleRound {
  readonly round: number;
  /** Who holds the round: the department it was routed to, or the one a transfer passed it to before its result. */
  readonly department: Department;
  readonly deadlines: Deadlines;
  readonly firstResponseAt: string | null;
  readonly resultAt: string | null;
  readonly firstResponseBreached: boolean;
  readonly resolutionBreached: boolean;
  /** The round's pauses of the resolution clock, each until it ended (null while it lasts). */
  readonly pauses: readonly { readonly from: string; readonly until: string | null }[];
}

type RoundFacts = { -readonly [K in keyof LifecycleRound]: LifecycleRound[K] };

export function lifecycleOf(events: readonly LifecycleEvent[]): TicketLifecycle {
  return foldLifecycle(events).lifecycle;
}

/**
 * The lifecycle and the department rounds it was judged on, in round order: one fold, so a
 * service record reads the rounds from here instead of counting them again.
 */
export function foldLifecycle(events: readonly LifecycleEvent[]): { readonly lifecycle: TicketLifecycle; readonly rounds: readonly LifecycleRound[] } {
  let subject: string | null = null;
  let channel: Channel | null = null;
  let type: TicketType | null = null;
  let complaint = false;
  let openedAt: string | null = null;
  let firstResponseAt: string | null = null;
  let resolvedAt: string | null = null;
  let closedAt: string | null = null;
  let outcome: CloseOutcome | null = null;
  let closedRound: number | null = null;
  let rounds = 0;
  let reopens = 0;
  let managementInvolved = false;
  const departments: Department[] = [];
  const escalations: LifecycleEscalation[] = [];
  const departmentRounds = new Map<number, RoundFacts>();
  const pauses: { from: string; until: string | null }[] = [];

  const visit = (department: Department) => {
    if (departments[departments.length - 1] !== department) departments.push(department);
  };
  const responded = (at: string) => {
    firstResponseAt ??= at;
  };

  for (const recorded of events) {
    // Types this build does not know (a newer producer, another context) are skipped below.
    const event = recorded as unknown as RecordedOf<HandoffEvent>;
    if (isOffWorkflow(event)) continue;
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case 'ContactRecorded':
        openedAt ??= at;
        subject = event.data.subject;
        channel = event.data.channel;
        type = event.data.type;
        complaint = event.data.type === 'complaint';
        break;
      case 'TicketHandedOver':
        if (event.data.reason === 'customer_objected') reopens++;
        break;
      case 'AnsweredAtFirstContact':
        responded(at);
        resolvedAt = at;
        rounds++;
        break;
      case 'TicketRouted':
        visit(event.data.department);
        departmentRounds.set(event.data.round, newRound(event.data.round, event.data.department, event.data.deadlines));
        break;
      case 'TransferAccepted':
        visit(event.data.toDepartment);
        for (const round of departmentRounds.values()) if (round.resultAt === null) round.department = event.data.toDepartment;
        break;
      case 'TicketReopened':
        reopens++;
        visit(event.data.department);
        departmentRounds.set(event.data.round, newRound(event.data.round, event.data.department, event.data.deadlines));
        break;
      case 'ProgressReported': {
        responded(at);
        const round = departmentRounds.get(event.data.round);
        if (round) round.firstResponseAt ??= at;
        break;
      }
      case 'ResultReported': {
        responded(at);
        resolvedAt = at;
        rounds++;
        const round = departmentRounds.get(event.data.round);
        if (round) {
          round.firstResponseAt ??= at;
          round.resultAt ??= at;
        }
        break;
      }
      case 'ResolutionClockPaused': {
        pauses.push({ from: event.data.pausedAt, until: null });
        const round = departmentRounds.get(event.data.round);
        if (round) round.pauses = [...round.pauses, { from: event.data.pausedAt, until: null }];
        break;
      }
      case 'ResolutionClockResumed': {
        const open = pauses.find((pause) => pause.until === null && Date.parse(pause.from) === Date.parse(event.data.pausedAt));
        if (open) open.until = event.data.resumedAt;
        // The round is judged against its deadline as the pause moved it.
        const round = departmentRounds.get(event.data.round);
        if (round) {
          round.deadlines = event.data.deadlines;
          round.pauses = round.pauses.map((pause) =>
            pause.until === null && Date.parse(pause.from) === Date.parse(event.data.pausedAt) ? { ...pause, until: event.data.resumedAt } : pause,
          );
        }
        break;
      }
      case 'PriorityChanged': {
        const round = departmentRounds.get(event.data.round);
        if (round) round.deadlines = event.data.deadlines;
        break;
      }
      case 'DeadlineBreached': {
        // A sub-request's missed deadline is the asked department's, not the round's own.
        if (event.data.subRequestId !== undefined) break;
        const round = departmentRounds.get(event.data.round);
        if (round && event.data.deadline === 'first_response') round.firstResponseBreached = true;
        if (round && event.data.deadline === 'resolution') round.resolutionBreached = true;
        break;
      }
      case 'TicketEscalated':
        escalations.push({ ...pick(event.data), at });
        break;
      case 'ManagementInvolved':
        managementInvolved = true;
        break;
      case 'TicketClosed':
        closedAt ??= at;
        outcome ??= event.data.outcome;
        closedRound ??= event.data.round;
        break;
      case 'TicketClassified':
      case 'HandlerAssigned':
      case 'TransferRequested':
      case 'TransferRefused':
      case 'HandlingClosed':
      // Management holding a ticket or asking after it changes none of its clocks.
      case 'TicketTakenOver':
      case 'UpdateRequested':
      // Back in the queue while its handler is away: the clocks run on as they did.
      case 'HandlerReleased':
      // A sub-request runs its own deadlines; the ticket's clocks run on until its combined result.
      case 'SubRequestOpened':
      case 'SubRequestAssigned':
      case 'SubRequestProgressReported':
      case 'SubRequestAnswered':
      case 'SubRequestClosed':
      case 'ConfirmationRequested':
      case 'CustomerConfirmedSatisfaction':
      case 'CustomerObjected':
      case 'TicketHandedToManagement':
      case 'ContactAttemptFailed':
      // An erasure is on the record but changes none of the service figures.
      case 'CustomerDataErased':
        break;
      default: {
        // Compile-time exhaustiveness; at run time an unknown type is simply not counted.
        const _unknown: never = event;
        void _unknown;
      }
    }
  }

  const perRound = [...departmentRounds.values()];
  const pausedMinutes = pausedMinutesUntil(pauses, resolvedAt);
  const grossResolution = minutesBetween(openedAt, resolvedAt);
  const lifecycle: TicketLifecycle = {
    ticketId: events[0]?.ticketId ?? '',
    subject,
    channel,
    type,
    complaint,
    openedAt,
    firstResponseAt,
    resolvedAt,
    closedAt,
    outcome,
    resolvedAtFirstContact: outcome === 'satisfied' && closedRound === 0,
    rounds,
    reopens,
    firstResponseMinutes: minutesBetween(openedAt, firstResponseAt),
    resolutionMinutes: grossResolution === null ? null : grossResolution - pausedMinutes,
    pausedMinutes,
    firstResponseDeadlineMet: allMet(
      perRound.map((r) => verdict(r.firstResponseBreached, r.firstResponseAt, r.deadlines.firstResponseDueAt)),
    ),
    resolutionDeadlineMet: allMet(perRound.map((r) => verdict(r.resolutionBreached, r.resultAt, r.deadlines.resolutionDueAt))),
    departmentsVisited: departments,
    escalations,
    managementInvolved,
  };
  return { lifecycle, rounds: perRound.sort((a, b) => a.round - b.round) };
}

function newRound(round: number, department: Department, deadlines: Deadlines): RoundFacts {
  return { round, department, deadlines, firstResponseAt: null, resultAt: null, firstResponseBreached: false, resolutionBreached: false, pauses: [] };
}

function pick(data: { level: EscalationLevel; trigger: EscalationTrigger; round: number; department: Department; subRequestId?: string }) {
  return {
    level: data.level,
    trigger: data.trigger,
    round: data.round,
    department: data.department,
    ...(data.subRequestId !== undefined && { subRequestId: data.subRequestId }),
  };
}

function verdict(breached: boolean, doneAt: string | null, dueAt: string): boolean | null {
  if (breached) return false;
  if (doneAt === null) return null;
  return Date.parse(doneAt) <= Date.parse(dueAt);
}

function allMet(verdicts: readonly (boolean | null)[]): boolean | null {
  if (verdicts.length === 0) return null;
  if (verdicts.includes(false)) return false;
  if (verdicts.includes(null)) return null;
  return true;
}

/** Paused minutes before `end` (a pause still open counts only when it closed before `end`, or up to it). */
function pausedMinutesUntil(pauses: readonly { from: string; until: string | null }[], end: string | null): number {
  let total = 0;
  for (const pause of pauses) {
    const from = Date.parse(pause.from);
    const until = pause.until !== null ? Date.parse(pause.until) : end !== null ? Date.parse(end) : from;
    const stop = end !== null ? Math.min(until, Date.parse(end)) : until;
    if (stop > from) total += (stop - from) / 60_000;
  }
  return total;
}

function minutesBetween(from: string | null, to: string | null): number | null {
  if (from === null || to === null) return null;
  return (Date.parse(to) - Date.parse(from)) / 60_000;
}

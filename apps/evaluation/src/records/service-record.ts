import {
  UNCLASSIFIED_CAUSE,
  inTimelineOrder,
  isOffWorkflow,
  serviceOfStream,
  type Channel,
  type EventMetadata,
  type HandoffEvent,
  type Priority,
  type RecordedEvent,
  type RecordedOf,
  type RecordPart,
  type TicketType,
} from '@handoff/contracts';
import { foldLifecycle, type LifecycleRound, type TicketLifecycle } from '../timeline/lifecycle';

/**
 * A ticket as a service record: what the KPIs, the quality sample and the assessment read of it,
 * computed from its events alone (intake, routing and follow-up, in timeline order). The same
 * function serves the live figures (from the timeline read model) and a recomputation from the
 * event stores, so the two cannot drift apart. Instants are normalised to ISO 8601 UTC.
 */
export interface ServiceRecord {
  readonly ticketId: string;
  readonly lifecycle: TicketLifecycle;
  readonly openedAt: string | null;
  readonly channel: Channel | null;
  readonly type: TicketType | null;
  readonly category: string | null;
  readonly priority: Priority | null;
  readonly complaint: boolean;
  /**
   * A complaint's cause as its latest result named it (a code of the complaint cause taxonomy),
   * `unclassified` for a result from before causes were asked; null without a result or for other tickets.
   */
  readonly cause: string | null;
  /** CS agents who worked on it: anyone acting in the `cs` role (recorded, answered, handed over, confirmed). */
  readonly csAgents: readonly string[];
  /** Handlers named on it, per department (assigned, claimed or reporting a result). */
  readonly handlersByDepartment: Readonly<Record<string, readonly string[]>>;
  /** The people who did the work, for figures per agent: the CS agents and the handlers who reported a result. */
  readonly agents: readonly string[];
  /** The department of the latest result. */
  readonly resolvingDepartment: string | null;
  /** A complaint's result carried a corrective action. */
  readonly correctiveActionGiven: boolean;
  readonly rounds: readonly DepartmentRound[];
  readonly verdicts: readonly CustomerVerdict[];
  /** Which parts of a complete service record are there. */
  readonly parts: Readonly<Record<RecordPart, boolean>>;
}

/** One department round with the deadlines routing recorded and when the work was done. */
export interface DepartmentRound {
  readonly round: number;
  readonly department: string;
  readonly type: TicketType;
  readonly priority: Priority;
  /** When the round's clock started (the hand-over or the objection). */
  readonly from: string;
  readonly firstResponseDueAt: string;
  readonly resolutionDueAt: string;
  readonly policyVersion: string;
  readonly firstResponseAt: string | null;
  readonly resultAt: string | null;
  readonly firstResponseBreached: boolean;
  readonly resolutionBreached: boolean;
  /**
   * The round's paused resolution clock, each pause from its start to its end (`until` null while it
   * lasts): the recorded `resolutionDueAt` already moved past the ended ones; a recomputation moves
   * its own deadline past all of them.
   */
  readonly pauses: readonly { readonly from: string; readonly until: string | null }[];
}

/** The customer's answer on one result: the "customer evaluation" of the people who gave it. */
export interface CustomerVerdict {
  readonly round: number;
  readonly at: string;
  readonly satisfied: boolean;
  /** Who produced the result: the round's handler, or the CS agent who answered at first contact. */
  readonly resolvedBy: string | null;
  /** The CS agent who reported it back and recorded the answer. */
  readonly confirmedBy: string | null;
  readonly department: string | null;
}

/** What a record reads of an event: a recorded event, or a timeline entry of the read model. */
export interface RecordEvent extends Pick<RecordedEvent, 'ticketId' | 'type' | 'data'> {
  readonly metadata: Pick<EventMetadata, 'occurredAt' | 'actorId' | 'role'>;
}

const iso = (instant: string): string => new Date(instant).toISOString();
const sortedUnique = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** The record of one ticket from its events, which must be in timeline order. */
export function serviceRecordOf(events: readonly RecordEvent[]): ServiceRecord {
  let category: string | null = null;
  let priority: Priority | null = null;
  let cause: string | null = null;
  let described = false;
  let erased = false;
  let answeredBy: string | null = null;
  let handled = false;
  let assigned = false;
  let confirmed = false;
  let solved = false;
  let correctiveActionGiven = false;
  let resolvingDepartment: string | null = null;
  let ticketType: TicketType | null = null;
  const csAgents = new Set<string>();
  const handlers = new Map<string, Set<string>>();
  const resultHandlers = new Set<string>();
  const roundHandlers = new Map<number, string>();
  const roundDepartments = new Map<number, string>();
  // The rounds' timing is the lifecycle's fold; what a round is about is read here.
  const roundKinds = new Map<number, { readonly type: TicketType; readonly priority: Priority }>();
  const verdicts: CustomerVerdict[] = [];

  const handlerOf = (department: string, handlerId: string) => {
    const named = handlers.get(department) ?? new Set<string>();
    named.add(handlerId);
    handlers.set(department, named);
  };

  for (const recorded of events) {
    const event = recorded as unknown as RecordedOf<HandoffEvent>;
    const at = iso(event.metadata.occurredAt);
    if (event.metadata.role === 'cs') csAgents.add(event.metadata.actorId);
    if (isOffWorkflow(event)) continue;
    switch (event.type) {
      case 'ContactRecorded':
        ticketType = event.data.type;
        described = Boolean(event.data.subject?.trim() && event.data.description?.trim());
        break;
      case 'TicketClassified':
        category = event.data.category;
        priority = event.data.priority;
        break;
      case 'TicketHandedOver':
        category ??= event.data.category;
        priority ??= event.data.priority;
        break;
      case 'AnsweredAtFirstContact':
        answeredBy = event.metadata.actorId;
        handled = true;
        solved = true;
        break;
      case 'TicketRouted':
        category ??= event.data.category;
        priority ??= event.data.priority;
        roundDepartments.set(event.data.round, event.data.department);
        roundKinds.set(event.data.round, { type: event.data.type, priority: event.data.priority });
        break;
      case 'TicketReopened': {
        const first = roundKinds.get(1);
        roundDepartments.set(event.data.round, event.data.department);
        if (event.data.handlerId) handlerOf(event.data.department, event.data.handlerId);
        // A reopened round keeps the ticket's type and priority, which routing recorded when it routed it.
        roundKinds.set(event.data.round, { type: first?.type ?? ticketType ?? 'consultation', priority: first?.priority ?? priority ?? 'normal' });
        break;
      }
      // The pauses and the moved deadlines are the lifecycle's fold; a new priority is what the round is about.
      case 'ResolutionClockPaused':
      case 'ResolutionClockResumed':
        break;
      case 'PriorityChanged': {
        priority = event.data.priority;
        const kind = roundKinds.get(event.data.round);
        if (kind) roundKinds.set(event.data.round, { ...kind, priority: event.data.priority });
        break;
      }
      case 'HandlerAssigned':
        assigned = true;
        handlerOf(event.data.department, event.data.handlerId);
        break;
      // Management holding the ticket works it as its responsible holder would.
      case 'TicketTakenOver':
        assigned = true;
        handlerOf(event.data.department, event.data.holderId);
        break;
      case 'ProgressReported':
        handled ||= assigned;
        break;
      case 'ResultReported': {
        handled ||= assigned;
        solved = !event.data.complaint || Boolean(event.data.correctiveAction);
        correctiveActionGiven ||= Boolean(event.data.correctiveAction);
        // Read raw from the timeline or a store, a v1 result has no cause: it was never asked for.
        if (event.data.complaint) cause = event.data.cause ?? UNCLASSIFIED_CAUSE;
        resolvingDepartment = event.data.department;
        resultHandlers.add(event.data.handlerId);
        roundHandlers.set(event.data.round, event.data.handlerId);
        roundDepartments.set(event.data.round, event.data.department);
        handlerOf(event.data.department, event.data.handlerId);
        break;
      }
      case 'CustomerConfirmedSatisfaction':
        confirmed = true;
        verdicts.push(verdictOf(event.data.round, at, true, event.metadata));
        break;
      case 'CustomerObjected':
      case 'TicketHandedToManagement':
        verdicts.push(verdictOf(event.data.round, at, false, event.metadata));
        break;
      case 'CustomerDataErased':
        erased = true;
        break;
      // The rounds' deadlines, their work and their breaches are the lifecycle's fold.
      case 'TransferAccepted':
      case 'DeadlineBreached':
      case 'ManagementInvolved':
      case 'TransferRequested':
      case 'TransferRefused':
      case 'TicketEscalated':
      case 'UpdateRequested':
      // A handler away hands the ticket back to the queue: who handled it is recorded by the assignments.
      case 'HandlerReleased':
      // A sub-request's answer reaches the record inside the ticket's result, which is the lead department's.
      case 'SubRequestOpened':
      case 'SubRequestAssigned':
      case 'SubRequestProgressReported':
      case 'SubRequestAnswered':
      case 'SubRequestClosed':
      case 'HandlingClosed':
      case 'ConfirmationRequested':
      case 'ContactAttemptFailed':
      case 'TicketClosed':
        break;
      default: {
        // Compile-time exhaustiveness; at run time a type this build does not know is not counted.
        const _unknown: never = event;
        void _unknown;
      }
    }
  }

  function verdictOf(round: number, at: string, satisfied: boolean, metadata: RecordEvent['metadata']): CustomerVerdict {
    return {
      round,
      at,
      satisfied,
      resolvedBy: round === 0 ? answeredBy : (roundHandlers.get(round) ?? null),
      confirmedBy: metadata.role === 'cs' ? metadata.actorId : null,
      department: round === 0 ? null : (roundDepartments.get(round) ?? null),
    };
  }

  const { lifecycle, rounds } = foldLifecycle(events);
  const recordedContact = lifecycle.openedAt !== null;
  const handlersByDepartment = Object.fromEntries([...handlers.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([department, named]) => [department, sortedUnique(named)]));
  return {
    ticketId: lifecycle.ticketId,
    lifecycle,
    openedAt: lifecycle.openedAt === null ? null : iso(lifecycle.openedAt),
    channel: lifecycle.channel,
    type: lifecycle.type,
    category,
    priority,
    complaint: lifecycle.complaint,
    cause,
    csAgents: sortedUnique(csAgents),
    handlersByDepartment,
    agents: sortedUnique([...csAgents, ...resultHandlers]),
    resolvingDepartment,
    correctiveActionGiven,
    rounds: rounds.map((round) => departmentRoundOf(round, roundKinds.get(round.round)!)),
    verdicts,
    parts: {
      customer_information: recordedContact,
      contact_details: recordedContact && !erased,
      problem_description: described,
      handling_process: handled,
      solution: solved,
      customer_confirmation: confirmed,
    },
  };
}

function departmentRoundOf(round: LifecycleRound, kind: { readonly type: TicketType; readonly priority: Priority }): DepartmentRound {
  const { deadlines } = round;
  return {
    round: round.round,
    department: round.department,
    type: kind.type,
    priority: kind.priority,
    from: iso(deadlines.from),
    firstResponseDueAt: iso(deadlines.firstResponseDueAt),
    resolutionDueAt: iso(deadlines.resolutionDueAt),
    policyVersion: deadlines.policyVersion,
    firstResponseAt: round.firstResponseAt === null ? null : iso(round.firstResponseAt),
    resultAt: round.resultAt === null ? null : iso(round.resultAt),
    firstResponseBreached: round.firstResponseBreached,
    resolutionBreached: round.resolutionBreached,
    pauses: round.pauses.map((pause) => ({ from: iso(pause.from), until: pause.until === null ? null : iso(pause.until) })),
  };
}

/** The parts a record lacks, in the order of RECORD_PARTS. */
export function missingParts(record: Pick<ServiceRecord, 'parts'>): RecordPart[] {
  return (Object.keys(record.parts) as RecordPart[]).filter((part) => !record.parts[part]);
}

/** "A record missing contact details or a solution is flagged as needing improvement." */
export function needsImprovement(record: Pick<ServiceRecord, 'parts'>): boolean {
  return !record.parts.contact_details || !record.parts.solution;
}

/** The services whose events make up a service record; evaluation's own events do not. */
const RECORD_SERVICES = new Set(['intake', 'routing', 'followup']);

/**
 * Service records straight from the event stores' events (any order, any mix of tickets and of
 * evaluation's own events): grouped by ticket, in timeline order. The recomputation every figure
 * must agree with.
 */
export function serviceRecordsFromEvents(events: readonly RecordedEvent[]): ServiceRecord[] {
  const byTicket = new Map<string, TimelineOrdered[]>();
  for (const event of events) {
    const service = serviceOfStream(event.streamId);
    if (!RECORD_SERVICES.has(service)) continue;
    const entries = byTicket.get(event.ticketId) ?? [];
    entries.push({ ...event, service, occurredAt: new Date(event.metadata.occurredAt), recordedAt: new Date(event.metadata.recordedAt) });
    byTicket.set(event.ticketId, entries);
  }
  return [...byTicket.values()].map((entries) => serviceRecordOf(inTimelineOrder(entries)));
}

type TimelineOrdered = RecordedEvent & { readonly service: string; readonly occurredAt: Date; readonly recordedAt: Date };

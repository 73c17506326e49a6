import { z } from 'zod';
import {
  type ComplaintCauseTaxonomy,
  causeCodesOf,
  type Category,
  type Channel,
  type CloseOutcome,
  type Command,
  type DeadlineKind,
  type Deadlines,
  type DeadlineCounting,
  type Decider,
  type Department,
  DomainError,
  type EscalationLevel,
  type EscalationStage,
  type FieldError,
  PAUSE_REASONS,
  type PauseReason,
  PRIORITIES,
  type Priority,
  type ResumeTrigger,
  type Role,
  type RoutingEvent,
  type SubRequestOutcome,
  type SubRequestStatus,
  type TicketType,
  ValidationFailed,
  assertNever,
} from '@handoff/contracts';
import { type AssignmentStrategy, type HandlerCandidate, chooseHandler } from './assignment';
import { type RoutingRules, chooseDepartment } from './routing-rules';

/**
 * A ticket's handling by the business departments. Stream `routing-ticket-<ticketId>`.
 *
 * Permissions: only a department handler or manager of the ticket's current department (for a
 * pending transfer: of the receiving department) or management acts on a ticket; `system` runs
 * the reactions and the deadline sweep; CS, QA and auditors never change it (FORBIDDEN).
 *
 * Ownership: once a ticket has its responsible handler, only that handler works it (progress,
 * result, passing it on). The department's manager or management may step in; the event then
 * names the handler they acted for (`onBehalfOf`), and a result stays credited to that handler.
 * Another handler of the department is refused: the manager reassigns it, saying why.
 *
 * Sub-requests: while its department works a ticket, CS, that department (its responsible handler or
 * manager) or management may ask other departments for a part of the answer. Each sub-request has
 * its own responsible handler (of the department asked, by the same ownership rule), deadlines,
 * progress and answer. The ticket's result waits until every sub-request of the round is answered
 * or closed by management with a reason, and carries their answers to CS; since a ticket closes
 * only after CS confirmed its result, it cannot close with a sub-request open.
 *
 * Management on a complaint in flight: it may take the ticket over (it becomes the responsible
 * holder, saying why) or ask the department for an update; the department's next progress note
 * answers the request.
 */

// ---------------------------------------------------------------------------------------------
// Policy, injected

export interface DeadlineQuery {
  readonly type: TicketType;
  readonly priority: Priority;
  readonly from: Date;
}

export interface ComputedDeadlines {
  readonly firstResponseDueAt: Date;
  readonly resolutionDueAt: Date;
  readonly policyVersion: string;
  readonly countIn?: DeadlineCounting;
}

/** The deadline policy (business hours, holidays, per type and priority) behind one function. */
export type DeadlinesFor = (query: DeadlineQuery) => ComputedDeadlines;

/** A due time moved later by a pause, counted as the deadline counts (business hours or clock). */
export type DeferByPause = (dueAt: Date, paused: { readonly from: Date; readonly until: Date }, countIn?: DeadlineCounting) => Date;

export const CLOCK_TIME_DEFERRAL: DeferByPause = (dueAt, paused) =>
  new Date(dueAt.getTime() + Math.max(0, paused.until.getTime() - paused.from.getTime()));

export interface EscalationPolicy {
  /**
   * A missed deadline goes to the department's manager at once, and to management this many
   * minutes after the deadline if it is still missed. Measured from the deadline, not from when
   * a sweep happened to notice, so a late sweep does not give a department extra time.
   */
  readonly managementAfterMinutes: Readonly<Record<DeadlineKind, number>>;
  /**
   * The holder (or, with nobody assigned, the department) is warned this many minutes before a
   * deadline falls due, once per due time (DeadlineApproaching). Absent in older policy files:
   * DEFAULT_WARN_BEFORE_MINUTES.
   */
  readonly warnBeforeMinutes?: Readonly<Record<DeadlineKind, number>>;
  /**
   * The longest a resolution clock stays paused (wall-clock minutes) before the deadline sweep
   * resumes it: a customer who never answers must not keep a ticket off the clock for ever.
   * Absent in older policy files: DEFAULT_MAX_PAUSE_MINUTES.
   */
  readonly maxPauseMinutes?: number;
}

export const DEFAULT_WARN_BEFORE_MINUTES: Readonly<Record<DeadlineKind, number>> = { first_response: 10, resolution: 120 };
export const DEFAULT_MAX_PAUSE_MINUTES = 3 * 24 * 60;

export const escalationPolicySchema = z.strictObject({
  managementAfterMinutes: z.strictObject({
    first_response: z.number().int().nonnegative(),
    resolution: z.number().int().nonnegative(),
  }),
  warnBeforeMinutes: z
    .strictObject({
      first_response: z.number().int().nonnegative(),
      resolution: z.number().int().nonnegative(),
    })
    .optional(),
  // At least a minute; at most 30 days, beyond which a pause is a ticket forgotten, not waited on.
  maxPauseMinutes: z.number().int().min(1).max(30 * 24 * 60).optional(),
});

export const DEFAULT_ESCALATION_POLICY: EscalationPolicy = {
  managementAfterMinutes: { first_response: 60, resolution: 240 },
  warnBeforeMinutes: DEFAULT_WARN_BEFORE_MINUTES,
  maxPauseMinutes: DEFAULT_MAX_PAUSE_MINUTES,
};

export interface RoutingPolicy {
  readonly rules: RoutingRules;
  readonly deadlinesFor: DeadlinesFor;
  /** Absent: the paused time is added as elapsed time (CLOCK_TIME_DEFERRAL). */
  readonly deferByPause?: DeferByPause;
  readonly escalation: EscalationPolicy;
  /** The causes a department chooses from when it reports a complaint's result. */
  readonly complaintCauses: ComplaintCauseTaxonomy;
}

// ---------------------------------------------------------------------------------------------
// Commands

export type RouteTicket = Command<
  'RouteTicket',
  {
    readonly type: TicketType;
    readonly category: Category;
    readonly priority: Priority;
    readonly channel: Channel;
    readonly platform?: string;
    readonly complaint: boolean;
    /** When intake handed it over (the event's occurredAt): the deadlines run from here. */
    readonly handedOverAt: string;
  }
>;
export type ClaimTicket = Command<'ClaimTicket', Record<string, never>>;
export type AssignHandler = Command<
  'AssignHandler',
  | { readonly mode: 'manager'; readonly handlerId: string; readonly reason?: string }
  | { readonly mode: 'strategy'; readonly strategy: AssignmentStrategy; readonly candidates: readonly HandlerCandidate[] }
>;
export type RequestTransfer = Command<'RequestTransfer', { readonly toDepartment: Department; readonly reason: string }>;
export type AcceptTransfer = Command<'AcceptTransfer', Record<string, never>>;
export type RefuseTransfer = Command<'RefuseTransfer', { readonly reason: string }>;
export type ReportProgress = Command<'ReportProgress', { readonly note: string }>;
export type ReportResult = Command<
  'ReportResult',
  {
    readonly summary: string;
    readonly apology?: string;
    readonly correctiveAction?: string;
    /** A complaint's cause, a code of the taxonomy; refused on any other ticket. */
    readonly cause?: string;
  }
>;
export type ReopenTicket = Command<
  'ReopenTicket',
  {
    /** The round the customer objected to; a repeated objection to an old round changes nothing. */
    readonly round: number;
    readonly objection: string;
    /** When the customer objected (the event's occurredAt): the new round's deadlines run from here. */
    readonly objectedAt: string;
    /** Management only: send the new round to another department. */
    readonly department?: Department;
  }
>;
export type EscalateToManagement = Command<'EscalateToManagement', { readonly round: number; readonly objection: string }>;
export type CheckDeadlines = Command<'CheckDeadlines', Record<string, never>>;
export type CloseHandling = Command<'CloseHandling', { readonly outcome: CloseOutcome }>;
export type TakeOverTicket = Command<'TakeOverTicket', { readonly reason: string }>;
export type RequestUpdate = Command<'RequestUpdate', { readonly requestId: string; readonly message: string }>;
/**
 * The responsible handler is away: the ticket goes to a free colleague by the department's
 * strategy (no strategy: a `manual` department), or back to the queue when nobody is free.
 */
export type HandOnFromAway = Command<
  'HandOnFromAway',
  { readonly awayHandlerId: string; readonly strategy?: AssignmentStrategy; readonly candidates: readonly HandlerCandidate[] }
>;
export type PauseClock = Command<'PauseClock', { readonly reason: PauseReason; readonly note?: string }>;
export type ResumeClock = Command<'ResumeClock', Record<string, never>>;
/** The customer's answer, recorded on the ticket for the department (most often by CS, who took the call). */
export type RecordCustomerAnswer = Command<'RecordCustomerAnswer', { readonly answer: string }>;
export type ChangePriority = Command<'ChangePriority', { readonly priority: Priority; readonly reason: string }>;
export type OpenSubRequest = Command<'OpenSubRequest', { readonly subRequestId: string; readonly department: Department; readonly reason: string }>;
export type ClaimSubRequest = Command<'ClaimSubRequest', { readonly subRequestId: string }>;
export type AssignSubRequest = Command<'AssignSubRequest', { readonly subRequestId: string; readonly handlerId: string; readonly reason?: string }>;
export type ReportSubRequestProgress = Command<'ReportSubRequestProgress', { readonly subRequestId: string; readonly note: string }>;
export type AnswerSubRequest = Command<'AnswerSubRequest', { readonly subRequestId: string; readonly summary: string }>;
export type CloseSubRequest = Command<'CloseSubRequest', { readonly subRequestId: string; readonly reason: string }>;

export type RoutingCommand =
  | RouteTicket
  | ClaimTicket
  | AssignHandler
  | RequestTransfer
  | AcceptTransfer
  | RefuseTransfer
  | ReportProgress
  | ReportResult
  | ReopenTicket
  | EscalateToManagement
  | CheckDeadlines
  | CloseHandling
  | TakeOverTicket
  | RequestUpdate
  | PauseClock
  | ResumeClock
  | RecordCustomerAnswer
  | ChangePriority
  | HandOnFromAway
  | OpenSubRequest
  | ClaimSubRequest
  | AssignSubRequest
  | ReportSubRequestProgress
  | AnswerSubRequest
  | CloseSubRequest;

// ---------------------------------------------------------------------------------------------
// State

/** How far a missed deadline of the current round has gone. */
export type { EscalationStage } from '@handoff/contracts';

export interface RoutedTicket {
  readonly type: TicketType;
  readonly category: Category;
  readonly priority: Priority;
  readonly channel: Channel;
  readonly platform?: string;
  readonly complaint: boolean;
  readonly department: Department;
  readonly round: number;
  readonly deadlines: Deadlines;
  /** A progress report or a result has been given in this round. */
  readonly respondedThisRound: boolean;
  readonly escalations: Readonly<Record<DeadlineKind, EscalationStage>>;
  /** The due time each deadline was warned of; a deadline re-targeted since is warned again. */
  readonly warnedFor?: Readonly<Partial<Record<DeadlineKind, string>>>;
  readonly managementInvolved: boolean;
  readonly pendingTransfer?: { readonly toDepartment: Department; readonly reason: string };
  /** Management's request for an update that no progress note has answered yet. */
  readonly pendingUpdateRequest?: { readonly requestId: string; readonly requestedBy: string };
  /** The resolution clock stands still: since when, why, and when the sweep resumes it. */
  readonly pause?: ClockPause;
  /** The pauses of this round that have ended: a priority change re-counts the deadline past them. */
  readonly pausesThisRound?: readonly { readonly from: string; readonly until: string }[];
  /** The sub-requests asked of other departments, every round's, in the order they were opened. */
  readonly subRequests?: readonly SubRequest[];
}

export interface SubRequest {
  readonly subRequestId: string;
  readonly round: number;
  readonly department: Department;
  readonly reason: string;
  readonly deadlines: Deadlines;
  readonly status: SubRequestStatus;
  readonly handlerId?: string;
  /** A progress note or the answer has been given: its first-response clock stopped. */
  readonly responded: boolean;
  /** The answer, or management's reason for closing it. */
  readonly summary?: string;
  /** How far each missed deadline of the sub-request has gone; absent: none missed. */
  readonly escalations?: Readonly<Partial<Record<DeadlineKind, EscalationStage>>>;
  /** The due time each deadline was warned of. */
  readonly warnedFor?: Readonly<Partial<Record<DeadlineKind, string>>>;
}

export const isOpenSubRequest = (subRequest: SubRequest): boolean => subRequest.status === 'awaiting_handler' || subRequest.status === 'in_progress';

export interface ClockPause {
  readonly since: string;
  readonly reason: PauseReason;
  readonly note?: string;
  readonly resumeBy: string;
}

export type RoutingState =
  | { readonly status: 'unrouted' }
  | { readonly status: 'awaiting_handler'; readonly ticket: RoutedTicket }
  | { readonly status: 'in_progress'; readonly ticket: RoutedTicket; readonly handlerId: string }
  /** Waiting for the customer's confirmation through follow-up. */
  | { readonly status: 'result_reported'; readonly ticket: RoutedTicket; readonly handlerId: string }
  /** Rounds exhausted: management decides the next round. */
  | { readonly status: 'with_management'; readonly ticket: RoutedTicket; readonly handlerId?: string }
  | { readonly status: 'closed'; readonly ticket: RoutedTicket; readonly outcome: CloseOutcome };

type Routed = Exclude<RoutingState, { status: 'unrouted' }>;
type Handling = Extract<RoutingState, { status: 'awaiting_handler' | 'in_progress' }>;

export const initialState: RoutingState = { status: 'unrouted' };

// ---------------------------------------------------------------------------------------------
// Decide

const MAX_TEXT = 4000;
const DEPARTMENT_ROLES: readonly Role[] = ['department_handler', 'department_manager'];

export function decide(command: RoutingCommand, state: RoutingState, policy: RoutingPolicy): readonly RoutingEvent[] {
  switch (command.type) {
    case 'RouteTicket':
      return routeTicket(command, state, policy);
    case 'ClaimTicket':
      return claimTicket(command, state);
    case 'AssignHandler':
      return assignHandler(command, state);
    case 'RequestTransfer':
      return requestTransfer(command, state);
    case 'AcceptTransfer':
      return acceptTransfer(command, state, policy);
    case 'RefuseTransfer':
      return refuseTransfer(command, state);
    case 'ReportProgress':
      return reportProgress(command, state);
    case 'ReportResult':
      return reportResult(command, state, policy);
    case 'ReopenTicket':
      return reopenTicket(command, state, policy);
    case 'EscalateToManagement':
      return escalateToManagement(command, state);
    case 'CheckDeadlines':
      return checkDeadlines(command, state, policy);
    case 'CloseHandling':
      return closeHandling(command, state);
    case 'TakeOverTicket':
      return takeOverTicket(command, state);
    case 'RequestUpdate':
      return requestUpdate(command, state);
    case 'HandOnFromAway':
      return handOnFromAway(command, state);
    case 'PauseClock':
      return pauseClock(command, state, policy);
    case 'ResumeClock':
      return resumeClock(command, state, policy);
    case 'RecordCustomerAnswer':
      return recordCustomerAnswer(command, state, policy);
    case 'ChangePriority':
      return changePriority(command, state, policy);
    case 'OpenSubRequest':
      return openSubRequest(command, state, policy);
    case 'ClaimSubRequest':
    case 'AssignSubRequest':
      return assignSubRequest(command, state);
    case 'ReportSubRequestProgress':
      return reportSubRequestProgress(command, state);
    case 'AnswerSubRequest':
      return answerSubRequest(command, state);
    case 'CloseSubRequest':
      return closeSubRequest(command, state);
    default:
      return assertNever(command);
  }
}

function routeTicket(command: RouteTicket, state: RoutingState, policy: RoutingPolicy): readonly RoutingEvent[] {
  permitRoles(command, ['system', 'management']);
  const from = instant('handedOverAt', command.data.handedOverAt);
  // A redelivered hand-over: the ticket is routed already.
  if (state.status !== 'unrouted') return [];
  const { type, category, priority, channel, platform, complaint } = command.data;
  const choice = chooseDepartment(policy.rules, { type, category, priority, channel });
  const routed: RoutingEvent = {
    type: 'TicketRouted',
    data: {
      department: choice.department,
      rule: choice.rule,
      reason: choice.reason,
      round: 1,
      type,
      category,
      priority,
      channel,
      ...(platform !== undefined && { platform }),
      complaint,
      deadlines: deadlinesOf(policy, type, priority, from),
    },
  };
  return complaint ? [routed, { type: 'ManagementInvolved', data: { reason: 'complaint' } }] : [routed];
}

function claimTicket(command: ClaimTicket, state: RoutingState): readonly RoutingEvent[] {
  permitRoles(command, DEPARTMENT_ROLES);
  const routed = existing(state);
  permitDepartment(command, routed.ticket.department);
  const claimant = command.metadata.actor.id;
  switch (routed.status) {
    case 'awaiting_handler':
      return [assigned(routed, claimant, 'claim', 'claimed by the handler')];
    case 'in_progress':
      if (routed.handlerId === claimant) return [];
      throw new DomainError('CONFLICT', `the ticket is already claimed by ${routed.handlerId}`, {
        handlerId: routed.handlerId,
      });
    case 'result_reported':
    case 'with_management':
    case 'closed':
      throw notWhile(routed, 'claimed');
    default:
      return assertNever(routed);
  }
}

function assignHandler(command: AssignHandler, state: RoutingState): readonly RoutingEvent[] {
  const { data } = command;
  permitRoles(command, data.mode === 'manager' ? ['department_manager', 'management'] : ['department_manager', 'management', 'system']);
  const routed = existing(state);
  permitDepartment(command, routed.ticket.department);
  const handling = handlingOrRefuse(routed, 'assigned');

  let handlerId: string;
  let reason: string;
  let method: 'manager' | AssignmentStrategy;
  if (data.mode === 'manager') {
    handlerId = required('handlerId', data.handlerId);
    const given = data.reason?.trim() ?? '';
    // Taking a ticket away from the handler who holds it is on the record with why.
    if (!given && handling.status === 'in_progress' && handling.handlerId !== handlerId) {
      throw new ValidationFailed([{ field: 'reason', message: `a reassignment from ${handling.handlerId} must say why` }]);
    }
    if (given.length > MAX_TEXT) throw new ValidationFailed([{ field: 'reason', message: `must be at most ${MAX_TEXT} characters` }]);
    reason = given || (command.metadata.actor.role === 'management' ? 'named by management' : 'named by the department manager');
    method = 'manager';
  } else {
    const choice = chooseHandler(data.strategy, data.candidates, handling.ticket);
    if (!choice) throw new DomainError('PRECONDITION_FAILED', `no handler of ${handling.ticket.department} is available`);
    ({ handlerId, reason } = choice);
    method = data.strategy;
  }
  if (handling.status === 'in_progress' && handling.handlerId === handlerId) return [];
  return [assigned(handling, handlerId, method, reason)];
}

function requestTransfer(command: RequestTransfer, state: RoutingState): readonly RoutingEvent[] {
  permitRoles(command, [...DEPARTMENT_ROLES, 'management']);
  const routed = existing(state);
  permitDepartment(command, routed.ticket.department);
  const handling = handlingOrRefuse(routed, 'transferred');
  const acting = ownership(command, handling, 'pass on');
  const toDepartment = required('toDepartment', command.data.toDepartment);
  const reason = required('reason', command.data.reason);
  if (toDepartment === handling.ticket.department) throw new ValidationFailed([{ field: 'toDepartment', message: 'is the current department' }]);
  const pending = handling.ticket.pendingTransfer;
  if (pending) {
    throw new DomainError('CONFLICT', `a transfer to ${pending.toDepartment} is already waiting for an answer`, {
      toDepartment: pending.toDepartment,
    });
  }
  return [{ type: 'TransferRequested', data: { fromDepartment: handling.ticket.department, toDepartment, reason, ...acting } }];
}

function acceptTransfer(command: AcceptTransfer, state: RoutingState, policy: RoutingPolicy): readonly RoutingEvent[] {
  permitRoles(command, [...DEPARTMENT_ROLES, 'management']);
  const routed = existing(state);
  const pending = routed.ticket.pendingTransfer;
  // Without a transfer offered to it, another department learns nothing of the ticket, not even that.
  permitDepartment(command, pending?.toDepartment ?? routed.ticket.department);
  if (!pending) throw new DomainError('PRECONDITION_FAILED', 'no transfer is waiting for an answer');
  handlingOrRefuse(routed, 'transferred');
  return [
    // The receiving department starts its own work: it does not inherit the wait it did not ask for.
    ...resumedIfPaused(routed, 'transfer', command.metadata.now, policy),
    {
      type: 'TransferAccepted',
      data: {
        fromDepartment: routed.ticket.department,
        toDepartment: pending.toDepartment,
        ...(routed.status === 'in_progress' && { previousHandlerId: routed.handlerId }),
      },
    },
  ];
}

function refuseTransfer(command: RefuseTransfer, state: RoutingState): readonly RoutingEvent[] {
  permitRoles(command, [...DEPARTMENT_ROLES, 'management']);
  const routed = existing(state);
  const pending = routed.ticket.pendingTransfer;
  // Without a transfer offered to it, another department learns nothing of the ticket, not even that.
  permitDepartment(command, pending?.toDepartment ?? routed.ticket.department);
  if (!pending) throw new DomainError('PRECONDITION_FAILED', 'no transfer is waiting for an answer');
  handlingOrRefuse(routed, 'transferred');
  const reason = required('reason', command.data.reason);
  return [
    { type: 'TransferRefused', data: { fromDepartment: routed.ticket.department, toDepartment: pending.toDepartment, reason } },
  ];
}

function reportProgress(command: ReportProgress, state: RoutingState): readonly RoutingEvent[] {
  permitRoles(command, [...DEPARTMENT_ROLES, 'management']);
  const routed = existing(state);
  permitDepartment(command, routed.ticket.department);
  if (routed.status !== 'in_progress') {
    throw routed.status === 'awaiting_handler'
      ? new DomainError('PRECONDITION_FAILED', 'name a responsible handler before reporting progress')
      : notWhile(routed, 'given progress');
  }
  const acting = ownership(command, routed, 'report progress on');
  const note = required('note', command.data.note);
  const { ticket } = routed;
  const answers = ticket.pendingUpdateRequest;
  return [
    {
      type: 'ProgressReported',
      data: {
        round: ticket.round,
        department: ticket.department,
        note,
        firstResponse: !ticket.respondedThisRound,
        ...acting,
        ...(answers && { answersUpdateRequest: answers }),
      },
    },
  ];
}

function reportResult(command: ReportResult, state: RoutingState, policy: RoutingPolicy): readonly RoutingEvent[] {
  permitRoles(command, [...DEPARTMENT_ROLES, 'management']);
  const routed = existing(state);
  permitDepartment(command, routed.ticket.department);
  if (routed.status !== 'in_progress') {
    throw routed.status === 'awaiting_handler'
      ? new DomainError('PRECONDITION_FAILED', 'name a responsible handler before reporting a result')
      : notWhile(routed, 'given a result');
  }
  const acting = ownership(command, routed, 'report a result on');
  const { ticket } = routed;
  if (ticket.pendingTransfer) {
    throw new DomainError('PRECONDITION_FAILED', `a transfer to ${ticket.pendingTransfer.toDepartment} is waiting for an answer`);
  }
  const ofRound = (ticket.subRequests ?? []).filter((subRequest) => subRequest.round === ticket.round);
  const open = ofRound.filter(isOpenSubRequest);
  if (open.length > 0) {
    // CS gets one result for the ticket: the parts asked of other departments come with it.
    throw new DomainError(
      'PRECONDITION_FAILED',
      `the sub-requests to ${open.map((subRequest) => subRequest.department).join(', ')} have not answered yet: the result waits for them, or for management to close them`,
      { openSubRequests: open.map((subRequest) => ({ subRequestId: subRequest.subRequestId, department: subRequest.department })) },
    );
  }
  const summary = command.data.summary?.trim() ?? '';
  const apology = command.data.apology?.trim() ?? '';
  const correctiveAction = command.data.correctiveAction?.trim() ?? '';
  const errors: FieldError[] = [];
  if (!summary) errors.push({ field: 'summary', message: 'must not be empty' });
  if (summary.length > MAX_TEXT) errors.push({ field: 'summary', message: `must be at most ${MAX_TEXT} characters` });
  if (ticket.complaint && !apology) errors.push({ field: 'apology', message: "a complaint's result must apologise", issue: { code: 'custom', rule: 'complaint_apology' } });
  if (ticket.complaint && !correctiveAction) {
    errors.push({ field: 'correctiveAction', message: "a complaint's result must name a corrective action", issue: { code: 'custom', rule: 'complaint_corrective_action' } });
  }
  if (apology.length > MAX_TEXT) errors.push({ field: 'apology', message: `must be at most ${MAX_TEXT} characters` });
  if (correctiveAction.length > MAX_TEXT) {
    errors.push({ field: 'correctiveAction', message: `must be at most ${MAX_TEXT} characters` });
  }
  const cause = command.data.cause?.trim() ?? '';
  const causes = causeCodesOf(policy.complaintCauses);
  if (ticket.complaint && !causes.includes(cause)) {
    // The codes are listed whether it was left out or unknown: the department chooses from them.
    errors.push({
      field: 'cause',
      message: `${cause ? `${cause} is not a complaint cause` : "a complaint's result must name its cause"}: one of ${causes.join(', ')}`,
      issue: { code: 'invalid_value', values: causes },
    });
  }
  if (!ticket.complaint && cause) errors.push({ field: 'cause', message: 'is asked only for a complaint' });
  if (errors.length > 0) throw new ValidationFailed(errors);
  return [
    // The pause ends where the result is given, so the paused time on record stops there too.
    ...resumedIfPaused(routed, 'result', command.metadata.now, policy, acting),
    {
      type: 'ResultReported',
      data: {
        round: ticket.round,
        department: ticket.department,
        handlerId: routed.handlerId,
        summary,
        complaint: ticket.complaint,
        ...(apology ? { apology } : {}),
        ...(correctiveAction ? { correctiveAction } : {}),
        ...(ticket.complaint ? { cause } : {}),
        ...acting,
        ...(ofRound.length > 0 && { subRequests: ofRound.map(outcomeOf) }),
      },
    },
  ];
}

function outcomeOf(subRequest: SubRequest): SubRequestOutcome {
  return {
    subRequestId: subRequest.subRequestId,
    department: subRequest.department,
    outcome: subRequest.status === 'answered' ? 'answered' : 'closed_by_management',
    summary: subRequest.summary ?? '',
    ...(subRequest.handlerId !== undefined && { handlerId: subRequest.handlerId }),
  };
}

// ---------------------------------------------------------------------------------------------
// Sub-requests

function openSubRequest(command: OpenSubRequest, state: RoutingState, policy: RoutingPolicy): readonly RoutingEvent[] {
  permitRoles(command, ['cs', ...DEPARTMENT_ROLES, 'management']);
  const routed = existing(state);
  // The lead department asks; the department asked works its part through the sub-request only.
  permitDepartment(command, routed.ticket.department);
  const { subRequestId } = command.data;
  // A repeated request (same id): asked already.
  if (routed.ticket.subRequests?.some((known) => known.subRequestId === subRequestId)) return [];
  const handling = handlingOrRefuse(routed, 'given a sub-request');
  // CS asks for the ticket, not for its handler: nobody is acted for.
  const acting = command.metadata.actor.role === 'cs' ? {} : ownership(command, handling, 'ask another department about');
  const department = required('department', command.data.department);
  const reason = required('reason', command.data.reason);
  const { ticket } = handling;
  if (department === ticket.department) {
    throw new ValidationFailed([
      { field: 'department', message: "is the ticket's own department; ask another department", issue: { code: 'custom', rule: 'sub_request_own_department', values: [department] } },
    ]);
  }
  const waiting = ticket.subRequests?.find((known) => known.department === department && known.round === ticket.round && isOpenSubRequest(known));
  if (waiting) {
    throw new DomainError('CONFLICT', `${department} has a sub-request of this ticket open already`, { subRequestId: waiting.subRequestId });
  }
  return [
    {
      type: 'SubRequestOpened',
      data: {
        subRequestId,
        round: ticket.round,
        department,
        leadDepartment: ticket.department,
        reason,
        deadlines: deadlinesOf(policy, ticket.type, ticket.priority, command.metadata.now),
        ...acting,
      },
    },
  ];
}

function assignSubRequest(command: ClaimSubRequest | AssignSubRequest, state: RoutingState): readonly RoutingEvent[] {
  const claim = command.type === 'ClaimSubRequest';
  permitRoles(command, claim ? DEPARTMENT_ROLES : ['department_manager', 'management']);
  const subRequest = subRequestOf(command, existing(state));
  permitDepartment(command, subRequest.department);
  const open = openOrRefuse(subRequest, claim ? 'claimed' : 'assigned');
  let handlerId: string;
  let reason: string;
  if (claim) {
    handlerId = command.metadata.actor.id;
    if (open.handlerId === handlerId) return [];
    if (open.handlerId !== undefined) {
      throw new DomainError('CONFLICT', `the sub-request is already claimed by ${open.handlerId}`, { handlerId: open.handlerId });
    }
    reason = 'claimed by the handler';
  } else {
    handlerId = required('handlerId', command.data.handlerId);
    if (open.handlerId === handlerId) return [];
    const given = command.data.reason?.trim() ?? '';
    if (!given && open.handlerId !== undefined) {
      throw new ValidationFailed([{ field: 'reason', message: `a reassignment from ${open.handlerId} must say why` }]);
    }
    if (given.length > MAX_TEXT) throw new ValidationFailed([{ field: 'reason', message: `must be at most ${MAX_TEXT} characters` }]);
    reason = given || (command.metadata.actor.role === 'management' ? 'named by management' : 'named by the department manager');
  }
  return [
    {
      type: 'SubRequestAssigned',
      data: {
        subRequestId: open.subRequestId,
        department: open.department,
        handlerId,
        method: claim ? 'claim' : 'manager',
        reason,
        ...(open.handlerId !== undefined && { previousHandlerId: open.handlerId }),
      },
    },
  ];
}

function reportSubRequestProgress(command: ReportSubRequestProgress, state: RoutingState): readonly RoutingEvent[] {
  const worked = workedOn(command, state, 'report progress on');
  const note = required('note', command.data.note);
  return [
    {
      type: 'SubRequestProgressReported',
      data: {
        subRequestId: worked.subRequest.subRequestId,
        round: worked.subRequest.round,
        department: worked.subRequest.department,
        note,
        firstResponse: !worked.subRequest.responded,
        ...worked.acting,
      },
    },
  ];
}

function answerSubRequest(command: AnswerSubRequest, state: RoutingState): readonly RoutingEvent[] {
  const worked = workedOn(command, state, 'answer');
  const summary = required('summary', command.data.summary);
  return [
    {
      type: 'SubRequestAnswered',
      data: {
        subRequestId: worked.subRequest.subRequestId,
        round: worked.subRequest.round,
        department: worked.subRequest.department,
        handlerId: worked.handlerId,
        summary,
        ...worked.acting,
      },
    },
  ];
}

function closeSubRequest(command: CloseSubRequest, state: RoutingState): readonly RoutingEvent[] {
  permitRoles(command, ['management']);
  const subRequest = subRequestOf(command, existing(state));
  // Closed already (a repeated click): management's first reason stands.
  if (subRequest.status === 'closed') return [];
  const open = openOrRefuse(subRequest, 'closed');
  const reason = required('reason', command.data.reason);
  return [
    {
      type: 'SubRequestClosed',
      data: {
        subRequestId: open.subRequestId,
        round: open.round,
        department: open.department,
        reason,
        ...(open.handlerId !== undefined && { handlerId: open.handlerId }),
      },
    },
  ];
}

function subRequestOf(command: RoutingCommand & { readonly data: { readonly subRequestId: string } }, routed: Routed): SubRequest {
  const subRequest = routed.ticket.subRequests?.find((known) => known.subRequestId === command.data.subRequestId);
  if (!subRequest) {
    // Another department learns nothing of the ticket, not even which sub-requests it has.
    permitDepartment(command, routed.ticket.department);
    throw new DomainError('NOT_FOUND', `the ticket has no sub-request ${command.data.subRequestId}`);
  }
  return subRequest;
}

function openOrRefuse(subRequest: SubRequest, verb: string): SubRequest {
  if (isOpenSubRequest(subRequest)) return subRequest;
  throw new DomainError('PRECONDITION_FAILED', `a sub-request that is ${subRequest.status} cannot be ${verb}`, { status: subRequest.status });
}

/**
 * Who works a sub-request: its responsible handler, or the asked department's manager or management
 * acting for them, as on the ticket itself (ownership).
 */
/** The sub-request a step of work is on, held by the person acting (or someone above them acting for them). */
function workedOn(command: ReportSubRequestProgress | AnswerSubRequest, state: RoutingState, verb: string): ReturnType<typeof workedOrRefuse> {
  permitRoles(command, [...DEPARTMENT_ROLES, 'management']);
  const subRequest = subRequestOf(command, existing(state));
  permitDepartment(command, subRequest.department);
  return workedOrRefuse(command, subRequest, verb);
}

function workedOrRefuse(
  command: RoutingCommand,
  subRequest: SubRequest,
  verb: string,
): { readonly subRequest: SubRequest; readonly handlerId: string; readonly acting: { onBehalfOf?: string } } {
  openOrRefuse(subRequest, verb === 'answer' ? 'answered' : 'given progress');
  if (subRequest.handlerId === undefined) {
    throw new DomainError('PRECONDITION_FAILED', `name a responsible handler of ${subRequest.department} before you ${verb} the sub-request`);
  }
  const { actor } = command.metadata;
  if (actor.id === subRequest.handlerId) return { subRequest, handlerId: subRequest.handlerId, acting: {} };
  if (actor.role === 'department_handler') {
    throw new DomainError(
      'FORBIDDEN',
      `${subRequest.handlerId} is the responsible handler of this sub-request: only they or ${subRequest.department}'s manager may ${verb} it; ask the manager to reassign it`,
      { handlerId: subRequest.handlerId },
    );
  }
  return { subRequest, handlerId: subRequest.handlerId, acting: { onBehalfOf: subRequest.handlerId } };
}

function reopenTicket(command: ReopenTicket, state: RoutingState, policy: RoutingPolicy): readonly RoutingEvent[] {
  permitRoles(command, ['system', 'management']);
  const { data } = command;
  if (data.department !== undefined && command.metadata.actor.role !== 'management') {
    throw new DomainError('FORBIDDEN', 'only management sends a new round to another department');
  }
  const from = instant('objectedAt', data.objectedAt);
  const routed = existing(state);
  const { ticket } = routed;
  // The objection to an earlier round was acted on already (a redelivered event).
  if (data.round < ticket.round) return [];
  if (data.round > ticket.round) {
    throw new DomainError('PRECONDITION_FAILED', `round ${data.round} has not been handled; the ticket is in round ${ticket.round}`);
  }
  if (routed.status !== 'result_reported' && routed.status !== 'with_management') {
    throw notWhile(routed, 'reopened');
  }
  const objection = required('objection', data.objection);
  const department = data.department?.trim() || ticket.department;
  const sameDepartment = department === ticket.department;
  const round = ticket.round + 1;
  return [
    {
      type: 'TicketReopened',
      data: {
        round,
        department,
        ...(!sameDepartment && { previousDepartment: ticket.department }),
        ...(sameDepartment && routed.handlerId !== undefined && { handlerId: routed.handlerId }),
        objection,
        deadlines: deadlinesOf(policy, ticket.type, ticket.priority, from),
      },
    },
  ];
}

function escalateToManagement(command: EscalateToManagement, state: RoutingState): readonly RoutingEvent[] {
  permitRoles(command, ['system', 'management']);
  const routed = existing(state);
  const { ticket } = routed;
  if (command.data.round < ticket.round || routed.status === 'with_management') return [];
  if (routed.status !== 'result_reported' || command.data.round > ticket.round) {
    throw notWhile(routed, 'handed to management');
  }
  const objection = required('objection', command.data.objection);
  const escalated: RoutingEvent = {
    type: 'TicketEscalated',
    data: {
      level: 'management',
      trigger: 'rounds_exhausted',
      round: ticket.round,
      department: ticket.department,
      reason: `the customer still objects after round ${ticket.round}: ${objection}`,
    },
  };
  return ticket.managementInvolved
    ? [escalated]
    : [escalated, { type: 'ManagementInvolved', data: { reason: 'rounds_exhausted' } }];
}

function checkDeadlines(command: CheckDeadlines, state: RoutingState, policy: RoutingPolicy): readonly RoutingEvent[] {
  permitRoles(command, ['system']);
  // Only a department at work has a clock running; a sweep over any other ticket changes nothing.
  if (state.status !== 'awaiting_handler' && state.status !== 'in_progress') return [];
  const now = command.metadata.now.getTime();
  const events: RoutingEvent[] = [];
  // A pause past the policy's maximum ends at that maximum, however late the sweep comes to it.
  const pause = state.ticket.pause;
  if (pause && now >= Date.parse(pause.resumeBy)) {
    events.push(...resumedIfPaused(state, 'limit', new Date(pause.resumeBy), policy));
  }
  const { ticket } = events.reduce<Handling>((before, event) => evolve(before, event) as Handling, state);
  let managementInvolved = ticket.managementInvolved;
  for (const kind of ['first_response', 'resolution'] as const) {
    if (kind === 'first_response' && ticket.respondedThisRound) continue;
    // A paused resolution clock is neither warned of nor breached: the department waits on someone else.
    if (kind === 'resolution' && ticket.pause) continue;
    const swept = sweptDeadline(
      {
        kind,
        dueAt: kind === 'first_response' ? ticket.deadlines.firstResponseDueAt : ticket.deadlines.resolutionDueAt,
        round: ticket.round,
        department: ticket.department,
        handlerId: state.status === 'in_progress' ? state.handlerId : null,
        warnedFor: ticket.warnedFor?.[kind],
        stage: ticket.escalations[kind],
        what: kind === 'first_response' ? 'first response' : 'resolution',
      },
      now,
      policy,
      managementInvolved,
    );
    events.push(...swept.events);
    managementInvolved = swept.managementInvolved;
  }
  for (const subRequest of ticket.subRequests ?? []) {
    if (subRequest.round !== ticket.round || !isOpenSubRequest(subRequest)) continue;
    const swept = subRequestDeadlineEvents(subRequest, ticket.round, now, policy, managementInvolved);
    events.push(...swept.events);
    managementInvolved = swept.managementInvolved;
  }
  return events;
}

/** One deadline as a sweep sees it: the round's, or a sub-request's (`subRequestId`). */
interface SweptDeadline {
  readonly kind: DeadlineKind;
  readonly dueAt: string;
  readonly round: number;
  readonly department: Department;
  /** Who is warned: the holder, or nobody in particular while the department has not taken it. */
  readonly handlerId: string | null;
  readonly warnedFor: string | undefined;
  readonly stage: EscalationStage;
  /** How the escalation's reason names it. */
  readonly what: string;
  readonly subRequestId?: string;
}

/**
 * One deadline's step in a sweep: its holder warned once while there is still time to meet it;
 * once missed, breached and escalated to the department's manager, then to management after the
 * policy's grace, each once (the stage says how far it went), and management involved once.
 */
function sweptDeadline(
  deadline: SweptDeadline,
  now: number,
  policy: RoutingPolicy,
  managementInvolved: boolean,
): { readonly events: RoutingEvent[]; readonly managementInvolved: boolean } {
  const { kind, dueAt, round, department, handlerId, stage, what } = deadline;
  const of = deadline.subRequestId === undefined ? {} : { subRequestId: deadline.subRequestId };
  const events: RoutingEvent[] = [];
  const due = Date.parse(dueAt);
  if (now <= due) {
    const warnBefore = (policy.escalation.warnBeforeMinutes ?? DEFAULT_WARN_BEFORE_MINUTES)[kind] * 60_000;
    if (now >= due - warnBefore && deadline.warnedFor !== dueAt) {
      events.push({ type: 'DeadlineApproaching', data: { deadline: kind, round, department, dueAt, handlerId, ...of } });
    }
    return { events, managementInvolved };
  }
  const trigger = kind === 'first_response' ? 'first_response_overdue' : 'resolution_overdue';
  const base = { trigger, round, department, dueAt, ...of } as const;
  if (stage === 'none') events.push({ type: 'DeadlineBreached', data: { deadline: kind, round, department, dueAt, ...of } });
  if (stage === 'none' || stage === 'breached') {
    events.push({ type: 'TicketEscalated', data: { ...base, level: 'department_manager', reason: `${what} was due at ${dueAt}` } });
  }
  const graceMinutes = policy.escalation.managementAfterMinutes[kind];
  if (stage !== 'management' && now >= due + graceMinutes * 60_000) {
    events.push({ type: 'TicketEscalated', data: { ...base, level: 'management', reason: `${what} still missing ${graceMinutes} minutes after ${dueAt}` } });
    if (!managementInvolved) {
      events.push({ type: 'ManagementInvolved', data: { reason: 'deadline_escalation' } });
      managementInvolved = true;
    }
  }
  return { events, managementInvolved };
}

/**
 * A sub-request's own deadlines, swept like the round's: its handler (or the department asked,
 * while nobody holds it) is warned, then the asked department's manager and management are
 * escalated to, each once per deadline. The ticket's paused clock does not pause it: the
 * department asked is not the one waiting on the customer.
 */
function subRequestDeadlineEvents(
  subRequest: SubRequest,
  round: number,
  now: number,
  policy: RoutingPolicy,
  managementInvolved: boolean,
): { readonly events: RoutingEvent[]; readonly managementInvolved: boolean } {
  const events: RoutingEvent[] = [];
  for (const kind of ['first_response', 'resolution'] as const) {
    if (kind === 'first_response' && subRequest.responded) continue;
    const swept = sweptDeadline(
      {
        kind,
        dueAt: kind === 'first_response' ? subRequest.deadlines.firstResponseDueAt : subRequest.deadlines.resolutionDueAt,
        round,
        department: subRequest.department,
        handlerId: subRequest.handlerId ?? null,
        warnedFor: subRequest.warnedFor?.[kind],
        stage: subRequest.escalations?.[kind] ?? 'none',
        what: kind === 'first_response' ? "sub-request's first response" : "sub-request's answer",
        subRequestId: subRequest.subRequestId,
      },
      now,
      policy,
      managementInvolved,
    );
    events.push(...swept.events);
    managementInvolved = swept.managementInvolved;
  }
  return { events, managementInvolved };
}

function closeHandling(command: CloseHandling, state: RoutingState): readonly RoutingEvent[] {
  permitRoles(command, ['system']);
  // A ticket answered at first contact never reached routing; a repeated close changes nothing.
  if (state.status === 'unrouted' || state.status === 'closed') return [];
  return [{ type: 'HandlingClosed', data: { outcome: command.data.outcome, round: state.ticket.round } }];
}

function takeOverTicket(command: TakeOverTicket, state: RoutingState): readonly RoutingEvent[] {
  permitRoles(command, ['management']);
  const routed = existing(state);
  const handling = handlingOrRefuse(routed, 'taken over');
  const reason = required('reason', command.data.reason);
  const holderId = command.metadata.actor.id;
  if (handling.status === 'in_progress' && handling.handlerId === holderId) return [];
  if (handling.ticket.pendingTransfer) {
    throw new DomainError('PRECONDITION_FAILED', `a transfer to ${handling.ticket.pendingTransfer.toDepartment} is waiting for an answer`);
  }
  return [
    {
      type: 'TicketTakenOver',
      data: {
        department: handling.ticket.department,
        round: handling.ticket.round,
        holderId,
        reason,
        ...(handling.status === 'in_progress' && { previousHandlerId: handling.handlerId }),
      },
    },
  ];
}

function requestUpdate(command: RequestUpdate, state: RoutingState): readonly RoutingEvent[] {
  permitRoles(command, ['management']);
  const routed = existing(state);
  const handling = handlingOrRefuse(routed, 'asked for an update');
  const message = required('message', command.data.message);
  const pending = handling.ticket.pendingUpdateRequest;
  if (pending?.requestId === command.data.requestId) return [];
  // One question at a time: the department answers with its next progress note, which answers one request.
  if (pending) {
    throw new DomainError('CONFLICT', `${pending.requestedBy} already asked for an update that the department has not answered yet`, {
      requestId: pending.requestId,
    });
  }
  return [
    {
      type: 'UpdateRequested',
      data: {
        requestId: command.data.requestId,
        round: handling.ticket.round,
        department: handling.ticket.department,
        requestedBy: command.metadata.actor.id,
        ...(handling.status === 'in_progress' && { handlerId: handling.handlerId }),
        message,
      },
    },
  ];
}

function pauseClock(command: PauseClock, state: RoutingState, policy: RoutingPolicy): readonly RoutingEvent[] {
  permitRoles(command, [...DEPARTMENT_ROLES, 'management']);
  const routed = existing(state);
  permitDepartment(command, routed.ticket.department);
  if (routed.status !== 'in_progress') {
    throw routed.status === 'awaiting_handler'
      ? new DomainError('PRECONDITION_FAILED', 'name a responsible handler before pausing the resolution clock')
      : notWhile(routed, 'paused');
  }
  const acting = ownership(command, routed, 'pause the resolution clock of');
  const { ticket } = routed;
  const reason = command.data.reason;
  if (!(PAUSE_REASONS as readonly string[]).includes(reason)) {
    throw new ValidationFailed([{ field: 'reason', message: `must be one of ${PAUSE_REASONS.join(', ')}`, issue: { code: 'invalid_value', values: PAUSE_REASONS } }]);
  }
  const note = command.data.note?.trim() ?? '';
  if (note.length > MAX_TEXT) throw new ValidationFailed([{ field: 'note', message: `must be at most ${MAX_TEXT} characters` }]);
  if (ticket.pause) {
    throw new DomainError('CONFLICT', `the resolution clock is already paused since ${ticket.pause.since} (${ticket.pause.reason})`, {
      since: ticket.pause.since,
      reason: ticket.pause.reason,
    });
  }
  const now = command.metadata.now;
  const maxPause = policy.escalation.maxPauseMinutes ?? DEFAULT_MAX_PAUSE_MINUTES;
  return [
    {
      type: 'ResolutionClockPaused',
      data: {
        round: ticket.round,
        department: ticket.department,
        reason,
        ...(note ? { note } : {}),
        handlerId: routed.handlerId,
        ...acting,
        pausedAt: now.toISOString(),
        resolutionDueAt: ticket.deadlines.resolutionDueAt,
        resumeBy: new Date(now.getTime() + maxPause * 60_000).toISOString(),
      },
    },
  ];
}

function resumeClock(command: ResumeClock, state: RoutingState, policy: RoutingPolicy): readonly RoutingEvent[] {
  permitRoles(command, [...DEPARTMENT_ROLES, 'management']);
  const routed = existing(state);
  permitDepartment(command, routed.ticket.department);
  // Resumed already (by a colleague's click, the sweep's limit or a result): nothing left to resume.
  if (!routed.ticket.pause || routed.status !== 'in_progress') return [];
  const acting = ownership(command, routed, 'resume the resolution clock of');
  return resumedIfPaused(routed, 'handler', command.metadata.now, policy, acting);
}

/**
 * The customer's answer reaches the department through the ticket. A clock paused waiting on the
 * customer resumes with it (the wait is over whoever took the call); one paused on a third party
 * keeps standing, since the customer's word is not what the department waits for.
 */
function recordCustomerAnswer(command: RecordCustomerAnswer, state: RoutingState, policy: RoutingPolicy): readonly RoutingEvent[] {
  permitRoles(command, ['cs', ...DEPARTMENT_ROLES, 'management']);
  const routed = existing(state);
  permitDepartment(command, routed.ticket.department);
  const handling = handlingOrRefuse(routed, 'given the customer’s answer (once the result is reported, the customer answers through follow-up)');
  const answer = required('answer', command.data.answer);
  const { ticket } = handling;
  const answered: RoutingEvent = {
    type: 'CustomerAnswered',
    data: {
      round: ticket.round,
      department: ticket.department,
      recordedBy: command.metadata.actor.id,
      ...(handling.status === 'in_progress' && { handlerId: handling.handlerId }),
      answer,
    },
  };
  const resumed = handling.status === 'in_progress' && ticket.pause?.reason === 'waiting_on_customer' ? resumedIfPaused(handling, 'customer', command.metadata.now, policy) : [];
  return [answered, ...resumed];
}

function changePriority(command: ChangePriority, state: RoutingState, policy: RoutingPolicy): readonly RoutingEvent[] {
  permitRoles(command, ['department_manager', 'management']);
  const routed = existing(state);
  permitDepartment(command, routed.ticket.department);
  const handling = handlingOrRefuse(routed, 'given another priority');
  const priority = command.data.priority;
  if (!(PRIORITIES as readonly string[]).includes(priority)) {
    throw new ValidationFailed([{ field: 'priority', message: `must be one of ${PRIORITIES.join(', ')}`, issue: { code: 'invalid_value', values: PRIORITIES } }]);
  }
  const reason = required('reason', command.data.reason);
  const { ticket } = handling;
  if (priority === ticket.priority) return [];
  // The new promise counted from the round's start, as if it had been made then, plus every pause
  // that has ended: the time already spent stays spent. A pause still running is added at its end.
  const fresh = deadlinesOf(policy, ticket.type, priority, new Date(ticket.deadlines.from));
  const resolutionDueAt = (ticket.pausesThisRound ?? []).reduce(
    (due, paused) => (policy.deferByPause ?? CLOCK_TIME_DEFERRAL)(due, { from: new Date(paused.from), until: new Date(paused.until) }, fresh.countIn),
    new Date(fresh.resolutionDueAt),
  );
  return [
    {
      type: 'PriorityChanged',
      data: {
        round: ticket.round,
        department: ticket.department,
        previousPriority: ticket.priority,
        priority,
        reason,
        previousDeadlines: ticket.deadlines,
        deadlines: { ...fresh, resolutionDueAt: resolutionDueAt.toISOString() },
      },
    },
  ];
}

function handOnFromAway(command: HandOnFromAway, state: RoutingState): readonly RoutingEvent[] {
  permitRoles(command, ['system']);
  const { awayHandlerId, strategy } = command.data;
  // Someone took it on meanwhile, or it moved on: nothing of the away handler's is left to hand on.
  if (state.status !== 'in_progress' || state.handlerId !== awayHandlerId) return [];
  const candidates = command.data.candidates.filter((candidate) => candidate.handlerId !== awayHandlerId);
  const choice = strategy ? chooseHandler(strategy, candidates, state.ticket) : undefined;
  if (!choice || !strategy) {
    return [
      { type: 'HandlerReleased', data: { department: state.ticket.department, round: state.ticket.round, previousHandlerId: awayHandlerId, reason: 'away' } },
    ];
  }
  return [assigned(state, choice.handlerId, strategy, `away: ${awayHandlerId} is away; ${choice.reason}`)];
}

// ---------------------------------------------------------------------------------------------
// Decision helpers

/** The resumption of a paused clock, its deadline moved by the pause; nothing when the clock runs. */
function resumedIfPaused(
  routed: Routed,
  trigger: ResumeTrigger,
  at: Date,
  policy: RoutingPolicy,
  acting: { onBehalfOf?: string } = {},
): RoutingEvent[] {
  const { ticket } = routed;
  const pause = ticket.pause;
  if (!pause) return [];
  const from = new Date(pause.since);
  const until = new Date(Math.max(at.getTime(), from.getTime()));
  const { deadlines } = ticket;
  const resolutionDueAt = (policy.deferByPause ?? CLOCK_TIME_DEFERRAL)(new Date(deadlines.resolutionDueAt), { from, until }, deadlines.countIn);
  return [
    {
      type: 'ResolutionClockResumed',
      data: {
        round: ticket.round,
        department: ticket.department,
        trigger,
        reason: pause.reason,
        pausedAt: pause.since,
        resumedAt: until.toISOString(),
        pausedMinutes: (until.getTime() - from.getTime()) / 60_000,
        ...acting,
        deadlines: { ...deadlines, resolutionDueAt: resolutionDueAt.toISOString() },
      },
    },
  ];
}

function deadlinesOf(policy: RoutingPolicy, type: TicketType, priority: Priority, from: Date): Deadlines {
  const computed = policy.deadlinesFor({ type, priority, from });
  return {
    from: from.toISOString(),
    firstResponseDueAt: computed.firstResponseDueAt.toISOString(),
    resolutionDueAt: computed.resolutionDueAt.toISOString(),
    policyVersion: computed.policyVersion,
    ...(computed.countIn ? { countIn: computed.countIn } : {}),
  };
}

function assigned(
  handling: Handling,
  handlerId: string,
  method: 'claim' | 'manager' | AssignmentStrategy,
  reason: string,
): RoutingEvent {
  return {
    type: 'HandlerAssigned',
    data: {
      department: handling.ticket.department,
      handlerId,
      method,
      reason,
      ...(handling.status === 'in_progress' && { previousHandlerId: handling.handlerId }),
    },
  };
}

function existing(state: RoutingState): Routed {
  if (state.status === 'unrouted') throw new DomainError('NOT_FOUND', 'no such ticket in routing');
  return state;
}

function handlingOrRefuse(routed: Routed, verb: string): Handling {
  if (routed.status === 'awaiting_handler' || routed.status === 'in_progress') return routed;
  throw notWhile(routed, verb);
}

function notWhile(routed: Routed, verb: string): DomainError {
  return new DomainError('PRECONDITION_FAILED', `a ticket that is ${routed.status.replace('_', ' ')} cannot be ${verb}`, {
    status: routed.status,
  });
}

/**
 * Who works a claimed ticket: its responsible handler, or someone above them acting for them.
 * Returns what the event records about it; nothing when the handler acts themselves or no one
 * holds the ticket yet.
 */
function ownership(command: RoutingCommand, handling: Handling, verb: string): { onBehalfOf?: string } {
  if (handling.status !== 'in_progress') return {};
  const { actor } = command.metadata;
  if (actor.id === handling.handlerId) return {};
  if (actor.role === 'department_handler') {
    throw new DomainError(
      'FORBIDDEN',
      `${handling.handlerId} is the responsible handler of this ticket: only they or ${handling.ticket.department}'s manager may ${verb} it; ask the manager to reassign it`,
      { handlerId: handling.handlerId },
    );
  }
  return { onBehalfOf: handling.handlerId };
}

function permitRoles(command: RoutingCommand, roles: readonly Role[]): void {
  const { role } = command.metadata.actor;
  if (!roles.includes(role)) throw new DomainError('FORBIDDEN', `${command.type} is not for the ${role} role`);
}

/** Department roles act only on their own department's tickets; management and system on any. */
function permitDepartment(command: RoutingCommand, department: Department): void {
  const { actor } = command.metadata;
  if (DEPARTMENT_ROLES.includes(actor.role) && actor.department !== department) {
    throw new DomainError('FORBIDDEN', `only ${department} may ${command.type} on this ticket`, { department });
  }
}

function required(field: string, value: string | undefined): string {
  const trimmed = value?.trim() ?? '';
  if (!trimmed) throw new ValidationFailed([{ field, message: 'must not be empty' }]);
  if (trimmed.length > MAX_TEXT) throw new ValidationFailed([{ field, message: `must be at most ${MAX_TEXT} characters` }]);
  return trimmed;
}

function instant(field: string, value: string): Date {
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new ValidationFailed([{ field, message: 'must be an ISO instant' }]);
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// Evolve

const NO_ESCALATIONS: RoutedTicket['escalations'] = { first_response: 'none', resolution: 'none' };

export function evolve(state: RoutingState, event: RoutingEvent): RoutingState {
  switch (event.type) {
    case 'TicketRouted': {
      if (state.status !== 'unrouted') return state;
      const { department, round, type, category, priority, channel, platform, complaint, deadlines } = event.data;
      return {
        status: 'awaiting_handler',
        ticket: {
          type,
          category,
          priority,
          channel,
          ...(platform !== undefined && { platform }),
          complaint,
          department,
          round,
          deadlines,
          respondedThisRound: false,
          escalations: NO_ESCALATIONS,
          managementInvolved: false,
        },
      };
    }
    case 'ManagementInvolved':
      return withTicket(state, (ticket) => ({ ...ticket, managementInvolved: true }));
    case 'HandlerAssigned':
      return state.status === 'awaiting_handler' || state.status === 'in_progress'
        ? { status: 'in_progress', ticket: state.ticket, handlerId: event.data.handlerId }
        : state;
    case 'TransferRequested':
      return withTicket(state, (ticket) => ({
        ...ticket,
        pendingTransfer: { toDepartment: event.data.toDepartment, reason: event.data.reason },
      }));
    case 'TransferAccepted':
      return state.status === 'awaiting_handler' || state.status === 'in_progress'
        ? {
            status: 'awaiting_handler',
            ticket: { ...withoutPendingTransfer(state.ticket), department: event.data.toDepartment },
          }
        : state;
    case 'TransferRefused':
      return withTicket(state, withoutPendingTransfer);
    case 'ProgressReported':
      return withTicket(state, (ticket) => ({ ...withoutPendingUpdateRequest(ticket), respondedThisRound: true }));
    case 'TicketTakenOver':
      return state.status === 'awaiting_handler' || state.status === 'in_progress'
        ? { status: 'in_progress', ticket: state.ticket, handlerId: event.data.holderId }
        : state;
    case 'HandlerReleased':
      return state.status === 'in_progress' ? { status: 'awaiting_handler', ticket: state.ticket } : state;
    case 'CustomerAnswered':
      return state;
    case 'UpdateRequested':
      return withTicket(state, (ticket) => ({
        ...ticket,
        pendingUpdateRequest: { requestId: event.data.requestId, requestedBy: event.data.requestedBy },
      }));
    case 'ResultReported':
      return state.status === 'in_progress'
        ? { status: 'result_reported', ticket: { ...state.ticket, respondedThisRound: true }, handlerId: state.handlerId }
        : state;
    case 'TicketReopened': {
      if (state.status === 'unrouted') return state;
      const ticket: RoutedTicket = {
        ...withoutPendingTransfer(state.ticket),
        department: event.data.department,
        round: event.data.round,
        deadlines: event.data.deadlines,
        respondedThisRound: false,
        escalations: NO_ESCALATIONS,
      };
      return event.data.handlerId !== undefined
        ? { status: 'in_progress', ticket, handlerId: event.data.handlerId }
        : { status: 'awaiting_handler', ticket };
    }
    case 'DeadlineApproaching': {
      const { deadline, dueAt, subRequestId } = event.data;
      return subRequestId !== undefined
        ? withSubRequest(state, subRequestId, (subRequest) => ({ ...subRequest, warnedFor: { ...subRequest.warnedFor, [deadline]: dueAt } }))
        : withTicket(state, (ticket) => ({ ...ticket, warnedFor: { ...ticket.warnedFor, [deadline]: dueAt } }));
    }
    case 'DeadlineBreached': {
      const { deadline, subRequestId } = event.data;
      return subRequestId !== undefined
        ? withSubRequest(state, subRequestId, (subRequest) => ({ ...subRequest, escalations: { ...subRequest.escalations, [deadline]: 'breached' } }))
        : withTicket(state, (ticket) => ({ ...ticket, escalations: { ...ticket.escalations, [deadline]: 'breached' } }));
    }
    case 'TicketEscalated': {
      const { trigger, level, subRequestId } = event.data;
      switch (trigger) {
        case 'first_response_overdue':
        case 'resolution_overdue': {
          const kind: DeadlineKind = trigger === 'first_response_overdue' ? 'first_response' : 'resolution';
          return subRequestId !== undefined
            ? withSubRequest(state, subRequestId, (subRequest) => ({ ...subRequest, escalations: { ...subRequest.escalations, [kind]: level } }))
            : withTicket(state, (ticket) => ({ ...ticket, escalations: { ...ticket.escalations, [kind]: level } }));
        }
        case 'rounds_exhausted':
          return state.status === 'result_reported'
            ? { status: 'with_management', ticket: state.ticket, handlerId: state.handlerId }
            : state;
        default:
          return assertNever(trigger);
      }
    }
    case 'ResolutionClockPaused': {
      const { data } = event;
      return withTicket(state, (ticket) => ({
        ...ticket,
        pause: { since: data.pausedAt, reason: data.reason, ...(data.note !== undefined && { note: data.note }), resumeBy: data.resumeBy },
      }));
    }
    case 'ResolutionClockResumed':
      return withTicket(state, (ticket) => {
        const { pause: _ended, ...rest } = ticket;
        return {
          ...rest,
          deadlines: event.data.deadlines,
          pausesThisRound: [...(ticket.pausesThisRound ?? []), { from: event.data.pausedAt, until: event.data.resumedAt }],
        };
      });
    case 'PriorityChanged':
      return withTicket(state, (ticket) => ({ ...ticket, priority: event.data.priority, deadlines: event.data.deadlines }));
    case 'SubRequestOpened': {
      const { subRequestId, round, department, reason, deadlines } = event.data;
      return withTicket(state, (ticket) => ({
        ...ticket,
        subRequests: [...(ticket.subRequests ?? []), { subRequestId, round, department, reason, deadlines, status: 'awaiting_handler', responded: false }],
      }));
    }
    case 'SubRequestAssigned':
      return withSubRequest(state, event.data.subRequestId, (subRequest) => ({ ...subRequest, status: 'in_progress', handlerId: event.data.handlerId }));
    case 'SubRequestProgressReported':
      return withSubRequest(state, event.data.subRequestId, (subRequest) => ({ ...subRequest, responded: true }));
    case 'SubRequestAnswered':
      return withSubRequest(state, event.data.subRequestId, (subRequest) => ({ ...subRequest, status: 'answered', responded: true, summary: event.data.summary }));
    case 'SubRequestClosed':
      return withSubRequest(state, event.data.subRequestId, (subRequest) => ({ ...subRequest, status: 'closed', summary: event.data.reason }));
    case 'HandlingClosed':
      return state.status === 'unrouted' ? state : { status: 'closed', ticket: state.ticket, outcome: event.data.outcome };
    default:
      return assertNever(event);
  }
}

function withTicket(state: RoutingState, change: (ticket: RoutedTicket) => RoutedTicket): RoutingState {
  return state.status === 'unrouted' ? state : { ...state, ticket: change(state.ticket) };
}

function withSubRequest(state: RoutingState, subRequestId: string, change: (subRequest: SubRequest) => SubRequest): RoutingState {
  return withTicket(state, (ticket) => ({
    ...ticket,
    subRequests: (ticket.subRequests ?? []).map((subRequest) => (subRequest.subRequestId === subRequestId ? change(subRequest) : subRequest)),
  }));
}

function withoutPendingUpdateRequest(ticket: RoutedTicket): RoutedTicket {
  const { pendingUpdateRequest: _answered, ...rest } = ticket;
  return rest;
}

function withoutPendingTransfer(ticket: RoutedTicket): RoutedTicket {
  const { pendingTransfer: _answered, ...rest } = ticket;
  return rest;
}

/** The decider with its policy bound, for the generic command handler. */
export function ticketsDecider(policy: RoutingPolicy): Decider<RoutingCommand, RoutingEvent, RoutingState> {
  return { initialState, decide: (command, state) => decide(command, state, policy), evolve };
}

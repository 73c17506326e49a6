import {
  type CloseOutcome,
  type DeadlineKind,
  type EscalationLevel,
  type FollowupEvent,
  type RecordedEvent,
  type RecordedOf,
  type Resolution,
  type RoutingEvent,
  FOLLOWUP_EVENTS,
  ROUTING_EVENTS,
  STREAM_PREFIXES,
  assertNever,
  typedEventOf,
} from '@handoff/contracts';

/**
 * The CS worklist, one row per ticket, as a pure view: `applyToWorklist(row, event) -> row`.
 * It answers two questions: which customers CS must call back to confirm a result (oldest
 * first), and which departments are late with their progress (so CS can chase them).
 *
 * Built from follow-up's own stream and from routing's. Each row remembers the last position it
 * applied of each of the two streams, so a replayed or duplicated event changes nothing.
 * It never holds customer contact details: ids, department, round, summary and times only.
 */

/** Where the ticket stands with CS; only `awaiting_confirmation` is on the worklist. */
export const CONFIRMATION_STATUSES = ['awaiting_confirmation', 'objected', 'handed_to_management', 'confirmed', 'closed'] as const;
export type ConfirmationStatus = (typeof CONFIRMATION_STATUSES)[number];

export interface WorklistRow {
  readonly ticketId: string;
  /** Null while follow-up has not requested a confirmation for the ticket yet. */
  readonly confirmationStatus: ConfirmationStatus | null;
  readonly round: number | null;
  readonly resolvedBy: Resolution | null;
  /** The department whose result is being confirmed; null for a first-contact answer. */
  readonly department: string | null;
  readonly resultSummary: string | null;
  readonly requestedAt: Date | null;
  /** Failed attempts to reach the customer in this round. */
  readonly contactAttempts: number;
  readonly closeOutcome: CloseOutcome | null;

  /** A deadline of the department's round passed without progress reaching CS. */
  readonly progressLate: boolean;
  readonly lateDepartment: string | null;
  readonly lateRound: number | null;
  readonly lateDeadline: DeadlineKind | null;
  readonly lateDueAt: Date | null;
  /** How far the delay has been raised; null while only breached. */
  readonly escalationLevel: EscalationLevel | null;
  readonly lateSince: Date | null;

  /** Last applied position of `followup-ticket-<id>` and of `routing-ticket-<id>` (-1: none yet). */
  readonly followupPosition: number;
  readonly routingPosition: number;
  readonly updatedAt: Date;
}

export type WorklistEvent = RecordedOf<FollowupEvent> | RecordedOf<RoutingEvent>;

/** The event types the worklist applies; any other is acknowledged without a transaction. */
export const WORKLIST_EVENT_TYPES = [
  'ConfirmationRequested',
  'ContactAttemptFailed',
  'CustomerConfirmedSatisfaction',
  'CustomerObjected',
  'TicketHandedToManagement',
  'TicketClosed',
  'DeadlineBreached',
  'TicketEscalated',
  'ProgressReported',
  'ResultReported',
  'HandlingClosed',
] as const satisfies readonly WorklistEvent['type'][];

export function emptyWorklistRow(ticketId: string, at: Date): WorklistRow {
  return {
    ticketId,
    confirmationStatus: null,
    round: null,
    resolvedBy: null,
    department: null,
    resultSummary: null,
    requestedAt: null,
    contactAttempts: 0,
    closeOutcome: null,
    ...NOT_LATE,
    followupPosition: -1,
    routingPosition: -1,
    updatedAt: at,
  };
}

const NOT_LATE = {
  progressLate: false,
  lateDepartment: null,
  lateRound: null,
  lateDeadline: null,
  lateDueAt: null,
  escalationLevel: null,
  lateSince: null,
} as const satisfies Partial<WorklistRow>;

/**
 * The event typed and validated by the registry of the stream it comes from, or undefined
 * for a stream the worklist does not read. Throws ValidationFailed for bad data (dead-lettered).
 */
export function worklistEventOf(event: RecordedEvent): WorklistEvent | undefined {
  if (event.streamId.startsWith(STREAM_PREFIXES.followup)) return typedEventOf(FOLLOWUP_EVENTS, event);
  if (event.streamId.startsWith(STREAM_PREFIXES.routing)) return typedEventOf(ROUTING_EVENTS, event);
  return undefined;
}

/** The row after `event`; the same row (by reference) when the event was applied before. */
export function applyToWorklist(row: WorklistRow, event: WorklistEvent): WorklistRow {
  const fromFollowup = event.streamId.startsWith(STREAM_PREFIXES.followup);
  const applied = fromFollowup ? row.followupPosition : row.routingPosition;
  if (event.streamPosition <= applied) return row;
  const advanced: WorklistRow = {
    ...row,
    ...(fromFollowup ? { followupPosition: event.streamPosition } : { routingPosition: event.streamPosition }),
    updatedAt: new Date(event.metadata.recordedAt),
  };
  return { ...advanced, ...changesFor(advanced, event) };
}

function changesFor(row: WorklistRow, event: WorklistEvent): Partial<WorklistRow> {
  switch (event.type) {
    // ---- follow-up: the confirmation with the customer
    case 'ConfirmationRequested': {
      const { round, resolvedBy, department, resultSummary } = event.data;
      return {
        confirmationStatus: 'awaiting_confirmation',
        round,
        resolvedBy,
        department: department ?? null,
        resultSummary,
        requestedAt: new Date(event.metadata.occurredAt),
        contactAttempts: 0,
        closeOutcome: null,
      };
    }
    case 'ContactAttemptFailed':
      return { contactAttempts: Math.max(row.contactAttempts, event.data.attempt) };
    case 'CustomerConfirmedSatisfaction':
      return { confirmationStatus: 'confirmed' };
    case 'CustomerObjected':
      return { confirmationStatus: 'objected' };
    case 'TicketHandedToManagement':
      return { confirmationStatus: 'handed_to_management' };
    case 'TicketClosed':
      return { confirmationStatus: 'closed', closeOutcome: event.data.outcome, ...NOT_LATE };

    // ---- routing: is the department keeping CS informed?
    case 'DeadlineBreached': {
      // A late sub-request is chased by the asked department's manager; CS waits for the ticket's one result.
      if (event.data.subRequestId !== undefined) return {};
      const { deadline, round, department, dueAt } = event.data;
      return {
        progressLate: true,
        lateDepartment: department,
        lateRound: round,
        lateDeadline: deadline,
        lateDueAt: new Date(dueAt),
        lateSince: row.progressLate && row.lateSince ? row.lateSince : new Date(event.metadata.occurredAt),
      };
    }
    case 'TicketEscalated': {
      const { trigger, level, round, department, dueAt } = event.data;
      // Rounds exhausted is about the customer's objections, not a late department: the
      // confirmation status (handed to management) already says it.
      if (trigger === 'rounds_exhausted' || event.data.subRequestId !== undefined) return {};
      const deadline: DeadlineKind = trigger === 'first_response_overdue' ? 'first_response' : 'resolution';
      return {
        progressLate: true,
        lateDepartment: department,
        lateRound: round,
        lateDeadline: deadline,
        lateDueAt: dueAt ? new Date(dueAt) : row.lateDueAt,
        escalationLevel: higherLevel(row.escalationLevel, level),
        lateSince: row.progressLate && row.lateSince ? row.lateSince : new Date(event.metadata.occurredAt),
      };
    }
    case 'ProgressReported':
    case 'ResultReported':
    case 'HandlingClosed':
      // News from a round older than the late one says nothing about it.
      return row.progressLate && row.lateRound !== null && event.data.round < row.lateRound ? {} : NOT_LATE;
    case 'TicketRouted':
    case 'ManagementInvolved':
    case 'HandlerAssigned':
    case 'TransferRequested':
    case 'TransferAccepted':
    case 'TransferRefused':
    case 'TicketReopened':
    case 'DeadlineApproaching':
    case 'TicketTakenOver':
    case 'UpdateRequested':
    case 'CustomerAnswered':
    case 'HandlerReleased':
      return {};
    // A paused clock or a new priority is the department's timing; CS waits for a result either way.
    case 'ResolutionClockPaused':
    case 'ResolutionClockResumed':
    case 'PriorityChanged':
      return {};
    // Another department's part of the ticket: the lead department's progress is what CS chases.
    case 'SubRequestOpened':
    case 'SubRequestAssigned':
    case 'SubRequestProgressReported':
    case 'SubRequestAnswered':
    case 'SubRequestClosed':
      return {};
    default:
      return assertNever(event);
  }
}

function higherLevel(current: EscalationLevel | null, next: EscalationLevel): EscalationLevel {
  return current === 'management' ? current : next;
}

import { assertNever, cutWords, firstOfStream, routingStreamId, type DeadlineCounting, type DeadlineKind, type Deadlines, type Department, type IntakeEvent, type PauseReason, type RecordedOf, type RoutingEvent } from '@handoff/contracts';
import type { EscalationStage, QueueStatus, SubRequestStatus } from '@handoff/contracts';

/**
 * The department queue as a pure fold over routing's events: one entry per ticket, what a
 * department looks at to see what is waiting, who has what and what is late. The projection
 * stores it; nothing here knows about tables. No customer contact details: routing's events
 * carry none, and the subject comes separately from the hand-over.
 */

export { QUEUE_STATUSES, type QueueStatus } from '@handoff/contracts';

export interface QueueEntry {
  readonly ticketId: string;
  readonly department: Department;
  readonly status: QueueStatus;
  readonly handlerId: string | null;
  readonly type: string;
  readonly category: string;
  readonly priority: string;
  readonly channel: string;
  readonly platform: string | null;
  readonly complaint: boolean;
  readonly round: number;
  readonly deadlinesFrom: Date;
  readonly firstResponseDueAt: Date;
  readonly resolutionDueAt: Date;
  readonly deadlinePolicyVersion: string;
  /** Whether the deadlines count business hours or clock time; null when the event did not say. */
  readonly deadlinesCountIn: DeadlineCounting | null;
  /** A progress report or a result has been given in this round: the first-response clock stopped. */
  readonly respondedThisRound: boolean;
  readonly firstResponseEscalation: EscalationStage;
  readonly resolutionEscalation: EscalationStage;
  /** The due time each deadline was last warned of (DeadlineApproaching); a re-targeted deadline is not warned yet. */
  readonly firstResponseWarnedFor: Date | null;
  readonly resolutionWarnedFor: Date | null;
  readonly managementInvolved: boolean;
  readonly pendingTransferTo: Department | null;
  readonly pendingTransferReason: string | null;
  /** The resolution clock stands still since then (null while it runs), why, and until when at most. */
  readonly pausedSince: Date | null;
  readonly pauseReason: PauseReason | null;
  readonly pauseNote: string | null;
  readonly pauseResumeBy: Date | null;
  readonly closedOutcome: string | null;
  readonly routedAt: Date;
  readonly assignedAt: Date | null;
  readonly updatedAt: Date;
  /** The last event of the ticket's routing stream applied; an event at or below it is a replay. */
  readonly streamPosition: number;
}

/**
 * What the queue keeps of intake's hand-over: the subject line, and the customer sealed as intake
 * sealed them (key id and sealed string, never the clear details), opened per read by those who
 * may see them.
 */
export interface TicketSubject {
  readonly ticketId: string;
  readonly subject: string;
  readonly customerKeyId: string | null;
  readonly customerSealed: string | null;
  readonly customerId: string | null;
  readonly streamPosition: number;
}

/** A subject is a headline, not the description: long ones are cut for the queue. */
const SUBJECT_LENGTH = 300;

/** Undefined: the event says nothing new of the subject (another type, or one already past). */
export function evolveTicketSubject(subject: TicketSubject | undefined, event: RecordedOf<IntakeEvent>): TicketSubject | undefined {
  if (event.type !== 'TicketHandedOver' || (subject && event.streamPosition <= subject.streamPosition)) return undefined;
  const { customer } = event.data;
  return {
    ticketId: event.ticketId,
    subject: cutWords(event.data.subject, SUBJECT_LENGTH),
    customerKeyId: customer.keyId,
    customerSealed: customer.sealed,
    customerId: customer.customerId ?? null,
    streamPosition: event.streamPosition,
  };
}

/**
 * A timer the sweep must act on: a deadline whose clock is running (the department is at work and
 * has not met it yet), or the latest end of a paused resolution clock (`pause_limit`).
 */
export type TimerKind = DeadlineKind | 'pause_limit';

export interface RunningDeadline {
  readonly ticketId: string;
  readonly kind: TimerKind;
  readonly department: Department;
  readonly round: number;
  readonly dueAt: Date;
  readonly escalation: EscalationStage;
  /** Its holder was warned of this due time already. */
  readonly warned: boolean;
}

/**
 * Whether the event is the first of its ticket's routing stream: the queue entry is folded from
 * that stream alone and begins with it, so before it the ticket has no entry to read.
 */
export function opensQueueEntry(event: { readonly streamId: string; readonly streamPosition: number; readonly ticketId: string }): boolean {
  return firstOfStream(event, routingStreamId(event.ticketId));
}

/** Undefined: the event builds nothing (no entry yet, or one already past this event). */
export function evolveQueueEntry(entry: QueueEntry | undefined, event: RecordedOf<RoutingEvent>): QueueEntry | undefined {
  if (entry && event.streamPosition <= entry.streamPosition) return undefined;
  const at = new Date(event.metadata.occurredAt);
  const stamp = { updatedAt: at, streamPosition: event.streamPosition };
  if (event.type === 'TicketRouted') {
    if (entry) return { ...entry, ...stamp };
    const { data } = event;
    return {
      ticketId: event.ticketId,
      department: data.department,
      status: 'awaiting_handler',
      handlerId: null,
      type: data.type,
      category: data.category,
      priority: data.priority,
      channel: data.channel,
      platform: data.platform ?? null,
      complaint: data.complaint,
      round: data.round,
      ...deadlineColumns(data.deadlines),
      respondedThisRound: false,
      firstResponseEscalation: 'none',
      resolutionEscalation: 'none',
      firstResponseWarnedFor: null,
      resolutionWarnedFor: null,
      managementInvolved: false,
      pendingTransferTo: null,
      pendingTransferReason: null,
      ...NOT_PAUSED,
      closedOutcome: null,
      routedAt: at,
      assignedAt: null,
      ...stamp,
    };
  }
  if (!entry) return undefined;
  const working = entry.status === 'awaiting_handler' || entry.status === 'in_progress';
  switch (event.type) {
    case 'ManagementInvolved':
      return { ...entry, ...stamp, managementInvolved: true };
    case 'HandlerAssigned':
      return working ? { ...entry, ...stamp, status: 'in_progress', handlerId: event.data.handlerId, assignedAt: at } : { ...entry, ...stamp };
    case 'TicketTakenOver':
      return working ? { ...entry, ...stamp, status: 'in_progress', handlerId: event.data.holderId, assignedAt: at } : { ...entry, ...stamp };
    case 'UpdateRequested':
    case 'CustomerAnswered':
      return { ...entry, ...stamp };
    case 'HandlerReleased':
      return entry.status === 'in_progress' ? { ...entry, ...stamp, status: 'awaiting_handler', handlerId: null, assignedAt: null } : { ...entry, ...stamp };
    case 'TransferRequested':
      return { ...entry, ...stamp, pendingTransferTo: event.data.toDepartment, pendingTransferReason: event.data.reason };
    case 'TransferAccepted':
      return working
        ? {
            ...entry,
            ...stamp,
            status: 'awaiting_handler',
            department: event.data.toDepartment,
            handlerId: null,
            assignedAt: null,
            pendingTransferTo: null,
            pendingTransferReason: null,
          }
        : { ...entry, ...stamp };
    case 'TransferRefused':
      return { ...entry, ...stamp, pendingTransferTo: null, pendingTransferReason: null };
    case 'ProgressReported':
      return { ...entry, ...stamp, respondedThisRound: true };
    case 'ResultReported':
      return entry.status === 'in_progress'
        ? { ...entry, ...stamp, status: 'result_reported', respondedThisRound: true }
        : { ...entry, ...stamp };
    case 'TicketReopened': {
      const { data } = event;
      const carriesOn = data.handlerId !== undefined;
      return {
        ...entry,
        ...stamp,
        status: carriesOn ? 'in_progress' : 'awaiting_handler',
        department: data.department,
        handlerId: data.handlerId ?? null,
        assignedAt: carriesOn ? entry.assignedAt : null,
        round: data.round,
        ...deadlineColumns(data.deadlines),
        respondedThisRound: false,
        firstResponseEscalation: 'none',
        resolutionEscalation: 'none',
        pendingTransferTo: null,
        pendingTransferReason: null,
        ...NOT_PAUSED,
      };
    }
    case 'ResolutionClockPaused': {
      const { data } = event;
      return {
        ...entry,
        ...stamp,
        pausedSince: new Date(data.pausedAt),
        pauseReason: data.reason,
        pauseNote: data.note ?? null,
        pauseResumeBy: new Date(data.resumeBy),
      };
    }
    case 'ResolutionClockResumed':
      return { ...entry, ...stamp, ...NOT_PAUSED, ...deadlineColumns(event.data.deadlines) };
    case 'PriorityChanged':
      return { ...entry, ...stamp, priority: event.data.priority, ...deadlineColumns(event.data.deadlines) };
    // A sub-request's deadline is the asked department's (sub-requests.model.ts): the lead's entry does not change.
    case 'DeadlineApproaching': {
      if (event.data.subRequestId !== undefined) return { ...entry, ...stamp };
      const warnedFor = new Date(event.data.dueAt);
      return { ...entry, ...stamp, ...(event.data.deadline === 'first_response' ? { firstResponseWarnedFor: warnedFor } : { resolutionWarnedFor: warnedFor }) };
    }
    case 'DeadlineBreached':
      if (event.data.subRequestId !== undefined) return { ...entry, ...stamp };
      return { ...entry, ...stamp, ...escalationColumn(event.data.deadline, 'breached') };
    case 'TicketEscalated': {
      const { trigger, level, subRequestId } = event.data;
      if (subRequestId !== undefined) return { ...entry, ...stamp };
      switch (trigger) {
        case 'first_response_overdue':
          return { ...entry, ...stamp, ...escalationColumn('first_response', level) };
        case 'resolution_overdue':
          return { ...entry, ...stamp, ...escalationColumn('resolution', level) };
        case 'rounds_exhausted':
          return entry.status === 'result_reported' ? { ...entry, ...stamp, status: 'with_management' } : { ...entry, ...stamp };
        default:
          return assertNever(trigger);
      }
    }
    case 'HandlingClosed':
      return { ...entry, ...stamp, status: 'closed', closedOutcome: event.data.outcome, pendingTransferTo: null, pendingTransferReason: null };
    // Another department's part of the ticket: its own rows (sub-requests.model.ts); the lead's entry does not change.
    case 'SubRequestOpened':
    case 'SubRequestAssigned':
    case 'SubRequestProgressReported':
    case 'SubRequestAnswered':
    case 'SubRequestClosed':
      return { ...entry, ...stamp };
    default:
      return assertNever(event);
  }
}

function deadlineColumns(deadlines: Deadlines) {
  return {
    deadlinesFrom: new Date(deadlines.from),
    firstResponseDueAt: new Date(deadlines.firstResponseDueAt),
    resolutionDueAt: new Date(deadlines.resolutionDueAt),
    deadlinePolicyVersion: deadlines.policyVersion,
    deadlinesCountIn: deadlines.countIn ?? null,
  };
}

const NOT_PAUSED = { pausedSince: null, pauseReason: null, pauseNote: null, pauseResumeBy: null } as const;

function escalationColumn(kind: DeadlineKind, stage: EscalationStage): Partial<QueueEntry> {
  return kind === 'first_response' ? { firstResponseEscalation: stage } : { resolutionEscalation: stage };
}

/** The clocks that run for an entry: only while the department is at work, the first response only until given. */
export function runningDeadlinesOf(entry: QueueEntry): RunningDeadline[] {
  if (entry.status !== 'awaiting_handler' && entry.status !== 'in_progress') return [];
  const warned = (warnedFor: Date | null, dueAt: Date) => warnedFor !== null && warnedFor.getTime() === dueAt.getTime();
  // While paused the resolution deadline does not run; the sweep's one timer is the pause's limit,
  // marked warned so that only its passing (not a warning time before it) brings the sweep.
  const resolutionTimer =
    entry.pausedSince !== null && entry.pauseResumeBy !== null
      ? runningDeadline(entry, 'pause_limit', entry.pauseResumeBy, 'none', true)
      : runningDeadline(entry, 'resolution', entry.resolutionDueAt, entry.resolutionEscalation, warned(entry.resolutionWarnedFor, entry.resolutionDueAt));
  return entry.respondedThisRound
    ? [resolutionTimer]
    : [
        runningDeadline(entry, 'first_response', entry.firstResponseDueAt, entry.firstResponseEscalation, warned(entry.firstResponseWarnedFor, entry.firstResponseDueAt)),
        resolutionTimer,
      ];
}

/**
 * Written out, not spread from a shared base: adding members to an object made by spreading takes
 * V8's slow path (on Node 20 an entry's deadlines took 5.2 µs so, against 0.034 µs written out),
 * and the queue projection makes these for every event it applies, a rebuild for every ticket.
 */
function runningDeadline(entry: QueueEntry, kind: TimerKind, dueAt: Date, escalation: EscalationStage, warned: boolean): RunningDeadline {
  return { ticketId: entry.ticketId, kind, department: entry.department, round: entry.round, dueAt, escalation, warned };
}

/** The earliest deadline still running: where the queue places the ticket; null when no clock runs. */
export function nextDueAt(entry: QueueEntry): Date | null {
  const running = runningDeadlinesOf(entry).filter((deadline) => deadline.kind !== 'pause_limit');
  return running.length === 0 ? null : new Date(Math.min(...running.map((deadline) => deadline.dueAt.getTime())));
}

/** Overdue: a deadline still running is past its due date. */
export function isOverdue(entry: QueueEntry, now: Date): boolean {
  return runningDeadlinesOf(entry).some((deadline) => deadline.kind !== 'pause_limit' && deadline.dueAt.getTime() < now.getTime());
}

/** What a live queue is told: ids and states only, never anything about the customer. */
export interface QueueChange {
  readonly ticketId: string;
  /** The department whose queue changed. */
  readonly department: Department;
  /**
   * `left`: the ticket is no longer this department's; `transfer`: a transfer to this department was asked for or answered;
   * `sub_request`: a sub-request asked of this department changed (its `status` then is the sub-request's).
   */
  readonly change: 'updated' | 'left' | 'transfer' | 'sub_request';
  readonly status: QueueStatus | SubRequestStatus;
  readonly streamPosition: number;
}

/** Every department whose queue an event changed. */
export function queueChangesOf(before: QueueEntry | undefined, after: QueueEntry): QueueChange[] {
  const change = (department: Department, kind: QueueChange['change']): QueueChange => ({
    ticketId: after.ticketId,
    department,
    change: kind,
    status: after.status,
    streamPosition: after.streamPosition,
  });
  const changes = [change(after.department, 'updated')];
  if (before && before.department !== after.department) changes.push(change(before.department, 'left'));
  const transferTargets = new Set([before?.pendingTransferTo, after.pendingTransferTo]);
  for (const department of transferTargets) {
    if (department && !changes.some((known) => known.department === department)) changes.push(change(department, 'transfer'));
  }
  return changes;
}

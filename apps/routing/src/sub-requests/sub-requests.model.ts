import { type DeadlineKind, type Department, type EscalationStage, type RecordedOf, type RoutingEvent, type SubRequestStatus } from '@handoff/contracts';

/**
 * The sub-requests a department is asked, as a pure fold over routing's events: one row per
 * sub-request, what the asked department looks at beside its own tickets. The ticket's own queue
 * entry stays with the lead department (queue.model.ts); nothing here knows about tables.
 */

export type { SubRequestStatus } from '@handoff/contracts';

export interface SubRequestEntry {
  readonly ticketId: string;
  readonly subRequestId: string;
  /** The department asked. */
  readonly department: Department;
  readonly leadDepartment: Department;
  readonly round: number;
  readonly reason: string;
  readonly status: SubRequestStatus;
  readonly handlerId: string | null;
  readonly firstResponseDueAt: Date;
  readonly resolutionDueAt: Date;
  /** A progress note or the answer was given: the first-response clock stopped. */
  readonly responded: boolean;
  /** The answer, or management's reason for closing it. */
  readonly outcome: string | null;
  /** How far each missed deadline has gone, and whether its holder was warned: what the deadline sweep reads. */
  readonly firstResponseEscalation: EscalationStage;
  readonly resolutionEscalation: EscalationStage;
  readonly firstResponseWarned: boolean;
  readonly resolutionWarned: boolean;
  readonly openedAt: Date;
  readonly updatedAt: Date;
  /** The last event of the ticket's routing stream applied to this row; one at or below it is a replay. */
  readonly streamPosition: number;
}

export function subRequestIdOf(event: RecordedOf<RoutingEvent>): string | undefined {
  switch (event.type) {
    case 'SubRequestOpened':
    case 'SubRequestAssigned':
    case 'SubRequestProgressReported':
    case 'SubRequestAnswered':
    case 'SubRequestClosed':
      return event.data.subRequestId;
    case 'DeadlineApproaching':
    case 'DeadlineBreached':
    case 'TicketEscalated':
      return event.data.subRequestId;
    default:
      return undefined;
  }
}

/** Undefined: the event builds nothing (not a sub-request's, no row yet, or one already past it). */
export function evolveSubRequest(entry: SubRequestEntry | undefined, event: RecordedOf<RoutingEvent>): SubRequestEntry | undefined {
  if (entry && event.streamPosition <= entry.streamPosition) return undefined;
  const at = new Date(event.metadata.occurredAt);
  const stamp = { updatedAt: at, streamPosition: event.streamPosition };
  if (event.type === 'SubRequestOpened') {
    if (entry) return { ...entry, ...stamp };
    const { data } = event;
    return {
      ticketId: event.ticketId,
      subRequestId: data.subRequestId,
      department: data.department,
      leadDepartment: data.leadDepartment,
      round: data.round,
      reason: data.reason,
      status: 'awaiting_handler',
      handlerId: null,
      firstResponseDueAt: new Date(data.deadlines.firstResponseDueAt),
      resolutionDueAt: new Date(data.deadlines.resolutionDueAt),
      responded: false,
      outcome: null,
      firstResponseEscalation: 'none',
      resolutionEscalation: 'none',
      firstResponseWarned: false,
      resolutionWarned: false,
      openedAt: at,
      ...stamp,
    };
  }
  if (!entry) return undefined;
  switch (event.type) {
    case 'SubRequestAssigned':
      return { ...entry, ...stamp, status: 'in_progress', handlerId: event.data.handlerId };
    case 'SubRequestProgressReported':
      return { ...entry, ...stamp, responded: true };
    case 'SubRequestAnswered':
      return { ...entry, ...stamp, status: 'answered', responded: true, outcome: event.data.summary };
    case 'SubRequestClosed':
      return { ...entry, ...stamp, status: 'closed', outcome: event.data.reason };
    // A sub-request's deadlines do not move once opened: one warning and one escalation stage each.
    case 'DeadlineApproaching':
      return { ...entry, ...stamp, ...(event.data.deadline === 'first_response' ? { firstResponseWarned: true } : { resolutionWarned: true }) };
    case 'DeadlineBreached':
      return { ...entry, ...stamp, ...escalationColumn(event.data.deadline, 'breached') };
    case 'TicketEscalated': {
      const { trigger, level } = event.data;
      if (trigger === 'rounds_exhausted') return undefined;
      return { ...entry, ...stamp, ...escalationColumn(trigger === 'first_response_overdue' ? 'first_response' : 'resolution', level) };
    }
    default:
      return undefined;
  }
}

function escalationColumn(kind: DeadlineKind, stage: EscalationStage): Partial<SubRequestEntry> {
  return kind === 'first_response' ? { firstResponseEscalation: stage } : { resolutionEscalation: stage };
}

/** Whether the asked department still owes its answer. */
export const isOpen = (entry: Pick<SubRequestEntry, 'status'>): boolean => entry.status === 'awaiting_handler' || entry.status === 'in_progress';

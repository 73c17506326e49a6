// What routing answers: the departments, a department's queue and a ticket's routing state.
import type { CustomerView } from './customers';
import type { Channel, CloseOutcome, DeadlineCounting, DeadlineKind, Deadlines, Department, EscalationLevel, Page, PauseReason, Priority, TicketType } from './vocabulary';

/** A resolution clock standing still: since when, why, and when the sweep resumes it at the latest. */
export interface ClockPause {
  readonly since: string;
  readonly reason: PauseReason;
  readonly note: string | null;
  readonly resumeBy: string;
}

export const QUEUE_STATUSES = ['awaiting_handler', 'in_progress', 'result_reported', 'with_management', 'closed'] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];

/** How far a deadline's escalation has gone: not breached, breached, or escalated to a level. */
export type EscalationStage = 'none' | 'breached' | EscalationLevel;

export interface StaffMember {
  readonly id: string;
  readonly name: string;
  /** A handler's skills (categories, `complaint`, platforms, languages); managers have none. */
  readonly skills?: readonly string[];
}

/** A department of the organisation as `GET /v1/departments` lists it. */
export interface OrganisationDepartment {
  readonly id: Department;
  readonly name: string;
  /** How new tickets find a handler: `manual` or an assignment strategy. */
  readonly strategy: string;
  /** The most tickets in progress one handler is given automatically; absent: no limit. */
  readonly wipLimit?: number;
  readonly handlers: readonly StaffMember[];
  readonly managers: readonly StaffMember[];
}

/** One handler at work or away, with their tickets in progress against the department's limit. */
export interface HandlerAvailability {
  readonly handlerId: string;
  readonly name: string;
  readonly away: boolean;
  /** When the absence ends by itself; null while at work or away until they say they are back. */
  readonly until: string | null;
  readonly inProgress: number;
  /** null: no limit. */
  readonly limit: number | null;
}

/** `GET /v1/departments/:department/handlers`. */
export interface DepartmentStaffing {
  readonly department: Department;
  readonly strategy: string;
  readonly wipLimit: number | null;
  readonly handlers: readonly HandlerAvailability[];
}

export interface Departments {
  readonly departments: readonly OrganisationDepartment[];
}

/** One ticket in a department's queue (`GET /v1/departments/:department/queue`). */
export interface QueueItem {
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
  readonly subject: string | null;
  readonly round: number;
  readonly deadlines: {
    readonly from: string;
    readonly firstResponseDueAt: string;
    readonly resolutionDueAt: string;
    readonly policyVersion: string;
    /** `business`: the minutes were counted in business hours; null when not known. */
    readonly countIn: DeadlineCounting | null;
    /** The deadlines count business hours (the calendar's opening hours), not the clock. */
    readonly businessHours: boolean;
    /** The deadlines whose clocks run: the department is at work and has not met them yet. */
    readonly running: readonly DeadlineKind[];
  };
  readonly overdue: boolean;
  /** The resolution clock is paused (the department waits on the customer or a third party); null while it runs. */
  readonly paused: ClockPause | null;
  readonly escalation: {
    readonly firstResponse: EscalationStage;
    readonly resolution: EscalationStage;
    readonly breached: boolean;
    readonly level: EscalationLevel | null;
  };
  readonly managementInvolved: boolean;
  readonly pendingTransfer: { readonly toDepartment: Department; readonly reason: string | null } | null;
  readonly closedOutcome: string | null;
  readonly routedAt: string;
  readonly assignedAt: string | null;
  readonly updatedAt: string;
  readonly streamPosition: number;
}

/** One page of a department's queue, most urgent first; `nextCursor` reads the next. */
export interface Queue extends Page<QueueItem> {
  readonly department: Department;
  readonly asOf: string;
  /** How the queue is ordered by urgency (QUEUE_ORDER_FILE), in words. */
  readonly order: { readonly mode: 'deadline_with_priority_lead' | 'priority_then_deadline'; readonly description: string };
  /** Tickets another department offers to pass to this one; with the first page only. */
  readonly incomingTransfers: readonly QueueItem[];
  /** More are offered than the first page carries. */
  readonly moreIncomingTransfers: boolean;
  /** Open sub-requests other departments' tickets ask of this one, soonest due first; with the first page only. */
  readonly subRequests: readonly SubRequestItem[];
  readonly moreSubRequests: boolean;
}

export const SUB_REQUEST_STATUSES = ['awaiting_handler', 'in_progress', 'answered', 'closed'] as const;
export type SubRequestStatus = (typeof SUB_REQUEST_STATUSES)[number];

/** A sub-request as the department asked sees it in its queue. */
export interface SubRequestItem {
  readonly ticketId: string;
  readonly subRequestId: string;
  readonly department: Department;
  /** The ticket's own department, which asked and combines the answers. */
  readonly leadDepartment: Department;
  readonly round: number;
  readonly reason: string;
  readonly status: SubRequestStatus;
  readonly handlerId: string | null;
  readonly subject: string | null;
  readonly firstResponseDueAt: string;
  readonly resolutionDueAt: string;
  readonly responded: boolean;
  /** A deadline still running is past due. */
  readonly overdue: boolean;
  /** How far each missed deadline has gone: breached, then its manager, then management (the deadline sweep). */
  readonly escalation: { readonly firstResponse: EscalationStage; readonly resolution: EscalationStage };
  /** The answer, or management's reason for closing it; null while open. */
  readonly outcome: string | null;
  readonly openedAt: string;
  readonly updatedAt: string;
}

/** A sub-request as the ticket shows it (`GET /v1/tickets/:ticketId`). */
export interface TicketSubRequest {
  readonly subRequestId: string;
  readonly round: number;
  readonly department: Department;
  readonly reason: string;
  readonly status: SubRequestStatus;
  readonly handlerId: string | null;
  readonly deadlines: Deadlines;
  readonly responded: boolean;
  readonly outcome: string | null;
}

/** A ticket's routing state, read from its stream (`GET /v1/tickets/:ticketId`). */
export interface RoutingTicket {
  readonly ticketId: string;
  readonly status: QueueStatus;
  readonly department: Department;
  readonly handlerId: string | null;
  readonly round: number;
  readonly type: TicketType;
  readonly category: string;
  readonly priority: Priority;
  readonly channel: Channel;
  readonly platform: string | null;
  readonly complaint: boolean;
  readonly subject: string | null;
  /** Masked; the details in clear are behind `GET /v1/tickets/:ticketId/customer`. */
  readonly customer: CustomerView | null;
  readonly deadlines: Deadlines & { readonly businessHours: boolean };
  readonly firstResponseGiven: boolean;
  readonly escalations: Readonly<Record<DeadlineKind, EscalationStage>>;
  readonly managementInvolved: boolean;
  readonly pendingTransfer: { readonly toDepartment: Department; readonly reason: string } | null;
  /** Management's request for an update that the department's next progress note will answer. */
  readonly pendingUpdateRequest: { readonly requestId: string; readonly requestedBy: string } | null;
  /** The resolution clock is paused; null while it runs. */
  readonly paused: ClockPause | null;
  /** Minutes the resolution clock stood still in this round, pauses ended (by wall clock). */
  readonly pausedMinutesThisRound: number;
  /** Every sub-request asked of other departments, every round's, in the order asked. */
  readonly subRequests: readonly TicketSubRequest[];
  readonly outcome: CloseOutcome | null;
  /** The stream version the state was read at. */
  readonly version: number;
}

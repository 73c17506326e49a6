// What follow-up answers: CS's worklist (`GET /v1/followups`) and a ticket's follow-up state.
import type { CustomerView } from './customers';
import type { CloseOutcome, Page } from './vocabulary';

/** What arrived for CS: a result to confirm with the customer, or a department's missed deadline. */
export const WORKLIST_ARRIVALS = ['result', 'late_progress'] as const;
export type WorklistArrival = (typeof WORKLIST_ARRIVALS)[number];

/** One item of CS's follow-up worklist (`GET /v1/followups`), longest waiting first. */
export interface WorklistItem {
  readonly ticketId: string;
  readonly arrived: WorklistArrival;
  /** The contact's subject; null until intake's record reaches follow-up. */
  readonly subject: string | null;
  /** Whom to call, masked; the details in clear are behind `GET /v1/tickets/:ticketId/customer`. */
  readonly customer: CustomerView | null;
  /** The department the result or the late progress is from (null for a first-contact answer). */
  readonly department: string | null;
  readonly round: number;
  /** Since when it waits for CS: the confirmation request, or the deadline missed. */
  readonly since: string | null;
  /** Who recorded the contact (a CS agent, or an upstream client). */
  readonly recordedBy: string | null;
  readonly result: {
    readonly resolvedBy: string;
    readonly summary: string;
    readonly requestedAt: string;
    readonly contactAttempts: number;
  } | null;
  readonly lateProgress: {
    readonly deadline: string;
    readonly dueAt: string | null;
    readonly escalationLevel: string | null;
    readonly lateSince: string | null;
  } | null;
}

/** One page of the worklist; `nextCursor` reads the next. */
export type Worklist = Page<WorklistItem>;

/** A ticket's follow-up state as `GET /v1/followups/:ticketId` and the confirmation commands show it. */
export interface FollowupTicket {
  readonly ticketId: string;
  readonly status: 'none' | 'awaiting_confirmation' | 'awaiting_result' | 'closed';
  readonly round?: number;
  readonly resolvedBy?: string;
  readonly department?: string;
  readonly contactAttempts?: number;
  readonly handedToManagement?: boolean;
  readonly outcome?: CloseOutcome;
}

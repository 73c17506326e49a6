// What follow-up answers: CS's worklist (`GET /v1/worklist`) and a ticket's follow-up state.
import type { CustomerView } from './customers';
import type { CloseOutcome } from './vocabulary';

export interface AwaitingConfirmationItem {
  readonly ticketId: string;
  readonly round: number;
  readonly resolvedBy: string;
  readonly department: string | null;
  readonly resultSummary: string;
  readonly requestedAt: string;
  readonly contactAttempts: number;
  /** Whom to call, masked; the details in clear are behind `GET /v1/tickets/:ticketId/customer`. */
  readonly customer: CustomerView | null;
}

export interface LateProgressItem {
  readonly ticketId: string;
  readonly department: string;
  readonly round: number;
  readonly deadline: string;
  readonly dueAt: string | null;
  readonly escalationLevel: string | null;
  readonly lateSince: string | null;
  readonly customer: CustomerView | null;
}

export interface Worklist {
  readonly awaitingConfirmation: readonly AwaitingConfirmationItem[];
  readonly lateProgress: readonly LateProgressItem[];
}

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

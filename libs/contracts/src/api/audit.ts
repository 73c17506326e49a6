// What evaluation's audit endpoints answer (`GET /v1/tickets/:ticketId/history`, `/handoffs`,
// `/verify`), from the services' event stores themselves.

export type ChainBreak =
  | { readonly kind: 'content_changed'; readonly streamPosition: number; readonly eventId: string }
  | { readonly kind: 'link_broken'; readonly streamPosition: number; readonly eventId: string }
  | { readonly kind: 'position_gap'; readonly expectedPosition: number; readonly foundPosition: number }
  | { readonly kind: 'head_mismatch'; readonly expectedHash: string; readonly foundHash: string };

export interface ChainVerification {
  readonly ok: boolean;
  readonly eventsChecked: number;
  readonly firstBreak?: ChainBreak;
}

export type Holder =
  | { readonly kind: 'cs'; readonly stage: 'intake' | 'follow_up' }
  | { readonly kind: 'department'; readonly department: string }
  | { readonly kind: 'handler'; readonly department: string; readonly handlerId: string }
  | { readonly kind: 'management' };

export interface Holding {
  readonly holder: Holder;
  readonly from: string;
  /** Null while the holder still has it. */
  readonly to: string | null;
  readonly minutes: number | null;
  /** The event that gave it to the holder, and the one that took it away. */
  readonly receivedBy: string;
  readonly passedOnBy: string | null;
}

export interface HandoffLedger {
  readonly holdings: readonly Holding[];
  /** Departments that got the ticket back after passing it on (A → B → A). */
  readonly bounces: readonly { readonly department: string; readonly at: string }[];
  /** Management on the ticket besides the holder (complaints, escalations), from when. */
  readonly managementInvolved: readonly { readonly at: string; readonly reason: string }[];
  /**
   * The holders of the ticket's sub-requests, beside the ticket's own holder at the same time: the
   * department asked, then its responsible handler, until it answered or management closed it.
   */
  readonly parallel: readonly ParallelHolding[];
}

export interface ParallelHolding extends Holding {
  readonly subRequestId: string;
}

export interface RunningDeadline {
  readonly deadline: 'first_response' | 'resolution';
  readonly round: number;
  readonly dueAt: string;
  /** Past due at the moment asked about (and not yet met). */
  readonly overdue: boolean;
}

export interface TicketStateAsOf {
  readonly asOf: string;
  readonly eventsSoFar: number;
  readonly stage: 'not_yet_recorded' | 'at_front_desk' | 'with_department' | 'awaiting_confirmation' | 'with_management' | 'closed';
  readonly holder: Holder | null;
  readonly department: string | null;
  readonly handlerId: string | null;
  readonly round: number;
  readonly complaint: boolean;
  readonly managementInvolved: boolean;
  readonly runningDeadlines: readonly RunningDeadline[];
  /** The resolution clock stood paused then: since when and why (its deadline is not among the running ones). */
  readonly pausedClock?: { readonly since: string; readonly reason: string } | null;
  readonly escalations: readonly { readonly level: string; readonly trigger: string; readonly at: string }[];
  readonly outcome: string | null;
  readonly lastEvent: { readonly type: string; readonly service: string; readonly occurredAt: string } | null;
}

/** One event of a ticket's history as an auditor reads it. */
export interface HistoryEntryView {
  readonly service: string;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly summary: string;
  readonly actorId: string;
  readonly role: string;
  readonly department: string | null;
  readonly reason: string | null;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly contentHash: string;
  readonly previousHash: string;
  readonly hash: string;
}

export interface TicketHistory {
  readonly ticketId: string;
  /** The moment asked about, or null for now. */
  readonly asOf: string | null;
  readonly state: TicketStateAsOf;
  readonly entries: readonly HistoryEntryView[];
}

export interface TicketLedger extends HandoffLedger {
  readonly ticketId: string;
}

export interface TicketVerification {
  readonly ticketId: string;
  readonly ok: boolean;
  readonly streams: readonly (ChainVerification & { readonly service: string; readonly streamId: string })[];
}

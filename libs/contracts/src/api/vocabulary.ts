// The words every context and the consoles share. Plain data and types with no import at all,
// so the consoles can read them (type-only) without bundling anything of the services.

export const CHANNELS = ['web_chat', 'message_board', 'email', 'hotline', 'social_media', 'on_site', 'visit'] as const;
export type Channel = (typeof CHANNELS)[number];

export const TICKET_TYPES = ['consultation', 'complaint', 'suggestion', 'feedback', 'information'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Higher is more pressing; for "the higher of two priorities" without string comparisons. */
export const PRIORITY_RANK: Readonly<Record<Priority, number>> = { low: 0, normal: 1, high: 2, urgent: 3 };

export const higherPriority = (a: Priority, b: Priority): Priority => (PRIORITY_RANK[b] > PRIORITY_RANK[a] ? b : a);

/** Who resolved what the customer is asked to confirm: CS at once, or a department. */
export const RESOLUTIONS = ['first_contact', 'department'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** How a ticket ended: never `satisfied` unless the customer said so. */
export const CLOSE_OUTCOMES = ['satisfied', 'unconfirmed_unreachable'] as const;
export type CloseOutcome = (typeof CLOSE_OUTCOMES)[number];

/** Departments and categories are configuration, not code: plain identifiers such as `billing`. */
export type Department = string;
export type Category = string;

/** The two service-level deadlines of a round, as computed by the deadline policy. */
export interface Deadlines {
  /** The instant the clock started from (the hand-over or the objection). */
  readonly from: string;
  /** The department's first response (its handling plan) is due. */
  readonly firstResponseDueAt: string;
  readonly resolutionDueAt: string;
  readonly policyVersion: string;
  /**
   * Whether the minutes were counted in business hours (the calendar's opening hours) or on the
   * clock. Absent on events recorded before it was kept.
   */
  readonly countIn?: DeadlineCounting;
}

export const DEADLINE_COUNTINGS = ['business', 'clock'] as const;
export type DeadlineCounting = (typeof DEADLINE_COUNTINGS)[number];

export const DEADLINE_KINDS = ['first_response', 'resolution'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

export const ESCALATION_LEVELS = ['department_manager', 'management'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

export const ESCALATION_TRIGGERS = ['first_response_overdue', 'resolution_overdue', 'rounds_exhausted'] as const;
export type EscalationTrigger = (typeof ESCALATION_TRIGGERS)[number];

/** Why a ticket's resolution clock stands still: the department waits on someone outside it. */
export const PAUSE_REASONS = ['waiting_on_customer', 'waiting_on_third_party'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

/**
 * What ended a pause: the handler (the answer came), the customer's answer recorded on the ticket
 * (a pause waiting on the customer only), the policy's maximum pause, the result (the round's
 * clock stops anyway) or a transfer (the next department has its own work to do).
 */
export const RESUME_TRIGGERS = ['handler', 'customer', 'limit', 'result', 'transfer'] as const;
export type ResumeTrigger = (typeof RESUME_TRIGGERS)[number];

/**
 * A page of any list of the API, keyset paged: `nextCursor` (opaque) reads the next page, null
 * on the last. See paging.ts for the convention.
 */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

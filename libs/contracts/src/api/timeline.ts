// What evaluation's timeline endpoints answer (`GET /v1/tickets`, `GET /v1/tickets/:id/timeline`).
import type { Department, EscalationLevel, EscalationTrigger, Page } from './vocabulary';

export interface LifecycleEscalation {
  readonly level: EscalationLevel;
  readonly trigger: EscalationTrigger;
  readonly round: number;
  readonly department: Department;
  /** A sub-request's deadline: \`department\` is the department asked. */
  readonly subRequestId?: string;
  readonly at: string;
}

export interface TimelineEntryView {
  readonly eventId: string;
  readonly service: string;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly actorId: string;
  readonly role: string;
  readonly department: string | null;
  readonly reason: string | null;
  readonly correlationId: string;
  readonly causationId: string;
  readonly summary: string;
  /** The event's data without the customer's contact details. */
  readonly data: unknown;
}

export interface LifecycleView {
  readonly ticketId: string;
  /** The contact's subject; null until intake's record reaches evaluation. */
  readonly subject: string | null;
  readonly channel: string | null;
  readonly type: string | null;
  readonly complaint: boolean;
  readonly openedAt: string | null;
  readonly firstResponseAt: string | null;
  readonly resolvedAt: string | null;
  readonly closedAt: string | null;
  readonly outcome: string | null;
  readonly resolvedAtFirstContact: boolean;
  readonly rounds: number;
  readonly reopens: number;
  readonly firstResponseMinutes: number | null;
  /** Without the minutes the resolution clock stood paused (`pausedMinutes`). */
  readonly resolutionMinutes: number | null;
  /** Minutes the resolution clock stood paused while the department waited on the customer or a third party. */
  readonly pausedMinutes: number;
  readonly firstResponseDeadlineMet: boolean | null;
  readonly resolutionDeadlineMet: boolean | null;
  readonly departmentsVisited: readonly string[];
  readonly escalationCount: number;
  readonly escalations: readonly LifecycleEscalation[];
  readonly managementInvolved: boolean;
  /** Timeline entries the figures were computed from. */
  readonly eventCount: number;
  readonly updatedAt: string;
}

export interface TicketTimelineView {
  readonly ticketId: string;
  readonly lifecycle: LifecycleView;
  readonly entries: readonly TimelineEntryView[];
}

/** A page of `GET /v1/tickets`, newest opened first; `total` only when asked with `count=true`. */
export interface TicketListView extends Page<LifecycleView> {
  readonly total?: number;
}

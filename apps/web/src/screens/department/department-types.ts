import type { CustomerView } from '../cs/cs-types';

export interface Person {
  readonly id: string;
  readonly name: string;
  readonly skills?: readonly string[];
}

export interface Department {
  readonly id: string;
  readonly name: string;
  readonly strategy: string;
  readonly handlers: readonly Person[];
  readonly managers: readonly Person[];
}

export type QueueStatus = 'awaiting_handler' | 'in_progress' | 'result_reported' | 'with_management' | 'closed';
export type DeadlineKind = 'first_response' | 'resolution';

export interface QueueItem {
  readonly ticketId: string;
  readonly department: string;
  readonly status: QueueStatus;
  readonly handlerId: string | null;
  readonly type: string;
  readonly category: string;
  readonly priority: string;
  readonly channel: string;
  readonly complaint: boolean;
  readonly subject: string | null;
  readonly round: number;
  readonly deadlines: {
    readonly firstResponseDueAt: string;
    readonly resolutionDueAt: string;
    readonly running: readonly DeadlineKind[];
  };
  readonly overdue: boolean;
  readonly escalation: { readonly level: 'department_manager' | 'management' | null; readonly breached: boolean };
  readonly managementInvolved: boolean;
  readonly pendingTransfer: { readonly toDepartment: string; readonly reason: string | null } | null;
  readonly closedOutcome: string | null;
  readonly routedAt: string;
  readonly updatedAt: string;
}

export interface Queue {
  readonly department: string;
  readonly asOf: string;
  readonly tickets: readonly QueueItem[];
  readonly incomingTransfers: readonly QueueItem[];
}

export type EscalationStage = 'none' | 'breached' | 'department_manager' | 'management';

export interface RoutingTicket {
  readonly ticketId: string;
  readonly status: QueueStatus;
  readonly department: string;
  readonly handlerId: string | null;
  readonly round: number;
  readonly type: string;
  readonly category: string;
  readonly priority: string;
  readonly channel: string;
  readonly platform: string | null;
  readonly complaint: boolean;
  readonly subject: string | null;
  readonly customer: CustomerView | null;
  readonly deadlines: { readonly from: string; readonly firstResponseDueAt: string; readonly resolutionDueAt: string };
  readonly firstResponseGiven: boolean;
  readonly escalations: Readonly<Record<DeadlineKind, EscalationStage>>;
  readonly managementInvolved: boolean;
  readonly pendingTransfer: { readonly toDepartment: string; readonly reason: string } | null;
  readonly outcome: string | null;
}

export interface TimelineEntry {
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly actorId: string;
  readonly role: string;
  readonly department: string | null;
  readonly reason: string | null;
  readonly summary: string;
  readonly data: unknown;
}

/** The deadlines whose clocks run for a queue item, earliest first. */
export function runningDeadlines(item: Pick<QueueItem, 'deadlines'>): { kind: DeadlineKind; dueAt: string }[] {
  return item.deadlines.running
    .map((kind) => ({ kind, dueAt: kind === 'first_response' ? item.deadlines.firstResponseDueAt : item.deadlines.resolutionDueAt }))
    .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
}

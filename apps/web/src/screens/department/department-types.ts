// What routing answers (and evaluation's timeline entries): the API's own types
// (libs/contracts/src/api), imported as types only; the names people read stay here.
import type { DeadlineKind, QueueItem, QueueStatus } from '@handoff/contracts/api';

export type {
  DeadlineKind,
  EscalationStage,
  OrganisationDepartment as Department,
  Queue,
  QueueItem,
  QueueStatus,
  RoutingTicket,
  StaffMember as Person,
  TimelineEntryView as TimelineEntry,
} from '@handoff/contracts/api';

/** The deadlines whose clocks run for a queue item, earliest first. */
export function runningDeadlines(item: Pick<QueueItem, 'deadlines'>): { kind: DeadlineKind; dueAt: string }[] {
  return item.deadlines.running
    .map((kind) => ({ kind, dueAt: kind === 'first_response' ? item.deadlines.firstResponseDueAt : item.deadlines.resolutionDueAt }))
    .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
}

/** What the queue is narrowed to; the service applies it. */
export interface QueueFilter {
  /** One status, or several separated by commas. */
  readonly status?: string;
  readonly handler?: string;
  readonly overdue?: boolean;
}

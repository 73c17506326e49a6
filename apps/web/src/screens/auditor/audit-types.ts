// What evaluation's audit endpoints answer (apps/evaluation/src/audit/audit.controller.ts, libs/audit).

export interface HistoryEntry {
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

export type Holder =
  | { readonly kind: 'cs'; readonly stage: 'intake' | 'follow_up' }
  | { readonly kind: 'department'; readonly department: string }
  | { readonly kind: 'handler'; readonly department: string; readonly handlerId: string }
  | { readonly kind: 'management' };

export interface TicketState {
  readonly asOf: string;
  readonly eventsSoFar: number;
  readonly stage: string;
  readonly holder: Holder | null;
  readonly department: string | null;
  readonly handlerId: string | null;
  readonly round: number;
  readonly complaint: boolean;
  readonly managementInvolved: boolean;
  readonly runningDeadlines: readonly { readonly deadline: string; readonly round: number; readonly dueAt: string; readonly overdue: boolean }[];
  readonly escalations: readonly { readonly level: string; readonly trigger: string; readonly at: string }[];
  readonly outcome: string | null;
  readonly lastEvent: { readonly type: string; readonly service: string; readonly occurredAt: string } | null;
}

export interface History {
  readonly ticketId: string;
  readonly asOf: string | null;
  readonly state: TicketState;
  readonly entries: readonly HistoryEntry[];
}

export interface Holding {
  readonly holder: Holder;
  readonly from: string;
  readonly to: string | null;
  readonly minutes: number | null;
  readonly receivedBy: string;
  readonly passedOnBy: string | null;
}

export interface Ledger {
  readonly ticketId: string;
  readonly holdings: readonly Holding[];
  readonly bounces: readonly { readonly department: string; readonly at: string }[];
  readonly managementInvolved: readonly { readonly at: string; readonly reason: string }[];
}

export type ChainBreak =
  | { readonly kind: 'content_changed'; readonly streamPosition: number; readonly eventId: string }
  | { readonly kind: 'link_broken'; readonly streamPosition: number; readonly eventId: string }
  | { readonly kind: 'position_gap'; readonly expectedPosition: number; readonly foundPosition: number }
  | { readonly kind: 'head_mismatch'; readonly expectedHash: string; readonly foundHash: string };

export interface Verification {
  readonly ticketId: string;
  readonly ok: boolean;
  readonly streams: readonly { readonly service: string; readonly streamId: string; readonly ok: boolean; readonly eventsChecked: number; readonly firstBreak?: ChainBreak }[];
}

export function holderName(holder: Holder | null): string {
  if (!holder) return '—';
  switch (holder.kind) {
    case 'cs':
      return holder.stage === 'intake' ? 'Customer service (front desk)' : 'Customer service (follow-up)';
    case 'department':
      return `Department ${holder.department}`;
    case 'handler':
      return `${holder.handlerId} (${holder.department})`;
    case 'management':
      return 'Management';
  }
}

export function breakDescription(found: ChainBreak): string {
  switch (found.kind) {
    case 'content_changed':
      return `the event at position ${found.streamPosition} (${found.eventId}) was changed after it was recorded`;
    case 'link_broken':
      return `the link to the event at position ${found.streamPosition} (${found.eventId}) is broken: an event was inserted, removed or reordered`;
    case 'position_gap':
      return `position ${found.expectedPosition} is missing (found ${found.foundPosition}): an event was deleted`;
    case 'head_mismatch':
      return `the stream's last event does not match the head the store kept (${found.expectedHash.slice(0, 12)}… expected, ${found.foundHash.slice(0, 12)}… found): the last event was removed or replaced`;
  }
}

/** "12 Nov 2026, 09:15:02": audits need the seconds. */
export function formatMoment(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

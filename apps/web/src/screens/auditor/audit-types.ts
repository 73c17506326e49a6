import { i18n, localeFormat } from '../../i18n';
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
      return i18n.t(holder.stage === 'intake' ? 'auditor:holders.csFrontDesk' : 'auditor:holders.csFollowUp');
    case 'department':
      return i18n.t('auditor:holders.department', { department: holder.department });
    case 'handler':
      return `${holder.handlerId} (${holder.department})`;
    case 'management':
      return i18n.t('auditor:holders.management');
  }
}

export function breakDescription(found: ChainBreak): string {
  switch (found.kind) {
    case 'content_changed':
    case 'link_broken':
      return i18n.t(`auditor:breaks.${found.kind}`, { position: found.streamPosition, eventId: found.eventId });
    case 'position_gap':
      return i18n.t('auditor:breaks.position_gap', { expected: found.expectedPosition, found: found.foundPosition });
    case 'head_mismatch':
      return i18n.t('auditor:breaks.head_mismatch', { expected: found.expectedHash.slice(0, 12), found: found.foundHash.slice(0, 12) });
  }
}

/** "12 Nov 2026, 09:15:02" / "2026年11月12日 09:15:02": audits need the seconds. */
export function formatMoment(iso: string | null | undefined): string {
  return localeFormat().dateTime(iso, { dateStyle: 'medium', timeStyle: 'medium' });
}

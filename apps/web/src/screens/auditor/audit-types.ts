import { i18n, localeFormat } from '../../i18n';
// What evaluation's audit endpoints answer: the API's own types (libs/contracts/src/api),
// imported as types only; the words people read stay here.
import type { ChainBreak, Holder } from '@handoff/contracts/api';

export type {
  ChainBreak,
  Holder,
  Holding,
  HistoryEntryView as HistoryEntry,
  TicketHistory as History,
  TicketLedger as Ledger,
  TicketStateAsOf as TicketState,
  TicketVerification as Verification,
} from '@handoff/contracts/api';

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

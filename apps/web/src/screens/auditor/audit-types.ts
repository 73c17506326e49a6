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

// The shapes evaluation's search answers with (apps/evaluation/src/search/search.reader.ts).
import type { CustomerView } from '../cs/cs-types';

export type Satisfaction = 'satisfied' | 'objected' | 'unconfirmed';

export interface SearchResult {
  readonly ticketId: string;
  readonly shortId: string;
  readonly subject: string | null;
  readonly type: string | null;
  readonly channel: string | null;
  readonly priority: string | null;
  readonly departments: readonly string[];
  readonly status: 'open' | 'closed';
  readonly openedAt: string;
  readonly closedAt: string | null;
  readonly outcome: string | null;
  readonly satisfaction: Satisfaction;
  /** Masked, erased, or null for a role that reads no contact details. */
  readonly customer: CustomerView | null;
}

export interface SearchPage {
  readonly items: readonly SearchResult[];
  readonly nextCursor: string | null;
}

export interface CustomerProfile extends SearchPage {
  readonly ticketId: string;
  readonly customer: CustomerView | null;
  readonly summary: { tickets: number; open: number; closed: number; satisfied: number; objected: number; unconfirmed: number };
}

/** 王* · ***78 · w***@example.com, or what stands in their place. */
export function maskedCustomer(customer: CustomerView | null, erased: string): string {
  if (!customer) return '—';
  if (customer.status === 'erased') return erased;
  return [customer.name, customer.phone, customer.email].filter(Boolean).join(' · ') || '—';
}

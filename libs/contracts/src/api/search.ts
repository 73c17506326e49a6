// What evaluation's search answers with (GET /v1/search, /v1/tickets/:id/customer-profile, /v1/customers/open-tickets).
import type { CustomerView } from './customers';

export const SEARCH_TICKET_STATUSES = ['open', 'closed'] as const;
export type SearchTicketStatus = (typeof SEARCH_TICKET_STATUSES)[number];

/** How the customer answered the last result: satisfied, objected, or not (yet) confirmed. */
export const SATISFACTIONS = ['satisfied', 'objected', 'unconfirmed'] as const;
export type Satisfaction = (typeof SATISFACTIONS)[number];

export interface SearchResult {
  readonly ticketId: string;
  readonly shortId: string;
  readonly subject: string | null;
  readonly type: string | null;
  readonly channel: string | null;
  readonly priority: string | null;
  readonly departments: readonly string[];
  readonly status: SearchTicketStatus;
  readonly openedAt: string;
  readonly closedAt: string | null;
  readonly outcome: string | null;
  readonly satisfaction: Satisfaction;
  /** Masked, `erased`, or null for a role that reads no contact details. */
  readonly customer: CustomerView | null;
}

export interface SearchPage {
  readonly items: readonly SearchResult[];
  readonly nextCursor: string | null;
}

/** Every ticket of one customer, open and closed, with how her answers went so far. */
export interface CustomerProfile extends SearchPage {
  readonly ticketId: string;
  readonly customer: CustomerView | null;
  readonly summary: { tickets: number; open: number; closed: number; satisfied: number; objected: number; unconfirmed: number };
}

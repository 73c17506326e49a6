// The shapes the services answer with, as far as the CS screen reads them.

// The values the services take, in the order the form offers them; their names for a person are
// in the `common` namespace (`channels.<value>`, `ticketTypes.<value>`, `priorities.<value>`).
export const CHANNELS = ['hotline', 'on_site', 'visit', 'web_chat', 'message_board', 'email', 'social_media'] as const;
export type Channel = (typeof CHANNELS)[number];

export const TICKET_TYPES = ['consultation', 'complaint', 'suggestion', 'feedback', 'information'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Contact details as a service shows them: in clear, masked, or gone after an erasure. */
export interface CustomerView {
  readonly status: 'clear' | 'masked' | 'erased';
  readonly customerId?: string;
  readonly name?: string;
  readonly phone?: string;
  readonly email?: string;
}

export interface RecordedContact {
  readonly ticketId: string;
  readonly created: boolean;
  readonly classification?: { readonly category: string; readonly priority: Priority; readonly resolution: 'first_contact' | 'department' };
}

export interface AwaitingConfirmationItem {
  readonly ticketId: string;
  readonly round: number;
  readonly resolvedBy: string;
  readonly department: string | null;
  readonly resultSummary: string;
  readonly requestedAt: string;
  readonly contactAttempts: number;
  readonly customer: CustomerView | null;
}

export interface LateProgressItem {
  readonly ticketId: string;
  readonly department: string;
  readonly round: number;
  readonly deadline: string;
  readonly dueAt: string | null;
  readonly escalationLevel: string | null;
  readonly lateSince: string | null;
  readonly customer: CustomerView | null;
}

export interface Worklist {
  readonly awaitingConfirmation: readonly AwaitingConfirmationItem[];
  readonly lateProgress: readonly LateProgressItem[];
}

/** Follow-up's own state of a ticket, read from its stream. */
export interface FollowupState {
  readonly ticketId: string;
  readonly status: 'none' | 'awaiting_confirmation' | 'awaiting_result' | 'closed';
  readonly round?: number;
  readonly resolvedBy?: string;
  readonly department?: string;
  readonly contactAttempts?: number;
  readonly handedToManagement?: boolean;
  readonly outcome?: string;
}

export const shortId = (ticketId: string) => ticketId.slice(0, 8);


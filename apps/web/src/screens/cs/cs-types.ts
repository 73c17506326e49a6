// The shapes the services answer with, as far as the CS screen reads them.

export const CHANNEL_NAMES = {
  hotline: 'Hotline',
  on_site: 'On site',
  visit: 'Customer visit',
  web_chat: 'Website chat',
  message_board: 'Message board',
  email: 'E-mail',
  social_media: 'Social media',
} as const;
export type Channel = keyof typeof CHANNEL_NAMES;

export const TYPE_NAMES = {
  consultation: 'Consultation',
  complaint: 'Complaint',
  suggestion: 'Suggestion',
  feedback: 'Feedback',
  information: 'Market information',
} as const;
export type TicketType = keyof typeof TYPE_NAMES;

export const PRIORITY_NAMES = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' } as const;
export type Priority = keyof typeof PRIORITY_NAMES;

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

export const DEADLINE_NAMES: Record<string, string> = { first_response: 'First response', resolution: 'Resolution' };
export const ESCALATION_NAMES: Record<string, string> = { department_manager: 'Department manager', management: 'Management' };

// What intake and follow-up answer: the API's own types (libs/contracts/src/api), imported as
// types only; the names people read stay here.
export type {
  AwaitingConfirmationItem,
  CustomerView,
  FollowupTicket as FollowupState,
  LateProgressItem,
  RecordedContact,
  Worklist,
} from '@handoff/contracts/api';

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

export const shortId = (ticketId: string) => ticketId.slice(0, 8);

export const DEADLINE_NAMES: Record<string, string> = { first_response: 'First response', resolution: 'Resolution' };
export const ESCALATION_NAMES: Record<string, string> = { department_manager: 'Department manager', management: 'Management' };

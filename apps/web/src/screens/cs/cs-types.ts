// What intake and follow-up answer: the API's own types (libs/contracts/src/api), imported as
// types only; the names people read stay here.
export type {
  CustomerView,
  FollowupTicket as FollowupState,
  RecordedContact,
  Worklist,
  WorklistArrival,
  WorklistItem,
} from '@handoff/contracts/api';

// The values the services take, in the order the form offers them; their names for a person are
// in the `common` namespace (`channels.<value>`, `ticketTypes.<value>`, `priorities.<value>`).
export const CHANNELS = ['hotline', 'on_site', 'visit', 'web_chat', 'message_board', 'email', 'social_media'] as const;
export type Channel = (typeof CHANNELS)[number];

export const TICKET_TYPES = ['consultation', 'complaint', 'suggestion', 'feedback', 'information'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const shortId = (ticketId: string) => ticketId.slice(0, 8);


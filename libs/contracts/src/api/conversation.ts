// What evaluation's conversation and notification endpoints answer (apps/evaluation/src/conversation, notifications).
import type { PauseReason, Priority, ResumeTrigger } from './vocabulary';

/** See `ConversationEntry.clock`. */
export interface ConversationClock {
  readonly reason?: PauseReason;
  readonly resumeBy?: string;
  readonly trigger?: ResumeTrigger;
  readonly pausedMinutes?: number;
  readonly resolutionDueAt?: string;
  readonly priority?: Priority;
  readonly previousPriority?: Priority;
}

/** What kind of step an entry is, so a screen can show words differently from bookkeeping. */
export type ConversationKind =
  | 'contact' // the customer's words as recorded
  | 'answer' // CS answered at first contact
  | 'handover' // CS → department (and management for a complaint)
  | 'pass' // between departments: asked, accepted, refused
  | 'progress' // the department's progress note or handling plan
  | 'result' // the department's result to CS
  | 'customer' // the customer's answer: satisfied, objection, unreachable
  | 'note' // an internal note
  | 'attachment' // a file added to the ticket, or to one of the entries above
  | 'escalation' // deadlines missed, escalations, management involved
  | 'step'; // everything else: classification, routing, assignment, closing, privacy records

/** The words of an entry, each under the name a screen labels it with. */
export interface ConversationWords {
  readonly subject?: string;
  readonly description?: string;
  readonly answer?: string;
  readonly note?: string;
  readonly reason?: string;
  readonly summary?: string;
  readonly apology?: string;
  readonly correctiveAction?: string;
  readonly objection?: string;
  /** Management's question to the department (an update request). */
  readonly request?: string;
  /** On the progress note that answers it: the question it answers. */
  readonly inAnswerTo?: string;
}

/**
 * What a ticket takes as an attachment, by what its bytes are (never by what the sender says):
 * images, PDF, Office documents (OOXML and the legacy OLE formats) and call recordings.
 */
export const ATTACHMENT_CONTENT_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'audio/mpeg',
  'audio/wav',
  'audio/mp4',
  'audio/ogg',
] as const;
export type AttachmentContentType = (typeof ATTACHMENT_CONTENT_TYPES)[number];

/** The entries a file may be attached to: the contact, a note, a progress update, a result. */
export const ATTACHABLE_ENTRY_TYPES = ['ContactRecorded', 'NoteAdded', 'ProgressReported', 'ResultReported'] as const;

export interface AttachmentView {
  /** Keyed with the customer's key: it names the file within its ticket and says nothing once the customer is erased. */
  readonly contentHash: string;
  /** The file's name as it was sent; null once the customer's data was erased (it was sealed with their key). */
  readonly fileName: string | null;
  readonly contentType: AttachmentContentType;
  readonly size: number;
  /** The entry it belongs to (its event id), or null for the ticket as a whole. */
  readonly entryId: string | null;
  /** `GET` it here (relative to evaluation's base URL). */
  readonly href: string;
}

/** `POST /v1/tickets/:id/attachments`. */
export interface AttachmentAddedView {
  readonly ticketId: string;
  readonly contentHash: string;
  readonly contentType: AttachmentContentType;
  readonly size: number;
  readonly entryId: string | null;
  readonly href: string;
}

export interface ConversationEntry {
  readonly eventId: string;
  readonly type: string;
  readonly kind: ConversationKind;
  readonly occurredAt: string;
  readonly actor: { readonly id: string; readonly role: string; readonly department: string | null };
  /** The handling round the entry belongs to: the event's own, else the latest one before it; null before routing. */
  readonly round: number | null;
  /** One line of what happened (no free text, no contact details). */
  readonly summary: string;
  readonly words: ConversationWords;
  /** Departments the entry concerns besides the actor's (a pass's target, the routed department). */
  readonly departments: readonly string[];
  readonly mentions?: { readonly people: readonly string[]; readonly departments: readonly string[] };
  readonly channel?: string;
  /** The sub-request an entry is about (its steps, and its deadlines' warnings, breaches and escalations), not the ticket's round. */
  readonly subRequestId?: string;
  /**
   * A paused or resumed resolution clock, or a new priority: the codes and instants the title is
   * written from in the reader's language (the reason of a pause, the minutes it lasted, the moved deadline).
   */
  readonly clock?: ConversationClock;
  /** Files attached to this entry (or, on an `AttachmentAdded` entry, the file it added). */
  readonly attachments?: readonly AttachmentView[];
}

/** `GET /v1/tickets/:id/conversation`. */
export interface TicketConversationView {
  readonly ticketId: string;
  readonly subject: string | null;
  readonly type: string | null;
  readonly channel: string | null;
  readonly complaint: boolean;
  /** `open` until closed, then the close outcome. */
  readonly status: string;
  readonly rounds: number;
  readonly departmentsVisited: readonly string[];
  readonly entries: readonly ConversationEntry[];
  /** Whether the caller follows the ticket (`POST`/`DELETE /v1/tickets/:id/watch`). */
  readonly watching: boolean;
  /** The ids of everyone following it, in the order they started. */
  readonly watchers: readonly string[];
}

/** `POST` and `DELETE /v1/tickets/:id/watch`. */
export interface TicketWatchView {
  readonly ticketId: string;
  readonly watching: boolean;
}

export const NOTIFICATION_KINDS = ['mentioned', 'assigned', 'result_arrived', 'update_requested', 'update_given', 'customer_answered', 'first_response_due', 'resolution_due', 'watched_change'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface NotificationView {
  readonly notificationId: string;
  readonly kind: NotificationKind;
  readonly ticketId: string;
  readonly occurredAt: string;
  readonly actorId: string;
  readonly excerpt: string | null;
  /** To the person, to their department, to the CS agent of the ticket, or to those who watch it. */
  readonly via: 'person' | 'department' | 'ticket' | 'watching';
  readonly unread: boolean;
}

/** `GET /v1/notifications`. */
export interface NotificationsPage {
  readonly items: readonly NotificationView[];
  readonly unread: number;
  readonly nextCursor: string | null;
}

import { sealedSpanPattern, type NotificationKind } from '@handoff/contracts';

/**
 * Who is told of what (issue "one voice": notifications for each person). Pure: one event in,
 * the notifications it causes out. A recipient is a person, a department (everyone in it),
 * `ticket-cs`: the CS agent who took the contact, or `ticket-watchers`: whoever watched the ticket
 * when the event occurred. The last two are resolved when read, so the rows do not depend on the
 * order in which the topics of one ticket arrive (a rebuild reads them store by store; a watch is
 * on evaluation's topic, the change it tells of on routing's or follow-up's).
 */
export type Recipient = `person:${string}` | `department:${string}` | 'ticket-cs' | 'ticket-watchers';

export interface NotificationSource {
  readonly eventId: string;
  readonly ticketId: string;
  readonly type: string;
  readonly data: unknown;
  readonly actorId: string;
  readonly occurredAt: string;
}

export interface PersonNotification {
  readonly notificationId: string;
  readonly recipient: Recipient;
  readonly kind: NotificationKind;
  readonly ticketId: string;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly actorId: string;
  /** A few words to recognise it by: the note's beginning, the result's summary. Never contact details: those typed into the words show as ***. */
  readonly excerpt: string | null;
}

/**
 * The changes of a ticket that matter to a person who follows it, each with the words to recognise it
 * by. A deadline warning or an assignment is for those who hold the ticket, not for its watchers.
 */
const WATCHED_CHANGE_EXCERPTS = {
  ProgressReported: (data) => data.note,
  ResultReported: (data) => data.summary,
  TransferRequested: (data) => data.reason,
  TransferAccepted: (data) => data.toDepartment,
  TicketEscalated: (data) => data.reason,
  TicketHandedToManagement: (data) => data.objection,
  CustomerObjected: (data) => data.objection,
  TicketClosed: (data) => data.outcome,
  NoteAdded: (data) => data.text,
} as const satisfies Record<string, (data: Record<string, unknown>) => unknown>;

const WATCHED_CHANGES = Object.keys(WATCHED_CHANGE_EXCERPTS) as (keyof typeof WATCHED_CHANGE_EXCERPTS)[];

/** The event types that notify anyone, or tell who the CS agent of a ticket is. */
export const NOTIFYING_TYPES: readonly string[] = [
  ...new Set([
    'NoteAdded',
    'HandlerAssigned',
    'ConfirmationRequested',
    'ContactRecorded',
    'AnsweredAtFirstContact',
    'UpdateRequested',
    'CustomerAnswered',
    'ProgressReported',
    'DeadlineApproaching',
    ...WATCHED_CHANGES,
  ]),
];

const EXCERPT_LENGTH = 140;

export function notificationsOf(event: NotificationSource): PersonNotification[] {
  const told = notificationsByRole(event);
  const excerptOf = WATCHED_CHANGE_EXCERPTS[event.type as keyof typeof WATCHED_CHANGE_EXCERPTS];
  if (!excerptOf) return told;
  // One row for all watchers: those also told by name, department or as the ticket's CS agent see only that row (the reader).
  const watchers = notification(event, 'ticket-watchers', 'watched_change', excerptOf(dataOf(event)));
  return [...told, watchers];
}

const dataOf = (event: NotificationSource) => (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Record<string, unknown>;

function notification(event: NotificationSource, recipient: Recipient, kind: NotificationKind, excerpt: unknown): PersonNotification {
  return {
    notificationId: `${event.eventId}/${recipient}`,
    recipient,
    kind,
    ticketId: event.ticketId,
    eventId: event.eventId,
    occurredAt: event.occurredAt,
    actorId: event.actorId,
    excerpt: typeof excerpt === 'string' ? shorten(excerpt) : null,
  };
}

function notificationsByRole(event: NotificationSource): PersonNotification[] {
  const data = dataOf(event);
  const make = (recipient: Recipient, kind: NotificationKind, excerpt: unknown) => notification(event, recipient, kind, excerpt);
  switch (event.type) {
    case 'NoteAdded': {
      const mentions = (data.mentions ?? {}) as { people?: unknown; departments?: unknown };
      const people = Array.isArray(mentions.people) ? mentions.people.filter((id): id is string => typeof id === 'string' && id !== event.actorId) : [];
      const departments = Array.isArray(mentions.departments) ? mentions.departments.filter((id): id is string => typeof id === 'string') : [];
      return [
        ...[...new Set(people)].map((id) => make(`person:${id}`, 'mentioned', data.text)),
        ...[...new Set(departments)].map((id) => make(`department:${id}`, 'mentioned', data.text)),
      ];
    }
    case 'HandlerAssigned': {
      // Claiming a ticket oneself needs no telling.
      const handlerId = data.handlerId;
      if (typeof handlerId !== 'string' || handlerId === event.actorId) return [];
      return [make(`person:${handlerId}`, 'assigned', data.reason)];
    }
    case 'ConfirmationRequested':
      return [make('ticket-cs', 'result_arrived', data.resultSummary)];
    case 'UpdateRequested': {
      // The department hears of it, and its responsible handler by name (the reader shows them one row).
      const department = typeof data.department === 'string' ? [make(`department:${data.department}`, 'update_requested', data.message)] : [];
      const handler = typeof data.handlerId === 'string' && data.handlerId !== event.actorId ? [make(`person:${data.handlerId}`, 'update_requested', data.message)] : [];
      return [...handler, ...department];
    }
    case 'CustomerAnswered': {
      // The answer is for whoever works the ticket: its handler by name, the department while nobody holds it.
      const recipient: Recipient | null =
        typeof data.handlerId === 'string' ? `person:${data.handlerId}` : typeof data.department === 'string' ? `department:${data.department}` : null;
      return recipient && recipient !== `person:${event.actorId}` ? [make(recipient, 'customer_answered', data.answer)] : [];
    }
    case 'ProgressReported': {
      // Only a note that answers management's request tells anyone: the person who asked.
      const answers = data.answersUpdateRequest as { requestedBy?: unknown } | undefined;
      if (typeof answers?.requestedBy !== 'string' || answers.requestedBy === event.actorId) return [];
      return [make(`person:${answers.requestedBy}`, 'update_given', data.note)];
    }
    case 'DeadlineApproaching': {
      // Its holder, or the department while nobody holds it; the excerpt is the due time, which the consoles show in their own zone.
      const recipient: Recipient | null =
        typeof data.handlerId === 'string' ? `person:${data.handlerId}` : typeof data.department === 'string' ? `department:${data.department}` : null;
      return recipient ? [make(recipient, data.deadline === 'first_response' ? 'first_response_due' : 'resolution_due', data.dueAt)] : [];
    }
    default:
      return [];
  }
}

/** The CS agent a ticket's follow-up belongs to: whoever in CS recorded the contact or answered it. */
export function csAgentOf(event: NotificationSource & { readonly role: string }): string | undefined {
  if (event.role !== 'cs') return undefined;
  return event.type === 'ContactRecorded' || event.type === 'AnsweredAtFirstContact' ? event.actorId : undefined;
}

function shorten(text: string): string {
  // A contact detail typed into the words is sealed; an excerpt shows it as *** (and never cuts a sealed span in two).
  const flat = text.replace(sealedSpanPattern(), '***').replace(/\s+/g, ' ').trim();
  return flat.length <= EXCERPT_LENGTH ? flat : `${flat.slice(0, EXCERPT_LENGTH - 1)}…`;
}

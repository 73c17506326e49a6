import {
  ATTACHABLE_ENTRY_TYPES,
  assertNever,
  DomainError,
  type Actor,
  type AttachmentAdded,
  type AttachmentAddedData,
  type Command,
  type Decider,
  type Department,
  type NoteAdded,
  type NoteMentions,
  type Role,
  type TicketUnwatched,
  type TicketWatched,
  ValidationFailed,
} from '@handoff/contracts';
import { assertMayReadTimeline } from '../timeline/timeline-access';

/**
 * A ticket's internal notes, attachments and watchers (stream `evaluation-conversation-<ticketId>`).
 * Whether the ticket exists, which departments it concerns and the entry a file is attached to
 * are looked up by the caller from the timeline and given as data, so the rule is a pure function of them.
 */

/** Roles whose work is on the ticket itself; QA and auditors read the conversation, they do not write in it. */
export const NOTE_WRITERS: readonly Role[] = ['cs', 'department_handler', 'department_manager', 'management'];
const DEPARTMENT_ROLES: readonly Role[] = ['department_handler', 'department_manager'];

export type AddNote = Command<
  'AddNote',
  {
    readonly noteId: string;
    readonly text: string;
    readonly mentions: NoteMentions;
    /** The ticket as the timeline knows it, or null when no event of it has arrived. */
    readonly ticket: { readonly departmentsConcerned: readonly Department[] } | null;
  }
>;

/** The conversation entry a file is to be attached to, as the timeline (or the notes) know it. */
export interface AttachableEntry {
  readonly eventId: string;
  readonly type: string;
  /** The department of whoever wrote it (a progress update's or a result's department). */
  readonly department: Department | null;
}

export type AddAttachment = Command<
  'AddAttachment',
  Omit<AttachmentAddedData, 'entryId'> & {
    readonly entryId: string | null;
    /** The entry named by `entryId`, or null when there is none such on this ticket. */
    readonly entry: AttachableEntry | null;
    readonly ticket: { readonly departmentsConcerned: readonly Department[] } | null;
  }
>;

/** Follow the ticket (`watching: true`) or stop; the caller is the watcher. */
export type SetWatching = Command<
  'SetWatching',
  {
    readonly watching: boolean;
    readonly ticket: { readonly departmentsConcerned: readonly Department[] } | null;
  }
>;

export type ConversationCommand = AddNote | AddAttachment | SetWatching;
export type ConversationEvent = NoteAdded | AttachmentAdded | TicketWatched | TicketUnwatched;

export interface ConversationState {
  readonly notes: readonly string[];
  /** `<entryId or ''>:<contentHash>` of every file added: the same file on the same entry is added once. */
  readonly attachments: readonly string[];
  readonly watchers: readonly string[];
}

export const initialConversationState: ConversationState = { notes: [], attachments: [], watchers: [] };

export function decideConversation(command: ConversationCommand, state: ConversationState): readonly ConversationEvent[] {
  switch (command.type) {
    case 'AddNote':
      return addNote(command, state);
    case 'AddAttachment':
      return addAttachment(command, state);
    case 'SetWatching':
      return setWatching(command, state);
    default:
      return assertNever(command);
  }
}

function assertMayWrite(actor: Actor, ticket: AddNote['data']['ticket']): asserts ticket is NonNullable<AddNote['data']['ticket']> {
  if (!NOTE_WRITERS.includes(actor.role)) throw new DomainError('FORBIDDEN', 'QA and auditors read a ticket’s conversation but do not write in it');
  if (!ticket) throw new DomainError('NOT_FOUND', 'no such ticket (or its first events have not arrived yet)');
  if (DEPARTMENT_ROLES.includes(actor.role) && (actor.department === undefined || !ticket.departmentsConcerned.includes(actor.department))) {
    throw new DomainError('FORBIDDEN', 'a department writes only on the tickets it has held or was asked to take');
  }
}

function addNote(command: AddNote, state: ConversationState): readonly NoteAdded[] {
  const { actor } = command.metadata;
  const { noteId, text, mentions, ticket } = command.data;
  assertMayWrite(actor, ticket);
  if (state.notes.includes(noteId)) return [];
  return [{ type: 'NoteAdded', data: { noteId, text, mentions: { people: unique(mentions.people), departments: unique(mentions.departments) } } }];
}

const unique = (values: readonly string[]): string[] => [...new Set(values)];

/**
 * Whoever may write on the ticket attaches a file to it, or to a note; the contact is CS's record,
 * so CS attaches to it (the customer's screenshot, the call recording); a progress update or a
 * result is its department's (or management's, who may report for it).
 */
function addAttachment(command: AddAttachment, state: ConversationState): readonly AttachmentAdded[] {
  const { entryId, entry, ticket, contentHash, keyId, fileName, contentType, size } = command.data;
  assertMayAttach(command.metadata.actor, ticket, entryId, entry);
  if (state.attachments.includes(attachmentKey(entryId, contentHash))) return [];
  return [{ type: 'AttachmentAdded', data: { contentHash, keyId, fileName, contentType, size, entryId } }];
}

/** The rule alone, so the edge can apply it before it reads a file it would refuse. */
export function assertMayAttach(actor: Actor, ticket: AddAttachment['data']['ticket'], entryId: string | null, entry: AttachableEntry | null): void {
  assertMayWrite(actor, ticket);
  if (entryId === null) return;
  if (!entry) throw invalidEntry('is not an entry of this ticket’s conversation');
  if (!(ATTACHABLE_ENTRY_TYPES as readonly string[]).includes(entry.type)) throw invalidEntry('must be the contact, a note, a progress update or a result');
  if (entry.type === 'ContactRecorded' && actor.role !== 'cs') throw new DomainError('FORBIDDEN', 'files are attached to the contact by CS, who recorded it');
  if ((entry.type === 'ProgressReported' || entry.type === 'ResultReported') && actor.role !== 'management' && actor.department !== entry.department) {
    throw new DomainError('FORBIDDEN', 'files are attached to a progress update or a result by the department that wrote it');
  }
}

const attachmentKey = (entryId: string | null, contentHash: string) => `${entryId ?? ''}:${contentHash}`;

function invalidEntry(message: string): ValidationFailed {
  return new ValidationFailed([{ field: 'entryId', message }]);
}

/**
 * Whoever may read the conversation may follow it (QA and auditors too: reading is all a watch
 * gives). Asking for what already holds records nothing, so a double click is harmless.
 */
function setWatching(command: SetWatching, state: ConversationState): readonly (TicketWatched | TicketUnwatched)[] {
  const { actor } = command.metadata;
  const { watching, ticket } = command.data;
  if (!ticket) throw new DomainError('NOT_FOUND', 'no such ticket (or its first events have not arrived yet)');
  assertMayReadTimeline(actor, ticket.departmentsConcerned);
  if (state.watchers.includes(actor.id) === watching) return [];
  return [{ type: watching ? 'TicketWatched' : 'TicketUnwatched', data: { watcherId: actor.id } }];
}

export function evolveConversation(state: ConversationState, event: ConversationEvent): ConversationState {
  switch (event.type) {
    case 'NoteAdded':
      return { ...state, notes: [...state.notes, event.data.noteId] };
    case 'AttachmentAdded':
      return { ...state, attachments: [...state.attachments, attachmentKey(event.data.entryId, event.data.contentHash)] };
    case 'TicketWatched':
      return { ...state, watchers: [...state.watchers, event.data.watcherId] };
    case 'TicketUnwatched':
      return { ...state, watchers: state.watchers.filter((id) => id !== event.data.watcherId) };
    default:
      return assertNever(event);
  }
}

export const conversationDecider: Decider<ConversationCommand, ConversationEvent, ConversationState> = {
  initialState: initialConversationState,
  decide: decideConversation,
  evolve: evolveConversation,
};

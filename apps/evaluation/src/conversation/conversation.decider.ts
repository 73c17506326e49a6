import { assertNever, DomainError, type Command, type Decider, type Department, type NoteAdded, type NoteMentions, type Role } from '@handoff/contracts';

/**
 * A ticket's internal notes (stream `evaluation-conversation-<ticketId>`). Whether the ticket
 * exists and which departments it concerns are looked up by the caller from the timeline and
 * given as data, so the rule is a pure function of them.
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

export type ConversationCommand = AddNote;

export interface ConversationState {
  readonly notes: readonly string[];
}

export const initialConversationState: ConversationState = { notes: [] };

export function decideConversation(command: ConversationCommand, state: ConversationState): readonly NoteAdded[] {
  switch (command.type) {
    case 'AddNote':
      return addNote(command, state);
    default:
      return assertNever(command.type);
  }
}

function addNote(command: AddNote, state: ConversationState): readonly NoteAdded[] {
  const { actor } = command.metadata;
  const { noteId, text, mentions, ticket } = command.data;
  if (!NOTE_WRITERS.includes(actor.role)) throw new DomainError('FORBIDDEN', 'QA and auditors read a ticket’s conversation but do not write in it');
  if (!ticket) throw new DomainError('NOT_FOUND', 'no such ticket (or its first events have not arrived yet)');
  if (DEPARTMENT_ROLES.includes(actor.role) && (actor.department === undefined || !ticket.departmentsConcerned.includes(actor.department))) {
    throw new DomainError('FORBIDDEN', 'a department writes only on the tickets it has held or was asked to take');
  }
  if (state.notes.includes(noteId)) return [];
  return [{ type: 'NoteAdded', data: { noteId, text, mentions: { people: unique(mentions.people), departments: unique(mentions.departments) } } }];
}

const unique = (values: readonly string[]): string[] => [...new Set(values)];

export function evolveConversation(state: ConversationState, event: NoteAdded): ConversationState {
  return { notes: [...state.notes, event.data.noteId] };
}

export const conversationDecider: Decider<ConversationCommand, NoteAdded, ConversationState> = {
  initialState: initialConversationState,
  decide: decideConversation,
  evolve: evolveConversation,
};

import { DomainError, type Actor, type CommandMetadata, type NoteAdded } from '@handoff/contracts';
import { decideConversation, evolveConversation, initialConversationState, type AddNote, type ConversationState } from './conversation.decider';

const NOW = new Date('2025-03-10T02:00:00Z');
const NOTE = '5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
const meta = (actor: Actor): CommandMetadata => ({ now: NOW, actor, correlationId: 'req-1', causationId: 'req-1' });
const addNote = (actor: Actor, data: Partial<AddNote['data']> = {}): AddNote => ({
  type: 'AddNote',
  data: { noteId: NOTE, text: 'The courier promised Tuesday.', mentions: { people: ['agent-1'], departments: [] }, ticket: { departmentsConcerned: ['logistics'] }, ...data },
  metadata: meta(actor),
});
const given = (events: readonly NoteAdded[]): ConversationState => events.reduce(evolveConversation, initialConversationState);
const refusal = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'other';
  }
  return undefined;
};

describe('adding a note to a ticket’s conversation', () => {
  it.each<[string, Actor]>([
    ['a CS agent', { id: 'agent-1', role: 'cs' }],
    ['management', { id: 'director-1', role: 'management' }],
    ['a handler of a department that held it', { id: 'logistics-li', role: 'department_handler', department: 'logistics' }],
    ['that department’s manager', { id: 'logistics-boss', role: 'department_manager', department: 'logistics' }],
  ])('when %s adds one, then NoteAdded records the words and whom they mention', (_, actor) => {
    expect(decideConversation(addNote(actor), initialConversationState)).toEqual([
      { type: 'NoteAdded', data: { noteId: NOTE, text: 'The courier promised Tuesday.', mentions: { people: ['agent-1'], departments: [] } } },
    ]);
  });

  it('mentions each person and department once', () => {
    const [event] = decideConversation(addNote({ id: 'agent-1', role: 'cs' }, { mentions: { people: ['a', 'b', 'a'], departments: ['billing', 'billing'] } }), initialConversationState);
    expect(event.data.mentions).toEqual({ people: ['a', 'b'], departments: ['billing'] });
  });

  it.each<[string, Actor, string]>([
    ['QA', { id: 'inspector-1', role: 'qa' }, 'FORBIDDEN'],
    ['an auditor', { id: 'auditor-1', role: 'auditor' }, 'FORBIDDEN'],
    ['a department the ticket never concerned', { id: 'billing-wu', role: 'department_handler', department: 'billing' }, 'FORBIDDEN'],
  ])('when %s tries, then it is refused (%s)', (_, actor, code) => {
    expect(refusal(() => decideConversation(addNote(actor), initialConversationState))).toBe(code);
  });

  it('refuses a note on a ticket evaluation has not seen', () => {
    expect(refusal(() => decideConversation(addNote({ id: 'agent-1', role: 'cs' }, { ticket: null }), initialConversationState))).toBe('NOT_FOUND');
  });

  it('given the note was added, when the same note comes again, then nothing new is recorded', () => {
    const [added] = decideConversation(addNote({ id: 'agent-1', role: 'cs' }), initialConversationState);
    expect(decideConversation(addNote({ id: 'agent-1', role: 'cs' }), given([added]))).toEqual([]);
  });
});

import { DomainError, EVALUATION_EVENTS, type Actor, type AttachmentAdded, type CommandMetadata, type NoteAdded } from '@handoff/contracts';
import { DeciderSpecification } from '@handoff/testing';
import {
  conversationDecider,
  decideConversation,
  evolveConversation,
  initialConversationState,
  type AddAttachment,
  type AddNote,
  type ConversationEvent,
  type ConversationState,
  type SetWatching,
} from './conversation.decider';

const NOW = new Date('2025-03-10T02:00:00Z');
const NOTE = '5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
const meta = (actor: Actor): CommandMetadata => ({ now: NOW, actor, correlationId: 'req-1', causationId: 'req-1' });
const addNote = (actor: Actor, data: Partial<AddNote['data']> = {}): AddNote => ({
  type: 'AddNote',
  data: { noteId: NOTE, text: 'The courier promised Tuesday.', mentions: { people: ['agent-1'], departments: [] }, ticket: { departmentsConcerned: ['logistics'] }, ...data },
  metadata: meta(actor),
});
const given = (events: readonly ConversationEvent[]): ConversationState => events.reduce(evolveConversation, initialConversationState);
const refusal = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'other';
  }
  return undefined;
};

// Every event the conversation's decider makes is checked against its published contract.
const specification = DeciderSpecification.for(conversationDecider, {
  NoteAdded: EVALUATION_EVENTS.NoteAdded,
  AttachmentAdded: EVALUATION_EVENTS.AttachmentAdded,
  TicketWatched: EVALUATION_EVENTS.TicketWatched,
  TicketUnwatched: EVALUATION_EVENTS.TicketUnwatched,
});
afterAll(() => specification.expectEveryEventEmitted());

describe('adding a note to a ticket’s conversation', () => {
  it.each<[string, Actor]>([
    ['a CS agent', { id: 'agent-1', role: 'cs' }],
    ['management', { id: 'director-1', role: 'management' }],
    ['a handler of a department that held it', { id: 'logistics-li', role: 'department_handler', department: 'logistics' }],
    ['that department’s manager', { id: 'logistics-boss', role: 'department_manager', department: 'logistics' }],
  ])('when %s adds one, then NoteAdded records the words and whom they mention', (_, actor) => {
    specification
      .given()
      .when(addNote(actor))
      .then([{ type: 'NoteAdded', data: { noteId: NOTE, text: 'The courier promised Tuesday.', mentions: { people: ['agent-1'], departments: [] } } }]);
  });

  it('mentions each person and department once', () => {
    const [event] = decideConversation(addNote({ id: 'agent-1', role: 'cs' }, { mentions: { people: ['a', 'b', 'a'], departments: ['billing', 'billing'] } }), initialConversationState) as NoteAdded[];
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

describe('attaching a file to a ticket’s conversation', () => {
  const HASH = 'c0ffee'.padEnd(64, '0');
  const CONTACT = { eventId: '0a0a0a0a-1b1b-4c4c-8d8d-0e0e0e0e0e0e', type: 'ContactRecorded', department: null };
  const PROGRESS = { eventId: '1a1a1a1a-2b2b-4c4c-8d8d-0e0e0e0e0e0e', type: 'ProgressReported', department: 'logistics' };
  const RESULT = { eventId: '2a2a2a2a-3b3b-4c4c-8d8d-0e0e0e0e0e0e', type: 'ResultReported', department: 'logistics' };
  const NOTE_ENTRY = { eventId: '3a3a3a3a-4b4b-4c4c-8d8d-0e0e0e0e0e0e', type: 'NoteAdded', department: null };
  const ROUTED = { eventId: '4a4a4a4a-5b5b-4c4c-8d8d-0e0e0e0e0e0e', type: 'TicketRouted', department: null };
  const file = { contentHash: HASH, keyId: 'cust_abc', fileName: 'v1.aaaa.bbbb.cccc', contentType: 'image/png', size: 2048 } as const;

  const cs: Actor = { id: 'agent-1', role: 'cs' };
  const logistics: Actor = { id: 'logistics-li', role: 'department_handler', department: 'logistics' };
  const billing: Actor = { id: 'billing-wu', role: 'department_handler', department: 'billing' };
  const management: Actor = { id: 'director-1', role: 'management' };

  const attach = (actor: Actor, entry: AddAttachment['data']['entry'], data: Partial<AddAttachment['data']> = {}): AddAttachment => ({
    type: 'AddAttachment',
    data: { ...file, entryId: entry?.eventId ?? null, entry, ticket: { departmentsConcerned: ['logistics'] }, ...data },
    metadata: meta(actor),
  });
  const added = (entryId: string | null): AttachmentAdded => ({ type: 'AttachmentAdded', data: { ...file, entryId } });

  it.each<[string, Actor, AddAttachment['data']['entry']]>([
    ['the department to its progress update', logistics, PROGRESS],
    ['the department to its result', logistics, RESULT],
    ['management to a department’s result', management, RESULT],
    ['CS to the contact it recorded', cs, CONTACT],
    ['CS to a note', cs, NOTE_ENTRY],
    ['the department to a note', logistics, NOTE_ENTRY],
    ['CS to the ticket as a whole', cs, null],
  ])('when %s attaches a file, then AttachmentAdded records it by its keyed hash', (_, actor, entry) => {
    specification.given().when(attach(actor, entry)).then([added(entry?.eventId ?? null)]);
  });

  it('given the same file on the same entry, then nothing new is recorded; on another entry, it is attached there too', () => {
    specification.given(added(PROGRESS.eventId)).when(attach(logistics, PROGRESS)).then([]);
    specification.given(added(PROGRESS.eventId)).when(attach(logistics, RESULT)).then([added(RESULT.eventId)]);
  });

  it.each<[string, Actor, AddAttachment['data']['entry']]>([
    ['CS to the department’s progress update', cs, PROGRESS],
    ['another department to the ticket', billing, null],
    ['the department to the contact', logistics, CONTACT],
    ['QA to anything', { id: 'inspector-1', role: 'qa' }, null],
    ['an auditor to anything', { id: 'auditor-1', role: 'auditor' }, NOTE_ENTRY],
  ])('refuses %s', (_, actor, entry) => {
    specification.given().when(attach(actor, entry)).thenThrows('FORBIDDEN');
  });

  it('refuses, naming the entry, an entry that is not on the ticket or takes no files', () => {
    specification.given().when(attach(cs, null, { entryId: '9f9f9f9f-9f9f-4f9f-8f9f-9f9f9f9f9f9f' })).thenThrows('VALIDATION_FAILED', 'entryId');
    specification.given().when(attach(management, ROUTED)).thenThrows('VALIDATION_FAILED', 'entryId');
  });

  it('refuses a file on a ticket evaluation has not seen', () => {
    specification.given().when(attach(cs, null, { ticket: null })).thenThrows('NOT_FOUND');
  });

  it('given notes and files, evolves both into the state', () => {
    const [note] = decideConversation(addNote(cs), initialConversationState);
    expect(given([note, added(null)])).toEqual({ notes: [NOTE], attachments: [`:${HASH}`], watchers: [] });
  });
});

describe('watching a ticket', () => {
  const ticket = { departmentsConcerned: ['logistics'] };
  const setWatching = (actor: Actor, watching: boolean, data: Partial<SetWatching['data']> = {}): SetWatching => ({
    type: 'SetWatching',
    data: { watching, ticket, ...data },
    metadata: meta(actor),
  });
  const director: Actor = { id: 'director-1', role: 'management' };
  const watched = (watcherId: string) => ({ type: 'TicketWatched' as const, data: { watcherId } });
  const unwatched = (watcherId: string) => ({ type: 'TicketUnwatched' as const, data: { watcherId } });

  it.each<[string, Actor]>([
    ['management', director],
    ['a CS agent', { id: 'agent-1', role: 'cs' }],
    ['a handler of a department that held it', { id: 'logistics-li', role: 'department_handler', department: 'logistics' }],
    ['QA', { id: 'inspector-1', role: 'qa' }],
    ['an auditor', { id: 'auditor-1', role: 'auditor' }],
  ])('when %s watches, then TicketWatched names them', (_, actor) => {
    specification.given().when(setWatching(actor, true)).then([watched(actor.id)]);
  });

  it('given they watch it, when they watch again, then nothing new is recorded; someone else still may', () => {
    specification.given(watched('director-1')).when(setWatching(director, true)).then([]);
    specification.given(watched('director-1')).when(setWatching({ id: 'agent-1', role: 'cs' }, true)).then([watched('agent-1')]);
  });

  it('given they watch it, when they stop, then TicketUnwatched; stopping again, or without watching, records nothing', () => {
    specification.given(watched('director-1')).when(setWatching(director, false)).then([unwatched('director-1')]);
    specification.given(watched('director-1'), unwatched('director-1')).when(setWatching(director, false)).then([]);
    specification.given(watched('agent-1')).when(setWatching(director, false)).then([]);
  });

  it('given they stopped, when they watch again, then it is recorded again', () => {
    specification.given(watched('director-1'), unwatched('director-1')).when(setWatching(director, true)).then([watched('director-1')]);
  });

  it('refuses a department the ticket never concerned, and a ticket evaluation has not seen', () => {
    specification.given().when(setWatching({ id: 'billing-wu', role: 'department_handler', department: 'billing' }, true)).thenThrows('FORBIDDEN');
    specification.given().when(setWatching({ id: 'billing-boss', role: 'department_manager', department: 'billing' }, false)).thenThrows('FORBIDDEN');
    specification.given().when(setWatching(director, true, { ticket: null })).thenThrows('NOT_FOUND');
  });
});

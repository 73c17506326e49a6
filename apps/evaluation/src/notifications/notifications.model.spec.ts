import { csAgentOf, notificationsOf, type NotificationSource } from './notifications.model';

const at = '2025-03-10T02:00:00.000Z';
const event = (type: string, data: unknown, actorId = 'someone'): NotificationSource => ({ eventId: 'e1', ticketId: 't1', type, data, actorId, occurredAt: at });

describe('who is told of what', () => {
  it('tells each person and department a note mentions, once, and not the author; and the ticket’s watchers', () => {
    const notes = notificationsOf(event('NoteAdded', { noteId: 'n', text: 'please call back', mentions: { people: ['agent-1', 'billing-wu', 'agent-1'], departments: ['logistics'] } }, 'billing-wu'));
    expect(notes.map((note) => [note.recipient, note.kind, note.excerpt])).toEqual([
      ['person:agent-1', 'mentioned', 'please call back'],
      ['department:logistics', 'mentioned', 'please call back'],
      ['ticket-watchers', 'watched_change', 'please call back'],
    ]);
    expect(new Set(notes.map((note) => note.notificationId)).size).toBe(3);
  });

  it('shows a contact detail sealed in the words as *** in the excerpt, never a piece of its token', () => {
    const token = '⟦contact:cust_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA⟧';
    const [note] = notificationsOf(event('NoteAdded', { noteId: 'n', text: `please call back on ${token}`, mentions: { people: ['agent-1'], departments: [] } }, 'billing-wu'));
    expect(note.excerpt).toBe('please call back on ***');
  });

  it('tells a handler a ticket was assigned to them, but not one who claimed it', () => {
    expect(notificationsOf(event('HandlerAssigned', { handlerId: 'billing-wu', reason: 'least loaded' }, 'system:routing-assignment')).map((note) => note.recipient)).toEqual(['person:billing-wu']);
    expect(notificationsOf(event('HandlerAssigned', { handlerId: 'billing-wu', reason: 'claimed' }, 'billing-wu'))).toEqual([]);
  });

  it('tells the ticket’s CS agent that a result arrived, with its summary', () => {
    expect(notificationsOf(event('ConfirmationRequested', { round: 1, resultSummary: 'Refunded', resolvedBy: 'department' }))).toEqual([
      expect.objectContaining({ recipient: 'ticket-cs', kind: 'result_arrived', excerpt: 'Refunded', ticketId: 't1' }),
    ]);
  });

  it('tells the responsible handler and the department of management’s request for an update, and the asker of its answer', () => {
    const asked = notificationsOf(event('UpdateRequested', { requestId: 'r', department: 'billing', handlerId: 'billing-wu', requestedBy: 'director-1', message: 'Where is the refund?' }, 'director-1'));
    expect(asked.map((note) => [note.recipient, note.kind, note.excerpt])).toEqual([
      ['person:billing-wu', 'update_requested', 'Where is the refund?'],
      ['department:billing', 'update_requested', 'Where is the refund?'],
    ]);
    expect(notificationsOf(event('UpdateRequested', { requestId: 'r', department: 'billing', requestedBy: 'director-1', message: 'Who has it?' }, 'director-1')).map((note) => note.recipient)).toEqual(['department:billing']);
    const answered = notificationsOf(event('ProgressReported', { note: 'Refund tomorrow.', answersUpdateRequest: { requestId: 'r', requestedBy: 'director-1' } }, 'billing-wu'));
    expect(answered.map((note) => [note.recipient, note.kind, note.excerpt])).toEqual([
      ['person:director-1', 'update_given', 'Refund tomorrow.'],
      ['ticket-watchers', 'watched_change', 'Refund tomorrow.'],
    ]);
    expect(notificationsOf(event('ProgressReported', { note: 'Still checking.' }, 'billing-wu')).map((note) => note.recipient)).toEqual(['ticket-watchers']);
  });

  it('warns the holder of a deadline about to fall due, or the department while nobody holds the ticket, with the due time', () => {
    const dueAt = '2025-03-10T02:30:00.000Z';
    const held = notificationsOf(event('DeadlineApproaching', { deadline: 'first_response', round: 1, department: 'billing', dueAt, handlerId: 'billing-wu' }, 'system:routing-deadlines'));
    expect(held.map((note) => [note.recipient, note.kind, note.excerpt])).toEqual([['person:billing-wu', 'first_response_due', dueAt]]);
    const waiting = notificationsOf(event('DeadlineApproaching', { deadline: 'resolution', round: 1, department: 'billing', dueAt, handlerId: null }, 'system:routing-deadlines'));
    expect(waiting.map((note) => [note.recipient, note.kind])).toEqual([['department:billing', 'resolution_due']]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['ProgressReported', { round: 1, department: 'billing', note: 'Checking the ledger.', firstResponse: true }, 'Checking the ledger.'],
    ['ResultReported', { round: 1, department: 'billing', handlerId: 'billing-wu', summary: 'Refunded twice the fee.', complaint: true }, 'Refunded twice the fee.'],
    ['TransferRequested', { fromDepartment: 'billing', toDepartment: 'logistics', reason: 'A parcel matter.' }, 'A parcel matter.'],
    ['TransferAccepted', { fromDepartment: 'billing', toDepartment: 'logistics' }, 'logistics'],
    ['TicketEscalated', { level: 'management', trigger: 'resolution_overdue', round: 1, department: 'billing', reason: 'Resolution overdue.' }, 'Resolution overdue.'],
    ['TicketHandedToManagement', { round: 3, department: 'billing', objection: 'Still wrong.', maxRounds: 3 }, 'Still wrong.'],
    ['CustomerObjected', { round: 1, resolvedBy: 'department', department: 'billing', objection: 'The fee is still there.' }, 'The fee is still there.'],
    ['TicketClosed', { outcome: 'satisfied', round: 1 }, 'satisfied'],
  ])('tells the watchers of a ticket of %s, with what it says', (type, data, excerpt) => {
    const watchers = notificationsOf(event(type, data, 'billing-wu')).filter((note) => note.recipient === 'ticket-watchers');
    expect(watchers).toEqual([expect.objectContaining({ kind: 'watched_change', excerpt, notificationId: 'e1/ticket-watchers', ticketId: 't1', actorId: 'billing-wu' })]);
  });

  it.each([
    ['HandlerAssigned', { handlerId: 'billing-wu', reason: 'least loaded' }],
    ['DeadlineApproaching', { deadline: 'resolution', round: 1, department: 'billing', dueAt: at, handlerId: null }],
    ['ConfirmationRequested', { round: 1, resultSummary: 'Refunded', resolvedBy: 'department' }],
    ['TicketRouted', { department: 'billing' }],
  ])('does not tell watchers of %s: it is for whoever holds the ticket, or repeats another change', (type, data) => {
    expect(notificationsOf(event(type, data, 'system:routing')).filter((note) => note.recipient === 'ticket-watchers')).toEqual([]);
  });

  it('shortens a long note to a recognisable excerpt on one line', () => {
    const [note] = notificationsOf(event('NoteAdded', { text: `first line\n${'x'.repeat(300)}`, mentions: { people: ['a'], departments: [] } }));
    expect(note.excerpt).toHaveLength(140);
    expect(note.excerpt).toMatch(/^first line x+…$/);
  });

  it('knows a ticket’s CS agent from a contact a CS agent recorded, not from one an upstream system posted', () => {
    expect(csAgentOf({ ...event('ContactRecorded', {}, 'agent-7'), role: 'cs' })).toBe('agent-7');
    expect(csAgentOf({ ...event('ContactRecorded', {}, 'system:crm'), role: 'system' })).toBeUndefined();
    expect(csAgentOf({ ...event('TicketRouted', {}, 'agent-7'), role: 'cs' })).toBeUndefined();
  });
});

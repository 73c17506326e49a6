import { conversationOf, type ConversationSource } from './conversation';

let position = 0;
const source = (type: string, data: unknown, extra: Partial<ConversationSource> = {}): ConversationSource => ({
  eventId: `00000000-0000-4000-8000-${String(++position).padStart(12, '0')}`,
  type,
  service: 'routing',
  streamId: 'routing-ticket-t1',
  streamPosition: position,
  occurredAt: `2025-03-10T0${Math.min(position, 9)}:00:00.000Z`,
  actorId: 'someone',
  role: 'department_handler',
  department: 'billing',
  reason: null,
  summary: `${type} happened`,
  data,
  ...extra,
});

describe('a ticket’s conversation from its events', () => {
  const sources = [
    source('ContactRecorded', { channel: 'hotline', type: 'complaint', subject: 'Charged twice', description: '我的账单被扣了两次', customer: { customerId: 'c1' } }, { role: 'cs', department: null }),
    source('TicketHandedOver', { reason: 'classified_for_department', complaint: true, subject: 'Charged twice', description: '我的账单被扣了两次' }, { role: 'cs' }),
    source('TicketRouted', { department: 'billing', rule: 'billing', reason: 'category billing', round: 1 }, { role: 'system' }),
    source('ProgressReported', { round: 1, department: 'billing', note: 'Refund requested from the bank.', firstResponse: true }),
    source('TransferRequested', { fromDepartment: 'billing', toDepartment: 'logistics', reason: 'the parcel was returned' }),
    source('NoteAdded', { noteId: 'n1', text: 'Customer prefers calls after 18:00', mentions: { people: ['agent-1'], departments: [] } }, { role: 'cs', department: null }),
    source('ResultReported', { round: 1, department: 'billing', handlerId: 'billing-wu', summary: 'Refunded', complaint: true, apology: 'We are sorry.', correctiveAction: 'Fixed the double charge.' }),
    source('ConfirmationRequested', { round: 1, resolvedBy: 'department', department: 'billing', resultSummary: 'Refunded', apology: 'We are sorry.', correctiveAction: 'Fixed the double charge.' }, { service: 'followup', role: 'system' }),
    source('CustomerObjected', { round: 1, resolvedBy: 'department', department: 'billing', objection: 'Only half was refunded.' }, { service: 'followup', role: 'cs' }),
    source('ManagementInvolved', { reason: 'complaint' }, { role: 'system' }),
  ];
  const conversation = conversationOf(sources);

  it('has one entry per event, in the order given', () => {
    expect(conversation.map((entry) => entry.eventId)).toEqual(sources.map((event) => event.eventId));
  });

  it('carries the words written with each step under their own names', () => {
    const byType = Object.fromEntries(conversation.map((entry) => [entry.type, entry]));
    expect(byType.ContactRecorded.words).toEqual({ subject: 'Charged twice', description: '我的账单被扣了两次' });
    expect(byType.ContactRecorded.channel).toBe('hotline');
    expect(byType.ProgressReported).toMatchObject({ kind: 'progress', words: { note: 'Refund requested from the bank.' } });
    expect(byType.TransferRequested).toMatchObject({ kind: 'pass', words: { reason: 'the parcel was returned' }, departments: ['logistics', 'billing'] });
    expect(byType.NoteAdded).toMatchObject({ kind: 'note', words: { note: 'Customer prefers calls after 18:00' }, mentions: { people: ['agent-1'], departments: [] } });
    expect(byType.ResultReported).toMatchObject({ kind: 'result', words: { summary: 'Refunded', apology: 'We are sorry.', correctiveAction: 'Fixed the double charge.' } });
    expect(byType.CustomerObjected).toMatchObject({ kind: 'customer', words: { objection: 'Only half was refunded.' } });
  });

  it('shows no coded reason as words, and the contact’s words once', () => {
    const byType = Object.fromEntries(conversation.map((entry) => [entry.type, entry]));
    expect(byType.TicketHandedOver.words).toEqual({});
    expect(byType.ConfirmationRequested.words).toEqual({});
    expect(byType.ManagementInvolved.words).toEqual({});
  });

  it('puts each entry in its handling round: the event’s own, else the latest before it', () => {
    expect(conversation.map((entry) => entry.round)).toEqual([null, null, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('never carries the customer block', () => {
    expect(JSON.stringify(conversation)).not.toContain('customerId');
  });
});

describe('a paused clock and a new priority in the conversation', () => {
  const deadlines = { from: '2025-03-10T01:00:00.000Z', firstResponseDueAt: '2025-03-10T01:30:00.000Z', resolutionDueAt: '2025-03-11T03:00:00.000Z', policyVersion: 'v1' };
  const conversation = conversationOf([
    source('ResolutionClockPaused', {
      round: 1,
      department: 'billing',
      reason: 'waiting_on_customer',
      note: 'Asked for the bank statement',
      handlerId: 'billing-wu',
      pausedAt: '2025-03-10T02:00:00.000Z',
      resolutionDueAt: '2025-03-11T01:00:00.000Z',
      resumeBy: '2025-03-13T02:00:00.000Z',
    }),
    source('ResolutionClockResumed', {
      round: 1,
      department: 'billing',
      trigger: 'handler',
      reason: 'waiting_on_customer',
      pausedAt: '2025-03-10T02:00:00.000Z',
      resumedAt: '2025-03-10T04:00:00.000Z',
      pausedMinutes: 120,
      deadlines,
    }),
    source('PriorityChanged', { round: 1, department: 'billing', previousPriority: 'normal', priority: 'urgent', reason: 'A hospital', previousDeadlines: deadlines, deadlines }, { role: 'department_manager' }),
  ]);

  it('carries the codes and instants the consoles word in the reader’s language, and the words as written', () => {
    expect(conversation[0]).toMatchObject({
      words: { note: 'Asked for the bank statement' },
      clock: { reason: 'waiting_on_customer', resumeBy: '2025-03-13T02:00:00.000Z', resolutionDueAt: '2025-03-11T01:00:00.000Z' },
    });
    expect(conversation[0]!.words.reason).toBeUndefined();
    expect(conversation[1]).toMatchObject({ words: {}, clock: { reason: 'waiting_on_customer', trigger: 'handler', pausedMinutes: 120, resolutionDueAt: deadlines.resolutionDueAt } });
    expect(conversation[2]).toMatchObject({ words: { reason: 'A hospital' }, clock: { priority: 'urgent', previousPriority: 'normal', resolutionDueAt: deadlines.resolutionDueAt } });
  });
});

describe('attachments in a ticket’s conversation', () => {
  const progress = source('ProgressReported', { round: 1, department: 'billing', note: 'Screenshot of the bank transfer attached.' });
  const added = source('AttachmentAdded', { contentHash: 'h1', contentType: 'image/png', size: 2048, entryId: progress.eventId }, { service: 'evaluation' });
  const general = source('AttachmentAdded', { contentHash: 'h2', contentType: 'application/pdf', size: 9000, entryId: null }, { service: 'evaluation', role: 'cs', department: null });
  const view = (contentHash: string, entryId: string | null, contentType: 'image/png' | 'application/pdf') => ({
    contentHash,
    fileName: `${contentHash}.file`,
    contentType,
    size: 1,
    entryId,
    href: `/v1/tickets/t1/attachments/${contentHash}`,
  });
  const files = new Map([
    [added.eventId, view('h1', progress.eventId, 'image/png')],
    [general.eventId, view('h2', null, 'application/pdf')],
  ]);
  const conversation = conversationOf([progress, added, general], files);

  it('shows a file on the entry it was attached to, and on the entry that added it', () => {
    expect(conversation[0].attachments).toEqual([files.get(added.eventId)]);
    expect(conversation[1]).toMatchObject({ type: 'AttachmentAdded', kind: 'attachment', attachments: [files.get(added.eventId)] });
  });

  it('shows a file on the ticket as a whole only on its own entry', () => {
    expect(conversation[2]).toMatchObject({ kind: 'attachment', attachments: [files.get(general.eventId)] });
    expect(conversation.filter((entry) => entry.attachments?.some((file) => file.contentHash === 'h2'))).toHaveLength(1);
  });

  it('gives entries without files no attachments at all', () => {
    expect(conversationOf([progress])[0]).not.toHaveProperty('attachments');
  });
});

describe('management acting on a complaint in flight, in the conversation', () => {
  const conversation = conversationOf([
    source('TicketTakenOver', { department: 'billing', round: 1, holderId: 'director-1', reason: 'The customer called the CEO.', previousHandlerId: 'billing-wu' }, { role: 'management', department: null }),
    source('UpdateRequested', { requestId: 'r1', round: 1, department: 'billing', requestedBy: 'director-1', message: 'Where is the refund?' }, { role: 'management', department: null }),
    source('ProgressReported', { round: 1, department: 'billing', note: 'Refund tomorrow.', firstResponse: false, answersUpdateRequest: { requestId: 'r1', requestedBy: 'director-1' } }),
    source('ProgressReported', { round: 1, department: 'billing', note: 'Refunded.', firstResponse: false }),
  ]);

  it('shows the take-over with its reason and the request with its question', () => {
    expect(conversation[0]).toMatchObject({ kind: 'escalation', words: { reason: 'The customer called the CEO.' } });
    expect(conversation[1]).toMatchObject({ kind: 'escalation', words: { request: 'Where is the refund?' }, departments: ['billing'] });
  });

  it('quotes the question beside the progress note that answers it, and beside no other', () => {
    expect(conversation[2].words).toEqual({ note: 'Refund tomorrow.', inAnswerTo: 'Where is the refund?' });
    expect(conversation[3].words).toEqual({ note: 'Refunded.' });
  });
});

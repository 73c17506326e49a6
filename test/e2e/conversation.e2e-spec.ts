import { contact } from '../support/contacts';
import { eventually, TestSystem, UPSTREAM_KEY } from '../support/system';

/**
 * One ticket's conversation through the running services: every party reads the same words
 * (the department's progress and result reach CS, the customer's objection reaches the
 * department), internal notes are events like every other, and who may read or write is
 * who may act on or read the ticket.
 */
describe('a ticket’s conversation', () => {
  let system: TestSystem;
  let cs: ReturnType<TestSystem['as']>;
  let management: ReturnType<TestSystem['as']>;
  let auditor: ReturnType<TestSystem['as']>;
  let qa: ReturnType<TestSystem['as']>;
  let ticketId: string;
  let billing: ReturnType<TestSystem['as']>;

  beforeAll(async () => {
    system = await TestSystem.start();
    const upstream = system.as({ apiKey: UPSTREAM_KEY });
    cs = system.as({ token: system.token('cs', 'agent-1') });
    management = system.as({ token: system.token('management', 'director-1') });
    auditor = system.as({ token: system.token('auditor', 'auditor-1') });
    qa = system.as({ token: system.token('qa', 'inspector-1') });

    const opened = await upstream.post(
      'intake',
      '/v1/contacts',
      contact({ type: 'complaint', subject: 'Charged twice', description: '我的账单被扣了两次，请退款。' }),
    );
    expect(opened.status).toBe(201);
    ticketId = opened.body.ticketId;
    const row = await eventually(async () => {
      const response = await management.get('routing', `/v1/departments/billing/queue?limit=500`);
      const found = response.body.items?.find((item: { ticketId: string; handlerId: string | null }) => item.ticketId === ticketId && item.handlerId);
      return found;
    }, 'the complaint assigned in billing');
    billing = system.as({ token: system.token('department_handler', row.handlerId, 'billing') });
    expect((await billing.post('routing', `/v1/tickets/${ticketId}/progress`, { note: '已联系银行，退款处理中。' })).status).toBe(200);
    expect(
      (
        await billing.post('routing', `/v1/tickets/${ticketId}/result`, {
          summary: 'The duplicate charge was refunded.',
          apology: 'We are sorry for charging you twice.',
          correctiveAction: 'Payment retries now check for an existing capture first.',
          cause: 'billing_error',
        })
      ).status,
    ).toBe(200);
    await eventually(async () => {
      const response = await cs.get('followup', '/v1/followups?arrived=result&limit=200');
      return response.body.items?.some((item: { ticketId: string }) => item.ticketId === ticketId);
    }, 'the result to reach CS');
    expect((await cs.post('followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: false, objection: 'Only half of it was refunded.' })).status).toBe(200);
  });
  afterAll(async () => {
    await system?.stop();
  });

  async function conversationOf(as: ReturnType<TestSystem['as']>, until: (types: string[]) => boolean) {
    return eventually(async () => {
      const response = await as.get('evaluation', `/v1/tickets/${ticketId}/conversation`);
      if (response.status !== 200) return undefined;
      return until(response.body.entries.map((entry: { type: string }) => entry.type)) ? response.body : undefined;
    }, `the conversation of ${ticketId}`);
  }

  it('shows CS the department’s progress note and the result’s apology and corrective action', async () => {
    const conversation = await conversationOf(cs, (types) => types.includes('CustomerObjected'));
    expect(conversation).toMatchObject({ ticketId, subject: 'Charged twice', complaint: true, status: 'open' });
    const words = (type: string) => conversation.entries.find((entry: { type: string }) => entry.type === type)?.words;
    expect(words('ContactRecorded')).toEqual({ subject: 'Charged twice', description: '我的账单被扣了两次，请退款。' });
    expect(words('ProgressReported')).toEqual({ note: '已联系银行，退款处理中。' });
    expect(words('ResultReported')).toEqual({
      summary: 'The duplicate charge was refunded.',
      apology: 'We are sorry for charging you twice.',
      correctiveAction: 'Payment retries now check for an existing capture first.',
    });
    expect(words('CustomerObjected')).toEqual({ objection: 'Only half of it was refunded.' });
    expect(JSON.stringify(conversation)).not.toMatch(/1234 5678|13912345678|wang\.fang|Wang Fang/);
  });

  it('adds a note mentioning a person as an event, and every party reads the same conversation, equal to the timeline in order', async () => {
    const added = await billing.post('evaluation', `/v1/tickets/${ticketId}/notes`, { text: 'Second refund half sent today.', mentions: { people: ['agent-1'], departments: [] } });
    expect(added.status).toBe(201);
    const seenByCs = await conversationOf(cs, (types) => types.includes('NoteAdded'));
    const note = seenByCs.entries.find((entry: { type: string }) => entry.type === 'NoteAdded');
    expect(note).toMatchObject({ kind: 'note', words: { note: 'Second refund half sent today.' }, mentions: { people: ['agent-1'], departments: [] }, actor: { role: 'department_handler', department: 'billing' } });
    expect(note.eventId).toBeDefined();

    const seenByBilling = await conversationOf(billing, (types) => types.includes('NoteAdded'));
    const seenByManagement = await conversationOf(management, (types) => types.includes('NoteAdded'));
    expect(seenByBilling.entries).toEqual(seenByCs.entries);
    expect(seenByManagement.entries).toEqual(seenByCs.entries);

    // The conversation is the ticket's history: the timeline's events in its order, with the note among them.
    const timeline = (await auditor.get('evaluation', `/v1/tickets/${ticketId}/timeline`)).body;
    const withoutNotes = seenByCs.entries.filter((entry: { type: string }) => entry.type !== 'NoteAdded').map((entry: { eventId: string }) => entry.eventId);
    expect(withoutNotes).toEqual(timeline.entries.slice(0, withoutNotes.length).map((entry: { eventId: string }) => entry.eventId));
    const at = (type: string) => seenByCs.entries.findIndex((entry: { type: string }) => entry.type === type);
    expect(at('NoteAdded')).toBeGreaterThan(at('CustomerObjected'));
  });

  it('refuses a note without words, naming the field, and writes nothing', async () => {
    const refused = await cs.post('evaluation', `/v1/tickets/${ticketId}/notes`, { text: '   ' });
    expect(refused.status).toBe(400);
    expect(refused.body.fields.map((field: { field: string }) => field.field)).toEqual(['text']);
  });

  it('lets QA and auditors read but not write, and keeps other departments out', async () => {
    expect((await qa.get('evaluation', `/v1/tickets/${ticketId}/conversation`)).status).toBe(200);
    expect((await auditor.post('evaluation', `/v1/tickets/${ticketId}/notes`, { text: 'looks fine' })).status).toBe(403);
    expect((await qa.post('evaluation', `/v1/tickets/${ticketId}/notes`, { text: 'looks fine' })).status).toBe(403);
    const logistics = system.as({ token: system.token('department_handler', 'logistics-li', 'logistics') });
    expect((await logistics.get('evaluation', `/v1/tickets/${ticketId}/conversation`)).status).toBe(403);
    expect((await logistics.post('evaluation', `/v1/tickets/${ticketId}/notes`, { text: 'not ours' })).status).toBe(403);
  });

  it('notifies the person mentioned, a department mentioned, the handler assigned and CS of the result, and keeps count of what is unread', async () => {
    expect(
      (await cs.post('evaluation', `/v1/tickets/${ticketId}/notes`, { text: 'Logistics: is the parcel back?', mentions: { people: [], departments: ['logistics'] } })).status,
    ).toBe(201);
    const notificationsOf = (as: ReturnType<TestSystem['as']>, until: (items: any[]) => boolean) =>
      eventually(async () => {
        const response = await as.get('evaluation', '/v1/notifications');
        return response.status === 200 && until(response.body.items) ? response.body : undefined;
      }, 'notifications');

    const forAgent = await notificationsOf(cs, (items) => items.some((item) => item.kind === 'mentioned') && items.some((item) => item.kind === 'result_arrived'));
    const mentioned = forAgent.items.find((item: { kind: string }) => item.kind === 'mentioned');
    expect(mentioned).toMatchObject({ ticketId, actorId: expect.any(String), excerpt: 'Second refund half sent today.', via: 'person', unread: true });
    expect(forAgent.items.find((item: { kind: string }) => item.kind === 'result_arrived')).toMatchObject({ ticketId, excerpt: 'The duplicate charge was refunded.', via: 'ticket' });
    expect(forAgent.unread).toBeGreaterThanOrEqual(2);

    const logistics = system.as({ token: system.token('department_handler', 'logistics-li', 'logistics') });
    const forLogistics = await notificationsOf(logistics, (items) => items.some((item) => item.kind === 'mentioned'));
    expect(forLogistics.items).toEqual([expect.objectContaining({ kind: 'mentioned', via: 'department', excerpt: 'Logistics: is the parcel back?' })]);
    // The author is not told of their own note.
    const forCsAuthor = (await cs.get('evaluation', '/v1/notifications')).body.items;
    expect(forCsAuthor.some((item: { excerpt: string }) => item.excerpt === 'Logistics: is the parcel back?')).toBe(false);

    const forHandler = await notificationsOf(billing, (items) => items.some((item) => item.kind === 'assigned'));
    expect(forHandler.items.find((item: { kind: string }) => item.kind === 'assigned')).toMatchObject({ ticketId, via: 'person' });

    const newest = forAgent.items[0].occurredAt;
    expect((await cs.post('evaluation', '/v1/notifications/seen', { upTo: newest })).status).toBe(200);
    const after = (await cs.get('evaluation', '/v1/notifications')).body;
    expect(after.unread).toBe(0);
    expect(after.items.every((item: { unread: boolean }) => !item.unread)).toBe(true);
    expect((await cs.get('evaluation', '/v1/notifications?cursor=nonsense')).status).toBe(400);
  });

  it('answers 404 for a ticket nobody has seen', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await cs.get('evaluation', `/v1/tickets/${unknown}/conversation`)).status).toBe(404);
    expect((await cs.post('evaluation', `/v1/tickets/${unknown}/notes`, { text: 'hello' })).status).toBe(404);
  });
});

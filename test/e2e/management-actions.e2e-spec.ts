import { contact } from '../support/contacts';
import { eventually, TestSystem, UPSTREAM_KEY } from '../support/system';

interface Entry {
  readonly type: string;
  readonly kind: string;
  readonly actor: { readonly id: string; readonly role: string };
  readonly words: Record<string, string>;
}

/**
 * Management acting on a complaint in flight, over HTTP with the four services running: it
 * comments, asks the department for an update (the handler is told; the department's next
 * progress note answers, and management is told), names another handler and takes the ticket
 * over, each an event on the record, in the conversation and in the handoff ledger.
 */
describe('management acts on a complaint in flight', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('comments, asks for an update the department answers, reassigns and takes the complaint over', async () => {
    const upstream = system.as({ apiKey: UPSTREAM_KEY });
    const director = system.as({ token: system.token('management', 'director-wang') });
    const staff = (id: string) => system.as({ token: system.token('department_handler', id, 'billing') });

    const opened = await upstream.post('intake', '/v1/contacts', contact({ type: 'complaint', subject: 'Charged twice', description: 'My card was charged twice for one invoice.' }));
    expect(opened.status).toBe(201);
    const { ticketId } = opened.body;
    const holder: string = await eventually(async () => (await director.get('routing', `/v1/tickets/${ticketId}`)).body?.handlerId ?? undefined, 'a billing handler');
    const colleague = holder === 'billing-wu' ? 'billing-zhou' : 'billing-wu';
    const conversation = async (until: (entries: readonly Entry[]) => boolean, what: string): Promise<readonly Entry[]> =>
      eventually(async () => {
        const entries: Entry[] | undefined = (await director.get('evaluation', `/v1/tickets/${ticketId}/conversation`)).body?.entries;
        return entries && until(entries) ? entries : undefined;
      }, what);
    const notifications = async (token: string) => (await system.as({ token }).get('evaluation', '/v1/notifications')).body.items as { kind: string; ticketId: string; excerpt: string }[];

    // A comment is an internal note like anyone's.
    const note = await director.post('evaluation', `/v1/tickets/${ticketId}/notes`, { text: 'The customer is a board member’s neighbour; keep me informed.' });
    expect(note.status).toBe(201);

    // Asking for an update needs the question; refused, nothing is recorded (the next request is not "already waiting").
    for (const [language, sentence] of [
      ['en', 'Write your question to the department.'],
      ['zh-CN', '请填写给部门的询问。'],
    ] as const) {
      const refused = await director.post('routing', `/v1/tickets/${ticketId}/update-requests`, { message: ' ' }, { 'accept-language': language });
      expect(refused.status).toBe(400);
      expect(refused.body.fields).toEqual([{ field: 'message', message: sentence }]);
    }
    const asked = await director.post('routing', `/v1/tickets/${ticketId}/update-requests`, { message: 'Where is the refund?' });
    expect(asked.status).toBe(201);
    expect(asked.body.requestId).toEqual(expect.any(String));
    expect((await director.post('routing', `/v1/tickets/${ticketId}/update-requests`, { message: 'Hello?' })).status).toBe(409);
    expect((await staff(holder).post('routing', `/v1/tickets/${ticketId}/update-requests`, { message: 'me too' })).status).toBe(403);

    // The responsible handler is told once (by name, not again through the department).
    const holderToken = system.token('department_handler', holder, 'billing');
    const told = await eventually(async () => {
      const mine = (await notifications(holderToken)).filter((item) => item.ticketId === ticketId && item.kind === 'update_requested');
      return mine.length > 0 ? mine : undefined;
    }, 'the handler told of the request');
    expect(told).toEqual([expect.objectContaining({ excerpt: 'Where is the refund?' })]);
    expect((await director.get('routing', `/v1/tickets/${ticketId}`)).body.pendingUpdateRequest).toEqual({ requestId: asked.body.requestId, requestedBy: 'director-wang' });

    // The department's next progress note answers it; management is told and reads the answer beside its question.
    expect((await staff(holder).post('routing', `/v1/tickets/${ticketId}/progress`, { note: 'The bank confirmed; the refund arrives tomorrow.' })).status).toBe(200);
    const answered = await conversation((entries) => entries.some((entry) => entry.words.inAnswerTo), 'the answer in the conversation');
    expect(answered.filter((entry) => ['NoteAdded', 'UpdateRequested', 'ProgressReported'].includes(entry.type)).map((entry) => [entry.type, entry.actor.id, entry.words])).toEqual([
      ['NoteAdded', 'director-wang', { note: 'The customer is a board member’s neighbour; keep me informed.' }],
      ['UpdateRequested', 'director-wang', { request: 'Where is the refund?' }],
      ['ProgressReported', holder, { note: 'The bank confirmed; the refund arrives tomorrow.', inAnswerTo: 'Where is the refund?' }],
    ]);
    await eventually(
      async () => (await notifications(system.token('management', 'director-wang'))).some((item) => item.ticketId === ticketId && item.kind === 'update_given'),
      'management told of the answer',
    );
    expect((await director.get('routing', `/v1/tickets/${ticketId}`)).body.pendingUpdateRequest).toBeNull();

    // Reassigning needs a reason; taking over too. Then management holds it, and the former holder may not work it.
    expect((await director.post('routing', `/v1/tickets/${ticketId}/assign`, { handlerId: colleague })).status).toBe(400);
    const reassigned = await director.post('routing', `/v1/tickets/${ticketId}/assign`, { handlerId: colleague, reason: `${holder} is on leave` });
    expect(reassigned.body).toMatchObject({ handlerId: colleague });
    const bare = await director.post('routing', `/v1/tickets/${ticketId}/take-over`, {});
    expect(bare.status).toBe(400);
    expect(bare.body.fields).toEqual([expect.objectContaining({ field: 'reason' })]);
    const takenOver = await director.post('routing', `/v1/tickets/${ticketId}/take-over`, { reason: 'The customer escalated to the board.' });
    expect(takenOver.status).toBe(200);
    expect(takenOver.body).toMatchObject({ status: 'in_progress', department: 'billing', handlerId: 'director-wang' });
    expect((await staff(colleague).post('routing', `/v1/tickets/${ticketId}/progress`, { note: 'still mine?' })).status).toBe(403);
    const own = await director.post('routing', `/v1/tickets/${ticketId}/progress`, { note: 'I called the customer myself.' });
    expect(own.status).toBe(200);

    const entries = await conversation((found) => found.some((entry) => entry.type === 'TicketTakenOver') && found.filter((entry) => entry.type === 'ProgressReported').length === 2, 'the take-over');
    expect(entries.find((entry) => entry.type === 'TicketTakenOver')).toMatchObject({ actor: { id: 'director-wang', role: 'management' }, words: { reason: 'The customer escalated to the board.' } });
    const ledger = (await system.as({ token: system.token('auditor', 'auditor-1') }).get('evaluation', `/v1/tickets/${ticketId}/handoffs`)).body;
    expect(ledger.holdings.slice(-2).map((holding: { holder: unknown; passedOnBy: string | null }) => [holding.holder, holding.passedOnBy])).toEqual([
      [{ kind: 'handler', department: 'billing', handlerId: colleague }, 'TicketTakenOver'],
      [{ kind: 'management' }, null],
    ]);
  });
});

import { contact } from '../support/contacts';
import { scrapeMetrics, sumOfSeries } from '@handoff/testing';
import { eventually, TestSystem, UPSTREAM_KEY } from '../support/system';

/**
 * One ticket asking several departments at once, over HTTP and Kafka with the four services
 * running: a complaint about a charge for a parcel that never came is billing's; CS asks logistics
 * where the parcel is and billing's handler asks product about the tracking page. Each department
 * asked claims, works and answers its own part; the ticket's result waits for them (management
 * closes the one that need not answer, saying why) and reaches CS with every part; the handoff
 * ledger shows the parallel holders; CS cannot close the ticket before.
 */
interface SubRequestItem {
  readonly ticketId: string;
  readonly subRequestId: string;
  readonly leadDepartment: string;
  readonly status: string;
  readonly handlerId: string | null;
  readonly subject: string | null;
  readonly reason: string;
  readonly firstResponseDueAt: string;
  readonly escalation: { readonly firstResponse: string; readonly resolution: string };
}

const MINUTE = 60_000;

describe('sub-requests: one ticket, several departments at once', () => {
  let system: TestSystem;

  beforeAll(async () => {
    // The deadline sweep case sweeps as of later instants (POST /v1/deadlines/check with asOf).
    system = await TestSystem.start({ ALLOW_CLOCK_OVERRIDE: 'true' });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('asks logistics and product beside billing; the result waits for their answers or management, and reaches CS with every part', async () => {
    const as = (role: Parameters<TestSystem['token']>[0], id: string, department?: string) => system.as({ token: system.token(role, id, department) });
    const cs = as('cs', 'agent-1');
    const management = as('management', 'director-1');
    const billingManager = as('department_manager', 'billing-manager-qian', 'billing');
    const logisticsManager = as('department_manager', 'logistics-manager-lin', 'logistics');
    const productManager = as('department_manager', 'product-manager-xu', 'product');
    const he = as('department_handler', 'logistics-he', 'logistics');
    const ma = as('department_handler', 'logistics-ma', 'logistics');

    const opened = await system.as({ apiKey: UPSTREAM_KEY }).post(
      'intake',
      '/v1/contacts',
      contact({ type: 'complaint', subject: 'Charged twice', description: 'My card was charged twice for one invoice, and the parcel never came.' }),
    );
    expect(opened.status).toBe(201);
    const { ticketId } = opened.body;
    // Billing assigns by load: one of its handlers holds the ticket.
    const holderId: string = await eventually(async () => (await billingManager.get('routing', `/v1/tickets/${ticketId}`)).body?.handlerId ?? undefined, 'a billing handler');
    const holder = as('department_handler', holderId, 'billing');

    // Asking the ticket's own department is refused in the caller's language, naming the field; nothing is written.
    const before = (await cs.get('routing', `/v1/tickets/${ticketId}`)).body;
    for (const [language, sentence] of [
      ['en', "Ask another department: billing is the ticket's own department."],
      ['zh-CN', '请向其他部门发起协办：billing 是本工单的承办部门。'],
    ] as const) {
      const refused = await cs.post('routing', `/v1/tickets/${ticketId}/sub-requests`, { department: 'billing', reason: 'Check the charge.' }, { 'accept-language': language });
      expect(refused.status).toBe(400);
      expect(refused.body.fields).toEqual([{ field: 'department', message: sentence }]);
    }
    expect((await cs.get('routing', `/v1/tickets/${ticketId}`)).body.version).toBe(before.version);

    // CS asks logistics; the holder asks product. A second open one to logistics is a conflict.
    const toLogistics = await cs.post('routing', `/v1/tickets/${ticketId}/sub-requests`, { department: 'logistics', reason: 'Where is the parcel the customer paid for?' });
    expect(toLogistics.status).toBe(201);
    expect(toLogistics.body).toMatchObject({ department: 'billing', handlerId: holderId, openSubRequests: 1, subRequest: { department: 'logistics', status: 'awaiting_handler' } });
    const logisticsPart: string = toLogistics.body.subRequestId;
    expect((await cs.post('routing', `/v1/tickets/${ticketId}/sub-requests`, { department: 'logistics', reason: 'Again?' })).status).toBe(409);
    const toProduct = await holder.post('routing', `/v1/tickets/${ticketId}/sub-requests`, { department: 'product', reason: 'Does the tracking page show the parcel?' });
    expect(toProduct.status).toBe(201);
    const productPart: string = toProduct.body.subRequestId;

    // Logistics' queue shows the sub-request with the ticket's subject; billing's own queue does not list it as asked of billing.
    const asked = await eventually(async () => {
      const page = await logisticsManager.get('routing', '/v1/departments/logistics/queue');
      return (page.body?.subRequests as SubRequestItem[] | undefined)?.find((item) => item.subRequestId === logisticsPart);
    }, "the sub-request in logistics' queue");
    expect(asked).toMatchObject({ ticketId, leadDepartment: 'billing', status: 'awaiting_handler', handlerId: null, subject: 'Charged twice', reason: 'Where is the parcel the customer paid for?' });
    expect((await billingManager.get('routing', '/v1/departments/billing/queue')).body.subRequests).toEqual([]);
    // The department asked reads the ticket it works a part of.
    expect((await he.get('routing', `/v1/tickets/${ticketId}`)).status).toBe(200);

    // Logistics: one handler claims; a colleague may not answer for them; the holder answers.
    const claimed = await he.post('routing', `/v1/tickets/${ticketId}/sub-requests/${logisticsPart}/claim`);
    expect(claimed.status).toBe(200);
    expect(claimed.body.subRequest).toMatchObject({ status: 'in_progress', handlerId: 'logistics-he' });
    expect((await ma.post('routing', `/v1/tickets/${ticketId}/sub-requests/${logisticsPart}/claim`)).status).toBe(409);
    const colleague = await ma.post('routing', `/v1/tickets/${ticketId}/sub-requests/${logisticsPart}/answer`, { summary: 'It is here.' });
    expect(colleague.status).toBe(403);
    expect(colleague.body.message).toContain('logistics-he is the responsible handler of this sub-request');
    expect((await he.post('routing', `/v1/tickets/${ticketId}/sub-requests/${logisticsPart}/progress`, { note: 'Asking the carrier.' })).status).toBe(200);
    const answered = await he.post('routing', `/v1/tickets/${ticketId}/sub-requests/${logisticsPart}/answer`, { summary: 'Left at the wrong address; re-sent today.' });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ openSubRequests: 1, subRequest: { status: 'answered', outcome: 'Left at the wrong address; re-sent today.' } });

    // Billing's result waits for product; CS has nothing to confirm yet, so the ticket cannot close.
    const remedies = { apology: 'We are sorry for the double charge.', correctiveAction: 'Card charges are reconciled daily.', cause: 'billing_error' };
    const early = await holder.post('routing', `/v1/tickets/${ticketId}/result`, { summary: 'The duplicate charge was refunded.', ...remedies });
    expect(early.status).toBe(412);
    expect(early.body.message).toContain('the sub-requests to product have not answered yet');
    expect((await cs.post('followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: true })).status).toBe(404);

    // Only management decides the ticket goes on without product's answer, saying why.
    expect((await productManager.post('routing', `/v1/tickets/${ticketId}/sub-requests/${productPart}/close`, { reason: 'Not needed.' })).status).toBe(403);
    const closed = await management.post('routing', `/v1/tickets/${ticketId}/sub-requests/${productPart}/close`, { reason: 'Logistics found the parcel; the tracking page is another ticket.' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ openSubRequests: 0, subRequest: { status: 'closed' } });

    const result = await holder.post('routing', `/v1/tickets/${ticketId}/result`, { summary: 'The duplicate charge was refunded.', ...remedies });
    expect(result.status).toBe(200);

    // CS gets one result with every part.
    const item = await eventually(async () => {
      const page = await cs.get('followup', '/v1/followups?arrived=result&limit=200');
      return page.body?.items?.find((found: { ticketId: string }) => found.ticketId === ticketId);
    }, 'the combined result to reach CS');
    expect(item.result.summary).toBe(
      [
        'The duplicate charge was refunded.',
        '[logistics] Left at the wrong address; re-sent today.',
        '[product] not answered, closed by management: Logistics found the parcel; the tracking page is another ticket.',
      ].join('\n'),
    );

    // The handoff ledger: billing's holder keeps the ticket while logistics and product hold their parts beside it.
    const ledger = await eventually(async () => {
      const found = (await management.get('evaluation', `/v1/tickets/${ticketId}/handoffs`)).body;
      return found?.parallel?.length === 3 ? found : undefined;
    }, 'the parallel holders in the ledger');
    expect(ledger.parallel.map((holding: { subRequestId: string; holder: unknown; passedOnBy: string | null }) => [holding.subRequestId, holding.holder, holding.passedOnBy])).toEqual([
      [logisticsPart, { kind: 'department', department: 'logistics' }, 'SubRequestAssigned'],
      [productPart, { kind: 'department', department: 'product' }, 'SubRequestClosed'],
      [logisticsPart, { kind: 'handler', department: 'logistics', handlerId: 'logistics-he' }, 'SubRequestAnswered'],
    ]);
    expect(ledger.holdings.map((holding: { holder: { kind: string } }) => holding.holder.kind)).toEqual(['cs', 'department', 'handler', 'cs']);

    // Answered, the sub-request has left logistics' queue; the customer confirms and the ticket closes.
    await eventually(async () => {
      const page = await logisticsManager.get('routing', '/v1/departments/logistics/queue');
      return (page.body?.subRequests as SubRequestItem[]).every((found) => found.ticketId !== ticketId) ? true : undefined;
    }, "the answered sub-request to leave logistics' queue");
    expect((await cs.post('followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: true })).status).toBe(200);
  });

  it("sweeps a sub-request's own deadline: its department is warned, then its manager and management are escalated to, once, until it is answered", async () => {
    const as = (role: Parameters<TestSystem['token']>[0], id: string, department?: string) => system.as({ token: system.token(role, id, department) });
    const cs = as('cs', 'agent-1');
    const management = as('management', 'director-1');
    const billingManager = as('department_manager', 'billing-manager-qian', 'billing');
    const logisticsManager = as('department_manager', 'logistics-manager-lin', 'logistics');
    const he = as('department_handler', 'logistics-he', 'logistics');
    const sweep = async (asOf: number, ticketId: string): Promise<string[]> => {
      const swept = await management.post('routing', '/v1/deadlines/check', { asOf: new Date(asOf).toISOString() });
      expect(swept.status).toBe(200);
      return (swept.body.changed as { ticketId: string; events: string[] }[]).find((change) => change.ticketId === ticketId)?.events ?? [];
    };
    const item = (ticketId: string, where: (found: SubRequestItem) => boolean, what: string) =>
      eventually(async () => {
        const page = await logisticsManager.get('routing', '/v1/departments/logistics/queue');
        const found = (page.body?.subRequests as SubRequestItem[] | undefined)?.find((candidate) => candidate.ticketId === ticketId);
        return found && where(found) ? found : undefined;
      }, what);

    const opened = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', contact({ type: 'complaint', subject: 'Parcel missing', description: 'Charged for a parcel that never came.' }));
    expect(opened.status).toBe(201);
    const { ticketId } = opened.body;
    const holderId: string = await eventually(async () => (await billingManager.get('routing', `/v1/tickets/${ticketId}`)).body?.handlerId ?? undefined, 'a billing handler');
    // Billing's own first response is given: what the sweep finds due below is the sub-request's alone.
    expect((await as('department_handler', holderId, 'billing').post('routing', `/v1/tickets/${ticketId}/progress`, { note: 'Checking the charge.' })).status).toBe(200);
    expect((await cs.post('routing', `/v1/tickets/${ticketId}/sub-requests`, { department: 'logistics', reason: 'Where is the parcel?' })).status).toBe(201);
    const asked = await item(ticketId, () => true, "the sub-request in logistics' queue");
    const dueAt = Date.parse(asked.firstResponseDueAt);

    expect(await sweep(dueAt - 5 * MINUTE, ticketId)).toEqual(['DeadlineApproaching']);
    expect(await sweep(dueAt + MINUTE, ticketId)).toEqual(['DeadlineBreached', 'TicketEscalated']);
    // A second sweep of the same instant (another instance, a sweep before the projection caught up) records nothing.
    expect(await sweep(dueAt + MINUTE, ticketId)).toEqual([]);
    await item(ticketId, (found) => found.escalation.firstResponse === 'department_manager', "the escalation in logistics' queue");
    expect(await sweep(dueAt + 61 * MINUTE, ticketId)).toEqual(['TicketEscalated']);
    const escalations = await eventually(async () => {
      const found = (await management.get('evaluation', `/v1/tickets/${ticketId}/timeline`)).body?.lifecycle?.escalations;
      return found?.length === 2 ? found : undefined;
    }, 'the escalations on the timeline');
    expect(escalations.map(({ level, department, subRequestId }: { level: string; department: string; subRequestId?: string }) => [level, department, subRequestId])).toEqual([
      ['department_manager', 'logistics', asked.subRequestId],
      ['management', 'logistics', asked.subRequestId],
    ]);
    // The conversation says whose deadline it was: the sub-request's, not the round's.
    const conversation = (await management.get('evaluation', `/v1/tickets/${ticketId}/conversation`)).body.entries as { type: string; subRequestId?: string }[];
    expect(conversation.filter((entry) => entry.type === 'DeadlineBreached').map((entry) => entry.subRequestId)).toEqual([asked.subRequestId]);
    // And the metrics tell them apart from the round's.
    const metrics = await scrapeMetrics(system.url('routing'));
    expect(sumOfSeries(metrics, 'handoff_deadline_breaches_total', { of: 'sub_request' })).toBeGreaterThanOrEqual(1);
    expect(sumOfSeries(metrics, 'handoff_escalations_total', { level: 'management', of: 'sub_request' })).toBeGreaterThanOrEqual(1);

    // Answered, its clocks stop: a later sweep finds nothing of it.
    expect((await he.post('routing', `/v1/tickets/${ticketId}/sub-requests/${asked.subRequestId}/claim`)).status).toBe(200);
    expect((await he.post('routing', `/v1/tickets/${ticketId}/sub-requests/${asked.subRequestId}/answer`, { summary: 'Re-sent today.' })).status).toBe(200);
    expect(await sweep(dueAt + 90 * MINUTE, ticketId)).toEqual([]);
  });
});

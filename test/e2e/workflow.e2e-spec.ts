import { contact } from '../support/contacts';
import { eventually, TestSystem, UPSTREAM_KEY } from '../support/system';

/**
 * The eight scenarios of a ticket's life (../shared/DOMAIN.md), each through the public HTTP
 * APIs of the four running services, which talk to each other only over Kafka.
 */
describe('a ticket’s life across intake, routing, follow-up and evaluation', () => {
  let system: TestSystem;
  let upstream: ReturnType<TestSystem['as']>;
  let cs: ReturnType<TestSystem['as']>;
  let management: ReturnType<TestSystem['as']>;
  let auditor: ReturnType<TestSystem['as']>;
  const handler = (id: string, department: string) => system.as({ token: system.token('department_handler', id, department) });
  const manager = (id: string, department: string) => system.as({ token: system.token('department_manager', id, department) });

  beforeAll(async () => {
    system = await TestSystem.start({ ALLOW_CLOCK_OVERRIDE: 'true' });
    upstream = system.as({ apiKey: UPSTREAM_KEY });
    cs = system.as({ token: system.token('cs', 'agent-1') });
    management = system.as({ token: system.token('management', 'director-1') });
    auditor = system.as({ token: system.token('auditor', 'auditor-1') });
  });
  afterAll(async () => {
    await system?.stop();
  });

  async function open(overrides: Record<string, unknown>): Promise<string> {
    const response = await upstream.post('intake', '/v1/contacts', contact(overrides));
    expect(response.status).toBe(201);
    return response.body.ticketId;
  }

  async function timelineOf(ticketId: string, until: (types: string[]) => boolean) {
    return eventually(async () => {
      const response = await auditor.get('evaluation', `/v1/tickets/${ticketId}/timeline`);
      if (response.status !== 200) return undefined;
      const types: string[] = response.body.entries.map((entry: { type: string }) => entry.type);
      return until(types) ? response.body : undefined;
    }, `the timeline of ${ticketId}`);
  }

  async function awaitingConfirmation(ticketId: string, round: number) {
    return eventually(async () => {
      const response = await cs.get('followup', '/v1/followups?arrived=result&limit=200');
      return response.body.items.find((item: { ticketId: string; round: number }) => item.ticketId === ticketId && item.round === round);
    }, `${ticketId} to await confirmation of round ${round}`);
  }

  async function queueRow(department: string, ticketId: string, as = manager(`manager-${department}`, department), where: (row: any) => boolean = () => true) {
    return eventually(async () => {
      const response = await as.get('routing', `/v1/departments/${department}/queue?limit=500`);
      const row = response.body.items.find((item: { ticketId: string }) => item.ticketId === ticketId);
      return row && where(row) ? row : undefined;
    }, `${ticketId} in ${department}'s queue`);
  }

  it('1. a consultation answered at first contact is confirmed and closed', async () => {
    const ticketId = await open({ subject: 'Opening hours', description: 'When are you open on Sunday?' });
    const answer = await cs.post('intake', `/v1/tickets/${ticketId}/first-contact-answer`, { answer: 'We are open 09:00-17:00 on Sundays.' });
    expect(answer.status).toBe(200);
    await awaitingConfirmation(ticketId, 0);
    expect((await cs.post('followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: true })).status).toBe(200);

    const timeline = await timelineOf(ticketId, (types) => types.includes('TicketClosed'));
    expect(timeline.entries.map((entry: { type: string }) => entry.type)).toEqual([
      'ContactRecorded',
      'TicketClassified',
      'AnsweredAtFirstContact',
      'ConfirmationRequested',
      'CustomerConfirmedSatisfaction',
      'TicketClosed',
    ]);
    expect(timeline.lifecycle).toMatchObject({ outcome: 'satisfied', resolvedAtFirstContact: true });
  });

  it('1b. a simple question answered and confirmed on the line in one step: closed satisfied, in the agent’s name', async () => {
    const ticketId = await open({ subject: 'Opening hours', description: 'When are you open on Saturday?' });
    const answer = await cs.post('intake', `/v1/tickets/${ticketId}/first-contact-answer`, { answer: 'Saturdays 09:00-17:00.', customerSatisfied: true });
    expect(answer.status).toBe(200);
    const timeline = await timelineOf(ticketId, (types) => types.includes('TicketClosed'));
    expect(timeline.entries.map((entry: { type: string }) => entry.type)).toEqual([
      'ContactRecorded',
      'TicketClassified',
      'AnsweredAtFirstContact',
      'ConfirmationRequested',
      'CustomerConfirmedSatisfaction',
      'TicketClosed',
    ]);
    const confirmed = timeline.entries.find((entry: { type: string }) => entry.type === 'CustomerConfirmedSatisfaction');
    expect(confirmed).toMatchObject({ actorId: 'agent-1', role: 'cs' });
    expect(timeline.lifecycle).toMatchObject({ outcome: 'satisfied', resolvedAtFirstContact: true });
    const bad = await cs.post('intake', `/v1/tickets/${ticketId}/first-contact-answer`, { answer: 'again', customerSatisfied: 'yes' });
    expect(bad.status).toBe(400);
  });

  it('7. the same contact posted twice is one ticket', async () => {
    const payload = contact({ externalId: `dup-${system.suffix}` });
    const first = await upstream.post('intake', '/v1/contacts', payload);
    const second = await upstream.post('intake', '/v1/contacts', payload);
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.ticketId).toBe(first.body.ticketId);
    const timeline = await timelineOf(first.body.ticketId, (types) => types.includes('TicketClassified'));
    expect(timeline.entries.filter((entry: { type: string }) => entry.type === 'ContactRecorded')).toHaveLength(1);
  });

  const types = (timeline: { entries: { type: string }[] }) => timeline.entries.map((entry) => entry.type);
  const count = (timeline: { entries: { type: string }[] }, type: string) => types(timeline).filter((found) => found === type).length;

  /** Product feedback goes to the product department, whose strategy is manual: a handler claims it. */
  const productFeedback = () => open({ type: 'feedback', subject: 'Export to spreadsheet', description: 'The monthly report should export to a spreadsheet.' });

  async function claimAndResolve(ticketId: string, department: string, handlerId: string, round: number) {
    const staff = handler(handlerId, department);
    await queueRow(department, ticketId, staff, (row) => row.round === round && row.status !== 'resolved');
    if (round === 1) expect((await staff.post('routing', `/v1/tickets/${ticketId}/claim`)).status).toBe(200);
    expect((await staff.post('routing', `/v1/tickets/${ticketId}/progress`, { note: `looking into it (round ${round})` })).status).toBe(200);
    expect((await staff.post('routing', `/v1/tickets/${ticketId}/result`, { summary: `done in round ${round}` })).status).toBe(200);
    await awaitingConfirmation(ticketId, round);
  }

  it('2. a complex request is routed, claimed, progressed, resolved, confirmed and closed', async () => {
    const ticketId = await productFeedback();
    const row = await queueRow('product', ticketId);
    expect(row).toMatchObject({ department: 'product', status: 'awaiting_handler', handlerId: null, subject: 'Export to spreadsheet' });
    await claimAndResolve(ticketId, 'product', 'product-guo', 1);
    expect((await cs.post('followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: true })).status).toBe(200);

    const timeline = await timelineOf(ticketId, (found) => found.includes('HandlingClosed'));
    expect(types(timeline)).toEqual(
      expect.arrayContaining(['TicketHandedOver', 'TicketRouted', 'HandlerAssigned', 'ProgressReported', 'ResultReported', 'ConfirmationRequested', 'TicketClosed']),
    );
    expect(timeline.lifecycle).toMatchObject({ outcome: 'satisfied', rounds: 1, resolvedAtFirstContact: false });
    expect(timeline.lifecycle.departmentsVisited).toEqual(['product']);
  });

  it('3. a complaint reaches the department and management at once; its result carries an apology and a corrective action', async () => {
    const ticketId = await open({ type: 'complaint', subject: 'Charged twice', description: 'My card was charged twice for one invoice; I want a refund.' });
    const row = await queueRow('billing', ticketId, management, (found) => found.handlerId !== null);
    expect(row).toMatchObject({ complaint: true, managementInvolved: true, priority: 'high' });
    const staff = handler(row.handlerId, 'billing');

    const withoutApology = await staff.post('routing', `/v1/tickets/${ticketId}/result`, { summary: 'refunded' });
    expect(withoutApology.status).toBe(400);
    expect(JSON.stringify(withoutApology.body)).toMatch(/apology/);
    const remedies = {
      summary: 'The duplicate charge was refunded.',
      apology: 'We are sorry for charging you twice.',
      correctiveAction: 'Payment retries now check for an existing capture first.',
    };
    // The cause is chosen from the taxonomy: left out or unknown, the refusal names the field and lists the codes, in either language.
    for (const [body, language, sentence] of [
      [remedies, 'en', /^The complaint's cause must be one of: response_speed, service_attitude, product_defect, billing_error, .*other\.$/],
      [{ ...remedies, cause: 'rude_staff' }, 'zh-CN', /^投诉原因必须是以下之一：response_speed、service_attitude、.*other。$/],
    ] as const) {
      const refused = await staff.post('routing', `/v1/tickets/${ticketId}/result`, body, { 'accept-language': language });
      expect(refused.status).toBe(400);
      expect(refused.body.fields).toEqual([{ field: 'cause', message: expect.stringMatching(sentence) }]);
    }
    const result = await staff.post('routing', `/v1/tickets/${ticketId}/result`, { ...remedies, cause: 'billing_error' });
    expect(result.status).toBe(200);

    const timeline = await timelineOf(ticketId, (found) => found.includes('ConfirmationRequested'));
    expect(types(timeline).indexOf('ManagementInvolved')).toBeLessThan(types(timeline).indexOf('HandlerAssigned'));
    const resultEntry = timeline.entries.find((entry: { type: string }) => entry.type === 'ResultReported');
    expect(resultEntry.data).toMatchObject({ apology: expect.any(String), correctiveAction: expect.any(String), complaint: true, cause: 'billing_error' });
    expect(timeline.lifecycle.managementInvolved).toBe(true);
  });

  it('4. a customer not satisfied twice, then satisfied: three handling rounds on the record', async () => {
    const ticketId = await productFeedback();
    await claimAndResolve(ticketId, 'product', 'product-guo', 1);
    expect((await cs.post('followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: false, objection: 'The export drops the totals row.' })).status).toBe(200);
    await claimAndResolve(ticketId, 'product', 'product-guo', 2);
    expect((await cs.post('followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: false, objection: 'Dates come out as numbers.' })).status).toBe(200);
    await claimAndResolve(ticketId, 'product', 'product-guo', 3);
    expect((await cs.post('followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: true })).status).toBe(200);

    const timeline = await timelineOf(ticketId, (found) => found.includes('HandlingClosed'));
    expect(count(timeline, 'ResultReported')).toBe(3);
    expect(count(timeline, 'CustomerObjected')).toBe(2);
    expect(count(timeline, 'TicketReopened')).toBe(2);
    expect(timeline.lifecycle).toMatchObject({ rounds: 3, reopens: 2, outcome: 'satisfied' });
  });

  it('5. a ticket passed to a second department and back', async () => {
    const ticketId = await productFeedback();
    const product = handler('product-guo', 'product');
    const marketing = handler('marketing-hu', 'marketing');
    await queueRow('product', ticketId, product);
    expect((await product.post('routing', `/v1/tickets/${ticketId}/claim`)).status).toBe(200);
    expect((await product.post('routing', `/v1/tickets/${ticketId}/transfer`, { toDepartment: 'marketing', reason: 'this is about a campaign' })).status).toBe(200);
    expect((await marketing.post('routing', `/v1/tickets/${ticketId}/transfer/accept`)).status).toBe(200);
    await queueRow('marketing', ticketId, marketing);
    expect((await marketing.post('routing', `/v1/tickets/${ticketId}/transfer`, { toDepartment: 'product', reason: 'it is a product feature after all' })).status).toBe(200);
    expect((await product.post('routing', `/v1/tickets/${ticketId}/transfer/accept`)).status).toBe(200);
    const back = await queueRow('product', ticketId, product, (row) => row.department === 'product' && row.pendingTransfer === null && row.handlerId === null);
    expect(back.status).toBe('awaiting_handler');
    expect((await marketing.get('routing', `/v1/tickets/${ticketId}`)).status).toBe(403);

    const timeline = await timelineOf(ticketId, (found) => found.filter((type) => type === 'TransferAccepted').length === 2);
    expect(count(timeline, 'TransferRequested')).toBe(2);
    expect(timeline.lifecycle.departmentsVisited).toEqual(['product', 'marketing', 'product']);
  });

  it('6. a deadline passed escalates to the department manager, then to management (time injected, not slept)', async () => {
    const ticketId = await open({ subject: 'Urgent: service outage', description: 'Urgent: nothing works at our branch.' });
    const row = await queueRow('customer_care', ticketId);
    expect(row.priority).toBe('urgent');
    const firstResponseDue = new Date(row.deadlines.firstResponseDueAt);

    // Within the warning time, before it is due: its holder (nobody yet, so the department) is warned, once.
    const soon = { asOf: new Date(firstResponseDue.getTime() - 5 * 60_000).toISOString() };
    // (Other tests' tickets share this system and may be warned too.)
    const ofThisTicket = (swept: { body: { changed: { ticketId: string; events: string[] }[] } }) => swept.body.changed.filter((change) => change.ticketId === ticketId);
    expect(ofThisTicket(await management.post('routing', '/v1/deadlines/check', soon))).toEqual([{ ticketId, events: ['DeadlineApproaching'] }]);
    expect(ofThisTicket(await management.post('routing', '/v1/deadlines/check', soon))).toEqual([]);
    const careHandler = system.as({ token: system.token('department_handler', 'care-li', 'customer_care') });
    const notice = await eventually(async () => {
      const page = await careHandler.get('evaluation', '/v1/notifications');
      return page.body.items?.find((item: { ticketId: string; kind: string }) => item.ticketId === ticketId && item.kind === 'first_response_due');
    }, 'the department warned of the first response due');
    expect(notice.excerpt).toBe(firstResponseDue.toISOString());

    const justLate = await management.post('routing', '/v1/deadlines/check', { asOf: new Date(firstResponseDue.getTime() + 60_000).toISOString() });
    expect(justLate.status).toBe(200);
    let escalated = await queueRow('customer_care', ticketId, management, (found) => found.escalation.level === 'department_manager');
    expect(escalated.escalation.breached).toBe(true);

    const muchLater = await management.post('routing', '/v1/deadlines/check', { asOf: new Date(firstResponseDue.getTime() + 7 * 24 * 3600_000).toISOString() });
    expect(muchLater.status).toBe(200);
    escalated = await queueRow('customer_care', ticketId, management, (found) => found.escalation.level === 'management');
    expect(escalated.managementInvolved).toBe(true);

    const timeline = await timelineOf(ticketId, (found) => found.includes('ManagementInvolved'));
    const levels = timeline.entries.filter((entry: { type: string }) => entry.type === 'TicketEscalated').map((entry: { data: { level: string } }) => entry.data.level);
    expect(levels.slice(0, 2)).toEqual(['department_manager', 'management']);
  });

  it('8. services restarted in the middle of a scenario: it still completes, nothing lost or doubled', async () => {
    // Routing dies right after the contact is accepted, before it can have routed it.
    const ticketId = await productFeedback();
    await system.kill('routing');
    await system.restart('routing');
    await queueRow('product', ticketId);
    const product = handler('product-guo', 'product');
    expect((await product.post('routing', `/v1/tickets/${ticketId}/claim`)).status).toBe(200);
    expect((await product.post('routing', `/v1/tickets/${ticketId}/result`, { summary: 'exports now include totals' })).status).toBe(200);
    // Follow-up dies while the result is on its way to it.
    await system.kill('followup');
    await system.restart('followup');
    await awaitingConfirmation(ticketId, 1);
    expect((await cs.post('followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: true })).status).toBe(200);

    const timeline = await timelineOf(ticketId, (found) => found.includes('HandlingClosed'));
    for (const type of ['ContactRecorded', 'TicketHandedOver', 'TicketRouted', 'HandlerAssigned', 'ResultReported', 'ConfirmationRequested', 'TicketClosed', 'HandlingClosed']) {
      expect([type, count(timeline, type)]).toEqual([type, 1]);
    }
    expect(new Set(timeline.entries.map((entry: { eventId: string }) => entry.eventId)).size).toBe(timeline.entries.length);
  });
});

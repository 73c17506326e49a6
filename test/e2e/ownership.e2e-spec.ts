import { contact } from '../support/contacts';
import { eventually, TestSystem, UPSTREAM_KEY } from '../support/system';

/**
 * Ownership of a claimed ticket, over HTTP with the four services running: only the responsible
 * handler works it; the department's manager may step in for them (and the record says so); a
 * colleague is refused; a reassignment says why.
 */
describe('only the responsible handler works a claimed ticket', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('refuses a colleague, lets the manager act for the holder, and records a reassignment with its reason', async () => {
    const upstream = system.as({ apiKey: UPSTREAM_KEY });
    const auditor = system.as({ token: system.token('auditor', 'auditor-1') });
    const manager = system.as({ token: system.token('department_manager', 'billing-manager-qian', 'billing') });
    const staff = (id: string) => system.as({ token: system.token('department_handler', id, 'billing') });

    // A complaint about a charge: billing assigns it by load to one of its two handlers.
    const opened = await upstream.post(
      'intake',
      '/v1/contacts',
      contact({ type: 'complaint', subject: 'Charged twice', description: 'My card was charged twice for one invoice; I want a refund.' }),
    );
    expect(opened.status).toBe(201);
    const { ticketId } = opened.body;
    const holder: string = await eventually(async () => (await manager.get('routing', `/v1/tickets/${ticketId}`)).body?.handlerId ?? undefined, 'a billing handler');
    const colleague = holder === 'billing-wu' ? 'billing-zhou' : 'billing-wu';

    const remedies = { apology: 'We are sorry for the double charge.', correctiveAction: 'Card charges are reconciled daily.', cause: 'billing_error' };
    for (const [route, body] of [
      ['progress', { note: 'I had a look as well.' }],
      ['result', { summary: 'Refunded.', ...remedies }],
      ['transfer', { toDepartment: 'logistics', reason: 'Perhaps a parcel question.' }],
    ] as const) {
      const refused = await staff(colleague).post('routing', `/v1/tickets/${ticketId}/${route}`, body);
      expect(refused.status).toBe(403);
      expect(refused.body.message).toContain(`${holder} is the responsible handler of this ticket`);
    }

    // The manager steps in for the holder.
    const plan = await manager.post('routing', `/v1/tickets/${ticketId}/progress`, { note: 'Checking with the bank on behalf of the team.' });
    expect(plan.status).toBe(200);
    expect(plan.body.handlerId).toBe(holder);

    // Taking it from the holder needs a reason, which is kept.
    const bare = await manager.post('routing', `/v1/tickets/${ticketId}/assign`, { handlerId: colleague });
    expect(bare.status).toBe(400);
    expect(bare.body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'reason' })]));
    const reassigned = await manager.post('routing', `/v1/tickets/${ticketId}/assign`, { handlerId: colleague, reason: `${holder} is on leave this week` });
    expect(reassigned.status).toBe(200);
    expect(reassigned.body.handlerId).toBe(colleague);

    // From now on the former holder is the colleague.
    expect((await staff(holder).post('routing', `/v1/tickets/${ticketId}/progress`, { note: 'Still on it?' })).status).toBe(403);
    expect((await staff(colleague).post('routing', `/v1/tickets/${ticketId}/progress`, { note: 'Taken over; refund requested.' })).status).toBe(200);
    const result = await manager.post('routing', `/v1/tickets/${ticketId}/result`, { summary: 'The duplicate charge was refunded.', ...remedies });
    expect(result.status).toBe(200);

    const history = await eventually(async () => {
      const response = await auditor.get('evaluation', `/v1/tickets/${ticketId}/history`);
      return response.body?.entries?.some((entry: { type: string }) => entry.type === 'ResultReported') ? response.body.entries : undefined;
    }, 'the result in the history');
    const routing = history.filter((entry: { service: string }) => entry.service === 'routing');
    const progress = routing.filter((entry: { type: string }) => entry.type === 'ProgressReported');
    expect(progress.map((entry: { actorId: string; summary: string }) => [entry.actorId, entry.summary])).toEqual([
      ['billing-manager-qian', `first response (handling plan) by billing (round 1), for ${holder}`],
      [colleague, 'progress reported by billing (round 1)'],
    ]);
    const reassignment = routing.filter((entry: { type: string }) => entry.type === 'HandlerAssigned').at(-1);
    expect(reassignment).toMatchObject({ actorId: 'billing-manager-qian', reason: `${holder} is on leave this week` });
    const reported = routing.find((entry: { type: string }) => entry.type === 'ResultReported');
    expect(reported).toMatchObject({ actorId: 'billing-manager-qian', summary: expect.stringContaining(`result reported for ${colleague} of billing`) });
  });
});

import { periodOf } from '@handoff/service-time';
import { contact } from '../support/contacts';
import { eventually, TestSystem } from '../support/system';

/**
 * A corrective action from QA's inspection reaches the agent it is addressed to: she sees it, marks
 * it done with a note (a colleague may not), and QA verifies it: not effective (open again, with
 * why), then effective.
 */
describe('corrective actions followed up by the people they concern', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('goes from QA to the agent and back to QA until it is verified', async () => {
    const agent = system.as({ token: system.token('cs', 'agent-7') });
    const colleague = system.as({ token: system.token('cs', 'agent-8') });
    const qa = system.as({ token: system.token('qa', 'inspector-1') });
    const recorded = await agent.post('intake', '/v1/contacts', contact({ sourceSystem: 'hotline-desk', subject: 'Opening hours', description: 'When are you open on Sunday?' }));
    expect(recorded.status).toBe(201);
    const ticketId: string = recorded.body.ticketId;
    expect((await agent.post('intake', `/v1/tickets/${ticketId}/first-contact-answer`, { answer: 'Sundays 10 to 4.', customerSatisfied: true })).status).toBe(200);
    await eventually(async () => (await qa.get('evaluation', `/v1/tickets/${ticketId}/timeline`)).body?.lifecycle?.outcome === 'satisfied', 'the ticket closed');

    const sample = await qa.post('evaluation', '/v1/qa/samples', { team: 'cs', period: periodOf(new Date().toISOString(), 'week', 'Asia/Shanghai'), seed: 1 });
    expect(sample.status).toBe(201);
    expect(sample.body.ticketIds).toContain(ticketId);
    const rubric = (await qa.get('evaluation', '/v1/qa/rubric')).body;
    const poor = Object.fromEntries(rubric.criteria.map((criterion: { key: string }) => [criterion.key, 1]));
    const inspected = await qa.post('evaluation', `/v1/qa/inspections/${ticketId}`, {
      sampleId: sample.body.sampleId,
      scores: poor,
      correctiveAction: { description: 'Use the opening line on every call.' },
    });
    expect(inspected.status).toBe(200);
    const actionId: string = inspected.body.actionId;

    const mine = await eventually(async () => {
      const items = (await agent.get('evaluation', '/v1/qa/corrective-actions/mine')).body.items as { actionId: string }[];
      return items.find((item) => item.actionId === actionId);
    }, 'the action among the agent’s');
    expect(mine).toMatchObject({ ticketId, description: 'Use the opening line on every call.', status: 'open', assignees: ['agent-7'] });
    expect((await colleague.get('evaluation', '/v1/qa/corrective-actions/mine')).body.items).toEqual([]);

    expect((await colleague.post('evaluation', `/v1/qa/corrective-actions/${actionId}/complete`, { note: 'not mine' })).status).toBe(403);
    expect((await qa.post('evaluation', `/v1/qa/corrective-actions/${actionId}/verify`, { effective: true })).status).toBe(412);
    expect((await agent.post('evaluation', `/v1/qa/corrective-actions/${actionId}/complete`, { note: 'Practised the opening line.' })).status).toBe(200);

    const notEffective = await qa.post('evaluation', `/v1/qa/corrective-actions/${actionId}/verify`, { effective: false });
    expect(notEffective.status).toBe(400);
    expect(notEffective.body.fields.map((field: { field: string }) => field.field)).toEqual(['note']);
    expect((await qa.post('evaluation', `/v1/qa/corrective-actions/${actionId}/verify`, { effective: false, note: 'The greeting is still missing on calls.' })).status).toBe(200);
    const reopened = await eventually(async () => {
      const items = (await agent.get('evaluation', '/v1/qa/corrective-actions/mine')).body.items as { actionId: string; status: string; effective: boolean | null }[];
      return items.find((item) => item.actionId === actionId && item.status === 'open' && item.effective === false);
    }, 'the action open again');
    expect(reopened).toMatchObject({ verificationNote: 'The greeting is still missing on calls.', verifiedBy: 'inspector-1' });

    expect((await agent.post('evaluation', `/v1/qa/corrective-actions/${actionId}/complete`, { note: 'Now on every call, checked by my lead.' })).status).toBe(200);
    expect((await qa.post('evaluation', `/v1/qa/corrective-actions/${actionId}/verify`, { effective: true })).status).toBe(200);
    await eventually(async () => {
      const items = (await agent.get('evaluation', '/v1/qa/corrective-actions/mine')).body.items as { actionId: string; status: string }[];
      return items.some((item) => item.actionId === actionId && item.status === 'verified');
    }, 'the action verified');
  });
});

import { periodOf } from '@handoff/service-time';
import { contact } from '../support/contacts';
import { eventually, TestSystem, UPSTREAM_KEY } from '../support/system';

/**
 * A QA sample keeps to the policy's size however many agents did the work: twelve records of six
 * CS agents this week, sampled at the default 10 %, are two records (of two agents), not six.
 */
describe('a QA sample keeps to its size', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({ KPI_TIME_ZONE: 'UTC' });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('draws ceil(10 % × 12) = 2 records of two different agents, records how, and redraws the same', async () => {
    const upstream = system.as({ apiKey: UPSTREAM_KEY });
    const auditor = system.as({ token: system.token('auditor', 'auditor-1') });
    const agents = Array.from({ length: 6 }, (_, i) => `agent-${i + 1}`);
    const ticketIds: string[] = [];
    for (let i = 0; i < 12; i++) {
      const opened = await upstream.post('intake', '/v1/contacts', contact({ channel: i % 3 === 0 ? 'email' : 'hotline', subject: 'Opening hours', description: 'When are you open on Sunday?' }));
      expect(opened.status).toBe(201);
      const agent = system.as({ token: system.token('cs', agents[i % 6]!) });
      expect((await agent.post('intake', `/v1/tickets/${opened.body.ticketId}/first-contact-answer`, { answer: 'We are open 09:00-17:00 on Sundays.' })).status).toBe(200);
      ticketIds.push(opened.body.ticketId);
    }
    for (const ticketId of ticketIds) {
      await eventually(async () => {
        const timeline = await auditor.get('evaluation', `/v1/tickets/${ticketId}/timeline`);
        return timeline.body?.entries?.some((entry: { type: string }) => entry.type === 'AnsweredAtFirstContact');
      }, `the answer to ${ticketId} in evaluation`);
    }

    const qa = system.as({ token: system.token('qa', 'inspector-1') });
    const period = periodOf(new Date().toISOString(), 'week', 'UTC');
    const drawn = await qa.post('evaluation', '/v1/qa/samples', { team: 'cs', period, seed: 20261205 });
    expect(drawn.status).toBe(201);
    expect(drawn.body).toMatchObject({
      team: 'cs',
      period,
      seed: 20261205,
      policy: { rule: 'default', cadence: 'week', rate: 0.1 },
      populationSize: 12,
      targetSize: 2,
      size: 2,
      method: 'proportional',
      agents,
      channels: ['email', 'hotline'],
      // 2 of 12: e-mail 4 → 0.67, hotline 8 → 1.33: one each.
      allocation: [
        { channel: 'email', population: 4, sampled: 1 },
        { channel: 'hotline', population: 8, sampled: 1 },
      ],
      previousSampleIds: [],
      previouslySampledAgents: [],
    });
    expect(drawn.body.ticketIds).toHaveLength(2);
    expect(drawn.body.sampledAgents).toHaveLength(2);
    expect(drawn.body.ticketIds.every((id: string) => ticketIds.includes(id))).toBe(true);

    // Anyone can draw it again from the event: the same seed over the same records.
    const view = await qa.get('evaluation', `/v1/qa/samples/${drawn.body.sampleId}`);
    expect(view.status).toBe(200);
    expect(view.body.redraw).toMatchObject({ populationSize: 12, samePopulation: true, sameSample: true });
    expect(view.body.records).toHaveLength(2);
    const again = await qa.post('evaluation', '/v1/qa/samples', { team: 'cs', period, seed: 20261205 });
    expect(again.body.ticketIds).toEqual(drawn.body.ticketIds);
  });
});

import { DomainError, ValidationFailed, type Actor, type CommandMetadata, type EvaluationEvent } from '@handoff/contracts';
import { decideInspection, evolveInspection, initialInspectionState, type InspectionState, type InspectRecord } from './inspection.decider';
import { DEFAULT_RUBRIC, totalOf } from './rubric';
import { decideSample, evolveSample, initialSampleState, type DrawSample } from './sample.decider';
import { drawSample, type SampleCandidate } from './sampling';

const NOW = new Date('2025-03-10T02:00:00Z');
const SAMPLE = '3f0e9a36-5c1d-4b7e-9a42-0c6d2b1e8f70';
const ACTION = '7c1f5b0e-2a3d-4e6f-8a9b-0c1d2e3f4a5b';
const inspector: Actor = { id: 'inspector-1', role: 'qa' };
const meta = (actor: Actor, cause = 'req-1'): CommandMetadata => ({ now: NOW, actor, correlationId: cause, causationId: cause });
const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? error.code : error instanceof ValidationFailed ? error.code : 'other';
  }
  return undefined;
};

const population: SampleCandidate[] = Array.from({ length: 20 }, (_, i) => ({
  ticketId: `t-${String(i).padStart(2, '0')}`,
  agents: [`agent-${i % 4}`],
  channel: i % 5 === 0 ? 'hotline' : 'web_chat',
}));
const policy = { version: 'sampling-1', rule: 'default' as const, cadence: 'week' as const, rate: 0.1 };
const draw = (data: Partial<DrawSample['data']> = {}, actor = inspector): DrawSample => ({
  type: 'DrawSample',
  data: { sampleId: SAMPLE, team: 'cs', period: '2025-W10', policy, seed: 42, population, ...data },
  metadata: meta(actor),
});

describe('drawing a sample', () => {
  it('given no sample yet, when QA draws one, then SampleDrawn records the seed, the population and the chosen records', () => {
    const [event] = decideSample(draw(), initialSampleState);
    const expected = drawSample(population, 0.1, 42);
    expect(event).toEqual({
      type: 'SampleDrawn',
      data: expect.objectContaining({
        sampleId: SAMPLE,
        team: 'cs',
        period: '2025-W10',
        policy,
        seed: 42,
        populationSize: 20,
        targetSize: 2,
        size: expected.ticketIds.length,
        ticketIds: expected.ticketIds,
        agents: ['agent-0', 'agent-1', 'agent-2', 'agent-3'],
        channels: ['hotline', 'web_chat'],
        method: 'proportional',
        sampledAgents: expected.sampledAgents,
        sampledChannels: expected.sampledChannels,
        // 2 of 20: hotline 4 → 0.4, web chat 16 → 1.6; the record left goes to web chat's larger remainder.
        allocation: [
          { channel: 'hotline', population: 4, sampled: 0 },
          { channel: 'web_chat', population: 16, sampled: 2 },
        ],
        previousSampleIds: [],
        previouslySampledAgents: [],
      }),
    });
    // Four agents, yet the sample keeps to its 10 %: 2 records, of two agents.
    expect(event!.data.size).toBe(2);
    expect(event!.data.sampledAgents).toHaveLength(2);
  });

  it('given the samples of the period before, then their agents come last and are on the record for a redraw', () => {
    const [first] = decideSample(draw({ period: '2025-W09' }), initialSampleState);
    const previous = { sampleIds: [SAMPLE], agents: [...first!.data.sampledAgents!] };
    const [next] = decideSample(draw({ seed: 7, previous }), initialSampleState);
    expect(next!.data).toMatchObject({ previousSampleIds: [SAMPLE], previouslySampledAgents: [...previous.agents].sort() });
    expect(next!.data.sampledAgents!.filter((agent) => previous.agents.includes(agent))).toEqual([]);
    expect(drawSample(population, 0.1, 7, next!.data.previouslySampledAgents).ticketIds).toEqual(next!.data.ticketIds);
  });

  it('anyone can redraw it from what the event says', () => {
    const [event] = decideSample(draw(), initialSampleState);
    const { seed, policy: applied, ticketIds, previouslySampledAgents } = event!.data;
    expect(drawSample(population, applied.rate, seed, previouslySampledAgents).ticketIds).toEqual(ticketIds);
  });

  it('given the sample is drawn, then the same draw again writes nothing and another draw on its stream conflicts', () => {
    const drawn = decideSample(draw(), initialSampleState).reduce((state, event) => evolveSample(state, event), initialSampleState);
    expect(decideSample(draw(), drawn)).toEqual([]);
    expect(codeOf(() => decideSample(draw({ seed: 43 }), drawn))).toBe('CONFLICT');
  });

  it('refuses a period that does not suit the team’s cadence, an empty population and anyone but QA', () => {
    expect(codeOf(() => decideSample(draw({ period: '2025-03' }), initialSampleState))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => decideSample(draw({ policy: { ...policy, cadence: 'month' } }), initialSampleState))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => decideSample(draw({ population: [] }), initialSampleState))).toBe('PRECONDITION_FAILED');
    expect(codeOf(() => decideSample(draw({}, { id: 'director-1', role: 'management' }), initialSampleState))).toBe('FORBIDDEN');
  });
});

describe('the rubric', () => {
  it('totals the weighted share of the maximum points', () => {
    // 100 × (25·5/5 + 15·4/5 + 25·5/5 + 20·3/5 + 15·4/5) ÷ 100 = 25 + 12 + 25 + 12 + 12 = 86
    expect(totalOf(DEFAULT_RUBRIC, { wording: 5, opening: 4, accuracy: 5, timeliness: 3, completeness: 4 })).toBe(86);
    expect(totalOf(DEFAULT_RUBRIC, { wording: 2, opening: 2, accuracy: 2, timeliness: 2, completeness: 2 })).toBe(40);
  });

  it('refuses a missing or unknown criterion and points out of range, naming each', () => {
    try {
      totalOf(DEFAULT_RUBRIC, { wording: 6, opening: 1.5, accuracy: 5, timeliness: 3, politeness: 4 });
      throw new Error('accepted');
    } catch (error) {
      expect((error as ValidationFailed).errors.map((e) => e.field)).toEqual(['scores.wording', 'scores.opening', 'scores.completeness', 'scores.politeness']);
    }
  });
});

describe('inspecting a sampled record', () => {
  const good = { wording: 5, opening: 4, accuracy: 5, timeliness: 3, completeness: 4 };
  const poor = { wording: 2, opening: 2, accuracy: 2, timeliness: 2, completeness: 2 };
  const inspect = (data: Partial<InspectRecord['data']> = {}, actor = inspector): InspectRecord => ({
    type: 'InspectRecord',
    data: {
      ticketId: 't-01',
      sampleId: SAMPLE,
      sample: { team: 'cs', ticketIds: ['t-01', 't-02'] },
      rubric: DEFAULT_RUBRIC,
      scores: good,
      missing: [],
      assignees: ['agent-1'],
      ...data,
    },
    metadata: meta(actor),
  });
  const apply = (events: readonly EvaluationEvent[], state: InspectionState = initialInspectionState) => events.reduce(evolveInspection, state);

  it('given a sampled record, when QA scores it above the pass mark, then RecordInspected with the total and the rubric version', () => {
    expect(decideInspection(inspect({ missing: ['customer_confirmation'], note: 'Good tone.' }), initialInspectionState)).toEqual([
      {
        type: 'RecordInspected',
        data: { sampleId: SAMPLE, team: 'cs', rubricVersion: 'rubric-1', scores: good, total: 86, passMark: 60, correctiveActionRequired: false, missing: ['customer_confirmation'], note: 'Good tone.' },
      },
    ]);
  });

  it('a total below the pass mark requires a corrective action, which is recorded for the people who did the work', () => {
    expect(codeOf(() => decideInspection(inspect({ scores: poor }), initialInspectionState))).toBe('VALIDATION_FAILED');
    const events = decideInspection(inspect({ scores: poor, correctiveAction: { actionId: ACTION, description: 'Retrain on the opening script.', dueAt: '2025-03-17T10:00:00.000Z' } }), initialInspectionState);
    expect(events.map((event) => event.type)).toEqual(['RecordInspected', 'CorrectiveActionRequired']);
    expect(events[0]!.data).toMatchObject({ total: 40, correctiveActionRequired: true });
    expect(events[1]!.data).toEqual({ actionId: ACTION, sampleId: SAMPLE, team: 'cs', assignees: ['agent-1'], description: 'Retrain on the opening script.', dueAt: '2025-03-17T10:00:00.000Z' });
  });

  it('refuses a record outside the sample, an unknown sample, a second inspection in the same sample, and anyone but QA', () => {
    expect(codeOf(() => decideInspection(inspect({ ticketId: 't-09' }), initialInspectionState))).toBe('PRECONDITION_FAILED');
    expect(codeOf(() => decideInspection(inspect({ sample: null }), initialInspectionState))).toBe('NOT_FOUND');
    const inspected = apply(decideInspection(inspect(), initialInspectionState));
    expect(codeOf(() => decideInspection(inspect(), inspected))).toBe('CONFLICT');
    expect(codeOf(() => decideInspection(inspect({}, { id: 'm', role: 'management' }), initialInspectionState))).toBe('FORBIDDEN');
  });

  it('tracks a corrective action until done: QA, management or the team’s own manager completes it, once', () => {
    const required = apply(decideInspection(inspect({ scores: poor, correctiveAction: { actionId: ACTION, description: 'Retrain.' } }), initialInspectionState));
    expect(required.actions[ACTION]).toEqual({ team: 'cs', assignees: ['agent-1'], status: 'open' });
    const complete = (actor: Actor) => ({ type: 'CompleteCorrectiveAction' as const, data: { actionId: ACTION, note: 'Retrained on 12 March.' }, metadata: meta(actor) });
    expect(codeOf(() => decideInspection(complete({ id: 'm-wu', role: 'department_manager', department: 'billing' }), required))).toBe('FORBIDDEN');
    const done = decideInspection(complete(inspector), required);
    expect(done).toEqual([{ type: 'CorrectiveActionCompleted', data: { actionId: ACTION, note: 'Retrained on 12 March.' } }]);
    const completed = apply(done, required);
    expect(completed.actions[ACTION]?.status).toBe('completed');
    expect(codeOf(() => decideInspection(complete(inspector), completed))).toBe('CONFLICT');
    expect(codeOf(() => decideInspection({ ...complete(inspector), data: { actionId: SAMPLE, note: 'x' } }, completed))).toBe('NOT_FOUND');
  });

  it('lets the agent it is addressed to mark it done, not a colleague; QA then verifies it, or opens it again saying why', () => {
    const required = apply(decideInspection(inspect({ scores: poor, correctiveAction: { actionId: ACTION, description: 'Retrain.' } }), initialInspectionState));
    const complete = (actor: Actor) => ({ type: 'CompleteCorrectiveAction' as const, data: { actionId: ACTION, note: 'Practised the opening script.' }, metadata: meta(actor) });
    const verify = (effective: boolean, note?: string, actor: Actor = inspector) => ({
      type: 'VerifyCorrectiveAction' as const,
      data: { actionId: ACTION, effective, ...(note ? { note } : {}) },
      metadata: meta(actor),
    });
    expect(codeOf(() => decideInspection(complete({ id: 'agent-2', role: 'cs' }), required))).toBe('FORBIDDEN');
    expect(codeOf(() => decideInspection(verify(true), required))).toBe('PRECONDITION_FAILED');
    const completed = apply(decideInspection(complete({ id: 'agent-1', role: 'cs' }), required), required);
    expect(completed.actions[ACTION]?.status).toBe('completed');

    expect(codeOf(() => decideInspection(verify(true, undefined, { id: 'm', role: 'management' }), completed))).toBe('FORBIDDEN');
    expect(codeOf(() => decideInspection(verify(false), completed))).toBe('VALIDATION_FAILED');
    const reopened = apply(decideInspection(verify(false, 'The opening line is still missing.'), completed), completed);
    expect(reopened.actions[ACTION]?.status).toBe('open');
    const again = apply(decideInspection(complete({ id: 'agent-1', role: 'cs' }), reopened), reopened);
    expect(decideInspection(verify(true), again)).toEqual([{ type: 'CorrectiveActionVerified', data: { actionId: ACTION, effective: true } }]);
    expect(apply(decideInspection(verify(true), again), again).actions[ACTION]?.status).toBe('verified');
  });
});

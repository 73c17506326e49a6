import { DomainError, ValidationFailed, type Actor, type CommandMetadata } from '@handoff/contracts';
import { FIXED_IDS, recordedMarchHistory } from '../kpis/march.fixture';
import { serviceRecordsFromEvents } from '../records/service-record';
import { combine, customerEvaluations, DEFAULT_ASSESSMENT_POLICY, rankAssessments, type SubmittedEvaluations } from './assessment';
import { decideAssessment, evolveAssessment, initialAssessmentState, teamOf, type AssessmentCommand } from './assessment.decider';

const records = serviceRecordsFromEvents(recordedMarchHistory(FIXED_IDS));

describe('the customer evaluation, from the confirmations', () => {
  it('credits each answer to who produced the result and to the CS agent who reported it back', () => {
    // T1: agent-a answered and confirmed, satisfied. T2: agent-b reported h-ana's results back: objected, then satisfied.
    // T5: agent-c reported h-lou's result: satisfied. T3's customer was never reached: no answer.
    expect(Object.fromEntries(customerEvaluations(records, 'cs', '2025-03', 'Asia/Shanghai'))).toEqual({
      'agent-a': { satisfied: 1, answers: 1, score: 100 },
      'agent-b': { satisfied: 1, answers: 2, score: 50 },
      'agent-c': { satisfied: 1, answers: 1, score: 100 },
    });
    expect(Object.fromEntries(customerEvaluations(records, 'billing', '2025-03', 'Asia/Shanghai'))).toEqual({ 'h-ana': { satisfied: 1, answers: 2, score: 50 } });
    expect(Object.fromEntries(customerEvaluations(records, 'logistics', '2025-W10', 'Asia/Shanghai'))).toEqual({ 'h-lou': { satisfied: 1, answers: 1, score: 100 } });
    expect(customerEvaluations(records, 'cs', '2025-W11', 'Asia/Shanghai').size).toBe(0);
  });
});

describe('the assessment', () => {
  const submitted: SubmittedEvaluations[] = [
    { personId: 'agent-a', team: 'cs', self: 80, supervisor: 90 },
    { personId: 'agent-b', team: 'cs', self: 95, supervisor: 70 },
    { personId: 'agent-c', team: 'cs', self: 60, supervisor: 85 },
    { personId: 'agent-d', team: 'cs', self: 100, supervisor: null },
    { personId: 'h-ana', team: 'billing', self: 70, supervisor: 70 },
  ];
  const customers = customerEvaluations(records, 'cs', '2025-03', 'Asia/Shanghai');

  it('combines the three parts with the configured weights, and shows the parts', () => {
    const ranking = rankAssessments('cs', '2025-03', submitted, customers, DEFAULT_ASSESSMENT_POLICY);
    expect(ranking.map((a) => [a.personId, a.total, a.complete, a.rank, a.star])).toEqual([
      ['agent-a', 91, true, 1, true], // 0.2 × 80 + 0.5 × 90 + 0.3 × 100 = 16 + 45 + 30
      ['agent-c', 84.5, true, 2, false], // 0.2 × 60 + 0.5 × 85 + 0.3 × 100 = 12 + 42.5 + 30
      ['agent-b', 69, true, 3, false], // 0.2 × 95 + 0.5 × 70 + 0.3 × 50 = 19 + 35 + 15
      ['agent-d', 100, false, null, false], // self only: 0.2 × 100 ÷ 0.2; not ranked until complete
    ]);
    expect(ranking[0]).toMatchObject({
      parts: { self: 80, supervisor: 90, customer: { score: 100, satisfied: 1, answers: 1 } },
      weights: { self: 0.2, supervisor: 0.5, customer: 0.3 },
    });
  });

  it('applies other weights as configured, and equal totals share a rank', () => {
    const policy = { version: 'assessment-2', weights: { self: 1, supervisor: 1, customer: 2 } };
    // agent-a (80 + 90 + 2 × 100) ÷ 4 = 92.5
    expect(combine({ self: 80, supervisor: 90, customer: 100 }, policy)).toEqual({ total: 92.5, complete: true });
    expect(combine({ self: null, supervisor: null, customer: null }, policy)).toEqual({ total: null, complete: false });
    const tied: SubmittedEvaluations[] = [
      { personId: 'x', team: 'cs', self: 80, supervisor: 80 },
      { personId: 'y', team: 'cs', self: 80, supervisor: 80 },
      { personId: 'z', team: 'cs', self: 70, supervisor: 70 },
    ];
    const same = new Map(['x', 'y', 'z'].map((id) => [id, { score: 80, satisfied: 4, answers: 5 }]));
    expect(rankAssessments('cs', '2025-03', tied, same, policy).map((a) => [a.personId, a.rank, a.star])).toEqual([
      ['x', 1, true],
      ['y', 1, true],
      ['z', 3, false],
    ]);
  });

  it('ranks one team at a time', () => {
    expect(rankAssessments('billing', '2025-03', submitted, customerEvaluations(records, 'billing', '2025-03', 'Asia/Shanghai'), DEFAULT_ASSESSMENT_POLICY)).toEqual([
      expect.objectContaining({ personId: 'h-ana', total: 64, rank: 1, star: true }), // 0.2 × 70 + 0.5 × 70 + 0.3 × 50 = 14 + 35 + 15
    ]);
  });
});

describe('submitting evaluations', () => {
  const meta = (actor: Actor): CommandMetadata => ({ now: new Date('2025-04-01T02:00:00Z'), actor, correlationId: 'r', causationId: 'r' });
  const agent: Actor = { id: 'agent-a', role: 'cs' };
  const manager: Actor = { id: 'm-qian', role: 'department_manager', department: 'billing' };
  const director: Actor = { id: 'director-1', role: 'management' };
  const self = (actor: Actor, data: Partial<AssessmentCommand['data']> = {}): AssessmentCommand => ({
    type: 'SubmitSelfEvaluation',
    data: { personId: actor.id, team: teamOf(actor), period: '2025-03', score: 80, ...data },
    metadata: meta(actor),
  });
  const supervisor = (actor: Actor, data: Partial<AssessmentCommand['data']> = {}): AssessmentCommand => ({
    type: 'SubmitSupervisorEvaluation',
    data: { personId: 'agent-a', team: 'cs', period: '2025-03', score: 90, ...data },
    metadata: meta(actor),
  });
  const codeOf = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return (error as DomainError | ValidationFailed).code;
    }
    return undefined;
  };

  it('a person evaluates themselves, in their own team; resubmitting the same changes nothing, a new score is recorded', () => {
    const events = decideAssessment(self(agent, { comment: 'A good month.' }), initialAssessmentState);
    expect(events).toEqual([{ type: 'SelfEvaluationSubmitted', data: { personId: 'agent-a', team: 'cs', period: '2025-03', score: 80, comment: 'A good month.' } }]);
    const state = events.reduce(evolveAssessment, initialAssessmentState);
    expect(decideAssessment(self(agent, { comment: 'A good month.' }), state)).toEqual([]);
    expect(decideAssessment(self(agent, { score: 85 }), state)).toHaveLength(1);
    expect(codeOf(() => decideAssessment(self(agent, { personId: 'agent-b' }), initialAssessmentState))).toBe('FORBIDDEN');
    expect(codeOf(() => decideAssessment(self(agent, { team: 'billing' }), initialAssessmentState))).toBe('FORBIDDEN');
  });

  it('management supervises every team, a department manager their own department, nobody themselves', () => {
    expect(decideAssessment(supervisor(director), initialAssessmentState).map((e) => e.type)).toEqual(['SupervisorEvaluationSubmitted']);
    expect(codeOf(() => decideAssessment(supervisor(manager), initialAssessmentState))).toBe('FORBIDDEN');
    expect(decideAssessment(supervisor(manager, { personId: 'h-ana', team: 'billing' }), initialAssessmentState)).toHaveLength(1);
    expect(codeOf(() => decideAssessment(supervisor(manager, { personId: 'm-qian', team: 'billing' }), initialAssessmentState))).toBe('FORBIDDEN');
  });

  it('keeps a person in one team per period and refuses a score or period out of range', () => {
    const state = decideAssessment(supervisor(director), initialAssessmentState).reduce(evolveAssessment, initialAssessmentState);
    expect(codeOf(() => decideAssessment(supervisor(director, { team: 'billing' }), state))).toBe('CONFLICT');
    expect(codeOf(() => decideAssessment(supervisor(director, { score: 101 }), initialAssessmentState))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => decideAssessment(supervisor(director, { period: '2025-03-03' }), initialAssessmentState))).toBe('VALIDATION_FAILED');
  });
});

import type { EvaluationEvent } from '@handoff/contracts';
import { recordedOf } from '@handoff/testing';
import { evolveSubmittedEvaluation, submittedEvaluationKeyOf } from './assessment.model';

const submitted = (type: 'SelfEvaluationSubmitted' | 'SupervisorEvaluationSubmitted', position: number, score: number) =>
  recordedOf<EvaluationEvent>(
    { type, data: { personId: 'h-ana', team: 'billing', period: '2026-03', score } } as EvaluationEvent,
    { ticketId: 'p1', streamId: 'evaluation-assessment-h-ana', streamPosition: position, occurredAt: '2026-03-31T09:00:00.000Z', actorId: 'sup-li' },
  );

describe('the latest evaluations of each person and period, as a fold', () => {
  it('keys each part of a person and period apart', () => {
    expect(submittedEvaluationKeyOf(submitted('SelfEvaluationSubmitted', 0, 80))).toEqual({ personId: 'h-ana', period: '2026-03', part: 'self' });
    expect(submittedEvaluationKeyOf(submitted('SupervisorEvaluationSubmitted', 1, 70))).toEqual({ personId: 'h-ana', period: '2026-03', part: 'supervisor' });
  });

  it('keeps the latest submission and changes nothing for a replayed or older one', () => {
    const first = evolveSubmittedEvaluation(undefined, submitted('SupervisorEvaluationSubmitted', 1, 70))!;
    expect(first).toEqual({
      personId: 'h-ana',
      period: '2026-03',
      part: 'supervisor',
      team: 'billing',
      score: 70,
      comment: null,
      submittedBy: 'sup-li',
      submittedAt: new Date('2026-03-31T09:00:00.000Z'),
      streamPosition: 1,
    });
    expect(evolveSubmittedEvaluation(first, submitted('SupervisorEvaluationSubmitted', 1, 70))).toBeUndefined();
    expect(evolveSubmittedEvaluation(first, submitted('SupervisorEvaluationSubmitted', 0, 10))).toBeUndefined();
    expect(evolveSubmittedEvaluation(first, submitted('SupervisorEvaluationSubmitted', 3, 90))).toMatchObject({ score: 90, streamPosition: 3 });
  });
});

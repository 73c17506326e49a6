import type { EvaluationEvent } from '@handoff/contracts';
import { recordedOf } from '@handoff/testing';
import { correctiveActionKeyOf, evolveCorrectiveAction, evolveSample, inspectionKeyOf, sampleKeyOf } from './quality.model';

const at = (minutes: number) => new Date(Date.UTC(2026, 2, 2, 9, minutes)).toISOString();
const recorded = (event: EvaluationEvent, position: number, actorId = 'qa-mei') =>
  recordedOf(event, { ticketId: 't1', streamId: 'evaluation-inspection-t1', streamPosition: position, occurredAt: at(position), actorId });

const required = recorded({ type: 'CorrectiveActionRequired', data: { actionId: 'a1', sampleId: 's1', team: 'billing', assignees: ['h-ana'], description: 'Call back within a day' } } as EvaluationEvent, 0);
const completed = recorded({ type: 'CorrectiveActionCompleted', data: { actionId: 'a1', note: 'Done' } }, 1, 'h-ana');
const verified = recorded({ type: 'CorrectiveActionVerified', data: { actionId: 'a1', effective: false, note: 'Not yet' } }, 2);

describe('the quality read model, as folds', () => {
  it('keys each event to the row of its table, and no other', () => {
    const drawn = recorded({ type: 'SampleDrawn', data: { sampleId: 's1' } } as EvaluationEvent, 0);
    expect([sampleKeyOf(drawn), inspectionKeyOf(drawn), correctiveActionKeyOf(drawn)]).toEqual([{ sampleId: 's1' }, undefined, undefined]);
    const inspected = recorded({ type: 'RecordInspected', data: { sampleId: 's1' } } as EvaluationEvent, 1);
    expect([sampleKeyOf(inspected), inspectionKeyOf(inspected), correctiveActionKeyOf(inspected)]).toEqual([undefined, { ticketId: 't1', sampleId: 's1' }, undefined]);
    expect([required, completed, verified].map(correctiveActionKeyOf)).toEqual([{ actionId: 'a1' }, { actionId: 'a1' }, { actionId: 'a1' }]);
  });

  it('writes a sample once', () => {
    const drawn = recorded({ type: 'SampleDrawn', data: { sampleId: 's1', team: 'billing', period: '2026-03', seed: 7, size: 5, populationSize: 40 } } as EvaluationEvent, 0);
    const sample = evolveSample(undefined, drawn);
    expect(sample).toEqual({ sampleId: 's1', team: 'billing', period: '2026-03', seed: 7, size: 5, populationSize: 40, drawnBy: 'qa-mei', drawnAt: new Date(at(0)) });
    expect(evolveSample(sample, drawn)).toBeUndefined();
  });

  it('follows an action from its requirement to its verification, and a replay changes nothing', () => {
    expect(evolveCorrectiveAction(undefined, completed)).toBeUndefined();
    const open = evolveCorrectiveAction(undefined, required)!;
    expect(open).toMatchObject({ status: 'open', requiredBy: 'qa-mei', completedBy: null, streamPosition: 0 });
    expect(evolveCorrectiveAction(open, required)).toBeUndefined();
    const done = evolveCorrectiveAction(open, completed)!;
    expect(done).toMatchObject({ status: 'completed', completedBy: 'h-ana', completedAt: new Date(at(1)), completionNote: 'Done', streamPosition: 1 });
    const reopened = evolveCorrectiveAction(done, verified)!;
    expect(reopened).toMatchObject({ status: 'open', verifiedBy: 'qa-mei', effective: false, verificationNote: 'Not yet', streamPosition: 2 });
    expect(evolveCorrectiveAction(reopened, completed)).toBeUndefined();
  });
});

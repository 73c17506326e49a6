import type { EvaluationEvent, RecordedOf } from '@handoff/contracts';

export const ASSESSMENT_EVENT_TYPES: readonly EvaluationEvent['type'][] = ['SelfEvaluationSubmitted', 'SupervisorEvaluationSubmitted'];

/** The latest self- or supervisor evaluation of a person for a period, as a pure fold. */
export interface SubmittedEvaluation {
  readonly personId: string;
  readonly period: string;
  readonly part: 'self' | 'supervisor';
  readonly team: string;
  readonly score: number;
  readonly comment: string | null;
  readonly submittedBy: string;
  readonly submittedAt: Date;
  /** The assessment stream's position this row was built to: an earlier or repeated event does not overwrite it. */
  readonly streamPosition: number;
}

type AssessmentEvent = RecordedOf<EvaluationEvent>;

function submissionOf(event: AssessmentEvent) {
  switch (event.type) {
    case 'SelfEvaluationSubmitted':
      return { part: 'self' as const, data: event.data };
    case 'SupervisorEvaluationSubmitted':
      return { part: 'supervisor' as const, data: event.data };
    default:
      return undefined;
  }
}

export function submittedEvaluationKeyOf(event: AssessmentEvent): Pick<SubmittedEvaluation, 'personId' | 'period' | 'part'> | undefined {
  const submission = submissionOf(event);
  return submission && { personId: submission.data.personId, period: submission.data.period, part: submission.part };
}

/** Undefined: not an evaluation, or one older than the row's (a replay). */
export function evolveSubmittedEvaluation(evaluation: SubmittedEvaluation | undefined, event: AssessmentEvent): SubmittedEvaluation | undefined {
  const submission = submissionOf(event);
  if (!submission || (evaluation && event.streamPosition <= evaluation.streamPosition)) return undefined;
  const { personId, period, team, score, comment } = submission.data;
  return {
    personId,
    period,
    part: submission.part,
    team,
    score,
    comment: comment ?? null,
    submittedBy: event.metadata.actorId,
    submittedAt: new Date(event.metadata.occurredAt),
    streamPosition: event.streamPosition,
  };
}

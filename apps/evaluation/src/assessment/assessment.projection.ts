import { EVALUATION_EVENTS } from '@handoff/contracts';
import { rowProjection, typedRowFold, type EventHandler } from '@handoff/messaging';
import { AssessmentEvaluation } from './assessment.entities';
import { ASSESSMENT_EVENT_TYPES, evolveSubmittedEvaluation, submittedEvaluationKeyOf } from './assessment.model';

/** Keeps the latest of each part per person and period (assessment.model.ts). */
export function assessmentProjection(): EventHandler {
  return rowProjection({
    eventTypes: ASSESSMENT_EVENT_TYPES,
    tables: [typedRowFold(EVALUATION_EVENTS, { entity: AssessmentEvaluation, key: ['personId', 'period', 'part'], keyOf: submittedEvaluationKeyOf, evolve: evolveSubmittedEvaluation })],
  });
}

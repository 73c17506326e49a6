import { EVALUATION_EVENTS, typedEventOf, type EvaluationEvent } from '@handoff/contracts';
import type { EventHandler } from '@handoff/messaging';

export const ASSESSMENT_EVENT_TYPES: readonly EvaluationEvent['type'][] = ['SelfEvaluationSubmitted', 'SupervisorEvaluationSubmitted'];

/** Keeps the latest of each part per person and period; an event older than the row (a replay) is skipped. */
export function assessmentProjection(): EventHandler {
  return {
    eventTypes: ASSESSMENT_EVENT_TYPES,
    async handle(event, manager) {
      const typed = typedEventOf(EVALUATION_EVENTS, event);
      if (!typed || (typed.type !== 'SelfEvaluationSubmitted' && typed.type !== 'SupervisorEvaluationSubmitted')) return;
      const { personId, period, team, score, comment } = typed.data;
      await manager.query(
        `INSERT INTO assessment_evaluations (person_id, period, part, team, score, comment, submitted_by, submitted_at, stream_position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (person_id, period, part) DO UPDATE
           SET team = EXCLUDED.team, score = EXCLUDED.score, comment = EXCLUDED.comment, submitted_by = EXCLUDED.submitted_by,
               submitted_at = EXCLUDED.submitted_at, stream_position = EXCLUDED.stream_position
           WHERE assessment_evaluations.stream_position < EXCLUDED.stream_position`,
        [personId, period, typed.type === 'SelfEvaluationSubmitted' ? 'self' : 'supervisor', team, score, comment ?? null, typed.metadata.actorId, new Date(typed.metadata.occurredAt), typed.streamPosition],
      );
    },
  };
}

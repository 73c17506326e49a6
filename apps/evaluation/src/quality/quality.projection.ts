import { EVALUATION_EVENTS, typedEventOf, type EvaluationEvent, type RecordedOf } from '@handoff/contracts';
import type { EventHandler } from '@handoff/messaging';
import type { EntityManager } from 'typeorm';
import { QaCorrectiveAction, QaInspection, QaSample } from './quality.entities';

export const QUALITY_EVENT_TYPES: readonly EvaluationEvent['type'][] = ['SampleDrawn', 'RecordInspected', 'CorrectiveActionRequired', 'CorrectiveActionCompleted', 'CorrectiveActionVerified'];

/**
 * The samples, inspections and corrective actions read model, from evaluation's own topic. A sample
 * row and an inspection row are written once (keyed by the sample, and by the record and the
 * sample); an action row carries the stream position it was built to, so a redelivered or
 * replayed event changes nothing.
 */
export function qualityProjection(): EventHandler {
  return {
    eventTypes: QUALITY_EVENT_TYPES,
    async handle(event, manager) {
      // Data that breaks its contract throws ValidationFailed: the consumer dead-letters it with the reason.
      const typed = typedEventOf(EVALUATION_EVENTS, event);
      if (!typed) return;
      await apply(typed, manager);
    },
  };
}

async function apply(event: RecordedOf<EvaluationEvent>, manager: EntityManager): Promise<void> {
  const at = new Date(event.metadata.occurredAt);
  switch (event.type) {
    case 'SampleDrawn': {
      const { sampleId, team, period, seed, size, populationSize } = event.data;
      await manager
        .createQueryBuilder()
        .insert()
        .into(QaSample)
        .values({ sampleId, team, period, seed, size, populationSize, drawnBy: event.metadata.actorId, drawnAt: at })
        .orIgnore()
        .execute();
      return;
    }
    case 'RecordInspected': {
      const { sampleId, team, rubricVersion, scores, total, passMark, correctiveActionRequired, missing, note } = event.data;
      await manager
        .createQueryBuilder()
        .insert()
        .into(QaInspection)
        .values({ ticketId: event.ticketId, sampleId, team, inspectorId: event.metadata.actorId, inspectedAt: at, rubricVersion, scores: { ...scores }, total, passMark, correctiveActionRequired, missing: [...missing], note: note ?? null })
        .orIgnore()
        .execute();
      return;
    }
    case 'CorrectiveActionRequired': {
      const { actionId, sampleId, team, assignees, description, dueAt } = event.data;
      await manager
        .createQueryBuilder()
        .insert()
        .into(QaCorrectiveAction)
        .values({
          actionId,
          ticketId: event.ticketId,
          sampleId,
          team,
          assignees: [...assignees],
          description,
          dueAt: dueAt ? new Date(dueAt) : null,
          status: 'open',
          requiredBy: event.metadata.actorId,
          requiredAt: at,
          completedBy: null,
          completedAt: null,
          completionNote: null,
          verifiedBy: null,
          verifiedAt: null,
          effective: null,
          verificationNote: null,
          streamPosition: event.streamPosition,
        })
        .orIgnore()
        .execute();
      return;
    }
    case 'CorrectiveActionCompleted':
      await manager
        .createQueryBuilder()
        .update(QaCorrectiveAction)
        .set({ status: 'completed', completedBy: event.metadata.actorId, completedAt: at, completionNote: event.data.note, streamPosition: event.streamPosition })
        .where('action_id = :actionId AND stream_position < :position', { actionId: event.data.actionId, position: event.streamPosition })
        .execute();
      return;
    case 'CorrectiveActionVerified': {
      const { actionId, effective, note } = event.data;
      await manager
        .createQueryBuilder()
        .update(QaCorrectiveAction)
        .set({
          status: effective ? 'verified' : 'open',
          verifiedBy: event.metadata.actorId,
          verifiedAt: at,
          effective,
          verificationNote: note ?? null,
          streamPosition: event.streamPosition,
        })
        .where('action_id = :actionId AND stream_position < :position', { actionId, position: event.streamPosition })
        .execute();
      return;
    }
    default:
      return;
  }
}


import { EVALUATION_EVENTS } from '@handoff/contracts';
import { rowProjection, typedRowFold, type EventHandler } from '@handoff/messaging';
import { QaCorrectiveAction, QaInspection, QaSample } from './quality.entities';
import { correctiveActionKeyOf, evolveCorrectiveAction, evolveInspection, evolveSample, inspectionKeyOf, QUALITY_EVENT_TYPES, sampleKeyOf } from './quality.model';

/** The samples, inspections and corrective actions read model (quality.model.ts), from evaluation's own topic. */
export function qualityProjection(): EventHandler {
  return rowProjection({
    eventTypes: QUALITY_EVENT_TYPES,
    tables: [
      typedRowFold(EVALUATION_EVENTS, { entity: QaSample, key: ['sampleId'], keyOf: sampleKeyOf, evolve: evolveSample }),
      typedRowFold(EVALUATION_EVENTS, { entity: QaInspection, key: ['ticketId', 'sampleId'], keyOf: inspectionKeyOf, evolve: evolveInspection }),
      typedRowFold(EVALUATION_EVENTS, { entity: QaCorrectiveAction, key: ['actionId'], keyOf: correctiveActionKeyOf, evolve: evolveCorrectiveAction }),
    ],
  });
}

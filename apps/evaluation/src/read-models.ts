import { TOPICS } from '@handoff/contracts';
import type { ReadModel, ServiceReadModels } from '@handoff/platform';
import { TIMELINE_ENTITIES } from './timeline/timeline.entities';
import { TIMELINE_MIGRATIONS } from './timeline/timeline.migrations';
import { timelineProjection } from './timeline/timeline.projection';

/**
 * Evaluation's projections: what the live consumers run and what `npm run audit -- rebuild`
 * replays and compares. Add each new read model (KPIs, QA) here, with its tables, and its
 * entities and migrations to EVALUATION_DATABASE: the service and a rebuild both take them from here.
 */
export const EVALUATION_READ_MODELS: ReadModel[] = [
  {
    name: 'evaluation.timeline',
    topics: [TOPICS.intakeEvents, TOPICS.routingEvents, TOPICS.followupEvents],
    tables: ['ticket_timeline_entries', 'ticket_lifecycles'],
    // The lifecycle row's updated_at is the clock at the time of writing.
    volatileColumns: ['updated_at'],
    handler: () => timelineProjection(),
  },
];

export const EVALUATION_DATABASE: ServiceReadModels = {
  service: 'evaluation',
  entities: [...TIMELINE_ENTITIES],
  migrations: [...TIMELINE_MIGRATIONS],
  models: EVALUATION_READ_MODELS,
};

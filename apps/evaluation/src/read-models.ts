import { TOPICS } from '@handoff/contracts';
import { POLICY_ENTITIES, POLICY_MIGRATIONS, policiesReadModel, type ReadModel, type ServiceReadModels } from '@handoff/read-models';
import { ASSESSMENT_ENTITIES } from './assessment/assessment.entities';
import { ASSESSMENT_MIGRATIONS } from './assessment/assessment.migrations';
import { assessmentProjection } from './assessment/assessment.projection';
import { ATTACHMENT_ENTITIES } from './conversation/attachments.entities';
import { ATTACHMENT_MIGRATIONS } from './conversation/attachments.migrations';
import { attachmentsProjection } from './conversation/attachments.projection';
import { CONVERSATION_ENTITIES } from './conversation/conversation.entities';
import { CONVERSATION_MIGRATIONS } from './conversation/conversation.migrations';
import { notesProjection } from './conversation/conversation.projection';
import { WATCHER_ENTITIES } from './conversation/watchers.entities';
import { WATCHER_MIGRATIONS } from './conversation/watchers.migrations';
import { watchersProjection } from './conversation/watchers.projection';
import { KPI_ENTITIES } from './kpis/kpi-facts.entities';
import { KPI_MIGRATIONS } from './kpis/kpi-facts.migrations';
import { NOTIFICATION_ENTITIES } from './notifications/notifications.entities';
import { NOTIFICATION_MIGRATIONS } from './notifications/notifications.migrations';
import { notificationsProjection } from './notifications/notifications.projection';
import { QUALITY_ENTITIES } from './quality/quality.entities';
import { QUALITY_MIGRATIONS } from './quality/quality.migrations';
import { qualityProjection } from './quality/quality.projection';
import { SEARCH_ENTITIES } from './search/search.entities';
import { SEARCH_MIGRATIONS } from './search/search.migrations';
import { searchProjection } from './search/search.projection';
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
    // The KPI aggregate (facts per ticket, tallies per day) is kept by the same fold, from the same timeline: see kpis/kpi-facts.entities.ts.
    tables: ['ticket_timeline_entries', 'ticket_lifecycles', 'ticket_list_counts', 'kpi_ticket_facts', 'kpi_daily_tallies', 'kpi_daily_now_verdicts', 'kpi_daily_now_due', 'kpi_daily_policy_versions'],
    // The lifecycle row's updated_at is the clock at the time of writing; the facts' policy=now
    // verdicts are judged under the deadline policy in force then (kpi-verdicts.refresher.ts), not
    // only by the events, and a rebuild into a scratch database leaves them to the refresher; so
    // are their day sums, which a rebuild empties with the rest.
    volatileTables: ['kpi_daily_now_verdicts', 'kpi_daily_now_due'],
    volatileColumns: ['updated_at', 'now_policy', 'now_first_response_met', 'now_first_response_due_at', 'now_resolution_met', 'now_resolution_due_at', 'now_judged_on_request'],
    handler: () => timelineProjection(),
  },
  // The quality samples and the complaint analysis have no tables of their own: they are computed on request
  // from the timeline above by the same pure functions that recompute them from the event stores.
  {
    // The internal notes of every ticket's conversation, from evaluation's own events.
    name: 'evaluation.notes',
    topics: [TOPICS.evaluationEvents],
    tables: ['ticket_notes'],
    handler: () => notesProjection(),
  },
  {
    // Which file is on which entry of every ticket's conversation. The files themselves
    // (attachment_contents) are stored, not projected: no rebuild touches them.
    name: 'evaluation.attachments',
    topics: [TOPICS.evaluationEvents],
    tables: ['ticket_attachments'],
    handler: () => attachmentsProjection(),
  },
  {
    // Who follows which ticket, and from when to when: the notifications above are shown to a
    // ticket's watchers by these rows when read (notifications.reader.ts).
    name: 'evaluation.watchers',
    topics: [TOPICS.evaluationEvents],
    tables: ['ticket_watch_events'],
    handler: () => watchersProjection(),
  },
  {
    // Each person's notifications (mentions, assignments, results for their follow-up) and each ticket's CS agent.
    name: 'evaluation.notifications',
    topics: [TOPICS.intakeEvents, TOPICS.routingEvents, TOPICS.followupEvents, TOPICS.evaluationEvents],
    tables: ['person_notifications', 'notification_ticket_agents'],
    handler: () => notificationsProjection(),
  },
  {
    // Samples, inspections and corrective actions, from evaluation's own events.
    name: 'evaluation.quality',
    topics: [TOPICS.evaluationEvents],
    tables: ['qa_samples', 'qa_inspections', 'qa_corrective_actions'],
    handler: () => qualityProjection(),
  },
  {
    // The latest self- and supervisor evaluation per person and period.
    name: 'evaluation.assessments',
    topics: [TOPICS.evaluationEvents],
    tables: ['assessment_evaluations'],
    handler: () => assessmentProjection(),
  },
  {
    // What search filters, finds and shows, one row per ticket, from all four topics. The customer
    // terms it finds customers by come from the vault and are kept apart (search/customer-terms.projection.ts).
    name: 'evaluation.search',
    topics: [TOPICS.intakeEvents, TOPICS.routingEvents, TOPICS.followupEvents, TOPICS.evaluationEvents],
    tables: ['search_tickets', 'search_erased_customers'],
    handler: () => searchProjection(),
  },
  // The KPI targets, sampling policy and rubric (evaluation's own) and the deadline policy (routing's) as management last changed them.
  policiesReadModel('evaluation', ['kpi-targets', 'qa-sampling', 'qa-rubric', 'deadlines'], [TOPICS.routingEvents, TOPICS.evaluationEvents]),
];

export const EVALUATION_DATABASE: ServiceReadModels = {
  service: 'evaluation',
  entities: [...TIMELINE_ENTITIES, ...KPI_ENTITIES, ...CONVERSATION_ENTITIES, ...ATTACHMENT_ENTITIES, ...WATCHER_ENTITIES, ...NOTIFICATION_ENTITIES, ...QUALITY_ENTITIES, ...ASSESSMENT_ENTITIES, ...SEARCH_ENTITIES, ...POLICY_ENTITIES],
  migrations: [
    ...TIMELINE_MIGRATIONS,
    ...CONVERSATION_MIGRATIONS,
    ...NOTIFICATION_MIGRATIONS,
    ...QUALITY_MIGRATIONS,
    ...ASSESSMENT_MIGRATIONS,
    ...SEARCH_MIGRATIONS,
    ...ATTACHMENT_MIGRATIONS,
    ...WATCHER_MIGRATIONS,
    ...POLICY_MIGRATIONS,
    ...KPI_MIGRATIONS,
  ],
  models: EVALUATION_READ_MODELS,
};

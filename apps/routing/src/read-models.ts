import { TOPICS } from '@handoff/contracts';
import { POLICY_ENTITIES, POLICY_MIGRATIONS, policiesReadModel, type ReadModel, type ServiceReadModels } from '@handoff/read-models';
import { AVAILABILITY_MIGRATIONS } from './availability/availability.migrations';
import { QUEUE_ENTITIES } from './queue/queue.entities';
import { QUEUE_MIGRATIONS } from './queue/queue.migrations';
import { departmentQueueProjection } from './queue/queue.projection';
import { SubRequestRow } from './sub-requests/sub-requests.entity';
import { SUB_REQUEST_MIGRATIONS } from './sub-requests/sub-requests.migrations';

/**
 * Routing's projections: what the live consumers run and what `npm run audit -- rebuild` replays.
 * Process managers (hand-overs, follow-ups, auto-assignment) issue commands and are not here.
 */
export const ROUTING_READ_MODELS: ReadModel[] = [
  {
    name: 'routing.department-queue',
    topics: [TOPICS.routingEvents, TOPICS.intakeEvents],
    tables: ['department_queue', 'running_deadlines', 'handler_assignments', 'department_handler_loads', 'queue_ticket_subjects', 'department_sub_requests'],
    countedTables: { department_handler_loads: 'in_progress' },
    // Every column is built from the events (updated_at is the event's occurred-at), so none is left out.
    // Live, each change is also announced to the consoles (pg_notify); a rebuild announces nothing.
    handler: ({ live }) => departmentQueueProjection({ notify: live }),
  },
  // The deadline policy, routing rules and organisation in force, as management last changed them (routing's own PolicyChanged).
  policiesReadModel('routing', ['deadlines', 'routing-rules', 'organisation'], [TOPICS.routingEvents]),
];

export const ROUTING_DATABASE: ServiceReadModels = {
  service: 'routing',
  entities: [...QUEUE_ENTITIES, SubRequestRow, ...POLICY_ENTITIES],
  migrations: [...QUEUE_MIGRATIONS, ...AVAILABILITY_MIGRATIONS, ...SUB_REQUEST_MIGRATIONS, ...POLICY_MIGRATIONS],
  models: ROUTING_READ_MODELS,
};

import { TOPICS, type Actor } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { CLOCK, CONFIG, declareConsumers, JsonLogger, type Clock } from '@handoff/platform';
import type { Provider } from '@nestjs/common';
import { DepartmentAssigner } from '../availability/department-assigner';
import type { RoutingConfig } from '../config';
import { TicketsService } from '../tickets/tickets.service';
import { autoAssignmentHandler } from './auto-assignment.handler';

const AUTO_ASSIGNMENT: Actor = { id: 'system:routing-assignment', role: 'system' };

/** One assigner for the consumer and the backlog sweep: both place tickets under the same department lock. */
export const departmentAssignerProvider: Provider = {
  provide: DepartmentAssigner,
  useFactory: (commands: CommandHandler, tickets: TicketsService, logger: JsonLogger, config: RoutingConfig, clock: Clock) =>
    new DepartmentAssigner({ commands, decider: tickets.decider, organisation: config.ORGANISATION_FILE, actor: AUTO_ASSIGNMENT, logger, clock }),
  inject: [CommandHandler, TicketsService, JsonLogger, CONFIG, CLOCK],
};

export const AUTO_ASSIGNMENT_CONSUMERS = declareConsumers([DepartmentAssigner, CONFIG], (assigner: DepartmentAssigner, config: RoutingConfig) => [
  {
    name: 'auto-assignment',
    topics: [TOPICS.routingEvents],
    handler: autoAssignmentHandler({ assigner, organisation: config.ORGANISATION_FILE }),
  },
]);

import { TOPICS, type Actor } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { CLOCK, declareConsumers, JsonLogger, type Clock } from '@handoff/platform';
import type { Provider } from '@nestjs/common';
import { DepartmentAssigner } from '../availability/department-assigner';
import type { Organisation } from '../organisation/organisation';
import { ORGANISATION } from '../organisation/organisation-in-force';
import { TicketsService } from '../tickets/tickets.service';
import { autoAssignmentHandler } from './auto-assignment.handler';

const AUTO_ASSIGNMENT: Actor = { id: 'system:routing-assignment', role: 'system' };

/** One assigner for the consumer and the backlog sweep: both place tickets under the same department lock. */
export const departmentAssignerProvider: Provider = {
  provide: DepartmentAssigner,
  useFactory: (commands: CommandHandler, tickets: TicketsService, logger: JsonLogger, organisation: Organisation, clock: Clock) =>
    new DepartmentAssigner({ commands, decider: tickets.decider, organisation, actor: AUTO_ASSIGNMENT, logger, clock }),
  inject: [CommandHandler, TicketsService, JsonLogger, ORGANISATION, CLOCK],
};

export const AUTO_ASSIGNMENT_CONSUMERS = declareConsumers([DepartmentAssigner, ORGANISATION], (assigner: DepartmentAssigner, organisation: Organisation) => [
  {
    name: 'auto-assignment',
    topics: [TOPICS.routingEvents],
    handler: autoAssignmentHandler({ assigner, organisation }),
  },
]);

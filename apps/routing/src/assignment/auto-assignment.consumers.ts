import { TOPICS, type Actor } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { CLOCK, CONFIG, declareConsumers, JsonLogger, type Clock } from '@handoff/platform';
import type { RoutingConfig } from '../config';
import { TicketsService } from '../tickets/tickets.service';
import { autoAssignmentHandler } from './auto-assignment.handler';

const AUTO_ASSIGNMENT: Actor = { id: 'system:routing-assignment', role: 'system' };

export const AUTO_ASSIGNMENT_CONSUMERS = declareConsumers(
  [CommandHandler, TicketsService, JsonLogger, CONFIG, CLOCK],
  (commands: CommandHandler, tickets: TicketsService, logger: JsonLogger, config: RoutingConfig, clock: Clock) => [
    {
      name: 'auto-assignment',
      topics: [TOPICS.routingEvents],
      handler: autoAssignmentHandler({ commands, decider: tickets.decider, organisation: config.ORGANISATION_FILE, actor: AUTO_ASSIGNMENT, logger, clock }),
    },
  ],
);

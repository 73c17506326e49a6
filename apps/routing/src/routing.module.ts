import { Module, type DynamicModule } from '@nestjs/common';
import { FOLLOWUP_EVENTS, INTAKE_EVENTS, TOPICS, type Actor } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { CLOCK, ConsumersLifecycle, CONSUMERS, CustomerAccess, JsonLogger, PlatformModule, reactorHandler, readModelConsumers, type Clock, type ConsumerDefinition } from '@handoff/platform';
import { AvailabilityController } from './availability/availability.controller';
import { BacklogSweeper } from './availability/backlog-sweeper';
import { DepartmentAssigner } from './availability/department-assigner';
import { autoAssignmentHandler } from './assignment/auto-assignment.handler';
import type { RoutingConfig } from './config';
import { DeadlineSweeper } from './deadlines/deadline-sweeper';
import { DeadlinesController } from './deadlines/deadlines.controller';
import { PrivacyController } from './privacy/privacy.controller';
import { QueueController } from './queue/queue.controller';
import { QueueNotifications } from './queue/queue.notifications';
import { DEADLINE_COUNTING, QUEUE_ORDER, QueueReader } from './queue/queue.reader';
import { ROUTING_DATABASE } from './read-models';
import { ComplaintCausesController } from './tickets/complaint-causes.controller';
import { TicketsController } from './tickets/tickets.controller';
import { react } from './tickets/tickets.react';
import { TicketsService } from './tickets/tickets.service';

const ROUTING_PROCESS: Actor = { id: 'system:routing', role: 'system' };
const AUTO_ASSIGNMENT: Actor = { id: 'system:routing-assignment', role: 'system' };

@Module({})
export class RoutingModule {
  static forRoot(config: RoutingConfig): DynamicModule {
    return {
      module: RoutingModule,
      imports: [
        PlatformModule.forService(
          {
            name: 'routing',
            ownTopic: TOPICS.routingEvents,
            streamPrefix: 'routing-',
            entities: ROUTING_DATABASE.entities,
            migrations: ROUTING_DATABASE.migrations,
            // The handling department reads the customer's details (DOMAIN.md, step 2); the vault opens them per read.
            usesVault: true,
          },
          config,
        ),
      ],
      controllers: [TicketsController, ComplaintCausesController, QueueController, DeadlinesController, PrivacyController, AvailabilityController],
      providers: [
        TicketsService,
        {
          provide: DepartmentAssigner,
          useFactory: (commands: CommandHandler, tickets: TicketsService, logger: JsonLogger, clock: Clock) =>
            new DepartmentAssigner({ commands, decider: tickets.decider, organisation: config.ORGANISATION_FILE, actor: AUTO_ASSIGNMENT, logger, clock }),
          inject: [CommandHandler, TicketsService, JsonLogger, CLOCK],
        },
        QueueReader,
        { provide: QUEUE_ORDER, useValue: config.QUEUE_ORDER_FILE },
        { provide: DEADLINE_COUNTING, useValue: { policyVersion: config.DEADLINE_POLICY_FILE.version, countIn: config.DEADLINE_POLICY_FILE.countIn } },
        CustomerAccess,
        QueueNotifications,
        DeadlineSweeper,
        BacklogSweeper,
        {
          provide: CONSUMERS,
          useFactory: (commands: CommandHandler, tickets: TicketsService, assigner: DepartmentAssigner): ConsumerDefinition[] => [
            {
              // A ticket intake hands over is routed to a department, its deadlines running from the hand-over.
              name: 'hand-overs',
              topics: [TOPICS.intakeEvents],
              handler: reactorHandler({
                registry: INTAKE_EVENTS,
                eventTypes: ['TicketHandedOver'],
                react,
                decider: tickets.decider,
                commands,
                actor: ROUTING_PROCESS,
                // Routing has not seen the ticket before, unless it comes back after an objection.
                startsStream: (command) => command.type === 'RouteTicket',
              }),
            },
            {
              // The customer's answer through follow-up: another round, management, or the end of the clocks.
              name: 'follow-ups',
              topics: [TOPICS.followupEvents],
              handler: reactorHandler({
                registry: FOLLOWUP_EVENTS,
                eventTypes: ['CustomerObjected', 'TicketHandedToManagement', 'TicketClosed'],
                react,
                decider: tickets.decider,
                commands,
                actor: ROUTING_PROCESS,
              }),
            },
            {
              name: 'auto-assignment',
              topics: [TOPICS.routingEvents],
              handler: autoAssignmentHandler({ assigner, organisation: config.ORGANISATION_FILE }),
            },
            // Projections after the process managers: the shared transaction takes its id at their first write.
            ...readModelConsumers(ROUTING_DATABASE),
          ],
          inject: [CommandHandler, TicketsService, DepartmentAssigner],
        },
        ConsumersLifecycle,
      ],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { TOPICS } from '@handoff/contracts';
import { ConsumersLifecycle, consumersProvider, CustomerAccess, PlatformModule, PoliciesController, PolicyBook, policyBookProviders, readModelConsumers } from '@handoff/platform';
import type { DeadlinePolicy } from '@handoff/service-time';
import { AUTO_ASSIGNMENT_CONSUMERS, departmentAssignerProvider } from './assignment/auto-assignment.consumers';
import { AvailabilityController } from './availability/availability.controller';
import { BacklogSweeper } from './availability/backlog-sweeper';
import { routingPolicyDefinitions, type RoutingConfig } from './config';
import { organisationProvider } from './organisation/organisation-in-force';
import { DeadlineSweeper } from './deadlines/deadline-sweeper';
import { DeadlinesController } from './deadlines/deadlines.controller';
import { PrivacyController } from './privacy/privacy.controller';
import { QueueController } from './queue/queue.controller';
import { QueueNotifications } from './queue/queue.notifications';
import { DEADLINE_COUNTING, QUEUE_ORDER, QueueReader, type DeadlineCountingOf } from './queue/queue.reader';
import { ROUTING_DATABASE } from './read-models';
import { ComplaintCausesController } from './tickets/complaint-causes.controller';
import { TicketsController } from './tickets/tickets.controller';
import { TICKETS_CONSUMERS } from './tickets/tickets.consumers';
import { TicketsService } from './tickets/tickets.service';

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
      controllers: [TicketsController, ComplaintCausesController, QueueController, DeadlinesController, PrivacyController, AvailabilityController, PoliciesController],
      providers: [
        TicketsService,
        departmentAssignerProvider,
        QueueReader,
        { provide: QUEUE_ORDER, useValue: config.QUEUE_ORDER_FILE },
        ...policyBookProviders(() => routingPolicyDefinitions(config)),
        organisationProvider,
        {
          provide: DEADLINE_COUNTING,
          // Read at each answer: the deadline policy in force may change while routing runs.
          useFactory: (policies: PolicyBook): DeadlineCountingOf => () => {
            const { version, countIn } = policies.current<DeadlinePolicy>('deadlines').document;
            return { policyVersion: version, countIn };
          },
          inject: [PolicyBook],
        },
        CustomerAccess,
        QueueNotifications,
        DeadlineSweeper,
        BacklogSweeper,
        // Projections after the process managers: the shared transaction takes its id at their first write.
        consumersProvider([TICKETS_CONSUMERS, AUTO_ASSIGNMENT_CONSUMERS, readModelConsumers(ROUTING_DATABASE)]),
        ConsumersLifecycle,
      ],
    };
  }
}

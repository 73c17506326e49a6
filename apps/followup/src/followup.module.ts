import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { INTAKE_EVENTS, ROUTING_EVENTS, TOPICS, type Actor } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { ConsumersLifecycle, CONSUMERS, CustomerAccess, PlatformModule, reactorHandler, type ConsumerDefinition } from '@handoff/platform';
import type { FollowupConfig } from './config';
import { ConfirmationsController } from './confirmations/confirmations.controller';
import { confirmationsDecider } from './confirmations/confirmations.decider';
import { react } from './confirmations/confirmations.react';
import { CONFIRMATIONS_DECIDER, ConfirmationsService, type ConfirmationsDecider } from './confirmations/confirmations.service';
import { CustomersController } from './customers/customers.controller';
import { FollowupCustomer } from './customers/customers.entity';
import { CUSTOMER_MIGRATIONS } from './customers/customers.migrations';
import { customersProjection } from './customers/customers.projection';
import { CustomersReader } from './customers/customers.reader';
import { WorklistController } from './worklist/worklist.controller';
import { FollowupWorklistEntry } from './worklist/worklist.entity';
import { worklistHandler } from './worklist/worklist.handler';
import { FOLLOWUP_MIGRATIONS } from './worklist/worklist.migrations';
import { WorklistQuery } from './worklist/worklist.query';

const PROCESS_MANAGER: Actor = { id: 'system:followup', role: 'system' };

@Module({})
export class FollowupModule {
  static forRoot(config: FollowupConfig): DynamicModule {
    return {
      module: FollowupModule,
      imports: [
        PlatformModule.forService(
          {
            name: 'followup',
            ownTopic: TOPICS.followupEvents,
            streamPrefix: 'followup-',
            entities: [FollowupWorklistEntry, FollowupCustomer],
            migrations: [...FOLLOWUP_MIGRATIONS, ...CUSTOMER_MIGRATIONS],
            // CS calls the customer back (DOMAIN.md, step 7); the vault opens the sealed details per read.
            usesVault: true,
          },
          config,
        ),
        TypeOrmModule.forFeature([FollowupWorklistEntry, FollowupCustomer]),
      ],
      controllers: [ConfirmationsController, WorklistController, CustomersController],
      providers: [
        { provide: CONFIRMATIONS_DECIDER, useValue: confirmationsDecider(config.FOLLOWUP_POLICY_FILE) },
        ConfirmationsService,
        CustomerAccess,
        CustomersReader,
        WorklistQuery,
        {
          provide: CONSUMERS,
          useFactory: (commands: CommandHandler, decider: ConfirmationsDecider): ConsumerDefinition[] => [
            // A department's result: CS confirms it with the customer.
            {
              name: 'results',
              topics: [TOPICS.routingEvents],
              handler: reactorHandler({ registry: ROUTING_EVENTS, eventTypes: ['ResultReported'], react, decider, commands, actor: PROCESS_MANAGER }),
            },
            // CS's own answer at first contact: confirmed like any result (round 0).
            {
              name: 'first-contact-answers',
              topics: [TOPICS.intakeEvents],
              handler: reactorHandler({ registry: INTAKE_EVENTS, eventTypes: ['AnsweredAtFirstContact'], react, decider, commands, actor: PROCESS_MANAGER }),
            },
            // Whom to call: the customer of each ticket, sealed, from intake's record of the contact.
            {
              name: 'customers',
              topics: [TOPICS.intakeEvents],
              handler: customersProjection(),
            },
            {
              name: 'worklist',
              topics: [TOPICS.followupEvents, TOPICS.routingEvents],
              handler: worklistHandler(),
            },
          ],
          inject: [CommandHandler, CONFIRMATIONS_DECIDER],
        },
        ConsumersLifecycle,
      ],
    };
  }
}

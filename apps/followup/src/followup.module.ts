import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { INTAKE_EVENTS, ROUTING_EVENTS, TOPICS, type Actor } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { ConsumersLifecycle, CONSUMERS, CustomerAccess, PlatformModule, reactorHandler, readModelConsumers, type ConsumerDefinition } from '@handoff/platform';
import type { FollowupConfig } from './config';
import { ConfirmationsController } from './confirmations/confirmations.controller';
import { confirmationsDecider } from './confirmations/confirmations.decider';
import { react } from './confirmations/confirmations.react';
import { CONFIRMATIONS_DECIDER, ConfirmationsService, type ConfirmationsDecider } from './confirmations/confirmations.service';
import { CustomersController } from './customers/customers.controller';
import { CustomersReader } from './customers/customers.reader';
import { FOLLOWUP_DATABASE } from './read-models';
import { WorklistController } from './worklist/worklist.controller';
import { WorklistReader } from './worklist/worklist.reader';

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
            entities: FOLLOWUP_DATABASE.entities,
            migrations: FOLLOWUP_DATABASE.migrations,
            // CS calls the customer back (DOMAIN.md, step 7); the vault opens the sealed details per read.
            usesVault: true,
          },
          config,
        ),
        TypeOrmModule.forFeature([...FOLLOWUP_DATABASE.entities]),
      ],
      controllers: [ConfirmationsController, WorklistController, CustomersController],
      providers: [
        { provide: CONFIRMATIONS_DECIDER, useValue: confirmationsDecider(config.FOLLOWUP_POLICY_FILE) },
        ConfirmationsService,
        CustomerAccess,
        CustomersReader,
        WorklistReader,
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
            // Whom to call (customers) and what CS has to do (worklist).
            ...readModelConsumers(FOLLOWUP_DATABASE),
          ],
          inject: [CommandHandler, CONFIRMATIONS_DECIDER],
        },
        ConsumersLifecycle,
      ],
    };
  }
}

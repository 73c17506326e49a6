import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TOPICS } from '@handoff/contracts';
import { ConsumersLifecycle, consumersProvider, CustomerAccess, PlatformModule, readModelConsumers } from '@handoff/platform';
import type { FollowupConfig } from './config';
import { ConfirmationsController } from './confirmations/confirmations.controller';
import { CONFIRMATIONS_CONSUMERS } from './confirmations/confirmations.consumers';
import { confirmationsDecider } from './confirmations/confirmations.decider';
import { CONFIRMATIONS_DECIDER, ConfirmationsService } from './confirmations/confirmations.service';
import { CustomersController } from './customers/customers.controller';
import { CustomersReader } from './customers/customers.reader';
import { FOLLOWUP_DATABASE } from './read-models';
import { WorklistController } from './worklist/worklist.controller';
import { WorklistReader } from './worklist/worklist.reader';

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
        // Whom to call (customers) and what CS has to do (worklist) after the confirmations.
        consumersProvider([CONFIRMATIONS_CONSUMERS, readModelConsumers(FOLLOWUP_DATABASE)]),
        ConsumersLifecycle,
      ],
    };
  }
}

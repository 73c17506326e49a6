import { Module, type DynamicModule } from '@nestjs/common';
import { FOLLOWUP_EVENTS, TOPICS } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { ConsumersLifecycle, CONSUMERS, CustomerAccess, PlatformModule, reactorHandler, type ConsumerDefinition } from '@handoff/platform';
import { AccessController } from './access/access.controller';
import { AccessService } from './access/access.service';
import type { IntakeConfig } from './config';
import { ContactsController } from './contacts/contacts.controller';
import { contactsDecider } from './contacts/contacts.decider';
import { react } from './contacts/contacts.react';
import { ContactsService } from './contacts/contacts.service';
import { InboundContactsConsumer } from './contacts/inbound-contacts.consumer';
import { PrivacyController } from './privacy/privacy.controller';

@Module({})
export class IntakeModule {
  static forRoot(config: IntakeConfig): DynamicModule {
    return {
      module: IntakeModule,
      imports: [
        PlatformModule.forService({ name: 'intake', ownTopic: TOPICS.intakeEvents, streamPrefix: 'intake-', entities: [], migrations: [], usesVault: true }, config),
      ],
      controllers: [ContactsController, PrivacyController, AccessController],
      providers: [
        ContactsService,
        AccessService,
        CustomerAccess,
        InboundContactsConsumer,
        {
          provide: CONSUMERS,
          useFactory: (commands: CommandHandler): ConsumerDefinition[] => [
            {
              name: 'objections',
              topics: [TOPICS.followupEvents],
              handler: reactorHandler({
                registry: FOLLOWUP_EVENTS,
                eventTypes: ['CustomerObjected'],
                react,
                decider: contactsDecider,
                commands,
                actor: { id: 'system:intake', role: 'system' },
              }),
            },
          ],
          inject: [CommandHandler],
        },
        ConsumersLifecycle,
      ],
    };
  }
}

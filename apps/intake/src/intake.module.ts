import { Module, type DynamicModule } from '@nestjs/common';
import { TOPICS } from '@handoff/contracts';
import { ConsumersLifecycle, consumersProvider, CustomerAccess, PlatformModule } from '@handoff/platform';
import type { IntakeConfig } from './config';
import { ContactsController } from './contacts/contacts.controller';
import { CONTACTS_CONSUMERS } from './contacts/contacts.consumers';
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
      controllers: [ContactsController, PrivacyController],
      providers: [
        ContactsService,
        CustomerAccess,
        InboundContactsConsumer,
        consumersProvider([CONTACTS_CONSUMERS]),
        ConsumersLifecycle,
      ],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { TOPICS } from '@handoff/contracts';
import { ConsumersLifecycle, consumersProvider, CustomerAccess, PlatformModule } from '@handoff/platform';
import { AccessController } from './access/access.controller';
import { AccessService } from './access/access.service';
import type { IntakeConfig } from './config';
import { ContactsController } from './contacts/contacts.controller';
import { CONTACTS_CONSUMERS } from './contacts/contacts.consumers';
import { ContactsService } from './contacts/contacts.service';
import { InboundContactsConsumer } from './contacts/inbound-contacts.consumer';
import { PrivacyController } from './privacy/privacy.controller';
import { WebhookSender } from './webhooks/webhook-sender';
import { WEBHOOKS_CONSUMERS } from './webhooks/webhooks.consumers';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WEBHOOK_MIGRATIONS } from './webhooks/webhooks.migrations';

@Module({})
export class IntakeModule {
  static forRoot(config: IntakeConfig): DynamicModule {
    return {
      module: IntakeModule,
      imports: [
        PlatformModule.forService({ name: 'intake', ownTopic: TOPICS.intakeEvents, streamPrefix: 'intake-', entities: [], migrations: WEBHOOK_MIGRATIONS, usesVault: true }, config),
      ],
      controllers: [ContactsController, PrivacyController, AccessController, WebhooksController],
      providers: [
        ContactsService,
        AccessService,
        CustomerAccess,
        InboundContactsConsumer,
        WebhookSender,
        consumersProvider([CONTACTS_CONSUMERS, WEBHOOKS_CONSUMERS]),
        ConsumersLifecycle,
      ],
    };
  }
}

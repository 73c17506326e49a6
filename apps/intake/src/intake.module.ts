import { Module, type DynamicModule } from '@nestjs/common';
import { TOPICS } from '@handoff/contracts';
import { ConsumersLifecycle, consumersProvider, CustomerAccess, declareConsumers, PlatformModule, PoliciesController, policyBookProviders } from '@handoff/platform';
import { POLICY_ENTITIES, POLICY_MIGRATIONS, policiesReadModel } from '@handoff/read-models';
import { AccessController } from './access/access.controller';
import { AccessService } from './access/access.service';
import { intakePolicyDefinitions, type IntakeConfig } from './config';
import { ContactsController } from './contacts/contacts.controller';
import { CONTACTS_CONSUMERS } from './contacts/contacts.consumers';
import { ContactsService } from './contacts/contacts.service';
import { InboundContactsConsumer } from './contacts/inbound-contacts.consumer';
import { PrivacyController } from './privacy/privacy.controller';
import { WebhookSender } from './webhooks/webhook-sender';
import { WEBHOOKS_CONSUMERS } from './webhooks/webhooks.consumers';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WEBHOOK_MIGRATIONS } from './webhooks/webhooks.migrations';

/** The classification rules as management last changed them: intake's own PolicyChanged, from its own topic (its one read model). */
const POLICIES = policiesReadModel('intake', ['classification'], [TOPICS.intakeEvents]);
const POLICY_CONSUMERS = declareConsumers([], () => [{ name: 'policies', topics: POLICIES.topics, handler: POLICIES.handler({ live: true }) }]);

@Module({})
export class IntakeModule {
  static forRoot(config: IntakeConfig): DynamicModule {
    return {
      module: IntakeModule,
      imports: [
        PlatformModule.forService({ name: 'intake', ownTopic: TOPICS.intakeEvents, streamPrefix: 'intake-', entities: POLICY_ENTITIES, migrations: [...WEBHOOK_MIGRATIONS, ...POLICY_MIGRATIONS], usesVault: true }, config),
      ],
      controllers: [ContactsController, PrivacyController, AccessController, WebhooksController, PoliciesController],
      providers: [
        ContactsService,
        AccessService,
        CustomerAccess,
        InboundContactsConsumer,
        WebhookSender,
        ...policyBookProviders(() => intakePolicyDefinitions(config)),
        consumersProvider([CONTACTS_CONSUMERS, WEBHOOKS_CONSUMERS, POLICY_CONSUMERS]),
        ConsumersLifecycle,
      ],
    };
  }
}

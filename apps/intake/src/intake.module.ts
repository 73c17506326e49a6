import { Module, type DynamicModule } from '@nestjs/common';
import { DomainError, FOLLOWUP_EVENTS, TOPICS } from '@handoff/contracts';
import { CommandHandler } from '@handoff/event-store';
import { CLOCK, type Clock, ConsumersLifecycle, CONSUMERS, CustomerAccess, PlatformModule, reactorHandler, type ConsumerDefinition } from '@handoff/platform';
import type { IntakeConfig } from './config';
import { ContactsController } from './contacts/contacts.controller';
import { contactsDecider } from './contacts/contacts.decider';
import { react } from './contacts/contacts.react';
import { ContactsService } from './contacts/contacts.service';
import { InboundContactsConsumer } from './contacts/inbound-contacts.consumer';
import { PrivacyController } from './privacy/privacy.controller';
import { webhookDeliveriesHandler } from './webhooks/webhook-deliveries.handler';
import { WebhookSender } from './webhooks/webhook-sender';
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
      controllers: [ContactsController, PrivacyController, WebhooksController],
      providers: [
        ContactsService,
        CustomerAccess,
        InboundContactsConsumer,
        WebhookSender,
        {
          provide: CONSUMERS,
          useFactory: (commands: CommandHandler, contacts: ContactsService, clock: Clock): ConsumerDefinition[] => [
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
            {
              // Upstream systems hear of their tickets' results, escalations and closing (webhooks/).
              name: 'webhooks',
              topics: [TOPICS.routingEvents, TOPICS.followupEvents],
              handler: webhookDeliveriesHandler({ originOf: (ticketId) => originOf(contacts, ticketId), clock }),
            },
          ],
          inject: [CommandHandler, ContactsService, CLOCK],
        },
        ConsumersLifecycle,
      ],
    };
  }
}

/** The contact a ticket came from, as intake recorded it; null for a ticket it never recorded. */
async function originOf(contacts: ContactsService, ticketId: string): Promise<{ sourceSystem: string; externalId: string } | null> {
  try {
    const state = await contacts.state(ticketId);
    return state.status === 'unknown' ? null : { sourceSystem: state.contact.sourceSystem, externalId: state.contact.externalId };
  } catch (error) {
    if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

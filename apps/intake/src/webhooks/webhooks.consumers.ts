import { DomainError, TOPICS } from '@handoff/contracts';
import { CLOCK, declareConsumers, type Clock } from '@handoff/platform';
import { ContactsService } from '../contacts/contacts.service';
import { webhookDeliveriesHandler } from './webhook-deliveries.handler';
import { WebhookSender } from './webhook-sender';

export const WEBHOOKS_CONSUMERS = declareConsumers([ContactsService, CLOCK, WebhookSender], (contacts: ContactsService, clock: Clock, sender: WebhookSender) => [
  {
    // Upstream systems hear of their tickets' results, escalations and closing.
    name: 'webhooks',
    topics: [TOPICS.routingEvents, TOPICS.followupEvents],
    handler: webhookDeliveriesHandler({ originOf: (ticketId) => originOf(contacts, ticketId), clock, queued: () => sender.deliveriesQueued() }),
  },
]);

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

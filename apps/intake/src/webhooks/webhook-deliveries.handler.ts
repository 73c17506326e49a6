import type { EntityManager } from 'typeorm';
import { FOLLOWUP_EVENTS, ROUTING_EVENTS, typedEventOf, WEBHOOK_EVENT_TYPES, type RecordedEvent, type RecordedOf } from '@handoff/contracts';
import type { EventHandler } from '@handoff/messaging';
import { deliveryIdOf, isWebhookEventType, subscriptionsFor, webhookPayloadOf, type TicketOrigin, type WebhookEvent } from './webhooks.model';
import { WebhooksStore, type NewDelivery } from './webhooks.store';

export interface WebhookQueueing {
  /** The contact a ticket came from, from intake's own store; null for a ticket intake never recorded. */
  readonly originOf: (ticketId: string) => Promise<TicketOrigin | null>;
  readonly clock: () => Date;
  /** Told, inside the transaction, that deliveries were queued: the sender looks once it has committed. */
  readonly queued?: () => void;
}

/**
 * Turns the events upstream systems subscribe to into queued deliveries, in the consumer's
 * transaction: the event's processed mark and its deliveries commit together, so an event
 * redelivered by Kafka queues nothing twice (and the delivery id, from event and subscription,
 * would refuse a second row anyway). Sending is the sender's, later, outside any transaction.
 */
export async function queueWebhookDeliveries(events: readonly RecordedEvent[], manager: EntityManager, queueing: WebhookQueueing): Promise<void> {
  const wanted = events.filter((event) => isWebhookEventType(event.type));
  if (wanted.length === 0) return;
  const targets = await WebhooksStore.activeTargets(manager, [...new Set(wanted.map((event) => event.type))]);
  if (targets.length === 0) return;
  const origins = new Map<string, TicketOrigin | null>();
  const deliveries: NewDelivery[] = [];
  for (const event of wanted) {
    const typed = webhookEventOf(event);
    if (!typed) continue;
    if (!origins.has(event.ticketId)) origins.set(event.ticketId, await queueing.originOf(event.ticketId));
    const origin = origins.get(event.ticketId);
    if (!origin) continue;
    for (const subscription of subscriptionsFor(typed, origin, targets)) {
      const payload = webhookPayloadOf(typed, origin, subscription.id);
      deliveries.push({
        id: deliveryIdOf(event.eventId, subscription.id),
        subscriptionId: subscription.id,
        eventId: event.eventId,
        eventType: event.type,
        ticketId: event.ticketId,
        body: JSON.stringify(payload),
      });
    }
  }
  if (deliveries.length === 0) return;
  await WebhooksStore.enqueue(manager, deliveries, queueing.clock());
  queueing.queued?.();
}

function webhookEventOf(event: RecordedEvent): RecordedOf<WebhookEvent> | undefined {
  return (typedEventOf(ROUTING_EVENTS, event) ?? typedEventOf(FOLLOWUP_EVENTS, event)) as RecordedOf<WebhookEvent> | undefined;
}

/** The consumer's handler: `queueWebhookDeliveries` as it is. */
export function webhookDeliveriesHandler(queueing: WebhookQueueing): EventHandler {
  return { eventTypes: WEBHOOK_EVENT_TYPES, handle: (events, manager) => queueWebhookDeliveries(events, manager, queueing) };
}

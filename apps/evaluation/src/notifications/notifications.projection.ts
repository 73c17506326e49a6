import { EVENT_CONTRACTS, typedEventOf, type RecordedEvent } from '@handoff/contracts';
import { writeRows, type EventHandler } from '@handoff/messaging';
import { csAgentOf, notificationsOf, NOTIFYING_TYPES, type NotificationSource } from './notifications.model';
import { PersonNotificationRow } from './notifications.entities';

const sourceOf = (event: RecordedEvent): NotificationSource & { readonly role: string } => ({
  eventId: event.eventId,
  ticketId: event.ticketId,
  type: event.type,
  data: event.data,
  actorId: event.metadata.actorId,
  role: event.metadata.role,
  occurredAt: event.metadata.occurredAt,
});

/** Each person's notifications, and each ticket's CS agent, in two statements per batch. */
export function notificationsProjection(): EventHandler {
  const handle: EventHandler['handle'] = async (events, manager) => {
    // A known type whose data breaks its contract is dead-lettered with the reason, not turned into a notification.
    for (const event of events) typedEventOf(EVENT_CONTRACTS, event);
    const sources = events.map(sourceOf);
    const rows: PersonNotificationRow[] = sources.flatMap(notificationsOf).map((notification) => ({ ...notification, occurredAt: new Date(notification.occurredAt) }));
    await writeRows(manager, PersonNotificationRow, rows, { onConflict: ['notificationId'] });
    const agents = new Map<string, string>();
    for (const source of sources) {
      const agent = csAgentOf(source);
      if (agent && !agents.has(source.ticketId)) agents.set(source.ticketId, agent);
    }
    if (agents.size > 0) {
      // The first CS agent of a ticket keeps it: a later answer by a colleague does not move the follow-up.
      await manager.query(
        'INSERT INTO notification_ticket_agents (ticket_id, agent_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (ticket_id) DO NOTHING',
        [[...agents.keys()], [...agents.values()]],
      );
    }
  };
  return {
    eventTypes: [...NOTIFYING_TYPES],
    handle,
  };
}

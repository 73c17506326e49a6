import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per notification and recipient; rebuildable from the topics (see notifications.ts). */
@Entity({ name: 'person_notifications' })
export class PersonNotificationRow {
  @PrimaryColumn('text', { name: 'notification_id' })
  notificationId!: string;

  @Column('text')
  recipient!: string;

  @Column('text')
  kind!: string;

  @Column('text', { name: 'ticket_id' })
  ticketId!: string;

  @Column('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt!: Date;

  @Column('text', { name: 'actor_id' })
  actorId!: string;

  @Column('text', { nullable: true })
  excerpt!: string | null;
}

/** The CS agent of each ticket whose contact a CS agent took (the first one wins). */
@Entity({ name: 'notification_ticket_agents' })
export class NotificationTicketAgent {
  @PrimaryColumn('text', { name: 'ticket_id' })
  ticketId!: string;

  @Column('text', { name: 'agent_id' })
  agentId!: string;
}

/**
 * How far each person has read their notifications. Not a read model of events (reading a
 * notification is not a step of the workflow): no rebuild touches it.
 */
@Entity({ name: 'notification_marks' })
export class NotificationMark {
  @PrimaryColumn('text', { name: 'person_id' })
  personId!: string;

  @Column('timestamptz', { name: 'seen_up_to' })
  seenUpTo!: Date;
}

export const NOTIFICATION_ENTITIES = [PersonNotificationRow, NotificationTicketAgent, NotificationMark];

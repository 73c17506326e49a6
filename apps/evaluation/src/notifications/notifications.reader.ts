import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { cursorInstant, pageOf, type Actor, type NotificationKind, type NotificationsPage, type NotificationView } from '@handoff/contracts';

export const MAX_NOTIFICATIONS_PAGE = 100;

/** The sort key of a page's last row: newest first by occurred-at, then notification id. */
export const notificationCursor = z.tuple([cursorInstant, z.string().min(1)]);
export type NotificationCursor = z.infer<typeof notificationCursor>;

interface Row {
  notification_id: string;
  kind: NotificationKind;
  ticket_id: string;
  occurred_at: Date;
  actor_id: string;
  excerpt: string | null;
  recipient: string;
  unread: boolean;
}

/** A person's notifications: addressed to them, to their department, a result for a ticket whose contact they took, or a change of a ticket they watch. */
@Injectable()
export class NotificationsReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async of(actor: Actor, page: { cursor?: NotificationCursor; limit: number }): Promise<NotificationsPage> {
    const [afterAt, afterId] = page.cursor ?? [null, null];
    const mine = `
      FROM person_notifications n
      LEFT JOIN notification_ticket_agents a ON a.ticket_id = n.ticket_id
      LEFT JOIN notification_marks m ON m.person_id = $1
      WHERE n.actor_id <> $1
        AND (n.recipient = 'person:' || $1
          OR ($2::text IS NOT NULL AND n.recipient = 'department:' || $2
              -- Told by name already (an update request to the department and its handler): one row, not two.
              -- A person's row of an event has the id <event>/person:<id> (notifications.ts), found by the primary key.
              AND NOT EXISTS (SELECT 1 FROM person_notifications p WHERE p.notification_id = n.event_id || '/person:' || $1))
          OR (n.recipient = 'ticket-cs' AND $3 = 'cs' AND (a.agent_id = $1 OR a.agent_id IS NULL))
          OR (n.recipient = 'ticket-watchers'
              -- Watching when the event occurred: their latest watch row before it says so. Compared by occurred-at, as
              -- the watch and the change are on different topics and either may be projected first (notifications.ts).
              AND COALESCE((SELECT w.watching FROM ticket_watch_events w
                   WHERE w.ticket_id = n.ticket_id AND w.watcher_id = $1 AND w.occurred_at <= n.occurred_at
                   ORDER BY w.occurred_at DESC, w.stream_position DESC LIMIT 1), false)
              -- Told of the same event for another reason (by name, their department, as its CS agent): that row only.
              AND NOT EXISTS (SELECT 1 FROM person_notifications p WHERE p.notification_id IN (n.event_id || '/person:' || $1, n.event_id || '/department:' || $2))
              AND NOT ($3 = 'cs' AND (a.agent_id = $1 OR a.agent_id IS NULL)
                       AND EXISTS (SELECT 1 FROM person_notifications p WHERE p.notification_id = n.event_id || '/ticket-cs'))))`;
    const params = [actor.id, actor.department ?? null, actor.role];
    const rows: Row[] = await this.dataSource.query(
      `SELECT n.notification_id, n.kind, n.ticket_id, n.occurred_at, n.actor_id, n.excerpt, n.recipient,
              (m.seen_up_to IS NULL OR n.occurred_at > m.seen_up_to) AS unread
       ${mine}
         AND ($4::timestamptz IS NULL OR (n.occurred_at, n.notification_id) < ($4::timestamptz, $5::text))
       ORDER BY n.occurred_at DESC, n.notification_id DESC
       LIMIT $6`,
      [...params, afterAt, afterId, page.limit + 1],
    );
    const [{ unread }] = await this.dataSource.query(
      `SELECT count(*)::int AS unread ${mine} AND (m.seen_up_to IS NULL OR n.occurred_at > m.seen_up_to)`,
      params,
    );
    return { ...pageOf(rows, page.limit, (row) => [new Date(row.occurred_at).toISOString(), row.notification_id], view), unread };
  }

  /** Everything up to `upTo` is read (never moves back: a stale tab cannot mark newer ones unread again). */
  async markSeen(actor: Actor, upTo: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO notification_marks (person_id, seen_up_to) VALUES ($1, $2)
       ON CONFLICT (person_id) DO UPDATE SET seen_up_to = GREATEST(notification_marks.seen_up_to, EXCLUDED.seen_up_to)`,
      [actor.id, upTo],
    );
  }
}

function view(row: Row): NotificationView {
  return {
    notificationId: row.notification_id,
    kind: row.kind,
    ticketId: row.ticket_id,
    occurredAt: new Date(row.occurred_at).toISOString(),
    actorId: row.actor_id,
    excerpt: row.excerpt,
    via: viaOf(row.recipient),
    unread: row.unread,
  };
}

function viaOf(recipient: string): NotificationView['via'] {
  if (recipient.startsWith('department:')) return 'department';
  if (recipient === 'ticket-cs') return 'ticket';
  return recipient === 'ticket-watchers' ? 'watching' : 'person';
}

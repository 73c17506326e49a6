import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ValidationFailed, type Actor } from '@handoff/contracts';
import type { NotificationKind } from './notifications';

export interface NotificationView {
  readonly notificationId: string;
  readonly kind: NotificationKind;
  readonly ticketId: string;
  readonly occurredAt: string;
  readonly actorId: string;
  readonly excerpt: string | null;
  /** Whether this notification came via a department (`department`) or to the person (`person`). */
  readonly via: 'person' | 'department' | 'ticket';
  readonly unread: boolean;
}

export interface NotificationsPage {
  readonly items: readonly NotificationView[];
  readonly unread: number;
  readonly nextCursor: string | null;
}

export const MAX_NOTIFICATIONS_PAGE = 100;

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

/** A person's notifications: addressed to them, to their department, or a result for a ticket whose contact they took. */
@Injectable()
export class NotificationsReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async of(actor: Actor, page: { cursor?: string; limit: number }): Promise<NotificationsPage> {
    const after = page.cursor === undefined ? null : decodeCursor(page.cursor);
    const mine = `
      FROM person_notifications n
      LEFT JOIN notification_ticket_agents a ON a.ticket_id = n.ticket_id
      LEFT JOIN notification_marks m ON m.person_id = $1
      WHERE n.actor_id <> $1
        AND (n.recipient = 'person:' || $1
          OR ($2::text IS NOT NULL AND n.recipient = 'department:' || $2)
          OR (n.recipient = 'ticket-cs' AND $3 = 'cs' AND (a.agent_id = $1 OR a.agent_id IS NULL)))`;
    const params = [actor.id, actor.department ?? null, actor.role];
    const rows: Row[] = await this.dataSource.query(
      `SELECT n.notification_id, n.kind, n.ticket_id, n.occurred_at, n.actor_id, n.excerpt, n.recipient,
              (m.seen_up_to IS NULL OR n.occurred_at > m.seen_up_to) AS unread
       ${mine}
         AND ($4::timestamptz IS NULL OR (n.occurred_at, n.notification_id) < ($4::timestamptz, $5::text))
       ORDER BY n.occurred_at DESC, n.notification_id DESC
       LIMIT $6`,
      [...params, after?.occurredAt ?? null, after?.notificationId ?? null, page.limit + 1],
    );
    const [{ unread }] = await this.dataSource.query(
      `SELECT count(*)::int AS unread ${mine} AND (m.seen_up_to IS NULL OR n.occurred_at > m.seen_up_to)`,
      params,
    );
    const items = rows.slice(0, page.limit).map(view);
    const last = rows.length > page.limit ? items[items.length - 1] : undefined;
    return { items, unread, nextCursor: last ? encodeCursor(last.occurredAt, last.notificationId) : null };
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
    via: row.recipient.startsWith('department:') ? 'department' : row.recipient === 'ticket-cs' ? 'ticket' : 'person',
    unread: row.unread,
  };
}

const encodeCursor = (occurredAt: string, notificationId: string): string => Buffer.from(JSON.stringify([occurredAt, notificationId])).toString('base64url');

function decodeCursor(cursor: string): { occurredAt: string; notificationId: string } {
  try {
    const [occurredAt, notificationId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof occurredAt === 'string' && !Number.isNaN(Date.parse(occurredAt)) && typeof notificationId === 'string') return { occurredAt, notificationId };
  } catch {
    // falls through to the refusal
  }
  throw new ValidationFailed([{ field: 'cursor', message: 'is not a cursor this list gave out' }]);
}

import type { DataSource, EntityManager } from 'typeorm';
import type {
  CursorValue,
  Page,
  WebhookAttemptView,
  WebhookDeliveryStatus,
  WebhookDeliveryView,
  WebhookEventType,
  WebhookSubscriptionView,
} from '@handoff/contracts';
import { pageOf } from '@handoff/contracts';
import type { SecretBox } from './secret-box';
import type { AttemptResult, AttemptVerdict, SubscriptionTarget } from './webhooks.model';

/** Who changed a subscription, and why (kept in `webhook_subscription_changes`). */
export interface ChangeAuthor {
  readonly actorId: string;
  readonly role: string;
  readonly requestId: string;
  readonly reason?: string;
}

export interface NewSubscription {
  readonly id: string;
  readonly sourceSystem: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly description?: string;
  readonly secret: string;
}

export interface NewDelivery {
  readonly id: string;
  readonly subscriptionId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly ticketId: string;
  readonly body: string;
}

/** A delivery the sender holds for one attempt, with what it needs to sign and send it. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly eventType: string;
  readonly body: string;
  readonly url: string;
  /** The secrets in force: the current one, and the previous one during its grace period. */
  readonly secrets: readonly string[];
  /** Counted over the delivery's life (the attempt log's key). */
  readonly attempt: number;
  /** Counted since it was last queued (the retry policy's count). */
  readonly attemptInRound: number;
}

interface SubscriptionRow {
  id: string;
  source_system: string;
  url: string;
  event_types: string[];
  description: string | null;
  created_at: Date;
  created_by: string;
  secret_rotated_at: Date | null;
  deleted_at: Date | null;
}

interface DeliveryRow {
  id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  ticket_id: string;
  status: WebhookDeliveryStatus;
  attempts_in_round: number;
  next_attempt_at: Date | null;
  created_at: Date;
  delivered_at: Date | null;
  redrives: number;
}

const SUBSCRIPTION_COLUMNS = 'id, source_system, url, event_types, description, created_at, created_by, secret_rotated_at, deleted_at';

const subscriptionView = (row: SubscriptionRow): WebhookSubscriptionView => ({
  id: row.id,
  sourceSystem: row.source_system,
  url: row.url,
  eventTypes: row.event_types as WebhookEventType[],
  description: row.description,
  createdAt: row.created_at.toISOString(),
  createdBy: row.created_by,
  secretRotatedAt: row.secret_rotated_at?.toISOString() ?? null,
  deletedAt: row.deleted_at?.toISOString() ?? null,
});

/** Intake's webhook tables, in SQL: the sender's claims need `FOR UPDATE SKIP LOCKED`, which no repository method says. */
export class WebhooksStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
  ) {}

  // -------------------------------------------------------------------------------------------
  // Subscriptions

  async createSubscription(subscription: NewSubscription, author: ChangeAuthor, now: Date): Promise<WebhookSubscriptionView> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = (await manager.query(
        `INSERT INTO webhook_subscriptions (id, source_system, url, event_types, description, secret, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${SUBSCRIPTION_COLUMNS}`,
        [
          subscription.id,
          subscription.sourceSystem,
          subscription.url,
          subscription.eventTypes,
          subscription.description ?? null,
          this.secrets.seal(subscription.secret, subscription.id),
          now,
          author.actorId,
        ],
      )) as SubscriptionRow[];
      await this.recordChange(manager, subscription.id, 'created', author, now);
      return subscriptionView(row);
    });
  }

  /** In force or ended (`deletedAt`): an ended one's log and changes stay readable. */
  async subscription(id: string): Promise<WebhookSubscriptionView | null> {
    const [row] = (await this.dataSource.query(`SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE id = $1`, [id])) as SubscriptionRow[];
    return row ? subscriptionView(row) : null;
  }

  async subscriptions(filter: { sourceSystem?: string; after?: readonly CursorValue[]; limit: number }): Promise<Page<WebhookSubscriptionView>> {
    const params: unknown[] = [filter.limit + 1];
    const where = ['deleted_at IS NULL'];
    if (filter.sourceSystem) where.push(`source_system = $${params.push(filter.sourceSystem)}`);
    if (filter.after) where.push(`(created_at, id) < ($${params.push(filter.after[0])}::timestamptz, $${params.push(filter.after[1])}::uuid)`);
    const rows = (await this.dataSource.query(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $1`,
      params,
    )) as SubscriptionRow[];
    return pageOf(rows, filter.limit, (row) => [row.created_at.toISOString(), row.id], subscriptionView);
  }

  /** A new secret; the previous one keeps signing beside it until `previousUntil`. Null when there is no such subscription. */
  async rotateSecret(id: string, secret: string, previousUntil: Date, author: ChangeAuthor, now: Date): Promise<WebhookSubscriptionView | null> {
    return this.dataSource.transaction(async (manager) => {
      // TypeORM answers an UPDATE with [rows, count].
      const [[row]] = (await manager.query(
        `UPDATE webhook_subscriptions SET previous_secret = secret, previous_secret_until = $2, secret = $3, secret_rotated_at = $4
         WHERE id = $1 AND deleted_at IS NULL RETURNING ${SUBSCRIPTION_COLUMNS}`,
        [id, previousUntil, this.secrets.seal(secret, id), now],
      )) as [SubscriptionRow[], number];
      if (!row) return null;
      await this.recordChange(manager, id, 'secret_rotated', author, now);
      return subscriptionView(row);
    });
  }

  /** Ends a subscription: nothing more is queued for it, and what waits is cancelled. False when there is none. */
  async deleteSubscription(id: string, author: ChangeAuthor, now: Date): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [, count] = (await manager.query('UPDATE webhook_subscriptions SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL', [id, now])) as [unknown, number];
      if (count === 0) return false;
      await manager.query("UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL WHERE subscription_id = $1 AND status = 'pending'", [id]);
      await this.recordChange(manager, id, 'deleted', author, now);
      return true;
    });
  }

  async changes(id: string): Promise<{ change: string; actorId: string; role: string; reason: string | null; at: string }[]> {
    const rows = (await this.dataSource.query('SELECT change, actor_id, actor_role, reason, at FROM webhook_subscription_changes WHERE subscription_id = $1 ORDER BY id', [id])) as {
      change: string;
      actor_id: string;
      actor_role: string;
      reason: string | null;
      at: Date;
    }[];
    return rows.map((row) => ({ change: row.change, actorId: row.actor_id, role: row.actor_role, reason: row.reason, at: row.at.toISOString() }));
  }

  private async recordChange(manager: EntityManager, id: string, change: string, author: ChangeAuthor, now: Date): Promise<void> {
    await manager.query(
      'INSERT INTO webhook_subscription_changes (subscription_id, change, actor_id, actor_role, reason, request_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [id, change, author.actorId, author.role, author.reason ?? null, author.requestId, now],
    );
  }

  // -------------------------------------------------------------------------------------------
  // Queueing (the consumer, inside its transaction)

  static async activeTargets(manager: EntityManager, eventTypes: readonly string[]): Promise<SubscriptionTarget[]> {
    const rows = (await manager.query('SELECT id, source_system, event_types, created_at FROM webhook_subscriptions WHERE deleted_at IS NULL AND event_types && $1', [eventTypes])) as {
      id: string;
      source_system: string;
      event_types: string[];
      created_at: Date;
    }[];
    return rows.map((row) => ({ id: row.id, sourceSystem: row.source_system, eventTypes: row.event_types, createdAt: row.created_at }));
  }

  /** Queues deliveries due at once; one already queued (the same event delivered again) is left as it is. */
  static async enqueue(manager: EntityManager, deliveries: readonly NewDelivery[], now: Date): Promise<void> {
    if (deliveries.length === 0) return;
    await manager.query(
      `INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_type, ticket_id, body, status, next_attempt_at, created_at)
       SELECT d.id, d.subscription_id, d.event_id, d.event_type, d.ticket_id, d.body, 'pending', $2, $2
       FROM jsonb_to_recordset($1::jsonb) AS d(id uuid, subscription_id uuid, event_id uuid, event_type text, ticket_id text, body text)
       ON CONFLICT (id) DO NOTHING`,
      [
        JSON.stringify(
          deliveries.map((delivery) => ({
            id: delivery.id,
            subscription_id: delivery.subscriptionId,
            event_id: delivery.eventId,
            event_type: delivery.eventType,
            ticket_id: delivery.ticketId,
            body: delivery.body,
          })),
        ),
        now,
      ],
    );
  }

  // -------------------------------------------------------------------------------------------
  // Sending

  /**
   * Takes up to `limit` due deliveries for one attempt each. The rows are locked only for this
   * short statement (SKIP LOCKED: instances claiming at once take different rows); the claim
   * itself is `next_attempt_at` pushed past the attempt's longest time (`leaseMs`), so no HTTP
   * call happens inside a transaction and a sender that dies mid-attempt leaves the delivery to
   * be taken again when the lease runs out.
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows = (await this.dataSource.query(
      `WITH due AS (
         SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE webhook_deliveries d
         SET next_attempt_at = now() + $2 * interval '1 millisecond', attempts = d.attempts + 1, attempts_in_round = d.attempts_in_round + 1
         FROM due WHERE d.id = due.id
         RETURNING d.id, d.subscription_id, d.event_type, d.body, d.attempts, d.attempts_in_round
       )
       SELECT c.id, c.subscription_id, c.event_type, c.body, c.attempts, c.attempts_in_round, s.url, s.secret,
              CASE WHEN s.previous_secret_until > now() THEN s.previous_secret END AS previous_secret
       FROM claimed c JOIN webhook_subscriptions s ON s.id = c.subscription_id`,
      [limit, leaseMs],
    )) as { id: string; subscription_id: string; event_type: string; body: string; attempts: number; attempts_in_round: number; url: string; secret: string; previous_secret: string | null }[];
    return rows.map((row) => ({
      id: row.id,
      eventType: row.event_type,
      body: row.body,
      url: row.url,
      secrets: [row.secret, ...(row.previous_secret ? [row.previous_secret] : [])].map((sealed) => this.secrets.open(sealed, row.subscription_id)),
      attempt: row.attempts,
      attemptInRound: row.attempts_in_round,
    }));
  }

  /** Milliseconds until the earliest pending delivery falls due (0 when one is due now); null when none is pending. */
  async nextDueInMs(): Promise<number | null> {
    const [row] = (await this.dataSource.query(
      `SELECT (extract(epoch FROM min(next_attempt_at) - now()) * 1000)::float8 AS ms FROM webhook_deliveries WHERE status = 'pending'`,
    )) as { ms: number | null }[];
    // No pending delivery: min() is NULL (and greatest() would have made it 0).
    return row?.ms === null || row?.ms === undefined ? null : Math.max(0, row.ms);
  }

  /**
   * The attempt in the log and the delivery's next state, together. Only the sender holding the
   * claim writes the state (`attempts` still the claimed one, still pending), so one whose lease
   * ran out while it waited cannot overwrite a later attempt's outcome.
   */
  async recordAttempt(delivery: ClaimedDelivery, startedAt: Date, durationMs: number, result: AttemptResult, verdict: AttemptVerdict): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        'INSERT INTO webhook_delivery_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
        [delivery.id, delivery.attempt, startedAt, durationMs, result.statusCode, result.error],
      );
      await manager.query(
        `UPDATE webhook_deliveries SET status = $3, next_attempt_at = $4, delivered_at = $5
         WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
        [
          delivery.id,
          delivery.attempt,
          verdict.status,
          verdict.status === 'pending' ? verdict.nextAttemptAt : null,
          verdict.status === 'delivered' ? new Date(startedAt.getTime() + durationMs) : null,
        ],
      );
    });
  }

  // -------------------------------------------------------------------------------------------
  // The delivery log and redrive

  async deliveries(filter: { subscriptionId?: string; status?: WebhookDeliveryStatus; after?: readonly CursorValue[]; limit: number }): Promise<Page<WebhookDeliveryView>> {
    const params: unknown[] = [filter.limit + 1];
    const where: string[] = [];
    if (filter.subscriptionId) where.push(`subscription_id = $${params.push(filter.subscriptionId)}`);
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (filter.after) where.push(`(created_at, id) < ($${params.push(filter.after[0])}::timestamptz, $${params.push(filter.after[1])}::uuid)`);
    const rows = (await this.dataSource.query(
      `SELECT id, subscription_id, event_id, event_type, ticket_id, status, attempts_in_round, next_attempt_at, created_at, delivered_at, redrives
       FROM webhook_deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT $1`,
      params,
    )) as DeliveryRow[];
    const attempts = await this.attemptsOf(rows.slice(0, filter.limit).map((row) => row.id));
    return pageOf(rows, filter.limit, (row) => [row.created_at.toISOString(), row.id], (row) => deliveryView(row, attempts.get(row.id) ?? []));
  }

  async delivery(id: string): Promise<WebhookDeliveryView | null> {
    const [row] = (await this.dataSource.query(
      'SELECT id, subscription_id, event_id, event_type, ticket_id, status, attempts_in_round, next_attempt_at, created_at, delivered_at, redrives FROM webhook_deliveries WHERE id = $1',
      [id],
    )) as DeliveryRow[];
    if (!row) return null;
    return deliveryView(row, (await this.attemptsOf([id])).get(id) ?? []);
  }

  /**
   * A failed delivery queued again, due at once, with a fresh round of attempts; its id and body
   * stay, so the receiver sees the same delivery. Answers what the delivery was when it is not
   * failed (nothing is changed), or null when there is none.
   */
  async redrive(id: string, by: string, now: Date): Promise<{ redriven: true } | { redriven: false; status: WebhookDeliveryStatus; subscriptionEnded: boolean } | null> {
    const [, count] = (await this.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'pending', attempts_in_round = 0, next_attempt_at = $2, redrives = redrives + 1, last_redriven_by = $3
       WHERE id = $1 AND status = 'failed' AND subscription_id IN (SELECT id FROM webhook_subscriptions WHERE deleted_at IS NULL)`,
      [id, now, by],
    )) as [unknown, number];
    if (count > 0) return { redriven: true };
    const [row] = (await this.dataSource.query(
      'SELECT d.status, s.deleted_at IS NOT NULL AS ended FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id WHERE d.id = $1',
      [id],
    )) as { status: WebhookDeliveryStatus; ended: boolean }[];
    return row ? { redriven: false, status: row.status, subscriptionEnded: row.ended } : null;
  }

  /** Every failed delivery of a subscription queued again; how many. */
  async redriveFailed(subscriptionId: string, by: string, now: Date): Promise<number> {
    const [, count] = (await this.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'pending', attempts_in_round = 0, next_attempt_at = $2, redrives = redrives + 1, last_redriven_by = $3
       WHERE subscription_id = $1 AND status = 'failed'`,
      [subscriptionId, now, by],
    )) as [unknown, number];
    return count;
  }

  private async attemptsOf(ids: readonly string[]): Promise<Map<string, WebhookAttemptView[]>> {
    const byDelivery = new Map<string, WebhookAttemptView[]>();
    if (ids.length === 0) return byDelivery;
    const rows = (await this.dataSource.query(
      'SELECT delivery_id, attempt, started_at, duration_ms, status_code, error FROM webhook_delivery_attempts WHERE delivery_id = ANY($1::uuid[]) ORDER BY delivery_id, attempt',
      [ids],
    )) as { delivery_id: string; attempt: number; started_at: Date; duration_ms: number; status_code: number | null; error: string | null }[];
    for (const row of rows) {
      const list = byDelivery.get(row.delivery_id) ?? [];
      list.push({ attempt: row.attempt, startedAt: row.started_at.toISOString(), durationMs: row.duration_ms, statusCode: row.status_code, error: row.error });
      byDelivery.set(row.delivery_id, list);
    }
    return byDelivery;
  }
}

function deliveryView(row: DeliveryRow, attempts: readonly WebhookAttemptView[]): WebhookDeliveryView {
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    eventId: row.event_id,
    eventType: row.event_type as WebhookEventType,
    ticketId: row.ticket_id,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    attemptsInRound: row.attempts_in_round,
    nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    redrives: row.redrives,
    attempts,
  };
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  uuidV5,
  WEBHOOK_EVENT_TYPES,
  type FollowupEvent,
  type RecordedOf,
  type RoutingEvent,
  type WebhookEventType,
  type WebhookPayload,
} from '@handoff/contracts';

/**
 * Outbound webhooks as plain rules: which events a subscription gets, what the body says, how it
 * is signed, and when a failed attempt is tried again. The consumer, the sender and the API only
 * carry these out.
 */

// ---------------------------------------------------------------------------------------------
// Which events, for whom

/** The events a subscription can name, as the topics carry them. */
export type WebhookEvent = Extract<RoutingEvent | FollowupEvent, { readonly type: WebhookEventType }>;

export const isWebhookEventType = (type: string): type is WebhookEventType => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type);

/** What a subscription needs to be matched against an event. */
export interface SubscriptionTarget {
  readonly id: string;
  readonly sourceSystem: string;
  readonly eventTypes: readonly string[];
  /** Events recorded before the subscription existed are not sent: it was not asked for them. */
  readonly createdAt: Date;
}

/** The contact a ticket came from, as the upstream system knows it. */
export interface TicketOrigin {
  readonly sourceSystem: string;
  readonly externalId: string;
}

const DELIVERY_NAMESPACE = '0d9b2f4e-7c61-4a5b-8f3e-1a2c3d4e5f60';

/**
 * One delivery per event and subscription, whatever happens: a redelivered Kafka message, a
 * retry and a redrive all carry the same id, so the receiver can drop what it has seen.
 */
export const deliveryIdOf = (eventId: string, subscriptionId: string): string => uuidV5(`${eventId}\u0000${subscriptionId}`, DELIVERY_NAMESPACE);

/**
 * The subscriptions an event goes to: those naming its type, for the system the ticket's contact
 * came from, created before the event was recorded. A system hears of its own tickets only: one
 * upstream system is never told about another's customers.
 */
export function subscriptionsFor(event: { readonly type: string; readonly metadata: { readonly recordedAt: string } }, origin: TicketOrigin, subscriptions: readonly SubscriptionTarget[]): SubscriptionTarget[] {
  const recordedAt = Date.parse(event.metadata.recordedAt);
  return subscriptions.filter(
    (subscription) => subscription.sourceSystem === origin.sourceSystem && subscription.eventTypes.includes(event.type) && subscription.createdAt.getTime() <= recordedAt,
  );
}

// ---------------------------------------------------------------------------------------------
// The body

/**
 * The event as the upstream system may read it. Free text that is the customer's own words (an
 * objection) or internal (reasons, notes) stays inside; so do the ids of the people who handled
 * the ticket. What the customer is to be told (the result, a complaint's apology and corrective
 * action) goes out: reporting it is why the upstream system subscribes.
 */
export function webhookDataOf(event: RecordedOf<WebhookEvent>): Record<string, unknown> {
  switch (event.type) {
    case 'TicketRouted': {
      const { department, round, type, category, priority, channel, complaint, deadlines } = event.data;
      return { department, round, ticketType: type, category, priority, channel, complaint, firstResponseDueAt: deadlines.firstResponseDueAt, resolutionDueAt: deadlines.resolutionDueAt };
    }
    case 'ResultReported': {
      const { round, department, summary, complaint, apology, correctiveAction, cause } = event.data;
      return { round, department, summary, complaint, ...(apology ? { apology } : {}), ...(correctiveAction ? { correctiveAction } : {}), ...(cause ? { cause } : {}) };
    }
    case 'TicketEscalated': {
      const { level, trigger, round, department, dueAt, subRequestId } = event.data;
      return { level, trigger, round, department, ...(dueAt ? { dueAt } : {}), ...(subRequestId ? { subRequestId } : {}) };
    }
    case 'TicketReopened': {
      const { round, department, previousDepartment } = event.data;
      return { round, department, ...(previousDepartment ? { previousDepartment } : {}) };
    }
    case 'TicketClosed': {
      const { outcome, round } = event.data;
      return { outcome, round };
    }
    default:
      return unknownEvent(event);
  }
}

// Names only the type: the data may hold words that must not reach a log.
function unknownEvent(value: never): never {
  throw new Error(`unexpected webhook event ${(value as { type?: string }).type}`);
}

export function webhookPayloadOf(event: RecordedOf<WebhookEvent>, origin: TicketOrigin, subscriptionId: string): WebhookPayload {
  return {
    deliveryId: deliveryIdOf(event.eventId, subscriptionId),
    eventId: event.eventId,
    type: event.type,
    ticketId: event.ticketId,
    occurredAt: event.metadata.occurredAt,
    contact: { sourceSystem: origin.sourceSystem, externalId: origin.externalId },
    data: webhookDataOf(event),
  };
}

// ---------------------------------------------------------------------------------------------
// Signing

export const SIGNATURE_HEADER = 'Handoff-Signature';
export const DELIVERY_ID_HEADER = 'Handoff-Delivery-Id';
export const EVENT_TYPE_HEADER = 'Handoff-Event-Type';

/** HMAC-SHA256 of `<t>.<body>` under the secret, hex. */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/**
 * `t=<unix seconds>,v1=<hex>[,v1=<hex>]`: one `v1` per secret in force. Just after a rotation the
 * previous secret signs too, so a receiver still holding it keeps accepting until it has the new one.
 */
export function signatureHeaderOf(secrets: readonly string[], timestamp: number, body: string): string {
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${signatureOf(secret, timestamp, body)}`)].join(',');
}

/**
 * The receiver's check, kept here so the README's sample and the tests say the same: one `v1`
 * matches under the secret, and the timestamp is within `toleranceSeconds` of now (a replay of an
 * old delivery is refused).
 */
export function verifySignature(header: string, body: string, secret: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = header.split(',').map((part) => part.split('='));
  const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(secret, timestamp, body), 'hex');
  return parts
    .filter(([key, value]) => key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value))
    .some(([, value]) => timingSafeEqual(Buffer.from(value, 'hex'), expected));
}

// ---------------------------------------------------------------------------------------------
// Trying again

export interface RetryPolicy {
  /** Attempts of one round (creation or a redrive) before the delivery is failed. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * The wait after failed attempt `attempt` (1-based): doubling from the initial delay up to the
 * maximum, then "equal jitter" (half fixed, half random), so receivers coming back after an outage
 * are not hit by every sender at the same instant, and a retry never comes sooner than half the step.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/** What one attempt came to: a 2xx answer delivers; anything else (another status, no answer) fails. */
export interface AttemptResult {
  readonly statusCode: number | null;
  readonly error: string | null;
}

export type AttemptVerdict =
  | { readonly status: 'delivered' }
  | { readonly status: 'pending'; readonly nextAttemptAt: Date }
  | { readonly status: 'failed' };

export const isDelivered = (result: AttemptResult): boolean => result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;

/** After attempt `attempt` of the round at `now`: delivered, tried again later, or given up. */
export function verdictOf(result: AttemptResult, attempt: number, policy: RetryPolicy, now: Date, random: () => number): AttemptVerdict {
  if (isDelivered(result)) return { status: 'delivered' };
  if (attempt >= policy.maxAttempts) return { status: 'failed' };
  return { status: 'pending', nextAttemptAt: new Date(now.getTime() + retryDelayMs(policy, attempt, random)) };
}

// ---------------------------------------------------------------------------------------------
// Targets

/**
 * A target URL the sender may call: http or https, with a host, without credentials in it (they
 * would be kept and shown with the subscription), in printable ASCII. Returns why not, or null.
 */
export function targetUrlProblem(url: string): string | null {
  // The URL parser drops tabs and line breaks silently; what is stored and shown must be what is called.
  if (!/^[\x21-\x7e]+$/.test(url)) return 'must be printable ASCII without spaces (percent-encode anything else)';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute http or https URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must be an http or https URL';
  if (!parsed.hostname) return 'must name a host';
  if (parsed.username || parsed.password) return 'must not carry a user name or password';
  return null;
}

// Outbound webhooks (intake): what an upstream system may subscribe to, and what the management
// API answers about subscriptions and deliveries.

/**
 * The ticket events an upstream system may subscribe to: the moments it has to act on for the
 * customer it sent in (a department took the ticket, its result came back, it was escalated,
 * reopened after an objection, closed). Internal steps (assignments, progress notes, notes)
 * are the departments' own business and never leave the organisation.
 */
export const WEBHOOK_EVENT_TYPES = ['TicketRouted', 'ResultReported', 'TicketEscalated', 'TicketReopened', 'TicketClosed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'cancelled'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** The body of every delivery (JSON), the same bytes on every attempt of it. */
export interface WebhookPayload {
  /** The delivery's id, also sent as `Handoff-Delivery-Id`: the same for every attempt and redrive. */
  readonly deliveryId: string;
  readonly eventId: string;
  readonly type: WebhookEventType;
  readonly ticketId: string;
  /** When it happened in the workflow (ISO 8601). */
  readonly occurredAt: string;
  /** The contact as the upstream system sent it in, so it finds its own record. */
  readonly contact: { readonly sourceSystem: string; readonly externalId: string };
  /** What the event says that the upstream system may know: never contact details, never people's ids. */
  readonly data: Readonly<Record<string, unknown>>;
}

export interface WebhookSubscriptionView {
  readonly id: string;
  /** The upstream system whose tickets it follows (the contacts' `sourceSystem`). */
  readonly sourceSystem: string;
  readonly url: string;
  readonly eventTypes: readonly WebhookEventType[];
  readonly description: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
  /** When the secret was last rotated; null if never. */
  readonly secretRotatedAt: string | null;
  /** When it was ended; null while it is in force. */
  readonly deletedAt: string | null;
}

/** Answered once, at creation and at each rotation: the only time the secret is shown. */
export interface WebhookSubscriptionWithSecret extends WebhookSubscriptionView {
  readonly secret: string;
}

export interface WebhookAttemptView {
  readonly attempt: number;
  readonly startedAt: string;
  readonly durationMs: number;
  /** The receiver's HTTP status; null when no answer came (refused, timed out). */
  readonly statusCode: number | null;
  /** Why it failed, in a few words (`connect ECONNREFUSED`, `timeout after 10000 ms`, `HTTP 500`); null when delivered. */
  readonly error: string | null;
}

export interface WebhookDeliveryView {
  readonly id: string;
  readonly subscriptionId: string;
  readonly eventId: string;
  readonly eventType: WebhookEventType;
  readonly ticketId: string;
  readonly status: WebhookDeliveryStatus;
  readonly createdAt: string;
  /** Attempts since it was last queued (creation or redrive). */
  readonly attemptsInRound: number;
  readonly nextAttemptAt: string | null;
  readonly deliveredAt: string | null;
  readonly redrives: number;
  readonly attempts: readonly WebhookAttemptView[];
}

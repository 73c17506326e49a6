import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppliedEvents, CLOCK, CONFIG, CUSTOMER_VAULT, JsonLogger, ServiceMetrics, type Clock } from '@handoff/platform';
import type { CustomerVault } from '@handoff/vault';
import type { IntakeConfig } from '../config';
import { DELIVERY_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signatureHeaderOf, verdictOf, type AttemptResult, type RetryPolicy } from './webhooks.model';
import { SecretBox } from './secret-box';
import { WebhooksStore, type ClaimedDelivery } from './webhooks.store';

/** Deliveries one instance sends at once; the rest wait for the next look. */
const AT_ONCE = 8;

/**
 * Sends what is due, on every instance: each look claims a few due deliveries (SKIP LOCKED, so
 * two instances never take the same one), posts each signed, and records the attempt and what
 * follows from it (delivered, a later retry, or failed). Everything it needs is in PostgreSQL,
 * so a restart loses nothing: a retry waiting in `next_attempt_at` is taken when it falls due.
 *
 * It looks when there is something to send, not on a short timer: at once when this instance's
 * consumer has queued deliveries or a delivery was redriven here, when the earliest pending
 * delivery falls due (a retry), and otherwise every WEBHOOK_POLL_INTERVAL_MS, for what another
 * instance queued and could not send (it stopped before it looked).
 */
@Injectable()
export class WebhookSender implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly store: WebhooksStore;
  private readonly policy: RetryPolicy;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private waiting = false;
  /** Woken while a look ran: look again when it ends, the deliveries may have come after its claim. */
  private wokenDuringLook = false;
  private stopListening: (() => void) | undefined;
  private queuedUncommitted = false;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(CONFIG) private readonly config: IntakeConfig,
    private readonly logger: JsonLogger,
    private readonly metrics: ServiceMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CUSTOMER_VAULT) private readonly vault: CustomerVault,
    @Inject(AppliedEvents) private readonly applied: AppliedEvents,
  ) {
    this.store = new WebhooksStore(dataSource, new SecretBox(config.VAULT_MASTER_KEY));
    this.policy = { maxAttempts: config.WEBHOOK_MAX_ATTEMPTS, initialDelayMs: config.WEBHOOK_BACKOFF_INITIAL_MS, maxDelayMs: config.WEBHOOK_BACKOFF_MAX_MS };
  }

  onApplicationBootstrap(): void {
    // The consumer's handler that queues deliveries (webhooks.consumers.ts): most of the events it
    // takes (every TicketRouted) queue nothing when no subscription wants them, and wake nobody.
    this.stopListening = this.applied.on('webhooks', () => {
      if (!this.queuedUncommitted) return;
      this.queuedUncommitted = false;
      this.wake();
    });
    // What was due while no instance ran is sent now.
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopListening?.();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /**
   * The consumer's handler queued deliveries in the transaction under way: the sender looks once
   * the consumer tells it the transaction committed (a rolled-back one costs one look for nothing).
   */
  deliveriesQueued(): void {
    this.queuedUncommitted = true;
  }

  /** Something may be due now: look at once (or as soon as the look in hand ends). */
  wake(): void {
    if (this.running) this.wokenDuringLook = true;
    else this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.look().then((nextInMs) => {
        this.running = undefined;
        const woken = this.wokenDuringLook;
        this.wokenDuringLook = false;
        this.schedule(woken ? 0 : nextInMs);
      });
    }, delayMs);
  }

  /**
   * One look: while a look finds a full batch, the next follows at once. Resolves with how long
   * to wait before the next: until the earliest pending delivery falls due, at most the interval.
   */
  private async look(): Promise<number> {
    const interval = this.config.WEBHOOK_POLL_INTERVAL_MS;
    try {
      for (;;) {
        if (this.stopped) return interval;
        // Past the receiver's time and some: a claim outlives its attempt, never the other way round.
        const claimed = await this.store.claimDue(AT_ONCE, this.config.WEBHOOK_TIMEOUT_MS + 30_000);
        if (this.waiting) {
          this.waiting = false;
          this.logger.event('info', 'webhook sender: looking for due deliveries again', {});
        }
        await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
        if (claimed.length < AT_ONCE) break;
      }
      const nextDue = await this.store.nextDueInMs();
      return nextDue === null ? interval : Math.min(interval, Math.ceil(nextDue));
    } catch (error) {
      // PostgreSQL away, most likely: what is due stays due, a claim in hand runs out, the next look tries again.
      if (!this.waiting) this.logger.event('warn', 'webhook sender: a look for due deliveries failed; they wait for the next', { errorName: (error as Error)?.name, errorCode: (error as { code?: unknown })?.code });
      this.waiting = true;
      return interval;
    }
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const startedAt = this.clock();
    // Elapsed time from the monotonic clock: the service's clock says when, not how long.
    const started = performance.now();
    const result = await this.post(delivery);
    const durationMs = Math.round(performance.now() - started);
    const verdict = verdictOf(result, delivery.attemptInRound, this.policy, new Date(startedAt.getTime() + durationMs), Math.random);
    await this.store.recordAttempt(delivery, startedAt, durationMs, result, verdict);
    this.metrics.recordWebhookAttempt(verdict.status === 'pending' ? 'retrying' : verdict.status);
    // Ids and outcomes only: the body may quote the department's words, the URL may carry a token.
    const fields = { deliveryId: delivery.id, eventType: delivery.eventType, attempt: delivery.attempt, statusCode: result.statusCode, error: result.error, durationMs };
    if (verdict.status === 'failed') this.logger.event('warn', 'webhook delivery failed: its attempts are used up; redrive it once the receiver is back', fields);
    else this.logger.event('debug', `webhook delivery ${verdict.status}`, fields);
  }

  /**
   * The body as it goes out: a contact detail typed into the department's words is stored sealed
   * and sent masked (an upstream system reads the result, not the customer's details), and as
   * erased once the customer is, so a delivery redriven after an erasure carries nothing of them.
   */
  private async bodyOf(delivery: ClaimedDelivery): Promise<string> {
    const { ticketId } = JSON.parse(delivery.body) as { ticketId?: unknown };
    return typeof ticketId === 'string' ? this.vault.openTexts(delivery.body, ticketId, false) : delivery.body;
  }

  private async post(delivery: ClaimedDelivery): Promise<AttemptResult> {
    const timestamp = Math.floor(this.clock().getTime() / 1000);
    try {
      const body = await this.bodyOf(delivery);
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Handoff-Webhooks/1',
          [SIGNATURE_HEADER]: signatureHeaderOf(delivery.secrets, timestamp, body),
          [DELIVERY_ID_HEADER]: delivery.id,
          [EVENT_TYPE_HEADER]: delivery.eventType,
        },
        body,
        // A redirect could lead the signed body anywhere: the subscription names where it goes.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.WEBHOOK_TIMEOUT_MS),
      });
      await response.body?.cancel().catch(() => undefined);
      const ok = response.status >= 200 && response.status < 300;
      return { statusCode: response.status, error: ok ? null : `HTTP ${response.status}` };
    } catch (error) {
      return { statusCode: null, error: describeFailure(error, this.config.WEBHOOK_TIMEOUT_MS) };
    }
  }
}

/** A few words on why no answer came: the socket's error code, or the timeout. */
function describeFailure(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: string })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `timeout after ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error);
  return detail.slice(0, 200);
}

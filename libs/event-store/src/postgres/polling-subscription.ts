import type { Checkpoint, ReadAllPage, SubscribeOptions, Subscription } from '../event-store';
import type { NotificationListener } from './notification-listener';

/** How soon to look again when a position was announced but the horizon still holds it back. */
const HELD_BACK_RETRY_MS = 100;

export interface PageRead extends ReadAllPage {
  /** The page hit its limit: read the next one at once instead of waiting. */
  readonly full: boolean;
}

/**
 * Catches up page by page, then waits for a notification or the poll interval. Polling is
 * not optional: a notification can come while an older transaction is still open, so the
 * horizon holds the event back, and no second notification follows when that transaction
 * is not an append (any transaction on the server moves the horizon). Each notification
 * carries the last position appended, so a subscriber that knows an event is held back
 * looks again soon rather than after a whole poll interval.
 */
export class PollingSubscription implements Subscription {
  private stopping = false;
  private notified = true;
  private wake: (() => void) | null = null;
  private announcedUpTo = 0n;
  private failure: { readonly error: unknown } | null = null;
  private readonly finished: Promise<void>;

  constructor(
    private readonly readPage: (after: Checkpoint) => Promise<PageRead>,
    private readonly options: SubscribeOptions,
    private readonly listener: NotificationListener,
    private readonly pollIntervalMs: number,
  ) {
    this.finished = this.run();
  }

  /** Without onError, a failure that stopped the subscription is thrown from here instead of being lost. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.finished;
    if (this.failure && !this.options.onError) throw this.failure.error;
  }

  private async run(): Promise<void> {
    const stopListening = this.listener.add((payload) => {
      if (payload && /^\d{1,19}$/.test(payload) && BigInt(payload) > this.announcedUpTo) {
        this.announcedUpTo = BigInt(payload);
      }
      this.notified = true;
      this.wake?.();
    });
    let checkpoint = this.options.after ?? null;
    try {
      while (!this.stopping) {
        this.notified = false;
        const page = await this.readPage(checkpoint);
        // A page read after stop() was asked for is not "in hand": the caller resumes from its own checkpoint.
        if (this.stopping) break;
        if (page.events.length > 0) await this.options.onEvents(page.events, page.checkpoint);
        checkpoint = page.checkpoint;
        if (!page.full) {
          const heldBack = this.announcedUpTo > BigInt(checkpoint ?? '0');
          await this.idle(heldBack ? Math.min(HELD_BACK_RETRY_MS, this.pollIntervalMs) : this.pollIntervalMs);
          this.listener.ensureListening();
        }
      }
    } catch (error) {
      this.failure = { error };
      this.options.onError?.(error);
    } finally {
      stopListening();
    }
  }

  private idle(ms: number): Promise<void> {
    if (this.notified || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

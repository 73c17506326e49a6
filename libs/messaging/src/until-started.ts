import { errorFields, type LogFields, type StructuredLogger } from './logging';
import { Sleeper } from './sleeper';
import { backoffDelay, type BackoffOptions } from './transient-errors';

const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 500, maxDelayMs: 10_000 };

/**
 * Tries to start something that needs a dependency (the broker for topics, a relay or a
 * consumer) until it starts or is cancelled, so a service started while the dependency is away
 * keeps running and starts it when it comes. It logs when it begins to wait and when it has
 * started, not every attempt: a broker down for an hour would otherwise fill the log.
 *
 * Cancelling is final. Whoever owns the thing cancels before stopping it, and an attempt that
 * succeeds after the cancel is reported as such, so a deliberately stopped relay or consumer is
 * never started behind its owner's back.
 */
export class UntilStarted {
  private cancelled = false;
  private readonly sleeper = new Sleeper();
  private running: Promise<boolean> | undefined;
  private waitingSince: number | undefined;
  private lastFailure: string | null = null;

  constructor(
    private readonly what: string,
    private readonly logger: StructuredLogger,
    private readonly fields: LogFields = {},
    private readonly backoff: BackoffOptions = DEFAULT_BACKOFF,
  ) {}

  /** Why the last attempt failed (error class and code), while it is still waiting; null otherwise. */
  failure(): string | null {
    return this.lastFailure;
  }

  /**
   * Begins the attempts and returns at once. `attempt` must leave nothing behind when it fails.
   * `done()` then says true once an attempt succeeded (also one that was in flight when
   * cancel() came), false when cancelled with nothing started.
   */
  begin(attempt: () => Promise<void>): void {
    if (this.running) throw new Error(`${this.what}: already begun`);
    this.running = this.loop(attempt);
  }

  /** Whether it started, once it has started or given up. */
  done(): Promise<boolean> {
    return this.running ?? Promise.resolve(false);
  }

  /** Stops trying; resolves once an attempt in flight has ended, with whether that attempt started it. */
  async cancel(): Promise<boolean> {
    this.cancelled = true;
    this.sleeper.stop();
    return this.done();
  }

  private async loop(attempt: () => Promise<void>): Promise<boolean> {
    for (let failures = 0; !this.cancelled; failures++) {
      try {
        await attempt();
        if (this.waitingSince !== undefined) {
          this.logger.log('info', `${this.what} started after waiting for its dependencies`, { ...this.fields, attempts: failures + 1, waitedSeconds: Math.round((Date.now() - this.waitingSince) / 1000) });
        }
        this.lastFailure = null;
        return true;
      } catch (error) {
        const fields = errorFields(error);
        this.lastFailure = [fields.errorName, fields.errorCode].filter(Boolean).join(' ') + (error instanceof Error ? `: ${error.message}` : '');
        if (this.cancelled) break;
        if (this.waitingSince === undefined) {
          this.waitingSince = Date.now();
          this.logger.log('warn', `${this.what} cannot start yet; trying again with backoff until it can`, { ...this.fields, ...fields });
        }
        await this.sleeper.sleep(backoffDelay(failures, this.backoff));
      }
    }
    return false;
  }
}

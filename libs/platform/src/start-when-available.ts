import { backoffDelay, Sleeper, errorFields } from '@handoff/messaging';
import type { JsonLogger } from './logger';

/**
 * Starts something that needs Kafka (topics, the relay, a consumer) without holding up the
 * service's start: when the broker is not there yet, the attempt is made again with backoff
 * until it succeeds or the service stops. Meanwhile the service answers HTTP, liveness says it is
 * alive and readiness says what is not started. A rejection never escapes to bootstrapService
 * (it used to, and the process exited when the broker was down at start-up).
 */
export class StartWhenAvailable {
  private stopped = false;
  private readonly sleeper = new Sleeper();
  private running: Promise<void> | undefined;

  constructor(
    private readonly what: string,
    private readonly logger: JsonLogger,
  ) {}

  /** Begins the attempts; `undo` cleans up what a failed attempt left before the next one. */
  begin(start: () => Promise<void>, undo: () => Promise<void> = async () => undefined): void {
    this.stopped = false;
    this.running = (async () => {
      for (let attempt = 0; !this.stopped; attempt++) {
        try {
          await start();
          if (attempt > 0) this.logger.event('info', `${this.what} started`, { attempts: attempt + 1 });
          return;
        } catch (error) {
          await undo().catch(() => undefined);
          if (this.stopped) return;
          this.logger.event(attempt >= 5 ? 'error' : 'warn', `${this.what} could not start yet; trying again`, { attempt: attempt + 1, ...errorFields(error) });
          await this.sleeper.sleep(backoffDelay(attempt, { initialDelayMs: 500, maxDelayMs: 10_000 }));
        }
      }
    })();
  }

  /** Stops trying; resolves once an attempt in progress has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.wakeAll();
    await this.running;
  }
}

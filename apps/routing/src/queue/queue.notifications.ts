import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Client, type Notification } from 'pg';
import { filter, ReplaySubject, Subject, type Observable } from 'rxjs';
import { databaseUrl } from '@handoff/read-models';
import { CONFIG, JsonLogger } from '@handoff/platform';
import type { RoutingConfig } from '../config';
import type { QueueChange } from './queue.model';
import { QUEUE_NOTIFY_CHANNEL } from './queue.projection';

/** A change to one department's queue, or `resync`: notifications may have been missed, read the queue again. */
export type QueueSignal = { readonly kind: 'change'; readonly change: QueueChange } | { readonly kind: 'resync' };

const RECONNECT_AFTER_MS = 1_000;

/**
 * Fans the projection's `pg_notify` out to this instance's live queues. Whichever routing
 * instance applied an event, every instance hears of it, so a client may be connected to any.
 * One dedicated connection LISTENs (a pooled one would be handed back and lose the LISTEN).
 */
@Injectable()
export class QueueNotifications implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly signals = new Subject<QueueSignal>();
  private readonly closing = new ReplaySubject<void>(1);
  private client: Client | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private shuttingDown = false;
  private readonly url: string;

  constructor(
    @Inject(CONFIG) config: RoutingConfig,
    private readonly logger: JsonLogger,
  ) {
    this.url = databaseUrl(config.DATABASE_URL, config.DATABASE_NAME);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
  }

  /** Signals for one department; completes when the service shuts down. */
  of(department: string): Observable<QueueSignal> {
    return this.signals.pipe(filter((signal) => signal.kind === 'resync' || signal.change.department === department));
  }

  /** Emits once when the service shuts down. */
  get closed(): Observable<void> {
    return this.closing.asObservable();
  }

  /** Completes every live queue first, so open streams do not hold the HTTP server's close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    clearTimeout(this.reconnect);
    this.closing.next();
    this.closing.complete();
    this.signals.complete();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: 'handoff-routing-queue-listen' });
    client.on('notification', (message) => this.receive(message));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(QUEUE_NOTIFY_CHANNEL)}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.shuttingDown) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private receive(message: Notification): void {
    if (message.channel !== QUEUE_NOTIFY_CHANNEL || !message.payload) return;
    try {
      this.signals.next({ kind: 'change', change: JSON.parse(message.payload) as QueueChange });
    } catch {
      this.logger.event('warn', 'unreadable queue notification', { channel: message.channel });
    }
  }

  private lost(client: Client, error?: Error): void {
    if (this.client !== client || this.shuttingDown) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.logger.event('warn', 'queue notifications lost; reconnecting', { ...(error ? { error: error.message } : {}) });
    this.retry();
  }

  private retry(): void {
    this.reconnect = setTimeout(() => {
      this.listen().then(
        // Whatever changed while nobody listened was not announced: clients read the queue again.
        () => this.signals.next({ kind: 'resync' }),
        () => this.retry(),
      );
    }, RECONNECT_AFTER_MS);
    this.reconnect.unref();
  }
}

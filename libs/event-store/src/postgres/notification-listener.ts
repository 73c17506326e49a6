import { Client } from 'pg';

const RECONNECT_AFTER_MS = 2_000;

/**
 * One LISTEN connection shared by all of a store's subscriptions. Notifications only make
 * subscribers read sooner: they poll anyway, so a lost connection costs latency, not events.
 */
export class NotificationListener {
  private client: Client | null = null;
  private connecting: Promise<void> | null = null;
  private nextAttemptAt = 0;
  private closed = false;
  private readonly handlers = new Set<(payload: string | undefined) => void>();

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly applicationName?: string,
  ) {}

  /** The handler gets the notification's payload (undefined after a reconnect); returns the function that removes it. */
  add(handler: (payload: string | undefined) => void): () => void {
    this.handlers.add(handler);
    this.ensureListening();
    return () => {
      this.handlers.delete(handler);
    };
  }

  /** Cheap when already listening; otherwise reconnects, at most every few seconds. */
  ensureListening(): void {
    if (this.closed || this.client || this.connecting || Date.now() < this.nextAttemptAt) return;
    this.nextAttemptAt = Date.now() + RECONNECT_AFTER_MS;
    this.connecting = this.connect().finally(() => {
      this.connecting = null;
    });
  }

  /**
   * Like add, without opening the LISTEN connection: the handler hears of this process's appends
   * at once, and of other processes' only while a subscription keeps the connection open.
   */
  addQuietly(handler: (payload: string | undefined) => void): () => void {
    this.handlers.add(handler);
    return () => {
      this.handlers.delete(handler);
    };
  }

  /** Hands a notification to this process's subscribers without a round trip through the server. */
  deliverLocally(payload: string): void {
    this.notifyAll(payload);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.connectionString, ...(this.applicationName ? { application_name: this.applicationName } : {}) });
    client.on('error', () => this.drop(client));
    client.on('notification', (message) => this.notifyAll(message.payload));
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.channel)}`);
    } catch {
      this.drop(client);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    // Whatever committed while nobody was listening has not been announced to anyone.
    this.notifyAll(undefined);
  }

  private drop(client: Client): void {
    if (this.client === client) this.client = null;
    client.end().catch(() => undefined);
  }

  private notifyAll(payload: string | undefined): void {
    for (const handler of this.handlers) handler(payload);
  }
}

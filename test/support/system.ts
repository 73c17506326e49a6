import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '@handoff/testing';
import path from 'node:path';
import type { Role } from '@handoff/contracts';
import { signToken } from '@handoff/platform';
import { databaseUrl, dropDatabase } from '@handoff/read-models';
import { Kafka, logLevel } from 'kafkajs';
import { eventually, kafkaBrokers, testServerUrl, uniqueSuffix } from '@handoff/testing';

export const SERVICE_NAMES = ['intake', 'routing', 'followup', 'evaluation'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const ROOT = path.resolve(__dirname, '../..');
/** The services' AUTH_TOKEN_SECRET in these runs (the consoles' server mints sign-ins with it). */
export const SECRET = 'e2e-secret-of-sufficient-length';
export const UPSTREAM_KEY = 'e2e-upstream-key-0123456789';



/** The tests' one polling helper, handed on to the e2e specs that import it from here. */
export { eventually };

interface Running {
  readonly name: ServiceName;
  readonly port: number;
  child: ChildProcess;
}

export interface Response<T = any> {
  readonly status: number;
  readonly body: T;
}

/**
 * The four services as real processes from dist/, on their own databases and topic prefix,
 * against the real broker and PostgreSQL. Each test file gets its own system.
 */
export class TestSystem {
  readonly logs: string[] = [];
  private readonly running = new Map<ServiceName, Running>();

  private constructor(
    readonly suffix: string,
    private readonly env: Record<string, string>,
  ) {}

  static async start(extraEnv: Record<string, string> = {}): Promise<TestSystem> {
    const suffix = uniqueSuffix();
    const system = new TestSystem(suffix, {
      DATABASE_URL: testServerUrl(),
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: `e2e-${suffix}.`,
      AUTH_TOKEN_SECRET: SECRET,
      AUTH_API_KEYS: `e2e-upstream=${UPSTREAM_KEY}`,
      VAULT_DATABASE_NAME: `handoff_e2e_vault_${suffix}`,
      LOG_LEVEL: 'info',
      // Stopping a consumer waits for its fetch in hand: quick stops for the many systems a run starts (production: 3 s).
      KAFKA_CONSUMER_MAX_WAIT_MS: '1000',
      ...extraEnv,
    });
    try {
      await Promise.all(SERVICE_NAMES.map(async (name) => system.launch(name, await freePort())));
      await Promise.all(SERVICE_NAMES.map((name) => system.waitHealthy(name)));
    } catch (error) {
      // A test file whose system never came up has no handle to stop it with: stop it here, or its
      // services outlive the run (and load the machine for every test after it).
      await system.stop().catch(() => undefined);
      throw error;
    }
    return system;
  }

  databaseOf(name: ServiceName): string {
    return `handoff_e2e_${name}_${this.suffix}`;
  }

  get vaultDatabase(): string {
    return `handoff_e2e_vault_${this.suffix}`;
  }

  /** Every topic this system's services wrote to (under its prefix). */
  async topics(): Promise<string[]> {
    const admin = new Kafka({ brokers: kafkaBrokers(), clientId: 'e2e-topics', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      return (await admin.listTopics()).filter((topic) => topic.startsWith(`e2e-${this.suffix}.`));
    } finally {
      await admin.disconnect();
    }
  }

  topic(name: string): string {
    return `e2e-${this.suffix}.${name}`;
  }

  url(name: ServiceName): string {
    const service = this.running.get(name);
    if (!service) throw new Error(`${name} is not running`);
    return `http://127.0.0.1:${service.port}`;
  }

  private launch(name: ServiceName, port: number, extraEnv: Record<string, string> = {}): void {
    const auditSources = SERVICE_NAMES.map((service) => `${service}=${databaseUrl(testServerUrl(), this.databaseOf(service))}`).join(',');
    const child = spawn(process.execPath, ['--enable-source-maps', path.join(ROOT, 'dist/apps', name, 'src/main.js')], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, ...extraEnv, PORT: String(port), DATABASE_NAME: this.databaseOf(name), AUDIT_SOURCES: auditSources },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const capture = (chunk: Buffer) => this.logs.push(...chunk.toString('utf8').split('\n').filter(Boolean).map((line) => `[${name}] ${line}`));
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    this.running.set(name, { name, port, child });
  }

  async waitHealthy(name: ServiceName): Promise<void> {
    await eventually(
      async () => {
        const service = this.running.get(name);
        if (service?.child.exitCode !== null) throw new Error(`${name} exited: ${this.logs.filter((line) => line.startsWith(`[${name}]`)).slice(-5).join('\n')}`);
        const response = await fetch(`${this.url(name)}/health`);
        return response.ok;
      },
      `${name} to be healthy`,
      60_000,
    );
  }

  /** SIGKILL: a crash, nothing flushed. */
  async kill(name: ServiceName): Promise<void> {
    await this.stopProcess(name, 'SIGKILL');
  }

  /** Stops (if running) and starts one service again; `extraEnv` applies to this start only. */
  async restart(name: ServiceName, extraEnv: Record<string, string> = {}): Promise<void> {
    const service = this.running.get(name)!;
    if (service.child.exitCode === null && service.child.signalCode === null) await this.stopProcess(name, 'SIGTERM');
    this.launch(name, service.port, extraEnv);
    await this.waitHealthy(name);
  }

  private async stopProcess(name: ServiceName, signal: NodeJS.Signals): Promise<void> {
    const { child } = this.running.get(name)!;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  async stop(): Promise<void> {
    await Promise.all(SERVICE_NAMES.map((name) => (this.running.has(name) ? this.stopProcess(name, 'SIGTERM') : undefined)));
    await Promise.all([...SERVICE_NAMES.map((name) => this.databaseOf(name)), this.vaultDatabase].map((database) => dropDatabase(testServerUrl(), database)));
    // Each run's topics would otherwise pile up on a developer's long-lived broker.
    const admin = new Kafka({ brokers: kafkaBrokers(), clientId: 'e2e-cleanup', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const mine = (await admin.listTopics()).filter((topic) => topic.startsWith(`e2e-${this.suffix}.`));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    } finally {
      await admin.disconnect();
    }
  }

  /** The handler routing named for the ticket, once it has one (as management reads the ticket). */
  holderOf(ticketId: string): Promise<string> {
    const management = this.as({ token: this.token('management', 'director-1') });
    return eventually(async () => (await management.get('routing', `/v1/tickets/${ticketId}`)).body?.handlerId ?? undefined, 'a handler named for the ticket');
  }

  /** The handler of the ticket's row in the department's queue, once the queue shows one (as management reads it). */
  async holderInQueue(ticketId: string, department: string): Promise<string> {
    const management = this.as({ token: this.token('management', 'director-1') });
    const row = await eventually(async () => {
      const response = await management.get('routing', `/v1/departments/${department}/queue?limit=500`);
      return response.body.items?.find((item: { ticketId: string; handlerId: string | null }) => item.ticketId === ticketId && item.handlerId);
    }, `the complaint assigned in ${department}`);
    return row.handlerId as string;
  }

  token(role: Exclude<Role, 'system'>, id: string, department?: string): string {
    return signToken({ sub: id, role, ...(department ? { department } : {}) }, SECRET);
  }

  /** An HTTP client for one service acting as one person (or an upstream system with `apiKey`). */
  as(credentials: { token: string } | { apiKey: string } | null) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (credentials && 'token' in credentials) headers.authorization = `Bearer ${credentials.token}`;
    if (credentials && 'apiKey' in credentials) headers['x-api-key'] = credentials.apiKey;
    const call = async (method: string, service: ServiceName, route: string, body?: unknown, extra: Record<string, string> = {}): Promise<Response> => {
      const response = await fetch(`${this.url(service)}${route}`, {
        method,
        headers: { ...headers, ...extra },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // keep the raw text: a test may be checking that an error body is JSON
      }
      return { status: response.status, body: parsed };
    };
    return {
      get: (service: ServiceName, route: string) => call('GET', service, route),
      /** `headers` adds to the client's own, e.g. `accept-language` for the language of a refusal. */
      post: (service: ServiceName, route: string, body?: unknown, headers?: Record<string, string>) => call('POST', service, route, body ?? {}, headers),
      put: (service: ServiceName, route: string, body?: unknown, headers?: Record<string, string>) => call('PUT', service, route, body ?? {}, headers),
      delete: (service: ServiceName, route: string) => call('DELETE', service, route),
    };
  }
}

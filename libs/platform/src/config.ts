import { z } from 'zod';
import { oidcConfigFields, oidcProblems } from './oidc/config';

export { policyFile } from './policy-file';

export class ConfigurationError extends Error {
  constructor(readonly problems: readonly { variable: string; message: string }[]) {
    super(`invalid configuration: ${problems.map((p) => `${p.variable}: ${p.message}`).join('; ')}`);
    this.name = 'ConfigurationError';
  }
}

/**
 * Reads configuration once from the environment against a strict schema whose keys are
 * the variable names. A bad value stops the service with a message naming the variable.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const result = schema.safeParse(relevant);
  if (!result.success) {
    throw new ConfigurationError(
      result.error.issues.map((issue) => ({ variable: issue.path.map(String).join('.') || '(env)', message: issue.message })),
    );
  }
  // The identity provider's settings hold together or not at all (every service and the consoles read them).
  const problems = 'OIDC_ISSUER' in schema.shape ? oidcProblems(result.data as Parameters<typeof oidcProblems>[0]) : [];
  const kafka = result.data as { KAFKA_CONSUMER_MAX_WAIT_MS?: number; KAFKA_SESSION_TIMEOUT_MS?: number };
  // A consumer heartbeats between fetches: a fetch held too long loses it the group. Left unset,
  // the wait shortens itself to fit a short session; set, it must fit.
  if (kafka.KAFKA_CONSUMER_MAX_WAIT_MS !== undefined && kafka.KAFKA_SESSION_TIMEOUT_MS !== undefined && kafka.KAFKA_CONSUMER_MAX_WAIT_MS * 3 > kafka.KAFKA_SESSION_TIMEOUT_MS) {
    if (relevant.KAFKA_CONSUMER_MAX_WAIT_MS === undefined) kafka.KAFKA_CONSUMER_MAX_WAIT_MS = Math.floor(kafka.KAFKA_SESSION_TIMEOUT_MS / 3);
    else problems.push({ variable: 'KAFKA_CONSUMER_MAX_WAIT_MS', message: `must be at most a third of KAFKA_SESSION_TIMEOUT_MS (${kafka.KAFKA_SESSION_TIMEOUT_MS} ms)` });
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return result.data;
}

export const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

export const brokerList = z
  .string()
  .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'must be host:port[,host:port...]')
  .transform((value) => value.split(','));

export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');

/**
 * Each PostgreSQL pool's size by default, per service (see the README's connection budget).
 * `readModels`: TypeORM (read models, the consumer's transactions, the relay's lease session);
 * `eventStore`: appends and reads; `vault`: customer keys; `audit`: each other service's store
 * that evaluation opens on first audit request.
 */
export const DEFAULT_POOL_SIZES: Record<string, { readModels: number; eventStore: number; vault: number; audit: number }> = {
  // Two read-model connections: the relay's lease session keeps one for as long as it runs.
  intake: { readModels: 2, eventStore: 1, vault: 1, audit: 1 },
  routing: { readModels: 2, eventStore: 1, vault: 1, audit: 1 },
  followup: { readModels: 2, eventStore: 1, vault: 1, audit: 1 },
  evaluation: { readModels: 2, eventStore: 1, vault: 1, audit: 1 },
};
/**
 * How long a service's consumer waits after a fetch that brought less than a full batch
 * (KAFKA_CONSUMER_LINGER_MS). Routing's consumer carries the handoff itself (routing, assignment,
 * the department's queue): it fetches again at once. The others are not the next step of a
 * handoff: evaluation's (timelines, KPIs, search, the conversation) and follow-up's are read by
 * people who refresh, and intake's reopens a ticket the customer objects to and queues webhooks,
 * where a quarter of a second is not noticed. Under a light load they take their events a few at
 * a time, which measured a fifth less CPU a ticket (README, Performance).
 */
export const DEFAULT_CONSUMER_LINGER_MS: Record<string, number> = { evaluation: 250, followup: 250, intake: 250 };
/** A service not in the table (a test's probe service) gets what the services get. */
const OTHER_SERVICE_POOL_SIZES = { readModels: 2, eventStore: 1, vault: 1, audit: 1 };
const poolSize = (fallback: number) => z.coerce.number().int().min(1).max(500).default(fallback);

/** What every Handoff service reads. Each service extends it with its own policies. */
export const baseConfigSchema = (service: string, defaultPort: number) =>
  z.object({
    DATABASE_POOL_READ_MODELS: poolSize((DEFAULT_POOL_SIZES[service] ?? OTHER_SERVICE_POOL_SIZES).readModels),
    DATABASE_POOL_EVENT_STORE: poolSize((DEFAULT_POOL_SIZES[service] ?? OTHER_SERVICE_POOL_SIZES).eventStore),
    DATABASE_POOL_VAULT: poolSize((DEFAULT_POOL_SIZES[service] ?? OTHER_SERVICE_POOL_SIZES).vault),
    DATABASE_POOL_AUDIT: poolSize((DEFAULT_POOL_SIZES[service] ?? OTHER_SERVICE_POOL_SIZES).audit),
    /**
     * How long a request waits for a pooled connection before it is answered 503 (the pool is
     * exhausted); without a bound it would wait for ever.
     */
    DATABASE_POOL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
    PORT: port(defaultPort),
    /** 127.0.0.1 locally; containers set 0.0.0.0. */
    HOST: z.string().regex(/^[0-9a-fA-F.:]+$|^localhost$/, 'must be an IP address').default('127.0.0.1'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .default('postgres://postgres@127.0.0.1:5432/postgres'),
    DATABASE_NAME: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase SQL identifier')
      .default(`handoff_${service}`),
    KAFKA_BROKERS: brokerList.default(['127.0.0.1:9092']),
    /** Isolates one stack's topics and consumer groups from another's on a shared broker (tests, demos). */
    KAFKA_TOPIC_PREFIX: z.string().regex(/^[a-z0-9._-]*$/, 'letters, digits, dot, dash, underscore').default(''),
    /** A crashed instance's partitions move to the others after this long (kafkajs' default is 30 s). */
    KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300000).default(10000),
    KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(64).default(3),
    /** Most messages of one partition a consumer applies in one transaction (1: one transaction per message). */
    KAFKA_CONSUMER_MAX_BATCH: z.coerce.number().int().min(1).max(5000).default(200),
    /**
     * How long the broker holds a consumer's fetch when there is nothing new (a message ends the
     * wait at once, so this is not a delay). An idle service wakes once per wait; stopping a
     * consumer waits for the fetch in hand; heartbeats go between fetches, so it stays well under
     * KAFKA_SESSION_TIMEOUT_MS (at most a third of it).
     */
    KAFKA_CONSUMER_MAX_WAIT_MS: z.coerce.number().int().min(100).max(100_000).default(3000),
    /**
     * Applied offsets are committed at most this often (0: after every batch). Each commit is a
     * broker round trip before the next fetch; a restart delivers what was applied since the last
     * one again, and the processed-event marks skip it.
     */
    KAFKA_CONSUMER_COMMIT_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    /**
     * After a fetch that brought less than a full batch, the consumer waits this long before it
     * fetches again, so that a light load's events come in batches: one fetch and one transaction
     * for several. Events that arrive meanwhile wait up to this long; the first after a quiet
     * spell does not. No heartbeat goes while it waits, hence the bound.
     */
    KAFKA_CONSUMER_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(DEFAULT_CONSUMER_LINGER_MS[service] ?? 0),
    /**
     * The relay stores its published checkpoint at most this often (0: after every page), and when
     * it stops; a crash re-publishes what was published since, which the consumers skip.
     */
    RELAY_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    /**
     * Least time between two of the relay's reads of the store when appends were announced while
     * the first was read and published: under a steady load, the appends of that time are read and
     * produced together instead of one read and one produce request each. Under a light load
     * nothing comes meanwhile, and the next append is read as soon as it is announced.
     */
    RELAY_MIN_READ_GAP_MS: z.coerce.number().int().min(0).max(1_000).default(25),
    EVENT_STORE: z.enum(['postgres', 'eventstoredb']).default('postgres'),
    EVENTSTORE_CONNECTION_STRING: z.string().regex(/^esdb(\+discover)?:\/\//, 'must be an esdb:// URL').optional(),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /**
     * Tracing is on when either names an OTLP/HTTP endpoint. Checked here so that a mistyped one
     * stops the service instead of losing every span; the OpenTelemetry SDK reads them (and the
     * other OTEL_* variables) itself.
     */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    AUTH_TOKEN_SECRET: z.string().min(16, 'must be at least 16 characters').default('handoff-local-development-secret'),
    ...oidcConfigFields,
    /** Per-customer keys live in a database of their own, apart from every event store. */
    VAULT_DATABASE_NAME: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase SQL identifier').default('handoff_vault'),
    /** Wraps the customer keys: 32 bytes, base64. The default is for local development only. */
    VAULT_MASTER_KEY: z
      .string()
      .default('aGFuZG9mZi1sb2NhbC1kZXZlbG9wbWVudC1rZXkhISE=')
      .transform((value, context) => {
        const key = Buffer.from(value, 'base64');
        if (key.length !== 32) {
          context.addIssue({ code: 'custom', message: 'must be 32 bytes, base64-encoded' });
          return z.NEVER;
        }
        return key;
      }),
    /** Keys the hash that turns a phone or e-mail into a customer key id. */
    VAULT_PEPPER: z.string().min(16, 'must be at least 16 characters').default('handoff-local-development-pepper').transform((value) => Buffer.from(value, 'utf8')),
    AUTH_API_KEYS: z
      .string()
      .regex(
        /^[a-z0-9_.-]+=[^,:\s]{16,}(:[A-Za-z0-9][A-Za-z0-9._:-]*(\|[A-Za-z0-9][A-Za-z0-9._:-]*)*)?(,[a-z0-9_.-]+=[^,:\s]{16,}(:[A-Za-z0-9][A-Za-z0-9._:-]*(\|[A-Za-z0-9][A-Za-z0-9._:-]*)*)?)*$/i,
        'must be name=key[:source|source...][,name=key...] with keys of 16+ characters and no colon',
      )
      .default('upstream-demo=handoff-local-upstream-key'),
    /** Readiness fails once events have waited longer than this for the relay to publish them. */
    READINESS_RELAY_MAX_LAG_SECONDS: z.coerce.number().min(1).max(86_400).default(30),
    /** Readiness fails while a consumer group is more messages than this behind (summed over its partitions). */
    READINESS_CONSUMER_MAX_LAG: z.coerce.number().int().min(0).max(100_000_000).default(10_000),
    /**
     * Processed-event marks are kept at least this long, and longer while the consumer group has
     * not committed past them (README, "Pruning processed-event marks"). Far above any
     * redelivery window: a consumer restart or rebalance takes seconds, a relay restart minutes.
     */
    PROCESSED_EVENTS_RETENTION_HOURS: z.coerce.number().int().min(24).max(87_600).default(168),
    /** How often a service prunes its marks; 0 turns pruning off. */
    PROCESSED_EVENTS_PRUNE_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
    /** Each client's sustained rate (per instance: see rate-limit.ts). */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(1200),
    /** How many requests a client may make at once after a quiet spell. */
    RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(10_000_000).default(200),
    /**
     * How often each instance reads the policies its service's consumer has applied (README,
     * "Policies"): the instance whose consumer applied a change reads it at once; every other
     * instance has it in force at most this long after it reached the service.
     */
    POLICY_REFRESH_INTERVAL_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  });

export type BaseConfig = z.infer<ReturnType<typeof baseConfigSchema>>;


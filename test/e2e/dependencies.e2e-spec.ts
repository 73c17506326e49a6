import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { databaseUrl, dropDatabase } from '@handoff/read-models';
import { eventually, kafkaBrokers, testServerUrl, uniqueSuffix } from '@handoff/testing';
import { contact } from '../support/contacts';
import { OwnBroker, OwnPostgres, postgresUnavailableReason, ServiceProcess } from '../support/own-servers';
import { SECRET, UPSTREAM_KEY } from '../support/system';

/**
 * PostgreSQL or Kafka away, at start-up or later, or out of connections: the service stays up,
 * says it is not ready and why, answers 503 with Retry-After (never 500), writes nothing half,
 * and recovers by itself. The servers that go away are the test's own (OwnPostgres, OwnBroker).
 */

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function call(service: ServiceProcess, method: 'GET' | 'POST', route: string, body?: unknown, language = 'en'): Promise<Answer> {
  const response = await fetch(`${service.url}${route}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': UPSTREAM_KEY, 'accept-language': language },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: text ? JSON.parse(text) : undefined };
}

const live = (service: ServiceProcess) => call(service, 'GET', '/health/live');
const ready = (service: ServiceProcess) => call(service, 'GET', '/health/ready');
const readyIs = (service: ServiceProcess, status: number, what: string, timeoutMs = 90_000) =>
  eventually(
    async () => {
      if (!service.running) throw new Error(`the service exited: ${service.logs.slice(-5).join('\n')}`);
      const answer = await ready(service).catch(() => undefined);
      return answer?.status === status ? answer : undefined;
    },
    what,
    timeoutMs,
  );

function intakeEnv(suffix: string, overrides: Record<string, string>): Record<string, string> {
  return {
    DATABASE_URL: testServerUrl(),
    DATABASE_NAME: `handoff_e2e_deps_${suffix}`,
    VAULT_DATABASE_NAME: `handoff_e2e_deps_vault_${suffix}`,
    KAFKA_BROKERS: kafkaBrokers().join(','),
    KAFKA_TOPIC_PREFIX: `e2e-deps-${suffix}.`,
    AUTH_TOKEN_SECRET: SECRET,
    AUTH_API_KEYS: `e2e-upstream=${UPSTREAM_KEY}`,
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

async function deleteTopics(brokers: string[], prefix: string): Promise<void> {
  const admin = new Kafka({ brokers, clientId: 'e2e-deps-cleanup', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const mine = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  } finally {
    await admin.disconnect();
  }
}

/** The log lines of one message, parsed. */
const logged = (service: ServiceProcess, message: string) =>
  service.logs
    .map((line) => {
      try {
        return JSON.parse(line) as { msg?: string };
      } catch {
        return {};
      }
    })
    .filter((line) => line.msg === message);

describe('a service started while Kafka is unreachable', () => {
  const suffix = uniqueSuffix();
  let broker: OwnBroker;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    broker = await OwnBroker.create();
  });
  afterAll(async () => {
    await service?.stop();
    await broker?.destroy();
    await dropDatabase(testServerUrl(), `handoff_e2e_deps_${suffix}`);
    await dropDatabase(testServerUrl(), `handoff_e2e_deps_vault_${suffix}`);
  });

  it('is live, not ready and keeps what it records; once a broker answers it creates its topics, starts and publishes', async () => {
    // Nothing listens on the broker's port yet: connections are refused, as with a broker that is down.
    service = await ServiceProcess.launch('intake', intakeEnv(suffix, { KAFKA_BROKERS: broker.address }));
    // Its modules are built in a moment (PostgreSQL is there); from then on readiness names what waits for Kafka.
    const notReady = await eventually(
      async () => {
        const answer = await ready(service!).catch(() => undefined);
        return answer?.status === 503 && answer.body.checks.kafka ? answer : undefined;
      },
      'readiness to name what waits for Kafka',
      60_000,
    );
    expect((await live(service)).status).toBe(200);
    expect(notReady.body.failed).toEqual(expect.arrayContaining(['kafka', 'relay', 'consumers']));
    expect(notReady.body.checks.postgres.status).toBe('up');
    expect(notReady.body.checks.relay.error).toMatch(/^relay intake-relay is waiting for Kafka to start/);

    // A contact is recorded meanwhile: the store is the outbox, the relay publishes it later.
    const recorded = await call(service, 'POST', '/v1/contacts', contact());
    expect(recorded.status).toBe(201);

    // Still there and still not ready a while later: it waits instead of exiting.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect(service.running).toBe(true);
    expect((await live(service)).status).toBe(200);
    expect((await ready(service)).status).toBe(503);

    await broker.start();
    const up = await readyIs(service, 200, 'the service to become ready once the broker answers', 120_000);
    expect(up.body.checks).toMatchObject({ kafka: { status: 'up' }, relay: { state: 'running' }, consumers: { status: 'up' } });

    // The contact recorded while the broker was away reaches its topic on that broker.
    const kafka = new Kafka({ brokers: [broker.address], clientId: `e2e-deps-${suffix}`, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `e2e-deps-reader-${suffix}` });
    const seen: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: `e2e-deps-${suffix}.intake.events`, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.key?.toString() ?? '') });
      await eventually(async () => seen.includes(recorded.body.ticketId), 'the event published to the broker', 60_000);
    } finally {
      await consumer.disconnect();
    }

    // Waiting is said once per thing that waits, and its start once: not a line per attempt.
    for (const what of ['relay', 'consumer', 'contacts.inbound consumer']) {
      expect(logged(service, `${what} cannot start yet; trying again with backoff until it can`)).toHaveLength(1);
      expect(logged(service, `${what} started after waiting for its dependencies`)).toHaveLength(1);
    }
  }, 300_000);
});

const noPostgres = postgresUnavailableReason();
if (noPostgres) {
  // Skipped with the reason said, not silently: these tests need a PostgreSQL server they may stop.
  describe('PostgreSQL away (skipped: ' + noPostgres + ')', () => {
    it.skip(`needs ${noPostgres}`, () => undefined);
  });
}

(noPostgres ? describe.skip : describe)(`a service whose PostgreSQL is away at start-up and later${noPostgres ? ` — skipped: ${noPostgres}` : ''}`, () => {
  const suffix = uniqueSuffix();
  let postgres: OwnPostgres;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    postgres = await OwnPostgres.create();
  });
  afterAll(async () => {
    await service?.stop();
    await postgres?.destroy();
    await deleteTopics(kafkaBrokers(), `e2e-deps-${suffix}.`);
  });

  const eventCount = async () => {
    const client = new Client({ connectionString: databaseUrl(postgres.url, `handoff_e2e_deps_${suffix}`) });
    await client.connect();
    try {
      return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0].n;
    } finally {
      await client.end();
    }
  };

  it('waits for it (live, not ready, 503 with Retry-After), starts when it comes, refuses with 503 while it is gone again, writes nothing half and recovers', async () => {
    service = await ServiceProcess.launch('intake', intakeEnv(suffix, { DATABASE_URL: postgres.url }));
    const waiting = await readyIs(service, 503, 'the service to answer, not ready', 60_000);
    expect(waiting.body.failed).toEqual(['postgres']);
    expect(waiting.body.checks.postgres.error).toMatch(/ECONNREFUSED/);
    expect((await live(service)).status).toBe(200);
    const early = await call(service, 'POST', '/v1/contacts', contact(), 'zh-CN');
    expect(early).toMatchObject({ status: 503, retryAfter: '5', body: { error: 'unavailable', message: expect.stringMatching(/请.*再试/) } });

    await postgres.start();
    await readyIs(service, 200, 'the service to start once PostgreSQL answers');
    expect((await call(service, 'POST', '/v1/contacts', contact())).status).toBe(201);
    const before = await eventCount();

    await postgres.stop();
    const refused = contact();
    const whileDown = await call(service, 'POST', '/v1/contacts', refused);
    expect(whileDown).toMatchObject({ status: 503, retryAfter: '5', body: { error: 'unavailable', message: expect.stringMatching(/^The service cannot reach its database/) } });
    const downReady = await ready(service);
    expect(downReady.status).toBe(503);
    expect(downReady.body.failed).toContain('postgres');
    expect((await live(service)).status).toBe(200);
    expect(service.running).toBe(true);

    await postgres.start();
    await readyIs(service, 200, 'the service to recover once PostgreSQL is back');
    // Nothing of the refused request was written: the store has what it had, and the same contact is new.
    expect(await eventCount()).toBe(before);
    expect((await call(service, 'POST', '/v1/contacts', refused)).status).toBe(201);
    expect(await eventCount()).toBeGreaterThan(before);
    // The outage is no bug: no request of it was answered or logged as a server error.
    expect(logged(service, 'request failed')).toEqual([]);
  }, 300_000);
});

describe('a service whose connection pool is exhausted', () => {
  const suffix = uniqueSuffix();
  let service: ServiceProcess | undefined;
  let holder: Client | undefined;

  afterAll(async () => {
    await holder?.end().catch(() => undefined);
    await service?.stop();
    await dropDatabase(testServerUrl(), `handoff_e2e_deps_${suffix}`);
    await dropDatabase(testServerUrl(), `handoff_e2e_deps_vault_${suffix}`);
    await deleteTopics(kafkaBrokers(), `e2e-deps-${suffix}.`);
  });

  it('answers 503 with Retry-After when no connection frees up in time, and serves again once one does', async () => {
    service = await ServiceProcess.launch('intake', intakeEnv(suffix, { DATABASE_POOL_EVENT_STORE: '1', DATABASE_POOL_TIMEOUT_MS: '1000' }));
    await readyIs(service, 200, 'the service to be ready');

    // The pool's one connection ends up waiting behind this lock: the first append to take it (or
    // the relay's read, if the store's announcement woke it first) holds it until the lock goes.
    holder = new Client({ connectionString: databaseUrl(testServerUrl(), `handoff_e2e_deps_${suffix}`) });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
    const contacts = [contact(), contact(), contact()];
    const answered: Awaited<ReturnType<typeof call>>[] = [];
    const calls = contacts.map((body) => call(service!, 'POST', '/v1/contacts', body, 'zh-CN').then((answer) => (answered.push(answer), answer)));
    // Whoever did not get the connection is refused within the pool's timeout, while the lock is still held.
    await eventually(async () => answered.length >= 2, 'two contacts answered while the pool is held');
    await holder.query('ROLLBACK');
    const answers = await Promise.all(calls);

    const refused = answers.filter(({ status }) => status === 503);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(answers.every(({ status }) => status === 503 || status === 201)).toBe(true);
    for (const answer of refused) {
      expect(answer).toMatchObject({ retryAfter: '5', body: { error: 'unavailable', message: '服务暂时无法连接数据库或消息服务，请几秒后再试。' } });
    }
    // Nothing half-written: each refused contact is new when sent again.
    for (const [index, body] of contacts.entries()) {
      if (answers[index].status === 503) expect((await call(service, 'POST', '/v1/contacts', body)).status).toBe(201);
    }
  }, 180_000);
});

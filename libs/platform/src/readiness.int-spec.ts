import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { newId, TOPICS, type NewEvent } from '@handoff/contracts';
import { NO_STREAM, type EventStore } from '@handoff/event-store';
import type { EventRelay } from '@handoff/messaging';
import { createTestDatabase, eventually, kafkaBrokers, testServerUrl, uniqueSuffix, type TestDatabase } from '@handoff/testing';
import { baseConfigSchema, loadConfig, type BaseConfig } from './config';
import { CONSUMERS, ConsumersLifecycle, type ConsumerDefinition } from './consumers';
import { EVENT_STORE, PlatformModule, RELAY } from './service.module';

/**
 * Readiness against the real broker and PostgreSQL, on a small service of its own: it fails,
 * naming what failed, when a consumer is down, when the relay is stopped, when the relay runs but
 * cannot publish (another session holds its lease), and when an open transaction holds the
 * visibility horizon back; liveness answers throughout.
 */

/** The relays' advisory lock class ("Hand"), as in event-relay.ts. */
const LEASE_LOCK_CLASS = 0x48616e64;

@Module({})
class ProbeServiceModule {
  static forRoot(config: BaseConfig): DynamicModule {
    const noop: ConsumerDefinition = { name: 'noop', topics: [TOPICS.intakeEvents], handler: { eventTypes: ['ProbeHappened'], handle: async () => undefined } };
    return {
      module: ProbeServiceModule,
      imports: [PlatformModule.forService({ name: 'probe', ownTopic: TOPICS.intakeEvents, streamPrefix: 'probe-', entities: [], migrations: [] }, config)],
      providers: [{ provide: CONSUMERS, useValue: [noop] }, ConsumersLifecycle],
    };
  }
}

function probeEvent(): NewEvent {
  const ticketId = newId();
  return {
    eventId: newId(),
    type: 'ProbeHappened',
    schemaVersion: 1,
    ticketId,
    data: {},
    metadata: { correlationId: newId(), causationId: newId(), actorId: 'readiness-test', role: 'system', occurredAt: new Date().toISOString() },
  };
}

describe('readiness and liveness', () => {
  const prefix = `readiness-${uniqueSuffix()}.`;
  let database: TestDatabase;
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    database = await createTestDatabase('readiness');
    const config = loadConfig(baseConfigSchema('probe', 3999), {
      DATABASE_URL: testServerUrl(),
      DATABASE_NAME: database.name,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      READINESS_RELAY_MAX_LAG_SECONDS: '1',
      LOG_LEVEL: 'error',
    });
    app = await NestFactory.create<NestExpressApplication>(ProbeServiceModule.forRoot(config), { logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
    const admin = new Kafka({ brokers: kafkaBrokers(), clientId: 'readiness-cleanup', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const mine = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    } finally {
      await admin.disconnect();
    }
  });

  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, body: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const readyIs = (status: number, what: string, timeoutMs?: number) =>
    eventually(
      async () => {
        const answer = await get('/health/ready');
        return answer.status === status ? answer : undefined;
      },
      what,
      timeoutMs,
    );
  const append = () => app.get<EventStore>(EVENT_STORE).append(`probe-${newId()}`, [probeEvent()], NO_STREAM);
  const relayLag = async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    return Number(/^handoff_relay_lag_events\{[^}]*\} (\S+)$/m.exec(text)?.[1]);
  };

  it('is live and ready when PostgreSQL, Kafka, the relay and the consumer are', async () => {
    const ready = await readyIs(200, 'the service to be ready');
    expect(ready.body).toMatchObject({
      status: 'up',
      service: 'probe',
      checks: {
        postgres: { status: 'up' },
        kafka: { status: 'up' },
        eventStore: { status: 'up' },
        relay: { status: 'up', state: 'running', lagEvents: 0 },
        consumers: { status: 'up', groups: { [`${prefix}handoff-probe`]: { running: true, joined: true, lag: 0 } } },
      },
    });
    expect(await get('/health/live')).toEqual({ status: 200, body: { status: 'up', service: 'probe' } });
    // The old address answers as readiness does.
    expect((await get('/health')).status).toBe(200);
  });

  it('is not ready while a consumer is down, and says which; ready again once it is back', async () => {
    const consumers = app.get(ConsumersLifecycle);
    await consumers.onApplicationShutdown();
    const down = await readyIs(503, 'readiness to fail');
    expect(down.body.failed).toEqual(['consumers']);
    expect(down.body.checks.consumers.error).toContain(`consumer group ${prefix}handoff-probe is not running`);
    expect((await get('/health')).status).toBe(503);
    expect((await get('/health/live')).status).toBe(200);

    await consumers.onApplicationBootstrap();
    await readyIs(200, 'readiness to come back');
  });

  it('is not ready while the relay is stopped, and reports what it has not published', async () => {
    const relay = app.get<EventRelay>(RELAY);
    await relay.stop();
    const down = await readyIs(503, 'readiness to fail');
    expect(down.body.failed).toEqual(['relay']);
    expect(down.body.checks.relay).toMatchObject({ status: 'down', state: 'stopped', error: 'relay probe-relay is stopped' });
    await append();
    await append();
    // Other test files share this PostgreSQL server: while one of their transactions is open the
    // appends are not yet visible to the relay's reader (the horizon is per server), so wait for them.
    expect(await eventually(async () => ((await relayLag()) === 2 ? 2 : undefined), 'the lag to count both events', 20_000)).toBe(2);
    expect((await get('/health/live')).status).toBe(200);

    await relay.start();
    await readyIs(200, 'readiness to come back');
    expect(await eventually(async () => (await relayLag()) === 0, 'the lag to clear', 30_000)).toBe(true);
  });

  it('is not ready when the relay runs but does not advance: another session holds its lease', async () => {
    const relay = app.get<EventRelay>(RELAY);
    const holder = new Client({ connectionString: database.url });
    await holder.connect();
    try {
      // Take the lease away from the running relay, as a stuck second instance would hold it.
      await eventually(async () => {
        await holder.query(
          `SELECT pg_terminate_backend(pid) FROM pg_locks
            WHERE locktype = 'advisory' AND classid = $1 AND objid = hashtext('probe-relay')::oid AND granted AND pid <> pg_backend_pid()`,
          [LEASE_LOCK_CLASS],
        );
        const [{ acquired }] = (await holder.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS acquired', [LEASE_LOCK_CLASS, 'probe-relay'])).rows;
        return acquired as boolean;
      }, 'the test to hold the relay lease', 30_000);
      // The relay finds its lease gone when it next stores a checkpoint: after publishing this event.
      await append();
      await eventually(async () => relay.status().state === 'waiting_for_lease', 'the relay to stand by', 30_000);
      const down = await readyIs(503, 'readiness to fail on the lag');
      expect(down.body.failed).toEqual(['relay']);
      expect(down.body.checks.relay).toMatchObject({ state: 'waiting_for_lease', lagEvents: 1 });
      expect(down.body.checks.relay.error).toMatch(/^relay probe-relay is not advancing: 1 events waiting, the oldest for [\d.]+ s \(bound 1 s\)$/);
    } finally {
      await holder.end();
    }
    await readyIs(200, 'the relay to take the lease back and publish');
    expect(relay.status().state).toBe('running');
  });

  it('names the backend that holds the visibility horizon back', async () => {
    const blocker = new Client({ connectionString: database.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      // A lock on the store's events table and an id make it a possible appender, which holds
      // this store's horizon back until it ends (a transaction of this database that has not
      // touched the store does not).
      await blocker.query('SELECT count(*) FROM events');
      const [{ pid }] = (await blocker.query('SELECT pg_current_xact_id(), pg_backend_pid() AS pid')).rows;
      await append();
      // Another test file's transaction may be the oldest on the shared server for a moment: wait for ours to be named.
      const down = await eventually(
        async () => {
          const answer = await get('/health/ready');
          return answer.status === 503 && String(answer.body.checks?.relay?.error ?? '').includes(`backend ${pid}`) ? answer : undefined;
        },
        'readiness to fail on the horizon this test holds back',
        20_000,
      );
      expect(down.body.checks.relay.error).toContain(`the visibility horizon is held back by backend ${pid}`);
      expect(down.body.checks.relay.blockedBy).toMatchObject({ pid, database: database.name, state: 'idle in transaction' });
      expect(down.body.checks.relay.heldBackSeconds).toBeGreaterThan(0);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
    await readyIs(200, 'the relay to catch up once the transaction ends');
  });
});

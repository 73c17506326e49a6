import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { Client } from 'pg';
import {
  TOPICS,
  conversationStreamId,
  followupStreamId,
  intakeStreamId,
  privacyStreamId,
  routingStreamId,
  type Actor,
  type Customer,
  type HandoffEvent,
  type RecordedEvent,
} from '@handoff/contracts';
import { createPostgresEventStore, type PostgresEventStore } from '@handoff/event-store';
import { createKafka, toKafkaMessage } from '@handoff/messaging';
import { ConsumersLifecycle, JsonLogger, loadConfig, signToken } from '@handoff/platform';
import { createTestDatabase, kafkaBrokers, testServerUrl, uniqueSuffix, type TestDatabase } from '@handoff/testing';
import { deleteTopicsUnder, scratchEventStores, startInProcess } from '@handoff/testing/services';
import { CustomerKeyStore, CustomerVault, type ContactDetails } from '@handoff/vault';
import { evaluationConfigSchema } from '../config';
import { EvaluationModule } from '../evaluation.module';

/**
 * Search in the evaluation service, in-process against the real broker, PostgreSQL and vault.
 * Scratch stores stand in for intake, routing and follow-up; the histories appended to them are
 * published onto this run's topics, and a note is appended to evaluation's own store, whose relay
 * publishes it as the lead's endpoint will. Customers are sealed by a real vault with the
 * service's master key and pepper, as intake seals them.
 */

const T0 = Date.parse('2026-11-02T01:00:00.000Z');
const iso = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();
const deadlines = (from: number) => ({ from: iso(from), firstResponseDueAt: iso(from + 30), resolutionDueAt: iso(from + 1440), policyVersion: 'test-v1' });

type Service = 'intake' | 'routing' | 'followup';
const TOPIC_OF: Record<Service, string> = { intake: TOPICS.intakeEvents, routing: TOPICS.routingEvents, followup: TOPICS.followupEvents };
const system = (service: string): Actor => ({ id: `system:${service}`, role: 'system' });

async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

describe('search: tickets found by id, customer and words, scoped and masked, paged', () => {
  const suffix = uniqueSuffix();
  const prefix = `test.search-${suffix}.`;
  const secret = `search-int-spec-${suffix}`;
  const masterKey = randomBytes(32);
  const pepper = `search-pepper-${suffix}-0123456789`;
  const digits = String(Date.now()).slice(-8);
  const wang: ContactDetails = { name: '王芳', phone: `+86 138 ${digits}`, email: `wang.fang.${suffix}@example.cn` };
  const li: ContactDetails = { name: `Li Lei`, phone: `+86 139 ${digits}`, email: `li.lei.${suffix}@example.org` };
  const bulkWord = `bulk${suffix}`;

  const databases: TestDatabase[] = [];
  let stores: Readonly<Record<Service, PostgresEventStore>>;
  let closeStores: (() => Promise<void>) | undefined;
  let evaluationStore: PostgresEventStore;
  let evaluationDatabase: TestDatabase;
  let vault: CustomerVault;
  let app: NestExpressApplication;
  let baseUrl: string;
  let kafka: Kafka;
  let producer: Producer;
  let sql: Client;

  // T1: 王芳's complaint, open with logistics. T2: Li Lei's billing question, passed towards product, closed satisfied.
  // T3: 王芳 again (same e-mail: same customer key), open with logistics after an objection.
  const t1 = randomUUID();
  const t2 = randomUUID();
  const t3 = randomUUID();

  async function append(store: PostgresEventStore, streamId: string, ticketId: string, minutes: number, actor: Actor, events: readonly HandoffEvent[]): Promise<RecordedEvent[]> {
    const appended = await store.append(
      streamId,
      events.map((event) => ({
        eventId: randomUUID(),
        type: event.type,
        schemaVersion: 1,
        ticketId,
        data: event.data,
        metadata: {
          correlationId: `corr-${ticketId}`,
          causationId: `req-${ticketId}`,
          actorId: actor.id,
          role: actor.role,
          ...(actor.department ? { department: actor.department } : {}),
          occurredAt: iso(minutes),
        },
      })),
      'any',
    );
    return [...appended.events];
  }

  async function publish(service: Service, events: readonly RecordedEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += 500) {
      await producer.send({ topic: `${prefix}${TOPIC_OF[service]}`, acks: -1, messages: events.slice(start, start + 500).map(toKafkaMessage) });
    }
  }

  const contactRecorded = (customer: Customer, type: 'complaint' | 'consultation', channel: 'hotline' | 'email', subject: string, description: string, externalId: string): HandoffEvent => ({
    type: 'ContactRecorded',
    data: { sourceSystem: 'crm', externalId, channel, type, customer, subject, description },
  });
  const classified = (priority: 'high' | 'low'): HandoffEvent => ({
    type: 'TicketClassified',
    data: { category: 'general', priority, resolution: 'department', matched: { category: 'a', priority: 'b', resolution: 'c' }, rulesVersion: 'v1' },
  });
  const routed = (department: string, type: 'complaint' | 'consultation', channel: 'hotline' | 'email', priority: 'high' | 'low'): HandoffEvent => ({
    type: 'TicketRouted',
    data: { department, rule: 'r', reason: 'rule', round: 1, type, category: 'general', priority, channel, complaint: type === 'complaint', deadlines: deadlines(0) },
  });

  const token = (role: Actor['role'], department?: string) => signToken({ sub: `${role}-1`, role, ...(department ? { department } : {}) }, secret);
  const cs = token('cs');

  async function call(method: 'GET' | 'POST', path: string, bearer: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: await response.json() };
  }
  const search = (query: Record<string, string>, bearer = cs) => call('GET', `/v1/search?${new URLSearchParams(query)}`, bearer);
  const idsOf = (body: { items: { ticketId: string }[] }) => body.items.map((item) => item.ticketId).sort();

  beforeAll(async () => {
    ({ stores, close: closeStores } = await scratchEventStores('search', ['intake', 'routing', 'followup']));
    evaluationDatabase = await createTestDatabase('search_evaluation');
    const vaultDatabase = await createTestDatabase('search_vault');
    databases.push(evaluationDatabase, vaultDatabase);
    vault = new CustomerVault(await CustomerKeyStore.open({ connectionString: vaultDatabase.url, masterKey, cacheMs: 0 }), Buffer.from(pepper, 'utf8'));

    const config = loadConfig(evaluationConfigSchema, {
      DATABASE_URL: testServerUrl(),
      DATABASE_NAME: evaluationDatabase.name,
      VAULT_DATABASE_NAME: vaultDatabase.name,
      VAULT_MASTER_KEY: masterKey.toString('base64'),
      VAULT_PEPPER: pepper,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      AUTH_TOKEN_SECRET: secret,
      LOG_LEVEL: 'warn',
    });
    const logger = new JsonLogger('evaluation', 'warn', () => undefined);
    ({ app, url: baseUrl } = await startInProcess(EvaluationModule.forRoot(config), logger));
    evaluationStore = await createPostgresEventStore({ connectionString: evaluationDatabase.url });

    sql = new Client({ connectionString: evaluationDatabase.url });
    await sql.connect();
    kafka = createKafka({ brokers: kafkaBrokers(), clientId: `search-int-spec-${suffix}` });
    producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();

    const wangSealed = await vault.seal(wang);
    const liSealed = await vault.seal(li);
    const intake: RecordedEvent[] = [];
    const routing: RecordedEvent[] = [];
    const followup: RecordedEvent[] = [];
    intake.push(
      ...(await append(stores.intake, intakeStreamId(t1), t1, 0, system('intake'), [
        contactRecorded(wangSealed, 'complaint', 'hotline', '快递没到', '我的快递三天没到，电话也打不通', `t1-${suffix}`),
        classified('high'),
      ])),
      ...(await append(stores.intake, intakeStreamId(t2), t2, 10, system('intake'), [
        contactRecorded(liSealed, 'consultation', 'email', 'Invoice charged twice', 'My card was charged twice for one invoice.', `t2-${suffix}`),
        classified('low'),
      ])),
      ...(await append(stores.intake, intakeStreamId(t3), t3, 20, system('intake'), [
        contactRecorded(await vault.seal({ ...wang, phone: undefined }), 'complaint', 'email', '退款还没到账', '上次的退款还没到账', `t3-${suffix}`),
        classified('high'),
      ])),
    );
    routing.push(
      ...(await append(stores.routing, routingStreamId(t1), t1, 1, system('routing'), [routed('logistics', 'complaint', 'hotline', 'high')])),
      ...(await append(stores.routing, routingStreamId(t2), t2, 11, system('routing'), [
        routed('billing', 'consultation', 'email', 'low'),
        { type: 'TransferRequested', data: { fromDepartment: 'billing', toDepartment: 'product', reason: 'a product question' } },
        { type: 'TransferRefused', data: { fromDepartment: 'billing', toDepartment: 'product', reason: 'billing it is' } },
      ])),
      ...(await append(stores.routing, routingStreamId(t3), t3, 21, system('routing'), [routed('logistics', 'complaint', 'email', 'high')])),
    );
    followup.push(
      ...(await append(stores.followup, followupStreamId(t2), t2, 30, { id: 'agent-1', role: 'cs' }, [
        { type: 'ConfirmationRequested', data: { round: 1, resolvedBy: 'department', department: 'billing', resultSummary: 'Refunded.' } },
        { type: 'CustomerConfirmedSatisfaction', data: { round: 1 } },
        { type: 'TicketClosed', data: { outcome: 'satisfied', round: 1 } },
      ])),
      ...(await append(stores.followup, followupStreamId(t3), t3, 40, { id: 'agent-1', role: 'cs' }, [
        { type: 'ConfirmationRequested', data: { round: 1, resolvedBy: 'department', department: 'logistics', resultSummary: 'Refund sent.' } },
        { type: 'CustomerObjected', data: { round: 1, resolvedBy: 'department', department: 'logistics', objection: '钱还是没到' } },
      ])),
    );
    // Against the workflow's order: follow-up first, intake last.
    await publish('followup', followup);
    await publish('routing', routing);
    await publish('intake', intake);
    // The internal note, through evaluation's own store and relay.
    await append(evaluationStore, conversationStreamId(t2), t2, 31, { id: 'agent-1', role: 'cs' }, [
      { type: 'NoteAdded', data: { noteId: randomUUID(), text: 'Customer prefers a bank transfer next time.', mentions: { people: [], departments: [] } } },
    ]);
    await eventually('the three tickets and the note in search', async () => {
      const rows = await sql.query(
        `SELECT count(*)::int AS n FROM search_tickets WHERE opened_at IS NOT NULL AND ('transfer' = ANY(tokens) OR ticket_id <> $1) AND status IS NOT NULL
           AND ticket_id = ANY($2::uuid[]) AND (ticket_id <> $3 OR satisfaction = 'objected')`,
        [t2, [t1, t2, t3], t3],
      );
      const terms = await sql.query('SELECT count(DISTINCT key_id)::int AS n FROM search_customer_terms');
      return rows.rows[0].n === 3 && terms.rows[0].n === 2;
    });
  }, 120_000);

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    await sql?.end();
    await evaluationStore?.close();
    await vault?.close();
    await closeStores?.();
    for (const database of databases) await database.drop();
    if (kafka) await deleteTopicsUnder(kafka, prefix);
  });

  it('finds a ticket by its id and by its short id', async () => {
    expect(idsOf((await search({ q: t2 })).body)).toEqual([t2]);
    expect(idsOf((await search({ q: t2.slice(0, 8).toUpperCase() })).body)).toEqual([t2]);
  });

  it('finds a customer’s tickets by phone as typed, by e-mail and by name, Chinese or Latin', async () => {
    // T3 was recorded with the e-mail alone, yet it is the same customer (the same key): the phone given on T1 finds both.
    expect(idsOf((await search({ q: wang.phone! })).body)).toEqual([t1, t3].sort());
    expect(idsOf((await search({ q: `138${digits}` })).body)).toEqual([t1, t3].sort());
    expect(idsOf((await search({ q: wang.email!.toUpperCase() })).body)).toEqual([t1, t3].sort());
    expect(idsOf((await search({ q: '王芳' })).body)).toEqual([t1, t3].sort());
    expect(idsOf((await search({ q: 'li lei' })).body)).toEqual([t2]);
    expect(idsOf((await search({ q: 'Lei' })).body)).toEqual([t2]);
    expect((await search({ q: '+86 138 0000 0000' })).body.items).toEqual([]);
  });

  it('finds words of the subject, description and notes, Chinese inside a sentence and English whole', async () => {
    expect(idsOf((await search({ q: '快递' })).body)).toEqual([t1]);
    expect(idsOf((await search({ q: '到账' })).body)).toEqual([t3]);
    expect(idsOf((await search({ q: 'charged' })).body)).toEqual([t2]);
    expect(idsOf((await search({ q: 'TRANSFER' })).body)).toEqual([t2]);
    expect((await search({ q: 'charge' })).body.items).toEqual([]);
  });

  it('shows each result with its ticket facts and the customer masked, and filters on the server', async () => {
    const { body } = await search({ q: '王芳' });
    const first = body.items.find((item: { ticketId: string }) => item.ticketId === t1);
    expect(first).toEqual({
      ticketId: t1,
      shortId: t1.slice(0, 8),
      subject: '快递没到',
      type: 'complaint',
      channel: 'hotline',
      priority: 'high',
      departments: ['logistics'],
      status: 'open',
      openedAt: iso(0),
      closedAt: null,
      outcome: null,
      satisfaction: 'unconfirmed',
      customer: { status: 'masked', name: '王*', phone: `***${digits.slice(-2)}`, email: `w***@example.cn` },
    });
    expect(body.items.map((item: { ticketId: string }) => item.ticketId)).toEqual([t3, t1]);
    expect(JSON.stringify(body)).not.toContain(wang.email);

    expect(idsOf((await search({ status: 'closed' })).body)).toEqual([t2]);
    expect(idsOf((await search({ q: '王芳', status: 'open', channel: 'email' })).body)).toEqual([t3]);
    expect(idsOf((await search({ type: 'consultation' })).body)).toEqual([t2]);
    expect(idsOf((await search({ priority: 'high', department: 'logistics' })).body)).toEqual([t1, t3].sort());
    expect(idsOf((await search({ from: iso(5), to: iso(15) })).body)).toEqual([t2]);
  });

  it('lets a department find only what it held or was asked to take, and shows QA and auditors no customer', async () => {
    const logistics = token('department_handler', 'logistics');
    expect(idsOf((await search({ q: '王芳' }, logistics)).body)).toEqual([t1, t3].sort());
    expect((await search({ q: 'charged' }, logistics)).body.items).toEqual([]);
    expect(idsOf((await search({}, token('department_manager', 'product'))).body)).toEqual([t2]);
    expect((await search({ q: t1 }, token('department_handler', 'billing'))).body.items).toEqual([]);

    for (const role of ['qa', 'auditor'] as const) {
      const reader = token(role);
      const byWord = await search({ q: '快递' }, reader);
      expect(byWord.body.items).toHaveLength(1);
      expect(byWord.body.items[0].customer).toBeNull();
      // Contact details are not theirs to search by.
      expect((await search({ q: wang.email! }, reader)).body.items).toEqual([]);
      expect((await search({ q: '王芳' }, reader)).body.items).toEqual([]);
      expect((await call('GET', `/v1/tickets/${t1}/customer-profile`, reader)).status).toBe(403);
    }
  });

  it('refuses bad filters and cursors with the field named, and unknown parameters', async () => {
    const bad = await search({ status: 'pending' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('status');
    const cursor = await search({ cursor: 'not-a-cursor' });
    expect(cursor.status).toBe(400);
    expect(JSON.stringify(cursor.body)).toContain('cursor');
    expect((await search({ limit: '0' })).status).toBe(400);
    expect((await search({ from: iso(10), to: iso(5) })).status).toBe(400);
    expect((await search({ colour: 'red' })).status).toBe(400);
    expect((await call('POST', '/v1/customers/open-tickets', cs, {})).status).toBe(400);
  });

  it('gives a customer’s profile from any of their tickets, with satisfaction so far, and their open tickets by phone or e-mail', async () => {
    const profile = await call('GET', `/v1/tickets/${t1}/customer-profile`, cs);
    expect(profile.status).toBe(200);
    expect(profile.body.customer).toMatchObject({ status: 'masked', name: '王*' });
    expect(profile.body.items.map((item: { ticketId: string; satisfaction: string }) => [item.ticketId, item.satisfaction])).toEqual([
      [t3, 'objected'],
      [t1, 'unconfirmed'],
    ]);
    expect(profile.body.summary).toEqual({ tickets: 2, open: 2, closed: 0, satisfied: 0, objected: 1, unconfirmed: 1 });
    const liProfile = await call('GET', `/v1/tickets/${t2}/customer-profile`, token('management'));
    expect(liProfile.body.summary).toMatchObject({ tickets: 1, closed: 1, satisfied: 1 });
    expect((await call('GET', `/v1/tickets/${t2}/customer-profile`, token('department_handler', 'logistics'))).status).toBe(404);

    const byPhone = await call('POST', '/v1/customers/open-tickets', cs, { phone: `138 ${digits.slice(0, 4)} ${digits.slice(4)}` });
    expect(idsOf(byPhone.body)).toEqual([t1, t3].sort());
    const byEmail = await call('POST', '/v1/customers/open-tickets', cs, { email: wang.email });
    expect(idsOf(byEmail.body)).toEqual([t1, t3].sort());
    expect((await call('POST', '/v1/customers/open-tickets', cs, { email: li.email })).body.items).toEqual([]);
  });

  it('pages through 1,000 tickets, ties on opened-at included, with none missed or repeated', async () => {
    const customer = await vault.seal({ name: 'Zhou Bulk', email: `bulk.${suffix}@example.org` });
    const ids = Array.from({ length: 1000 }, () => randomUUID());
    const events: RecordedEvent[] = [];
    for (const [index, id] of ids.entries()) {
      // Ten tickets a minute: every page boundary falls among tickets opened at the same instant.
      events.push(
        ...(await append(stores.intake, intakeStreamId(id), id, 100 + Math.floor(index / 10), system('intake'), [
          contactRecorded(customer, 'consultation', 'hotline', `Bulk question ${index}`, `${bulkWord} about the opening hours`, `bulk-${index}-${suffix}`),
        ])),
      );
    }
    await publish('intake', events);
    await eventually('the 1,000 tickets in search', async () => (await sql.query("SELECT count(*)::int AS n FROM search_tickets WHERE subject LIKE 'Bulk question %'")).rows[0].n === 1000, 60_000);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await search({ q: bulkWord, limit: '37', ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((item: { ticketId: string }) => item.ticketId));
      cursor = page.body.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(Math.ceil(1000 / 37));
    expect(new Set(seen).size).toBe(1000);
    expect(seen.length).toBe(1000);
    expect([...seen].sort()).toEqual([...ids].sort());
  }, 120_000);

  it('no longer finds an erased customer by phone, e-mail or name; their tickets stay findable by words, the customer shown erased', async () => {
    const keyId = vault.keyIdOf(wang);
    await vault.erase(keyId, 'management:director-1', 'customer asked to be forgotten');
    const erasure = await append(stores.intake, privacyStreamId('intake', t1), t1, 500, { id: 'director-1', role: 'management' }, [
      { type: 'CustomerDataErased', data: { keyId, reason: 'customer asked to be forgotten' } },
    ]);
    await publish('intake', erasure);
    await eventually('the erasure in search', async () => (await sql.query('SELECT count(*)::int AS n FROM search_customer_terms WHERE key_id = $1', [keyId])).rows[0].n === 0);
    await eventually('the tickets erased', async () => (await sql.query('SELECT count(*)::int AS n FROM search_tickets WHERE customer_key_id = $1', [keyId])).rows[0].n === 0);

    expect((await search({ q: wang.phone! })).body.items).toEqual([]);
    expect((await search({ q: wang.email! })).body.items).toEqual([]);
    expect((await search({ q: '王芳' })).body.items).toEqual([]);
    expect((await call('POST', '/v1/customers/open-tickets', cs, { phone: wang.phone })).body.items).toEqual([]);
    const byWord = await search({ q: '快递' });
    expect(byWord.body.items.map((item: { ticketId: string; customer: unknown }) => [item.ticketId, item.customer])).toEqual([[t1, { status: 'erased' }]]);
    const profile = await call('GET', `/v1/tickets/${t3}/customer-profile`, cs);
    expect(profile.body.items.map((item: { ticketId: string }) => item.ticketId)).toEqual([t3]);
  });
});

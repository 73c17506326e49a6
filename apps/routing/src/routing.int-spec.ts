import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Partitioners, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { intakeStreamId, newId, privacyStreamId, TOPICS, type Role, type TicketHandedOverData } from '@handoff/contracts';
import { createPostgresEventStore, NO_STREAM, type EventStore, type PostgresEventStore } from '@handoff/event-store';
import { createKafka, toKafkaMessage } from '@handoff/messaging';
import { EVENT_STORE, JsonLogger, loadConfig, signToken } from '@handoff/platform';
import { createTestDatabase, eventually, kafkaBrokers, type TestDatabase, testServerUrl, uniqueSuffix } from '@handoff/testing';
import { deleteTopicsUnder, startInProcess } from '@handoff/testing/services';
import { CustomerKeyStore, CustomerVault } from '@handoff/vault';
import { routingConfigSchema } from './config';
import { compareUrgency, DEFAULT_QUEUE_ORDER, urgencyKeyOf } from './queue/queue-order';
import { RoutingModule } from './routing.module';

/**
 * The routing service in-process against the real broker and PostgreSQL: intake's hand-overs
 * arrive on `intake.events`, people act over HTTP, the queue and its live stream follow.
 * A second instance on the same database (its own topic prefix, so the first keeps every
 * partition and nothing waits on a rebalance) shows that live queues reach every instance
 * and that a clock override is refused where it is not switched on.
 */

const SECRET = 'routing-int-spec-secret-0123456';
const MINUTE = 60_000;
const CONTACT_NAME = 'Wang Fang';
const CONTACT_PHONE = '+86 138 0013 8000';
const CONTACT_EMAIL = 'wang.fang@example.cn';
// The service under test and this file share one vault: the test seals as intake would, routing opens.
const VAULT_MASTER_KEY = Buffer.from('routing-int-spec-vault-master-k!').toString('base64');
const VAULT_PEPPER = 'routing-int-spec-vault-pepper';

const directory = mkdtempSync(join(tmpdir(), 'routing-int-'));
function policy(name: string, content: unknown): string {
  const path = join(directory, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}
const ORGANISATION = policy('organisation.json', {
  departments: [
    {
      id: 'billing',
      name: 'Billing',
      strategy: 'manual',
      handlers: [
        { id: 'h-ana', name: 'Ana', skills: ['billing'] },
        { id: 'h-bo', name: 'Bo', skills: ['billing', 'complaint'] },
      ],
      managers: [{ id: 'm-mei', name: 'Mei' }],
    },
    {
      id: 'logistics',
      name: 'Logistics',
      strategy: 'least_loaded',
      handlers: [
        { id: 'h-lou', name: 'Lou', skills: ['logistics'] },
        { id: 'h-liu', name: 'Liu', skills: ['logistics'] },
      ],
      managers: [{ id: 'm-lin', name: 'Lin' }],
    },
    // Only the paging test routes here: hundreds of tickets nobody picks up.
    { id: 'archive', name: 'Archive', strategy: 'manual', handlers: [{ id: 'h-arc', name: 'Arc', skills: [] }], managers: [] },
    { id: 'customer_care', name: 'Customer care', strategy: 'manual', handlers: [{ id: 'h-cai', name: 'Cai', skills: [] }], managers: [] },
  ],
});
const RULES = policy('rules.json', {
  rules: [
    { name: 'billing', department: 'billing', categories: ['billing'] },
    { name: 'logistics', department: 'logistics', categories: ['logistics'] },
    { name: 'archive', department: 'archive', categories: ['archive'] },
  ],
  defaultDepartment: 'customer_care',
});
// Clock time, so the expected due dates do not depend on the day the test runs.
const DEADLINES = policy('deadlines.json', { version: 'int-1', firstResponseMinutes: { default: 30 }, resolutionMinutes: { default: 240 }, countIn: 'clock' });

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any


const token = (role: Exclude<Role, 'system'>, id: string, department?: string) => signToken({ sub: id, role, ...(department ? { department } : {}) }, SECRET);
const director = token('management', 'd-zhou');
const ana = token('department_handler', 'h-ana', 'billing');
const bo = token('department_handler', 'h-bo', 'billing');
const mei = token('department_manager', 'm-mei', 'billing');
const lin = token('department_manager', 'm-lin', 'logistics');
const lou = token('department_handler', 'h-lou', 'logistics');
const handlerTokens: Record<string, string> = { 'h-ana': ana, 'h-bo': bo, 'h-lou': lou, 'h-liu': token('department_handler', 'h-liu', 'logistics') };

interface LiveQueue {
  readonly messages: { type: string; data: Json }[];
  status(): number | undefined;
  close(): void;
}

describe('routing service on a real broker and PostgreSQL', () => {
  const suffix = uniqueSuffix();
  const prefix = `test-routing-${suffix}.`;
  const readerPrefix = `test-routing-${suffix}-b.`;
  let database: TestDatabase;
  let intakeDatabase: TestDatabase;
  let intakeStore: PostgresEventStore;
  let vaultDatabase: TestDatabase;
  let vault: CustomerVault;
  let producer: Producer;
  let routing: NestExpressApplication;
  let reader: NestExpressApplication;
  let routingUrl: string;
  let readerUrl: string;
  const streams: LiveQueue[] = [];

  async function start(topicPrefix: string, env: Record<string, string>): Promise<[NestExpressApplication, string]> {
    const config = loadConfig(routingConfigSchema, {
      DATABASE_URL: testServerUrl(),
      DATABASE_NAME: database.name,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      KAFKA_TOPIC_PARTITIONS: '2',
      AUTH_TOKEN_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      ORGANISATION_FILE: ORGANISATION,
      ROUTING_RULES_FILE: RULES,
      DEADLINE_POLICY_FILE: DEADLINES,
      VAULT_DATABASE_NAME: vaultDatabase.name,
      VAULT_MASTER_KEY,
      VAULT_PEPPER,
      ...env,
    });
    const logger = new JsonLogger('routing', 'warn');
    const { app, url } = await startInProcess(RoutingModule.forRoot(config), logger);
    return [app, url];
  }

  beforeAll(async () => {
    [database, intakeDatabase, vaultDatabase] = await Promise.all([
      createTestDatabase('routing'),
      createTestDatabase('routing_intake'),
      createTestDatabase('routing_vault'),
    ]);
    intakeStore = await createPostgresEventStore({ connectionString: intakeDatabase.url });
    const keys = await CustomerKeyStore.open({ connectionString: vaultDatabase.url, masterKey: Buffer.from(VAULT_MASTER_KEY, 'base64') });
    vault = new CustomerVault(keys, Buffer.from(VAULT_PEPPER, 'utf8'));
    // The sweeper runs every second: a ticket handed over hours ago is escalated without anyone asking.
    [routing, routingUrl] = await start(prefix, { ALLOW_CLOCK_OVERRIDE: 'true', DEADLINE_CHECK_INTERVAL_MS: '1000' });
    [reader, readerUrl] = await start(readerPrefix, { DEADLINE_CHECK_INTERVAL_MS: '3600000' });
    producer = createKafka({ brokers: kafkaBrokers(), clientId: `routing-int-${suffix}` }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await reader?.close();
    await routing?.close();
    await producer?.disconnect();
    await intakeStore?.close();
    await vault?.close();
    await deleteTopicsUnder(createKafka({ brokers: kafkaBrokers(), clientId: `routing-int-${suffix}-admin` }), prefix, readerPrefix);
    await Promise.all([database?.drop(), intakeDatabase?.drop(), vaultDatabase?.drop()]);
  });

  /** What intake does: seal the customer, record TicketHandedOver in its store and publish it on `intake.events`. */
  async function handOver(data: Partial<TicketHandedOverData> & Pick<TicketHandedOverData, 'category' | 'type'>, occurredAt = new Date()): Promise<string> {
    const { ticketId, messages } = await recordHandOver(data, occurredAt);
    await producer.send({ topic: prefix + TOPICS.intakeEvents, acks: -1, messages });
    return ticketId;
  }

  /** Many hand-overs at once: each recorded in intake's store, all published together. */
  async function handOverMany(count: number, dataOf: (index: number) => Partial<TicketHandedOverData> & Pick<TicketHandedOverData, 'category' | 'type'>, occurredAtOf: (index: number) => Date): Promise<string[]> {
    const recorded = [];
    for (let index = 0; index < count; index++) recorded.push(await recordHandOver(dataOf(index), occurredAtOf(index)));
    for (let start = 0; start < recorded.length; start += 250) {
      const messages = recorded.slice(start, start + 250).flatMap((one) => one.messages);
      await producer.send({ topic: prefix + TOPICS.intakeEvents, acks: -1, messages });
    }
    return recorded.map((one) => one.ticketId);
  }

  async function recordHandOver(data: Partial<TicketHandedOverData> & Pick<TicketHandedOverData, 'category' | 'type'>, occurredAt: Date) {
    const ticketId = newId();
    const customer = data.customer ?? (await vault.seal({ name: CONTACT_NAME, phone: CONTACT_PHONE, email: CONTACT_EMAIL }));
    const { events } = await intakeStore.append(
      intakeStreamId(ticketId),
      [
        {
          eventId: newId(),
          type: 'TicketHandedOver',
          schemaVersion: 1,
          ticketId,
          data: {
            channel: 'email',
            priority: 'normal',
            customer,
            subject: `Subject of ${data.category}`,
            description: 'The whole story, so nobody has to ask again.',
            complaint: data.type === 'complaint',
            reason: 'classified_for_department',
            ...data,
          },
          metadata: { correlationId: ticketId, causationId: newId(), actorId: 'agent-1', role: 'cs', occurredAt: occurredAt.toISOString() },
        },
      ],
      NO_STREAM,
    );
    return { ticketId, messages: events.map(toKafkaMessage) };
  }

  async function call(method: string, path: string, bearer: string, body?: unknown, base = routingUrl): Promise<{ status: number; body: Json }> {
    const response = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json().catch(() => undefined) };
  }

  async function queue(department: string, bearer = director, query = ''): Promise<Json> {
    const response = await call('GET', `/v1/departments/${department}/queue${query}`, bearer);
    expect(response.status).toBe(200);
    return response.body;
  }

  const rowOf = async (department: string, ticketId: string, query = ''): Promise<Json | undefined> =>
    (await queue(department, director, query)).items.find((row: Json) => row.ticketId === ticketId);

  /** Every page of a queue, following `nextCursor`; `between` runs after each page (to insert while paging). */
  async function allPages(department: string, limit: number, between?: () => Promise<void>): Promise<Json[]> {
    const items: Json[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await queue(department, director, `?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(limit);
      items.push(...page.items);
      cursor = page.nextCursor;
      if (cursor) await between?.();
    } while (cursor);
    return items;
  }

  /** Reads server-sent events with fetch, as a browser's EventSource would (token in the query). */
  function liveQueue(base: string, department: string, bearer: string): LiveQueue {
    const abort = new AbortController();
    const messages: { type: string; data: Json }[] = [];
    let status: number | undefined;
    void (async () => {
      const response = await fetch(`${base}/v1/departments/${department}/queue/stream?access_token=${bearer}`, { signal: abort.signal });
      status = response.status;
      if (!response.body) return;
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const lines = buffer.slice(0, end).split('\n');
          buffer = buffer.slice(end + 2);
          const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n');
          if (!data) continue;
          const type = lines.find((line) => line.startsWith('event:'))?.slice(6).trim() ?? 'message';
          messages.push({ type, data: JSON.parse(data) });
        }
      }
    })().catch(() => undefined);
    const stream = { messages, status: () => status, close: () => abort.abort() };
    streams.push(stream);
    return stream;
  }

  /** What routing put on the record of who read a ticket's customer in clear: its own event store, as the app uses it. */
  const clearReads = (ticketId: string) => routing.get<symbol, EventStore>(EVENT_STORE).readStream(privacyStreamId('routing', ticketId));
  const customerOf = (ticketId: string, bearer: string, reason?: string) =>
    call('GET', `/v1/tickets/${ticketId}/customer${reason === undefined ? '' : `?reason=${encodeURIComponent(reason)}`}`, bearer);
  const CLEAR = { status: 'clear', name: CONTACT_NAME, phone: CONTACT_PHONE, email: CONTACT_EMAIL };
  const MASKED = { status: 'masked', name: 'W*** F***', phone: '***00', email: 'w***@example.cn' };

  const tickets: Record<'complaint' | 'parcel' | 'stale', string> = { complaint: '', parcel: '', stale: '' };
  let complaintHandedOverAt: Date;
  let parcelHandler: string;
  let claimant: string;

  it('routes a handed-over ticket into its department queue with its deadlines, and no contact details', async () => {
    complaintHandedOverAt = new Date();
    tickets.complaint = await handOver({ type: 'complaint', category: 'billing', priority: 'high', subject: 'Charged twice' }, complaintHandedOverAt);
    tickets.parcel = await handOver({ type: 'consultation', category: 'logistics' });
    // Handed over six hours ago: the first response is long overdue, the resolution two hours overdue.
    tickets.stale = await handOver({ type: 'consultation', category: 'general' }, new Date(Date.now() - 6 * 60 * MINUTE));

    const row = await eventually(() => rowOf('billing', tickets.complaint), 'the complaint in the billing queue');
    expect(row).toMatchObject({
      department: 'billing',
      status: 'awaiting_handler',
      handlerId: null,
      type: 'complaint',
      category: 'billing',
      priority: 'high',
      complaint: true,
      subject: 'Charged twice',
      round: 1,
      overdue: false,
      deadlines: {
        from: complaintHandedOverAt.toISOString(),
        firstResponseDueAt: new Date(complaintHandedOverAt.getTime() + 30 * MINUTE).toISOString(),
        resolutionDueAt: new Date(complaintHandedOverAt.getTime() + 240 * MINUTE).toISOString(),
        policyVersion: 'int-1',
        running: ['first_response', 'resolution'],
      },
      escalation: { breached: false, level: null },
    });
    await eventually(async () => (await rowOf('billing', tickets.complaint))?.managementInvolved === true, 'management on the complaint');
    const everything = JSON.stringify(await queue('billing'));
    expect(everything).not.toContain(CONTACT_NAME);
    expect(everything).not.toContain(CONTACT_PHONE);
  });

  it('names a handler by the department’s strategy, and records why', async () => {
    const row = await eventually(async () => {
      const found = await rowOf('logistics', tickets.parcel);
      return found?.handlerId ? found : undefined;
    }, 'a logistics handler on the parcel');
    expect(row.status).toBe('in_progress');
    expect(['h-lou', 'h-liu']).toContain(row.handlerId);
    parcelHandler = row.handlerId;

    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT data FROM events WHERE stream_id = $1 AND type = 'HandlerAssigned'`, [`routing-ticket-${tickets.parcel}`]);
      expect(rows).toEqual([{ data: expect.objectContaining({ handlerId: parcelHandler, method: 'least_loaded', reason: expect.stringMatching(/^least loaded: 0 open tickets/) }) }]);
    } finally {
      await client.end();
    }
  });

  it('keeps a department to its own queue and tickets', async () => {
    expect((await call('GET', '/v1/departments/billing/queue', lou)).status).toBe(403);
    expect((await call('GET', `/v1/tickets/${tickets.complaint}`, lou)).status).toBe(403);
    expect((await call('POST', `/v1/tickets/${tickets.complaint}/claim`, lou)).status).toBe(403);
    expect((await call('GET', '/v1/departments/astrology/queue', director)).status).toBe(404);
    const ticket = await call('GET', `/v1/tickets/${tickets.complaint}`, ana);
    expect(ticket).toMatchObject({ status: 200, body: { ticketId: tickets.complaint, department: 'billing', status: 'awaiting_handler', subject: 'Charged twice' } });
    const stranger = liveQueue(readerUrl, 'billing', lou);
    await eventually(async () => stranger.status(), 'the live queue to be refused');
    expect(stranger.status()).toBe(403);
  });

  it('shows the customer in clear to the department that has the ticket, and puts each read on the record', async () => {
    expect(await customerOf(tickets.complaint, ana)).toEqual({ status: 200, body: { ticketId: tickets.complaint, customer: CLEAR } });
    const [read, ...others] = await clearReads(tickets.complaint);
    expect(others).toEqual([]);
    expect(read).toMatchObject({
      type: 'CustomerDetailsRead',
      data: { keyId: expect.stringMatching(/^cust_/), purpose: 'handling' },
      metadata: { actorId: 'h-ana', role: 'department_handler', department: 'billing' },
    });
    expect(read.data).not.toHaveProperty('reason');
    expect((await customerOf(tickets.complaint, mei)).body.customer).toEqual(CLEAR);
    expect(await clearReads(tickets.complaint)).toHaveLength(2);

    expect((await customerOf(tickets.complaint, lou)).status).toBe(403);
    // The ticket itself names the customer masked only, whoever reads it.
    const ticket = await call('GET', `/v1/tickets/${tickets.complaint}`, ana);
    expect(ticket.body.customer).toEqual(MASKED);
    for (const detail of [CONTACT_NAME, CONTACT_PHONE, CONTACT_EMAIL]) expect(JSON.stringify(ticket.body)).not.toContain(detail);
    expect(await clearReads(tickets.complaint)).toHaveLength(2);
  });

  it('shows management, QA and auditors the customer masked, in clear only for a stated reason, which is recorded', async () => {
    expect(await customerOf(tickets.complaint, director)).toEqual({ status: 200, body: { ticketId: tickets.complaint, customer: MASKED } });
    expect((await customerOf(tickets.complaint, token('qa', 'q-qin'))).body.customer).toEqual(MASKED);
    const short = await customerOf(tickets.complaint, token('auditor', 'a-an'), 'curious');
    expect(short.status).toBe(400);
    expect(short.body.fields).toEqual([expect.objectContaining({ field: 'reason' })]);
    expect(await clearReads(tickets.complaint)).toHaveLength(2);

    const reason = 'Calling the customer about the complaint review';
    expect((await customerOf(tickets.complaint, director, reason)).body.customer).toEqual(CLEAR);
    const reads = await clearReads(tickets.complaint);
    expect(reads).toHaveLength(3);
    expect(reads[2]).toMatchObject({
      type: 'CustomerDetailsRead',
      data: { purpose: 'other_work', reason },
      metadata: { actorId: 'd-zhou', role: 'management', reason },
    });
  });

  it('gives the ticket to one of two simultaneous claimants, and every instance’s live queue hears of it', async () => {
    const live = liveQueue(readerUrl, 'billing', mei);
    await eventually(async () => live.messages.some((message) => message.type === 'ready'), 'the live queue to be ready');

    const claims = await Promise.all([ana, bo].map((bearer) => call('POST', `/v1/tickets/${tickets.complaint}/claim`, bearer)));
    expect(claims.map((claim) => claim.status).sort()).toEqual([200, 409]);
    const won = claims.find((claim) => claim.status === 200)!;
    claimant = won.body.handlerId;
    expect(won.body).toMatchObject({ ticketId: tickets.complaint, status: 'in_progress', department: 'billing' });
    expect(claims.find((claim) => claim.status === 409)!.body.error).toBe('conflict');

    await eventually(async () =>
      live.messages.some((message) => message.type === 'message' && message.data.ticketId === tickets.complaint && message.data.status === 'in_progress'), 'the claim on the live queue');
    expect(live.messages.every((message) => !JSON.stringify(message).includes(CONTACT_PHONE))).toBe(true);
    await eventually(async () => (await rowOf('billing', tickets.complaint, `?handler=${claimant}`))?.status === 'in_progress', 'the claimant in the queue');
  });

  it('takes progress, and refuses a complaint’s result without an apology, naming the field', async () => {
    const bearer = handlerTokens[claimant];
    expect((await call('POST', `/v1/tickets/${tickets.complaint}/progress`, bearer, { note: 'Refund being checked', extra: 1 })).status).toBe(400);
    expect((await call('POST', `/v1/tickets/${tickets.complaint}/progress`, bearer, { note: 'Refund being checked' })).status).toBe(200);
    await eventually(async () => {
      const row = await rowOf('billing', tickets.complaint);
      return row?.deadlines.running.length === 1 && row.deadlines.running[0] === 'resolution';
    }, 'the first response to stop its clock');

    const refused = await call('POST', `/v1/tickets/${tickets.complaint}/result`, bearer, { summary: 'Refunded the second charge.' });
    expect(refused.status).toBe(400);
    expect(refused.body.fields.map((field: Json) => field.field)).toEqual(expect.arrayContaining(['apology', 'correctiveAction']));
  });

  it('moves the ticket to the other department when it accepts the transfer', async () => {
    const bearer = handlerTokens[claimant];
    const live = liveQueue(routingUrl, 'billing', mei);
    await eventually(async () => live.messages.some((message) => message.type === 'ready'), 'the live queue to be ready');

    const nowhere = await call('POST', `/v1/tickets/${tickets.complaint}/transfer`, bearer, { toDepartment: 'astrology', reason: 'stars' });
    expect(nowhere.status).toBe(400);
    expect(nowhere.body.fields).toEqual([expect.objectContaining({ field: 'toDepartment' })]);
    const asked = await call('POST', `/v1/tickets/${tickets.complaint}/transfer`, bearer, { toDepartment: 'logistics', reason: 'The charge was a courier fee' });
    expect(asked).toMatchObject({ status: 200, body: { pendingTransfer: { toDepartment: 'logistics' } } });
    await eventually(async () =>
      (await queue('logistics', lin)).incomingTransfers.some((row: Json) => row.ticketId === tickets.complaint), 'the transfer offered to logistics');
    expect((await call('GET', `/v1/tickets/${tickets.complaint}`, lou)).status).toBe(200);
    // Offered, not yet its ticket: logistics sees whom it is about, not how to reach them.
    expect((await customerOf(tickets.complaint, lou)).body.customer).toEqual(MASKED);

    expect((await call('POST', `/v1/tickets/${tickets.complaint}/transfer/accept`, mei)).status).toBe(403);
    expect(await call('POST', `/v1/tickets/${tickets.complaint}/transfer/accept`, lin)).toMatchObject({
      status: 200,
      body: { department: 'logistics', status: 'awaiting_handler', handlerId: null },
    });
    await eventually(async () => !(await rowOf('billing', tickets.complaint)), 'the ticket gone from billing');
    expect((await customerOf(tickets.complaint, lin)).body.customer).toEqual(CLEAR);
    expect((await customerOf(tickets.complaint, ana)).status).toBe(403);
    await eventually(async () =>
      live.messages.some((message) => message.data.ticketId === tickets.complaint && message.data.change === 'left'), 'billing’s live queue told it left');
    // Least loaded: the parcel's handler has one open ticket, the other none.
    const moved = await eventually(async () => {
      const row = await rowOf('logistics', tickets.complaint);
      return row?.handlerId ? row : undefined;
    }, 'a logistics handler on the complaint');
    expect(moved.handlerId).not.toBe(parcelHandler);
    expect((await call('GET', `/v1/tickets/${tickets.complaint}`, ana)).status).toBe(403);

    const result = await call('POST', `/v1/tickets/${tickets.complaint}/result`, handlerTokens[moved.handlerId], {
      summary: 'The courier fee was refunded.',
      apology: 'We are sorry for the double charge.',
      correctiveAction: 'Courier fees are now shown before payment.',
      cause: 'delivery_logistics',
    });
    expect(result).toMatchObject({ status: 200, body: { status: 'result_reported', department: 'logistics' } });
  });

  it('escalates missed deadlines on its own, as the clock runs', async () => {
    const row = await eventually(async () => {
      const found = await rowOf('customer_care', tickets.stale);
      return found?.escalation.firstResponse === 'management' ? found : undefined;
    }, 'the stale ticket escalated by the sweeper');
    // Resolution was due two hours ago; management is called in four hours after that.
    expect(row).toMatchObject({ overdue: true, managementInvolved: true, escalation: { breached: true, level: 'management', resolution: 'department_manager' } });
    expect((await queue('customer_care', director, '?overdue=true')).items.map((found: Json) => found.ticketId)).toContain(tickets.stale);
    expect((await queue('customer_care', director, '?overdue=false')).items.map((found: Json) => found.ticketId)).not.toContain(tickets.stale);
  });

  it('sweeps as of an injected instant only where the clock override is on, and only for management', async () => {
    const asOf = new Date(Date.now() + 24 * 60 * MINUTE).toISOString();
    const withoutOverride = await call('POST', '/v1/deadlines/check', director, { asOf }, readerUrl);
    expect(withoutOverride.status).toBe(400);
    expect(withoutOverride.body.fields).toEqual([expect.objectContaining({ field: 'asOf' })]);
    expect((await call('POST', '/v1/deadlines/check', lin, { asOf })).status).toBe(403);

    const swept = await call('POST', '/v1/deadlines/check', director, { asOf });
    expect(swept.status).toBe(200);
    expect(swept.body.asOf).toBe(asOf);
    const parcel = swept.body.changed.find((change: Json) => change.ticketId === tickets.parcel);
    // Each deadline: breached, to the department's manager, and to management once its grace period is past too.
    expect(parcel.events).toEqual(['DeadlineBreached', 'TicketEscalated', 'TicketEscalated', 'ManagementInvolved', 'DeadlineBreached', 'TicketEscalated', 'TicketEscalated']);

    const row = await eventually(async () => {
      const found = await rowOf('logistics', tickets.parcel);
      return found?.escalation.resolution === 'management' ? found : undefined;
    }, 'the escalations in the logistics queue');
    expect(row).toMatchObject({ managementInvolved: true, escalation: { firstResponse: 'management', breached: true, level: 'management' } });
    const again = await call('POST', '/v1/deadlines/check', director, { asOf });
    expect(again.body.changed.find((change: Json) => change.ticketId === tickets.parcel)).toBeUndefined();
  });

  it('answers erased once the customer’s key is destroyed, and records no read', async () => {
    const customer = await vault.seal({ name: 'Zhao Lei', phone: '+86 139 0000 1111' });
    const ticketId = await handOver({ type: 'consultation', category: 'billing', customer });
    await vault.erase(customer.keyId, 'management:d-zhou', 'the customer asked to be forgotten');

    const read = await eventually(async () => {
      const response = await customerOf(ticketId, ana);
      return response.status === 200 ? response : undefined;
    }, 'the hand-over in routing');
    expect(read.body).toEqual({ ticketId, customer: { status: 'erased' } });
    expect((await call('GET', `/v1/tickets/${ticketId}`, ana)).body.customer).toEqual({ status: 'erased' });
    expect(await clearReads(ticketId)).toEqual([]);
  });

  it('pages a department queue of more than 500 tickets most urgent first, none missed or repeated while more arrive', async () => {
    const customer = await vault.seal({ name: CONTACT_NAME, phone: CONTACT_PHONE });
    const priorities = ['low', 'normal', 'high', 'urgent'] as const;
    const now = Date.now();
    const seed = (count: number, offset: number) =>
      handOverMany(
        count,
        (index) => ({ type: (index + offset) % 5 === 0 ? 'complaint' : 'suggestion', category: 'archive', priority: priorities[(index + offset) % 4], customer }),
        // Spread over ten hours back, so deadlines and head starts interleave.
        (index) => new Date(now - (((index + offset) * 7919) % 600) * MINUTE),
      );
    const seeded = await seed(620, 0);
    await eventually(async () => (await allPages('archive', 500)).length === 620, 'all 620 tickets in the archive queue', 60_000);

    const firstPage = await queue('archive', director, '?limit=500');
    expect(firstPage.items).toHaveLength(500);
    expect(firstPage.nextCursor).toEqual(expect.any(String));
    expect(firstPage.order.mode).toBe('deadline_with_priority_lead');

    // Pages of 100 while 30 more tickets arrive between pages: each seeded ticket exactly once.
    let arriving = 0;
    const paged = await allPages('archive', 100, async () => {
      if (arriving < 90) await seed(15, 1000 + arriving);
      arriving += 15;
    });
    const ids = paged.map((row: Json) => row.ticketId);
    expect(new Set(ids).size).toBe(ids.length);
    const seen = new Set(ids);
    expect(seeded.filter((ticketId) => !seen.has(ticketId))).toEqual([]);

    // In urgency order across page boundaries, as the pure order says.
    const keyOf = (row: Json) => {
      const due = row.deadlines.running.map((kind: string) => Date.parse(kind === 'first_response' ? row.deadlines.firstResponseDueAt : row.deadlines.resolutionDueAt));
      return urgencyKeyOf(DEFAULT_QUEUE_ORDER, { ticketId: row.ticketId, priority: row.priority, nextDueAt: due.length ? new Date(Math.min(...due)) : null });
    };
    const outOfOrder = paged.slice(1).filter((row: Json, index: number) => compareUrgency(keyOf(paged[index]), keyOf(row)) > 0);
    expect(outOfOrder).toEqual([]);
    expect(paged[0].deadlines).toMatchObject({ countIn: 'clock', businessHours: false });
  }, 120_000);

  it('refuses a bad limit or cursor naming it, and writes nothing', async () => {
    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=501', 'limit'],
      ['?limit=many', 'limit'],
      ['?cursor=not%2Bours', 'cursor'],
      [`?cursor=${Buffer.from('[1,2]').toString('base64url')}`, 'cursor'],
    ] as const) {
      const response = await call('GET', `/v1/departments/billing/queue${query}`, director);
      expect({ query, status: response.status, fields: response.body.fields?.map((error: Json) => error.field) }).toEqual({ query, status: 400, fields: [field] });
    }
  });
});

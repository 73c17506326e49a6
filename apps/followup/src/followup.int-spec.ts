import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import {
  TOPICS,
  followupStreamId,
  intakeStreamId,
  privacyStreamId,
  routingStreamId,
  type NewEvent,
  type RecordedEvent,
  type Role,
} from '@handoff/contracts';
import { createPostgresEventStore, type EventStore, type PostgresEventStore } from '@handoff/event-store';
import { createKafka, toKafkaMessage } from '@handoff/messaging';
import { EVENT_STORE, JsonLogger, loadConfig, prefixed, signToken } from '@handoff/platform';
import { createTestDatabase, eventually, kafkaBrokers, type TestDatabase, testServerUrl, uniqueSuffix } from '@handoff/testing';
import { startInProcess } from '@handoff/testing/services';
import { CustomerKeyStore, CustomerVault } from '@handoff/vault';
import { followupConfigSchema, type FollowupConfig } from './config';
import { FollowupModule } from './followup.module';

/**
 * The follow-up service in-process, against the real broker and PostgreSQL. Routing's and
 * intake's events are made real (appended to a scratch event store, then published as their
 * relays would), so the service sees exactly what it will see next to the other services.
 */

const SECRET = 'followup-int-spec-secret-0123456789';
// The service under test and this file share one vault: the test seals as intake would, follow-up opens.
const VAULT_MASTER_KEY = Buffer.from('followup-int-spec-vault-master-k').toString('base64');
const VAULT_PEPPER = 'followup-int-spec-vault-pepper';
const CUSTOMER = { name: 'Li Wei', phone: '+86 138 0013 8000', email: 'li.wei@example.cn' };
const CLEAR = { status: 'clear', ...CUSTOMER };
const MASKED = { status: 'masked', name: 'L* W**', phone: '***00', email: 'l***@example.cn' };


interface Reply {
  readonly status: number;
  readonly body: any;
}

describe('follow-up service on a real broker and PostgreSQL', () => {
  const suffix = uniqueSuffix();
  let database: TestDatabase;
  let vaultDatabase: TestDatabase;
  let vault: CustomerVault;
  let config: FollowupConfig;
  let app: NestExpressApplication;
  let baseUrl: string;
  let scratch: PostgresEventStore;
  let kafka: Kafka;
  let producer: Producer;

  beforeAll(async () => {
    [database, vaultDatabase] = await Promise.all([createTestDatabase('followup'), createTestDatabase('followup_vault')]);
    vault = new CustomerVault(
      await CustomerKeyStore.open({ connectionString: vaultDatabase.url, masterKey: Buffer.from(VAULT_MASTER_KEY, 'base64') }),
      Buffer.from(VAULT_PEPPER, 'utf8'),
    );
    // Created (and migrated) before the service starts, so the two never race to migrate.
    scratch = await createPostgresEventStore({ connectionString: database.url });
    config = loadConfig(followupConfigSchema, {
      DATABASE_URL: testServerUrl(),
      DATABASE_NAME: database.name,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: `test-followup-${suffix}.`,
      KAFKA_TOPIC_PARTITIONS: '2',
      AUTH_TOKEN_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      VAULT_DATABASE_NAME: vaultDatabase.name,
      VAULT_MASTER_KEY,
      VAULT_PEPPER,
    });
    const logger = new JsonLogger('followup', 'warn');
    ({ app, url: baseUrl } = await startInProcess(FollowupModule.forRoot(config), logger));

    kafka = createKafka({ brokers: kafkaBrokers(), clientId: `followup-int-${suffix}` });
    // The relays' partitioner, so a ticket's events land on the partition its relay would use.
    producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await app?.close();
    await producer?.disconnect();
    await scratch?.close();
    await vault?.close();
    if (kafka) {
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteGroups([prefixed(config, 'handoff-followup')]).catch(() => undefined);
      await admin.deleteTopics({ topics: Object.values(TOPICS).map((topic) => prefixed(config, topic)) }).catch(() => undefined);
      await admin.disconnect();
    }
    await Promise.all([database?.drop(), vaultDatabase?.drop()]);
  });

  // ---------------------------------------------------------------------------------------------
  // Helpers

  const token = (role: Exclude<Role, 'system'>, department?: string) =>
    signToken({ sub: `${role}-${suffix}`, role, ...(department ? { department } : {}) }, SECRET);
  const CS = token('cs');

  async function call(method: 'GET' | 'POST', path: string, options: { token?: string | null; body?: unknown } = {}): Promise<Reply> {
    const bearer = options.token === undefined ? CS : options.token;
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Records an event of another context the way its service would, then publishes it as its relay would. */
  async function recordElsewhere(streamId: string, ticketId: string, type: string, data: unknown, actor = { id: 'system:routing', role: 'system' as Role }) {
    const event: NewEvent = {
      eventId: randomUUID(),
      type,
      schemaVersion: 1,
      ticketId,
      data,
      metadata: { correlationId: ticketId, causationId: randomUUID(), actorId: actor.id, role: actor.role, occurredAt: new Date().toISOString() },
    };
    const [recorded] = (await scratch.append(streamId, [event], 'any')).events;
    return recorded;
  }

  async function publish(topic: string, event: RecordedEvent) {
    const [sent] = await producer.send({ topic: prefixed(config, topic), acks: -1, messages: [toKafkaMessage(event)] });
    return { partition: sent.partition, offset: Number(sent.baseOffset) };
  }

  const resultReported = async (ticketId: string, department: string, summary: string) => {
    const event = await recordElsewhere(routingStreamId(ticketId), ticketId, 'ResultReported', {
      round: 1,
      department,
      handlerId: `handler-${suffix}`,
      summary,
      complaint: false,
    });
    await publish(TOPICS.routingEvents, event);
    return event;
  };

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Json = any;
  const worklist = async (query = ''): Promise<Json> => (await call('GET', `/v1/followups${query}`)).body;
  /** Every page of the worklist, following `nextCursor`. */
  const wholeWorklist = async (query = '', limit = 200): Promise<Json[]> => {
    const items: Json[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await worklist(`?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  };
  const awaiting = async (ticketId: string) =>
    (await wholeWorklist('arrived=result')).find((item) => item.ticketId === ticketId) as
      | { ticketId: string; customer: unknown; result: { contactAttempts: number } }
      | undefined;
  /** What follow-up put on the record of who read a ticket's customer in clear: its own event store, as the app uses it. */
  const clearReads = (ticketId: string) => app.get<symbol, EventStore>(EVENT_STORE).readStream(privacyStreamId('followup', ticketId));
  const customerOf = (ticketId: string, options: { token?: string; reason?: string } = {}) =>
    call('GET', `/v1/tickets/${ticketId}/customer${options.reason === undefined ? '' : `?reason=${encodeURIComponent(options.reason)}`}`, { token: options.token });
  const followupEvents = (ticketId: string) => scratch.readStream(followupStreamId(ticketId));

  const [ticketA, ticketB, ticketC, ticketD] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];

  // ---------------------------------------------------------------------------------------------

  it('opens an item on the worklist for each result and first-contact answer, oldest first, with whom to call masked', async () => {
    // Intake's record of the contact, the customer sealed as intake seals them.
    const contact = await recordElsewhere(
      intakeStreamId(ticketA),
      ticketA,
      'ContactRecorded',
      {
        sourceSystem: 'hotline',
        externalId: `call-${suffix}`,
        channel: 'hotline',
        type: 'complaint',
        customer: await vault.seal(CUSTOMER),
        subject: 'Charged twice',
        description: 'The same order was charged twice.',
      },
      // The CS agent whose token the calls use, so "mine" finds it.
      { id: `cs-${suffix}`, role: 'cs' },
    );
    await publish(TOPICS.intakeEvents, contact);
    await resultReported(ticketA, 'billing', 'The duplicate charge was refunded.');
    await eventually(async () => (await awaiting(ticketA))?.customer, 'ticket A on the worklist with its customer');

    const answered = await recordElsewhere(intakeStreamId(ticketB), ticketB, 'AnsweredAtFirstContact', { answer: 'Opening hours are 9 to 5.' }, { id: 'cs-1', role: 'cs' });
    await publish(TOPICS.intakeEvents, answered);
    await eventually(() => awaiting(ticketB), 'ticket B on the worklist');

    await resultReported(ticketC, 'logistics', 'The parcel was re-sent.');
    await eventually(() => awaiting(ticketC), 'ticket C on the worklist');

    const list = await worklist();
    expect(list.items.map((item: { ticketId: string }) => item.ticketId)).toEqual([ticketA, ticketB, ticketC]);
    expect(list.nextCursor).toBeNull();
    expect(list.items[0]).toEqual({
      ticketId: ticketA,
      arrived: 'result',
      subject: 'Charged twice',
      customer: MASKED,
      department: 'billing',
      round: 1,
      since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      recordedBy: `cs-${suffix}`,
      result: {
        resolvedBy: 'department',
        summary: 'The duplicate charge was refunded.',
        requestedAt: list.items[0].since,
        contactAttempts: 0,
      },
      lateProgress: null,
    });
    for (const detail of Object.values(CUSTOMER)) expect(JSON.stringify(list)).not.toContain(detail);
    expect(list.items[1]).toMatchObject({ ticketId: ticketB, arrived: 'result', round: 0, result: { resolvedBy: 'first_contact' }, department: null, customer: null, subject: null });
    expect((await worklist('?arrived=late_progress')).items).toEqual([]);

    expect((await worklist('?department=logistics')).items.map((item: { ticketId: string }) => item.ticketId)).toEqual([ticketC]);
    expect((await worklist('?mine=true')).items.map((item: { ticketId: string }) => item.ticketId)).toEqual([ticketA]);
    // Past the first page: one item a page, each once, in the same order.
    const first = await worklist('?limit=1');
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect((await wholeWorklist('', 1)).map((item) => item.ticketId)).toEqual([ticketA, ticketB, ticketC]);
    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?cursor=bm9wZQ', 'cursor'],
      ['?mine=yes', 'mine'],
      ['?arrived=anything', 'arrived'],
    ]) {
      const refused = await call('GET', `/v1/followups${query}`);
      expect({ query, status: refused.status, fields: refused.body.fields.map((error: { field: string }) => error.field) }).toEqual({ query, status: 400, fields: [field] });
    }
    expect((await call('GET', '/v1/followups?limit=0')).status).toBe(400);

    expect(await call('GET', `/v1/tickets/${ticketA}`)).toMatchObject({
      status: 200,
      body: { ticketId: ticketA, status: 'awaiting_confirmation', round: 1, department: 'billing', contactAttempts: 0 },
    });
  });

  it('shows CS the customer in clear to call them back, and puts the read on the record', async () => {
    expect(await customerOf(ticketA)).toEqual({ status: 200, body: { ticketId: ticketA, customer: CLEAR } });
    const [read, ...others] = await clearReads(ticketA);
    expect(others).toEqual([]);
    expect(read).toMatchObject({
      type: 'CustomerDetailsRead',
      data: { keyId: expect.stringMatching(/^cust_/), purpose: 'handling' },
      metadata: { actorId: `cs-${suffix}`, role: 'cs' },
    });

    expect((await customerOf(ticketA, { token: token('department_handler', 'billing') })).status).toBe(403);
    expect((await customerOf(randomUUID())).status).toBe(404);
  });

  it('shows management, QA and auditors the customer masked, in clear only for a stated reason, which is recorded', async () => {
    const director = token('management');
    expect((await customerOf(ticketA, { token: director })).body).toEqual({ ticketId: ticketA, customer: MASKED });
    expect((await customerOf(ticketA, { token: token('auditor') })).body.customer).toEqual(MASKED);
    const short = await customerOf(ticketA, { token: token('qa'), reason: 'sample' });
    expect(short.status).toBe(400);
    expect(short.body.fields).toEqual([expect.objectContaining({ field: 'reason' })]);
    expect(await clearReads(ticketA)).toHaveLength(1);

    const reason = 'Quality call-back on the duplicate charge';
    expect((await customerOf(ticketA, { token: director, reason })).body.customer).toEqual(CLEAR);
    const reads = await clearReads(ticketA);
    expect(reads).toHaveLength(2);
    expect(reads[1]).toMatchObject({ data: { purpose: 'other_work', reason }, metadata: { role: 'management', reason } });
  });

  it('requests no second confirmation when a result is delivered again', async () => {
    const [original] = (await scratch.readStream(routingStreamId(ticketA))).filter((event) => event.type === 'ResultReported');
    const { partition, offset } = await publish(TOPICS.routingEvents, original);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await eventually(async () => {
        const [committed] = await admin.fetchOffsets({ groupId: prefixed(config, 'handoff-followup'), topics: [prefixed(config, TOPICS.routingEvents)] });
        return Number(committed.partitions.find((p) => p.partition === partition)?.offset ?? -1) > offset;
      }, "follow-up's consumer to get past the redelivered message");
    } finally {
      await admin.disconnect();
    }
    const requested = (await followupEvents(ticketA)).filter((event) => event.type === 'ConfirmationRequested');
    expect(requested).toHaveLength(1);
    expect(requested[0].metadata.causationId).toBe(original.eventId);
  });

  it('closes the ticket when the customer is satisfied', async () => {
    const reply = await call('POST', `/v1/tickets/${ticketA}/confirmation`, { body: { satisfied: true } });
    expect(reply).toMatchObject({ status: 200, body: { status: 'closed', outcome: 'satisfied', recorded: ['CustomerConfirmedSatisfaction', 'TicketClosed'] } });

    const closed = (await followupEvents(ticketA)).find((event) => event.type === 'TicketClosed');
    expect(closed?.data).toEqual({ outcome: 'satisfied', round: 1 });
    expect(closed?.metadata).toMatchObject({ actorId: `cs-${suffix}`, role: 'cs' });
    await eventually(async () => !(await awaiting(ticketA)), 'ticket A to leave the worklist');
  });

  it('refuses an objection that is missing, naming the field', async () => {
    const missing = await call('POST', `/v1/tickets/${ticketB}/confirmation`, { body: { satisfied: false } });
    expect(missing.status).toBe(400);
    expect(missing.body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'objection' })]));

    const unknown = await call('POST', `/v1/tickets/${ticketB}/confirmation`, { body: { satisfied: true, customerPhone: '555' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields).toEqual([expect.objectContaining({ field: 'customerPhone', message: '“customerPhone” is not a field this request takes.' })]);

    expect((await followupEvents(ticketB)).map((event) => event.type)).toEqual(['ConfirmationRequested']);
  });

  it('records the objection with its round and takes the item off the list', async () => {
    const reply = await call('POST', `/v1/tickets/${ticketB}/confirmation`, { body: { satisfied: false, objection: 'The hours on the website differ.' } });
    expect(reply).toMatchObject({ status: 200, body: { status: 'awaiting_result', round: 0, recorded: ['CustomerObjected'] } });

    const objected = (await followupEvents(ticketB)).find((event) => event.type === 'CustomerObjected');
    expect(objected?.data).toEqual({ round: 0, resolvedBy: 'first_contact', objection: 'The hours on the website differ.' });
    await eventually(async () => !(await awaiting(ticketB)), 'ticket B to leave the worklist');
  });

  it('closes the ticket as unreachable after the policy number of failed contact attempts, never as satisfied', async () => {
    const { maxContactAttempts } = config.FOLLOWUP_POLICY_FILE;
    const first = await call('POST', `/v1/tickets/${ticketC}/contact-attempts`, { body: { note: 'no answer' } });
    expect(first).toMatchObject({ status: 200, body: { status: 'awaiting_confirmation', contactAttempts: 1, recorded: ['ContactAttemptFailed'] } });
    await eventually(async () => (await awaiting(ticketC))?.result.contactAttempts === 1, 'one attempt on the worklist');

    let last: Reply = first;
    for (let attempt = 2; attempt <= maxContactAttempts; attempt++) last = await call('POST', `/v1/tickets/${ticketC}/contact-attempts`, { body: {} });
    expect(last).toMatchObject({ status: 200, body: { status: 'closed', outcome: 'unconfirmed_unreachable' } });

    const events = await followupEvents(ticketC);
    expect(events.filter((event) => event.type === 'ContactAttemptFailed')).toHaveLength(maxContactAttempts);
    expect(events.at(-1)).toMatchObject({ type: 'TicketClosed', data: { outcome: 'unconfirmed_unreachable', round: 1 } });
    await eventually(async () => !(await awaiting(ticketC)), 'ticket C to leave the worklist');

    expect((await call('POST', `/v1/tickets/${ticketC}/confirmation`, { body: { satisfied: true } })).status).toBe(412);
  });

  it('shows a department late with its progress until news arrives', async () => {
    const dueAt = new Date(Date.now() - 60_000).toISOString();
    const lateItem = async () =>
      (await wholeWorklist('arrived=late_progress')).find((item) => item.ticketId === ticketD) as { ticketId: string; lateProgress: { escalationLevel: string | null } } | undefined;

    await publish(TOPICS.routingEvents, await recordElsewhere(routingStreamId(ticketD), ticketD, 'DeadlineBreached', { deadline: 'first_response', round: 1, department: 'billing', dueAt }));
    const late = await eventually(lateItem, 'ticket D in late progress');
    expect(late).toEqual({
      ticketId: ticketD,
      arrived: 'late_progress',
      subject: null,
      department: 'billing',
      round: 1,
      since: dueAt,
      recordedBy: null,
      result: null,
      lateProgress: { deadline: 'first_response', dueAt, escalationLevel: null, lateSince: expect.any(String) },
      customer: null,
    });

    await publish(
      TOPICS.routingEvents,
      await recordElsewhere(routingStreamId(ticketD), ticketD, 'TicketEscalated', {
        level: 'department_manager',
        trigger: 'first_response_overdue',
        round: 1,
        department: 'billing',
        reason: `first response was due at ${dueAt}`,
        dueAt,
      }),
    );
    await eventually(async () => (await lateItem())?.lateProgress.escalationLevel === 'department_manager', 'the escalation level on the late item');

    await publish(
      TOPICS.routingEvents,
      await recordElsewhere(routingStreamId(ticketD), ticketD, 'ProgressReported', { round: 1, department: 'billing', note: 'Investigating.', firstResponse: true }),
    );
    await eventually(async () => !(await lateItem()), 'ticket D to leave late progress');
  });

  it('lets only CS record a confirmation and only known callers read', async () => {
    const handler = token('department_handler', 'billing');
    expect((await call('POST', `/v1/tickets/${ticketB}/confirmation`, { token: handler, body: { satisfied: true } })).status).toBe(403);
    expect((await call('POST', `/v1/tickets/${ticketB}/contact-attempts`, { token: token('management'), body: {} })).status).toBe(403);
    expect((await call('GET', '/v1/followups', { token: handler })).status).toBe(403);
    expect((await call('GET', '/v1/followups', { token: token('management') })).status).toBe(200);

    expect((await call('GET', '/v1/followups', { token: null })).status).toBe(401);
    expect((await call('POST', `/v1/tickets/${ticketB}/confirmation`, { token: null, body: { satisfied: true } })).status).toBe(401);

    expect((await call('GET', `/v1/tickets/${randomUUID()}`)).status).toBe(404);
    expect((await call('GET', '/v1/tickets/not-a-uuid')).status).toBe(400);
  });
});

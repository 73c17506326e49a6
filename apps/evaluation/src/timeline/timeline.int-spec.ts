import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import { Client } from 'pg';
import {
  TOPICS,
  followupStreamId,
  intakeStreamId,
  privacyStreamId,
  routingStreamId,
  type Actor,
  type HandoffEvent,
  type RecordedEvent,
} from '@handoff/contracts';
import type { PostgresEventStore } from '@handoff/event-store';
import { createKafka, toKafkaMessage } from '@handoff/messaging';
import { ConsumersLifecycle, JsonLogger, loadConfig, signToken } from '@handoff/platform';
import { createTestDatabase, eventually, kafkaBrokers, sealedCustomer, type TestDatabase, testServerUrl, uniqueSuffix } from '@handoff/testing';
import { deleteTopicsUnder, scratchEventStores, startInProcess } from '@handoff/testing/services';
import { evaluationConfigSchema } from '../config';
import { EvaluationModule } from '../evaluation.module';

/**
 * The evaluation service in-process against the real broker and PostgreSQL. Three scratch event
 * stores stand in for intake, routing and follow-up: the test appends a two-ticket history to
 * them (so the envelopes are real: positions, hashes, recorded-at), publishes it onto this run's
 * topics in the wrong order across topics and with redeliveries, and reads the result over HTTP.
 */

const T0 = Date.parse('2025-03-03T01:00:00.000Z');
const iso = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();
const deadlines = (from: number) => ({
  from: iso(from),
  firstResponseDueAt: iso(from + 30),
  resolutionDueAt: iso(from + 1440),
  policyVersion: 'test-v1',
});

type Service = 'intake' | 'routing' | 'followup';
const STREAM_OF: Record<Service, (ticketId: string) => string> = { intake: intakeStreamId, routing: routingStreamId, followup: followupStreamId };
const TOPIC_OF: Record<Service, string> = { intake: TOPICS.intakeEvents, routing: TOPICS.routingEvents, followup: TOPICS.followupEvents };

const gateway: Actor = { id: 'wechat-bridge', role: 'system' };
const intakeProcess: Actor = { id: 'system:intake', role: 'system' };
const routingProcess: Actor = { id: 'system:routing', role: 'system' };
const followupProcess: Actor = { id: 'system:followup', role: 'system' };
const agent: Actor = { id: 'agent-1', role: 'cs' };
const ana: Actor = { id: 'h-ana', role: 'department_handler', department: 'billing' };
const lee: Actor = { id: 'm-lee', role: 'department_manager', department: 'logistics' };
const lou: Actor = { id: 'h-lou', role: 'department_handler', department: 'logistics' };


describe('evaluation: ticket timelines and lifecycles from the three topics', () => {
  const suffix = uniqueSuffix();
  const prefix = `test.evaluation-${suffix}.`;
  const secret = `evaluation-int-spec-${suffix}`;
  const digits = String(Date.now()).slice(-8);
  const customerA = { customerId: `cust-${suffix}`, name: `Wang Fang ${suffix}`, phone: `+86 139 ${digits}`, email: `wang.fang.${suffix}@example.cn` };
  const customerB = { name: `Li Wei ${suffix}`, email: `li.wei.${suffix}@example.cn` };
  const contactDetails = [customerA.name, customerA.phone, customerA.email, customerB.name, customerB.email];
  const ticketA = randomUUID();
  const ticketB = randomUUID();

  const logLines: string[] = [];
  const databases: TestDatabase[] = [];
  let stores: Readonly<Record<Service, PostgresEventStore>>;
  let closeStores: (() => Promise<void>) | undefined;
  let evaluationDatabase: TestDatabase;
  let app: NestExpressApplication;
  let baseUrl: string;
  let kafka: Kafka;
  let producer: Producer;
  let sql: Client;

  /** Every event appended, in the order the script appended them: the expected timeline order. */
  const history: RecordedEvent[] = [];

  async function step(
    service: Service,
    ticketId: string,
    minutes: number,
    actor: Actor,
    event: HandoffEvent,
    reason?: string,
    streamId = STREAM_OF[service](ticketId),
  ): Promise<void> {
    const { events } = await stores[service].append(
      streamId,
      [
        {
          eventId: randomUUID(),
          type: event.type,
          schemaVersion: 1,
          ticketId,
          data: event.data,
          metadata: {
            correlationId: `corr-${ticketId}`,
            causationId: history.length > 0 ? history[history.length - 1].eventId : `req-${ticketId}`,
            actorId: actor.id,
            role: actor.role,
            ...(actor.department ? { department: actor.department } : {}),
            occurredAt: iso(minutes),
            ...(reason ? { reason } : {}),
          },
        },
      ],
      'any',
    );
    history.push(...events);
  }

  async function publish(service: Service, events: readonly RecordedEvent[]): Promise<void> {
    const messages: Message[] = events.map(toKafkaMessage);
    await producer.send({ topic: `${prefix}${TOPIC_OF[service]}`, acks: -1, messages });
  }

  const token = (role: Actor['role'], department?: string) => signToken({ sub: `${role}-1`, role, ...(department ? { department } : {}) }, secret);

  async function get(path: string, bearer?: string): Promise<{ status: number; body: any }> {
    const response = await fetch(`${baseUrl}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
    return { status: response.status, body: await response.json() };
  }

  beforeAll(async () => {
    ({ stores, close: closeStores } = await scratchEventStores('evaluation', ['intake', 'routing', 'followup']));
    evaluationDatabase = await createTestDatabase('evaluation');
    databases.push(evaluationDatabase);

    const config = loadConfig(evaluationConfigSchema, {
      DATABASE_URL: testServerUrl(),
      DATABASE_NAME: evaluationDatabase.name,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      AUTH_TOKEN_SECRET: secret,
      LOG_LEVEL: 'info',
    });
    const logger = new JsonLogger('evaluation', 'info', (line) => logLines.push(line));
    // The consumers log through their own JSON-lines writer on stdout; collect that too.
    jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      logLines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write);
    ({ app, url: baseUrl } = await startInProcess(EvaluationModule.forRoot(config), logger));

    sql = new Client({ connectionString: evaluationDatabase.url });
    await sql.connect();
    kafka = createKafka({ brokers: kafkaBrokers(), clientId: `evaluation-int-spec-${suffix}` });
    producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    await sql?.end();
    await closeStores?.();
    for (const database of databases) await database.drop();
    if (kafka) await deleteTopicsUnder(kafka, prefix);
    jest.restoreAllMocks();
  });

  it('records every event once, in timeline order, with summaries and the lifecycle figures, without contact details', async () => {
    // Ticket A: a complaint passed from billing to logistics, late first response, one objection, then satisfied.
    await step('intake', ticketA, 0, gateway, {
      type: 'ContactRecorded',
      data: {
        sourceSystem: 'wechat-bridge',
        externalId: `msg-${suffix}`,
        channel: 'social_media',
        platform: 'wechat',
        type: 'complaint',
        customer: sealedCustomer(customerA),
        subject: 'Parcel charged twice',
        description: 'The parcel never came and I was charged twice.',
      },
    });
    await step('intake', ticketA, 0, intakeProcess, {
      type: 'TicketClassified',
      data: { category: 'billing', priority: 'high', resolution: 'department', matched: { category: 'billing', priority: 'complaint', resolution: 'complaint' }, rulesVersion: 'v1' },
    });
    await step('intake', ticketA, 0, intakeProcess, {
      type: 'TicketHandedOver',
      data: {
        channel: 'social_media',
        platform: 'wechat',
        type: 'complaint',
        category: 'billing',
        priority: 'high',
        customer: sealedCustomer(customerA),
        subject: 'Parcel charged twice',
        description: 'The parcel never came and I was charged twice.',
        complaint: true,
        reason: 'classified_for_department',
      },
    });
    const routed = { rule: 'billing-by-category', reason: 'category billing', type: 'complaint', category: 'billing', priority: 'high', channel: 'social_media', complaint: true } as const;
    await step('routing', ticketA, 1, routingProcess, { type: 'TicketRouted', data: { ...routed, department: 'billing', round: 1, deadlines: deadlines(0) } });
    await step('routing', ticketA, 1, routingProcess, { type: 'ManagementInvolved', data: { reason: 'complaint' } });
    await step('routing', ticketA, 5, ana, { type: 'HandlerAssigned', data: { department: 'billing', handlerId: 'h-ana', method: 'claim', reason: 'claimed' } });
    await step('routing', ticketA, 10, ana, { type: 'TransferRequested', data: { fromDepartment: 'billing', toDepartment: 'logistics', reason: 'lost parcel' } }, 'lost parcel');
    await step('routing', ticketA, 12, lee, { type: 'TransferAccepted', data: { fromDepartment: 'billing', toDepartment: 'logistics', previousHandlerId: 'h-ana' } });
    await step('routing', ticketA, 13, lou, { type: 'HandlerAssigned', data: { department: 'logistics', handlerId: 'h-lou', method: 'claim', reason: 'claimed' } });
    await step('routing', ticketA, 31, routingProcess, { type: 'DeadlineBreached', data: { deadline: 'first_response', round: 1, department: 'logistics', dueAt: iso(30) } });
    await step('routing', ticketA, 31, routingProcess, {
      type: 'TicketEscalated',
      data: { level: 'department_manager', trigger: 'first_response_overdue', round: 1, department: 'logistics', reason: 'no plan within 30 minutes', dueAt: iso(30) },
    });
    await step('routing', ticketA, 40, lou, { type: 'ProgressReported', data: { round: 1, department: 'logistics', note: 'Tracing the parcel.', firstResponse: true } });
    const remedy = { complaint: true, apology: 'We are sorry.', correctiveAction: 'Duplicate charges are now checked daily.' };
    await step('routing', ticketA, 120, lou, { type: 'ResultReported', data: { round: 1, department: 'logistics', handlerId: 'h-lou', summary: 'Refund issued.', ...remedy } });
    await step('followup', ticketA, 125, followupProcess, {
      type: 'ConfirmationRequested',
      data: { round: 1, resolvedBy: 'department', department: 'logistics', resultSummary: 'Refund issued.', apology: remedy.apology, correctiveAction: remedy.correctiveAction },
    });
    await step('followup', ticketA, 130, agent, { type: 'CustomerObjected', data: { round: 1, resolvedBy: 'department', department: 'logistics', objection: 'No refund yet.' } }, 'No refund yet.');
    await step('routing', ticketA, 131, routingProcess, { type: 'TicketReopened', data: { round: 2, department: 'logistics', handlerId: 'h-lou', objection: 'No refund yet.', deadlines: deadlines(130) } });
    await step('routing', ticketA, 150, lou, { type: 'ProgressReported', data: { round: 2, department: 'logistics', note: 'Asking the bank.', firstResponse: true } });
    await step('routing', ticketA, 200, lou, { type: 'ResultReported', data: { round: 2, department: 'logistics', handlerId: 'h-lou', summary: 'Refund arrived.', ...remedy } });
    await step('followup', ticketA, 205, followupProcess, { type: 'ConfirmationRequested', data: { round: 2, resolvedBy: 'department', department: 'logistics', resultSummary: 'Refund arrived.' } });
    await step('followup', ticketA, 210, agent, { type: 'CustomerConfirmedSatisfaction', data: { round: 2 } });
    await step('followup', ticketA, 210, followupProcess, { type: 'TicketClosed', data: { outcome: 'satisfied', round: 2 } });
    await step('routing', ticketA, 211, routingProcess, { type: 'HandlingClosed', data: { outcome: 'satisfied', round: 2 } });
    const historyA = history.splice(0);

    // Ticket B: a consultation CS answered at first contact; the follow-up event shares the answer's minute.
    await step('intake', ticketB, 60, agent, {
      type: 'ContactRecorded',
      data: { sourceSystem: 'hotline', externalId: `call-${suffix}`, channel: 'hotline', type: 'consultation', customer: sealedCustomer(customerB), subject: 'Opening hours', description: 'Open on Saturday?' },
    });
    await step('intake', ticketB, 60, intakeProcess, {
      type: 'TicketClassified',
      data: { category: 'opening_hours', priority: 'low', resolution: 'first_contact', matched: { category: 'a', priority: 'b', resolution: 'c' }, rulesVersion: 'v1' },
    });
    await step('intake', ticketB, 63, agent, { type: 'AnsweredAtFirstContact', data: { answer: 'Saturdays 09:00 to 17:00.' } });
    await step('followup', ticketB, 63, followupProcess, { type: 'ConfirmationRequested', data: { round: 0, resolvedBy: 'first_contact', resultSummary: 'Saturdays 09:00 to 17:00.' } });
    await step('followup', ticketB, 65, agent, { type: 'CustomerConfirmedSatisfaction', data: { round: 0 } });
    await step('followup', ticketB, 65, followupProcess, { type: 'TicketClosed', data: { outcome: 'satisfied', round: 0 } });
    const historyB = history.splice(0);

    // Published against the workflow (follow-up first, intake last), each topic with redeliveries.
    const of = (service: Service, events: readonly RecordedEvent[]) => events.filter((event) => event.streamId.startsWith(`${service}-`));
    const all = [...historyA, ...historyB];
    const redelivered = [...of('followup', historyA).slice(0, 2), ...of('routing', historyA).slice(0, 3), ...of('intake', historyB)];
    for (const service of ['followup', 'routing', 'intake'] as const) {
      await publish(service, of(service, all));
      await publish(service, of(service, redelivered));
    }
    const consumers = app.get(ConsumersLifecycle);
    await eventually(async () => {
      const [status] = consumers.statuses();
      return status.applied === all.length && status.duplicates === redelivered.length;
    }, 'every event applied and every redelivery skipped');
    expect(consumers.statuses()[0]).toMatchObject({ name: 'timeline', applied: 28, duplicates: 8, deadLettered: 0 });

    const auditor = token('auditor');
    const a = await get(`/v1/tickets/${ticketA}/timeline`, auditor);
    expect(a.status).toBe(200);
    expect(a.body.ticketId).toBe(ticketA);
    expect(a.body.entries.map((entry: { eventId: string }) => entry.eventId)).toEqual(historyA.map((event) => event.eventId));
    expect(a.body.entries.map((entry: { summary: string }) => entry.summary)).toEqual([
      'a complaint received via social media (wechat)',
      'classified as billing, priority high, for a department',
      'handed over to a department; a complaint, so management too',
      'routed to billing by rule billing-by-category (round 1)',
      'management involved: complaint',
      'claimed by h-ana',
      'transfer from billing to logistics requested',
      'passed from billing to logistics',
      'claimed by h-lou',
      'first-response deadline missed by logistics (round 1)',
      'escalated to the logistics manager: first response overdue (logistics, round 1)',
      'first response (handling plan) by logistics (round 1)',
      'result reported by h-lou of logistics (round 1), with an apology and a corrective action',
      'CS asks the customer to confirm the logistics result (round 1)',
      'customer not satisfied (round 1)',
      'reopened for round 2 with logistics',
      'first response (handling plan) by logistics (round 2)',
      'result reported by h-lou of logistics (round 2), with an apology and a corrective action',
      'CS asks the customer to confirm the logistics result (round 2)',
      'customer satisfied (round 2)',
      'closed: customer satisfied (round 2)',
      'department handling closed (round 2)',
    ]);
    const objection = historyA.find((event) => event.type === 'CustomerObjected')!;
    expect(a.body.entries.find((entry: { type: string }) => entry.type === 'CustomerObjected')).toEqual({
      eventId: objection.eventId,
      service: 'followup',
      streamId: followupStreamId(ticketA),
      streamPosition: 1,
      type: 'CustomerObjected',
      schemaVersion: 1,
      occurredAt: iso(130),
      recordedAt: new Date(objection.metadata.recordedAt).toISOString(),
      actorId: 'agent-1',
      role: 'cs',
      department: null,
      reason: 'No refund yet.',
      correlationId: `corr-${ticketA}`,
      causationId: objection.metadata.causationId,
      summary: 'customer not satisfied (round 1)',
      data: { round: 1, resolvedBy: 'department', department: 'logistics', objection: 'No refund yet.' },
    });
    expect(a.body.entries[0].data).toEqual({
      sourceSystem: 'wechat-bridge',
      externalId: `msg-${suffix}`,
      channel: 'social_media',
      platform: 'wechat',
      type: 'complaint',
      customer: { customerId: customerA.customerId },
      subject: 'Parcel charged twice',
      description: 'The parcel never came and I was charged twice.',
    });
    expect(a.body.entries[7]).toMatchObject({ actorId: 'm-lee', role: 'department_manager', department: 'logistics' });
    expect(a.body.lifecycle).toEqual({
      ticketId: ticketA,
      subject: 'Parcel charged twice',
      channel: 'social_media',
      type: 'complaint',
      complaint: true,
      openedAt: iso(0),
      firstResponseAt: iso(40),
      resolvedAt: iso(200),
      closedAt: iso(210),
      outcome: 'satisfied',
      resolvedAtFirstContact: false,
      rounds: 2,
      reopens: 1,
      firstResponseMinutes: 40,
      resolutionMinutes: 200,
      pausedMinutes: 0,
      // Round 1's plan came 10 minutes late; round 2's came in time; both results within 24 hours.
      firstResponseDeadlineMet: false,
      resolutionDeadlineMet: true,
      departmentsVisited: ['billing', 'logistics'],
      escalationCount: 1,
      escalations: [{ level: 'department_manager', trigger: 'first_response_overdue', round: 1, department: 'logistics', at: iso(31) }],
      managementInvolved: true,
      eventCount: 22,
      updatedAt: expect.any(String),
    });

    const b = await get(`/v1/tickets/${ticketB}/timeline`, token('cs'));
    expect(b.status).toBe(200);
    expect(b.body.entries.map((entry: { eventId: string }) => entry.eventId)).toEqual(historyB.map((event) => event.eventId));
    expect(b.body.entries.map((entry: { summary: string }) => entry.summary)).toEqual([
      'a consultation received via hotline',
      'classified as opening_hours, priority low, for CS to answer at first contact',
      'answered by CS at first contact',
      'CS asks the customer to confirm the first-contact answer',
      'customer satisfied with the first-contact answer',
      'closed: customer satisfied with the first-contact answer',
    ]);
    expect(b.body.entries[0].data).not.toHaveProperty('customer');
    expect(b.body.lifecycle).toMatchObject({
      channel: 'hotline',
      type: 'consultation',
      complaint: false,
      openedAt: iso(60),
      firstResponseAt: iso(63),
      resolvedAt: iso(63),
      closedAt: iso(65),
      outcome: 'satisfied',
      resolvedAtFirstContact: true,
      rounds: 1,
      reopens: 0,
      firstResponseMinutes: 3,
      resolutionMinutes: 3,
      firstResponseDeadlineMet: null,
      resolutionDeadlineMet: null,
      departmentsVisited: [],
      escalationCount: 0,
      managementInvolved: false,
      eventCount: 6,
    });

    // The database: one row per event, and no contact detail in any table of it.
    const { rows: counts } = await sql.query('SELECT ticket_id, count(*)::int AS n FROM ticket_timeline_entries GROUP BY ticket_id ORDER BY n DESC');
    expect(counts).toEqual([
      { ticket_id: ticketA, n: 22 },
      { ticket_id: ticketB, n: 6 },
    ]);
    const { rows: tables } = await sql.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    expect(tables.map((row: { table_name: string }) => row.table_name)).toEqual(expect.arrayContaining(['ticket_timeline_entries', 'ticket_lifecycles']));
    for (const { table_name: table } of tables as { table_name: string }[]) {
      const { rows } = await sql.query(`SELECT coalesce(string_agg(t::text, E'\\n'), '') AS dump FROM "${table}" t`);
      for (const detail of contactDetails) expect({ table, found: (rows[0].dump as string).includes(detail) }).toEqual({ table, found: false });
    }
    const logs = logLines.join('\n');
    expect(logs).toContain('consumer started');
    for (const detail of contactDetails) expect(logs).not.toContain(detail);
  });

  it('lists lifecycles with their subject, filtered on the server and paged by cursor, newest opened first', async () => {
    const qa = token('qa');
    const ids = async (query: string) => {
      const response = await get(`/v1/tickets${query}`, qa);
      expect(response.status).toBe(200);
      return response.body.items.map((item: { ticketId: string }) => item.ticketId);
    };
    expect(await ids('')).toEqual([ticketB, ticketA]);
    expect(await ids('?outcome=satisfied&department=logistics')).toEqual([ticketA]);
    expect(await ids('?department=billing')).toEqual([ticketA]);
    expect(await ids('?outcome=open')).toEqual([]);
    expect(await ids(`?from=${iso(30)}`)).toEqual([ticketB]);
    expect(await ids(`?from=${iso(0)}&to=${iso(60)}`)).toEqual([ticketA]);
    expect(await ids('?complaint=true')).toEqual([ticketA]);
    expect(await ids('?complaint=false')).toEqual([ticketB]);
    expect(await ids('?escalated=true')).toEqual([ticketA]);
    expect(await ids('?escalated=false')).toEqual([ticketB]);
    expect(await ids('?outcome=open&complaint=true')).toEqual([]);

    // Past the first page: one a page, each once, then no cursor.
    const first = await get('/v1/tickets?limit=1&count=true', token('management'));
    expect(first.body).toMatchObject({ total: 2, items: [{ ticketId: ticketB, outcome: 'satisfied', resolvedAtFirstContact: true }], nextCursor: expect.any(String) });
    const second = await get(`/v1/tickets?limit=1&cursor=${first.body.nextCursor}`, token('management'));
    expect(second.body).toEqual({ items: [expect.objectContaining({ ticketId: ticketA, subject: 'Parcel charged twice' })], nextCursor: null });

    const invalid = await get('/v1/tickets?outcome=maybe&limit=0&colour=red', qa);
    expect(invalid.status).toBe(400);
    expect(invalid.body.fields.map((field: { field: string }) => field.field).sort()).toEqual(['colour', 'limit', 'outcome']);
    const badCursor = await get('/v1/tickets?cursor=Zm9v', qa);
    expect({ status: badCursor.status, fields: badCursor.body.fields.map((field: { field: string }) => field.field) }).toEqual({ status: 400, fields: ['cursor'] });
    expect((await get('/v1/tickets?offset=1', qa)).body.fields.map((field: { field: string }) => field.field)).toEqual(['offset']);
  });

  it('puts the reads and the erasure of contact details on the timeline, and shows it only to the departments that held the ticket', async () => {
    const ticketC = randomUUID();
    const customerC = { name: `Zhao Lei ${suffix}`, phone: `+86 137 ${digits}` };
    const sealed = sealedCustomer(customerC);
    const director: Actor = { id: 'd-zhou', role: 'management' };
    const readReason = 'Complaint review with the customer';
    const erasureReason = 'The customer asked to be forgotten';
    await step('intake', ticketC, 300, agent, {
      type: 'ContactRecorded',
      data: { sourceSystem: 'hotline', externalId: `call-c-${suffix}`, channel: 'hotline', type: 'feedback', customer: sealed, subject: 'Invoice', description: 'Wrong address.' },
    });
    await step('intake', ticketC, 301, agent, {
      type: 'TicketHandedOver',
      data: { channel: 'hotline', type: 'feedback', category: 'billing', priority: 'normal', customer: sealed, subject: 'Invoice', description: 'Wrong address.', complaint: false, reason: 'cs_could_not_answer' },
    });
    const routed = { rule: 'billing-by-category', reason: 'category billing', type: 'feedback', category: 'billing', priority: 'normal', channel: 'hotline', complaint: false } as const;
    await step('routing', ticketC, 302, routingProcess, { type: 'TicketRouted', data: { ...routed, department: 'billing', round: 1, deadlines: deadlines(301) } });
    const routingPrivacy = privacyStreamId('routing', ticketC);
    await step('routing', ticketC, 303, ana, { type: 'CustomerDetailsRead', data: { keyId: sealed.keyId, purpose: 'handling' } }, undefined, routingPrivacy);
    await step('routing', ticketC, 304, director, { type: 'CustomerDetailsRead', data: { keyId: sealed.keyId, purpose: 'other_work', reason: readReason } }, readReason, routingPrivacy);
    await step('followup', ticketC, 305, agent, { type: 'CustomerDetailsRead', data: { keyId: sealed.keyId, purpose: 'handling' } }, undefined, privacyStreamId('followup', ticketC));
    await step('intake', ticketC, 306, director, { type: 'CustomerDataErased', data: { keyId: sealed.keyId, reason: erasureReason } }, erasureReason, privacyStreamId('intake', ticketC));
    const historyC = history.splice(0);
    for (const service of ['routing', 'followup', 'intake'] as const) {
      await publish(service, historyC.filter((event) => event.streamId.startsWith(`${service}-`)));
    }

    const auditor = token('auditor');
    const c = await eventually(async () => {
      const response = await get(`/v1/tickets/${ticketC}/timeline`, auditor);
      return response.status === 200 && response.body.entries.length === historyC.length ? response.body : undefined;
    }, 'ticket C’s whole timeline');
    expect(c.entries.map((entry: { eventId: string }) => entry.eventId)).toEqual(historyC.map((event) => event.eventId));
    expect(c.entries.slice(3).map(({ service, streamId, type, actorId, reason, summary, data }: Record<string, unknown>) => ({ service, streamId, type, actorId, reason, summary, data }))).toEqual([
      {
        service: 'routing',
        streamId: routingPrivacy,
        type: 'CustomerDetailsRead',
        actorId: 'h-ana',
        reason: null,
        summary: 'customer contact details read for handling the ticket',
        data: { keyId: sealed.keyId, purpose: 'handling' },
      },
      {
        service: 'routing',
        streamId: routingPrivacy,
        type: 'CustomerDetailsRead',
        actorId: 'd-zhou',
        reason: readReason,
        summary: `customer contact details read for other work: ${readReason}`,
        data: { keyId: sealed.keyId, purpose: 'other_work', reason: readReason },
      },
      {
        service: 'followup',
        streamId: privacyStreamId('followup', ticketC),
        type: 'CustomerDetailsRead',
        actorId: 'agent-1',
        reason: null,
        summary: 'customer contact details read for handling the ticket',
        data: { keyId: sealed.keyId, purpose: 'handling' },
      },
      {
        service: 'intake',
        streamId: privacyStreamId('intake', ticketC),
        type: 'CustomerDataErased',
        actorId: 'd-zhou',
        reason: erasureReason,
        summary: `customer contact details erased on request: ${erasureReason}`,
        data: { keyId: sealed.keyId, reason: erasureReason },
      },
    ]);
    // On the record, but no figure moves: the reads are not responses.
    expect(c.lifecycle).toMatchObject({ departmentsVisited: ['billing'], firstResponseAt: null, outcome: null, eventCount: historyC.length });
    const { rows } = await sql.query('SELECT type, count(*)::int AS n FROM ticket_timeline_entries WHERE ticket_id = $1 GROUP BY type ORDER BY type', [ticketC]);
    expect(rows).toEqual([
      { type: 'ContactRecorded', n: 1 },
      { type: 'CustomerDataErased', n: 1 },
      { type: 'CustomerDetailsRead', n: 3 },
      { type: 'TicketHandedOver', n: 1 },
      { type: 'TicketRouted', n: 1 },
    ]);
    const dump = JSON.stringify(c);
    for (const detail of Object.values(customerC)) expect(dump).not.toContain(detail);

    // A department reads the timelines of the tickets it has held, and of no other.
    expect((await get(`/v1/tickets/${ticketC}/timeline`, token('department_handler', 'billing'))).status).toBe(200);
    expect((await get(`/v1/tickets/${ticketC}/timeline`, token('department_handler', 'logistics'))).status).toBe(403);
    expect((await get(`/v1/tickets/${ticketA}/timeline`, token('department_manager', 'logistics'))).status).toBe(200);
    expect((await get(`/v1/tickets/${ticketA}/timeline`, token('department_handler', 'product'))).status).toBe(403);
    // Answered by CS at first contact: no department ever held it.
    expect((await get(`/v1/tickets/${ticketB}/timeline`, token('department_manager', 'billing'))).status).toBe(403);
  });

  it('refuses the unknown ticket, the unauthenticated and the roles that may not read', async () => {
    expect((await get(`/v1/tickets/${randomUUID()}/timeline`, token('cs'))).status).toBe(404);
    expect((await get(`/v1/tickets/not-a-uuid/timeline`, token('cs'))).status).toBe(400);
    expect((await get(`/v1/tickets/${ticketA}/timeline`)).status).toBe(401);
    expect((await get('/v1/tickets')).status).toBe(401);
    expect((await get('/v1/tickets', token('cs'))).status).toBe(403);
    expect((await get('/v1/tickets', token('department_manager', 'billing'))).status).toBe(403);
  });
});

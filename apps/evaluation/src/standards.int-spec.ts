import { readAllEvents } from '@handoff/audit';
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { DEFAULT_COMPLAINT_CAUSES, schemaVersionOf, TOPICS, type Actor, type RecordedEvent } from '@handoff/contracts';
import type { PostgresEventStore } from '@handoff/event-store';
import { createKafka, toKafkaMessage } from '@handoff/messaging';
import { JsonLogger, loadConfig, signToken } from '@handoff/platform';
import { createTestDatabase, eventually, kafkaBrokers, type TestDatabase, testServerUrl, uniqueSuffix } from '@handoff/testing';
import { deleteTopicsUnder, scratchEventStores, startInProcess } from '@handoff/testing/services';
import { ALWAYS_OPEN } from '@handoff/service-time';
import { evaluationConfigSchema, kpiPolicyOf } from './config';
import { EvaluationModule } from './evaluation.module';
import { complaintReport, kpiReportFromEvents, type KpiQuery } from './kpis/kpis';
import { marchHistory, REPORT_WINDOW, TICKET_KEYS, type Service, type TicketKey } from './kpis/march.fixture';
import { serviceRecordsFromEvents } from './records/service-record';

/**
 * Evaluation in-process against the real broker and PostgreSQL: the hand-computed March history
 * (kpis/march.fixture.ts) is appended to three scratch event stores standing in for intake,
 * routing and follow-up and published on this run's topics. Then, over HTTP: the KPIs equal a
 * recomputation from the events read back from those stores; QA draws, redraws, inspects and
 * follows up a corrective action; people are assessed and ranked.
 */

const TOPIC_OF: Record<Service, string> = { intake: TOPICS.intakeEvents, routing: TOPICS.routingEvents, followup: TOPICS.followupEvents };


describe('evaluation: service standards, quality inspection and assessment over HTTP', () => {
  const suffix = uniqueSuffix();
  const prefix = `test.standards-${suffix}.`;
  const secret = `standards-int-spec-${suffix}`;
  const ids = Object.fromEntries(TICKET_KEYS.map((key) => [key, randomUUID()])) as Record<TicketKey, string>;
  const keyOf = new Map(Object.entries(ids).map(([key, id]) => [id, key as TicketKey]));

  const databases: TestDatabase[] = [];
  let stores: Readonly<Record<Service, PostgresEventStore>>;
  let closeStores: (() => Promise<void>) | undefined;
  let app: NestExpressApplication;
  let baseUrl: string;
  let kafka: Kafka;
  let producer: Producer;
  let config: ReturnType<typeof loadConfig<typeof evaluationConfigSchema>>;

  const token = (role: Actor['role'], sub = `${role}-1`, department?: string) => signToken({ sub, role, ...(department ? { department } : {}) }, secret);
  async function call(method: 'GET' | 'POST', url: string, bearer: string, body?: unknown): Promise<{ status: number; body: any; text: string; type: string | null }> {
    const response = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const type = response.headers.get('content-type');
    return { status: response.status, text, type, body: type?.startsWith('application/json') ? JSON.parse(text) : undefined };
  }

  /** Every event of the three stores, read back from the stores themselves. */
  async function storedEvents(): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for (const [service, store] of Object.entries(stores)) {
      for await (const event of readAllEvents({ service, store })) events.push(event);
    }
    return events;
  }

  beforeAll(async () => {
    ({ stores, close: closeStores } = await scratchEventStores('standards', ['intake', 'routing', 'followup']));
    const evaluationDatabase = await createTestDatabase('standards');
    databases.push(evaluationDatabase);

    // Today's policies differ from those the history was recorded under (see kpis.spec.ts).
    const folder = mkdtempSync(path.join(tmpdir(), 'handoff-standards-'));
    const file = (name: string, content: unknown) => {
      const where = path.join(folder, name);
      writeFileSync(where, JSON.stringify(content));
      return where;
    };
    config = loadConfig(evaluationConfigSchema, {
      DATABASE_URL: testServerUrl(),
      DATABASE_NAME: evaluationDatabase.name,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      AUTH_TOKEN_SECRET: secret,
      LOG_LEVEL: 'warn',
      DEADLINE_POLICY_FILE: file('deadlines.json', {
        version: 'p-now',
        firstResponseMinutes: { default: 60 },
        resolutionMinutes: { default: 120 },
        calendar: ALWAYS_OPEN,
        countIn: 'clock',
      }),
      KPI_TARGETS_FILE: file('targets.json', {
        versions: [
          { version: 'targets-2024', effectiveFrom: '2024-01-01T00:00:00+08:00', targets: { satisfactionRate: { min: 0.9 }, complaintRate: { max: 0.4 } } },
          { version: 'targets-2025', effectiveFrom: '2025-03-05T00:00:00+08:00', targets: { satisfactionRate: { min: 0.7 }, complaintRate: { max: 0.6 } } },
        ],
      }),
      QA_SAMPLING_POLICY_FILE: file('sampling.json', {
        version: 'sampling-test',
        default: { cadence: 'week', rate: 0.1 },
        small: { cadence: 'month', rate: 0.3, maxMembers: 5 },
        large: { cadence: 'week', rate: 0.15, minMembers: 30 },
        teams: { cs: { members: 40, cadence: 'week', rate: 0.5 }, billing: { members: 3 } },
      }),
    });
    const logger = new JsonLogger('evaluation', 'warn', () => undefined);
    ({ app, url: baseUrl } = await startInProcess(EvaluationModule.forRoot(config), logger));

    kafka = createKafka({ brokers: kafkaBrokers(), clientId: `standards-int-spec-${suffix}` });
    producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();

    // The history, into the stores (real envelopes: positions, hashes, recorded-at) and onto the topics.
    const published: Record<Service, RecordedEvent[]> = { intake: [], routing: [], followup: [] };
    for (const step of marchHistory()) {
      const ticketId = ids[step.ticket];
      const streamId = step.privacy ? `${step.service}-privacy-${ticketId}` : `${step.service}-ticket-${ticketId}`;
      const { actor } = step;
      const { events } = await stores[step.service].append(
        streamId,
        [
          {
            eventId: randomUUID(),
            type: step.event.type,
            schemaVersion: step.version ?? schemaVersionOf(step.event.type),
            ticketId,
            data: step.event.data,
            metadata: {
              correlationId: `corr-${ticketId}`,
              causationId: randomUUID(),
              actorId: actor.id,
              role: actor.role,
              ...(actor.department ? { department: actor.department } : {}),
              occurredAt: step.at,
            },
          },
        ],
        'any',
      );
      published[step.service].push(...events);
    }
    for (const service of ['intake', 'routing', 'followup'] as const) {
      await producer.send({ topic: `${prefix}${TOPIC_OF[service]}`, acks: -1, messages: published[service].map(toKafkaMessage) });
    }
    const expected = new Map<string, number>();
    for (const event of Object.values(published).flat()) expected.set(event.ticketId, (expected.get(event.ticketId) ?? 0) + 1);
    await eventually(async () => {
      for (const [ticketId, count] of expected) {
        const timeline = await call('GET', `/v1/tickets/${ticketId}/timeline`, token('auditor'));
        if (timeline.status !== 200 || timeline.body.lifecycle.eventCount !== count) return false;
      }
      return true;
    }, 'every ticket’s timeline complete');
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    await closeStores?.();
    for (const database of databases) await database.drop();
    if (kafka) await deleteTopicsUnder(kafka, prefix);
  });

  it('serves KPIs equal to a recomputation from the event stores alone, for every grouping and both policies', async () => {
    const events = await storedEvents();
    const queries: Partial<KpiQuery>[] = [
      {},
      { policy: 'now' },
      { groupBy: 'agent' },
      { groupBy: 'department', policy: 'now' },
      { groupBy: 'channel' },
      { groupBy: 'type', period: 'week' },
      { groupBy: 'period', period: 'day' },
      { groupBy: 'period', period: 'week', policy: 'now' },
    ];
    for (const query of queries) {
      const full = { ...REPORT_WINDOW, policy: 'then' as const, ...query };
      const params = new URLSearchParams(Object.entries(full) as [string, string][]);
      const live = await call('GET', `/v1/kpis?${params}`, token('management'));
      expect(live.status).toBe(200);
      expect(live.body).toEqual(kpiReportFromEvents(events, full, kpiPolicyOf(config), new Date(live.body.asOf)));
    }
    // And they are the hand-computed figures (kpis.spec.ts works them out).
    const total = (await call('GET', `/v1/kpis?from=${encodeURIComponent(REPORT_WINDOW.from)}&to=${encodeURIComponent(REPORT_WINDOW.to)}`, token('qa'))).body.total;
    expect(total.figures).toMatchObject({ tickets: 6, complaints: 3, satisfactionRate: 0.75, firstResponseMinutes: { count: 4, median: 17.5, p90: 39 }, resolutionMinutes: { median: 60, p90: 156 } });
    expect(total.targets).toEqual([
      { kpi: 'satisfactionRate', actual: 0.75, target: { min: 0.9 }, met: false },
      { kpi: 'complaintRate', actual: 0.5, target: { max: 0.4 }, met: false },
    ]);

    const complaints = await call('GET', `/v1/kpis/complaints?from=${encodeURIComponent(REPORT_WINDOW.from)}`, token('qa'));
    expect(complaints.status).toBe(200);
    expect(complaints.body).toEqual(complaintReport(serviceRecordsFromEvents(events), { from: REPORT_WINDOW.from }, DEFAULT_COMPLAINT_CAUSES));
    expect(complaints.body.byCause.map((share: { key: string; count: number }) => [share.key, share.count])).toEqual([
      ['billing_error', 1], // T2: the cause its department named
      ['not_reported', 1], // T6: no result yet
      ['unclassified', 1], // T5: a v1 result, from before causes were asked
    ]);
  });

  it('exports CSV, scopes a department manager to their department, and refuses bad parameters', async () => {
    const csv = await call('GET', `/v1/kpis?format=csv&groupBy=channel&from=${encodeURIComponent(REPORT_WINDOW.from)}`, token('management'));
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^period,group_by,group,tickets,/);
    expect(lines.slice(1).map((line) => line.split(',').slice(2, 4))).toEqual([
      ['total', '6'],
      ['email', '1'],
      ['hotline', '2'],
      ['social_media', '1'],
      ['web_chat', '2'],
    ]);

    const billing = await call('GET', `/v1/kpis?from=${encodeURIComponent(REPORT_WINDOW.from)}`, token('department_manager', 'm-qian', 'billing'));
    expect(billing.status).toBe(200);
    expect(billing.body).toMatchObject({ department: 'billing', total: { figures: { tickets: 2, complaints: 2 } } });
    expect((await call('GET', '/v1/kpis?department=product', token('department_manager', 'm-qian', 'billing'))).status).toBe(403);
    expect((await call('GET', '/v1/kpis', token('cs'))).status).toBe(403);
    expect((await call('GET', '/v1/kpis?groupBy=weather', token('qa'))).status).toBe(400);
    expect((await call('GET', '/v1/kpis?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z', token('qa'))).status).toBe(400);
  });

  it('QA draws a seeded sample of the policy’s size, shared among the channels; the same seed draws it again; records carry completeness flags', async () => {
    const qa = token('qa', 'inspector-1');
    const first = await call('POST', '/v1/qa/samples', qa, { team: 'cs', period: '2025-W10', seed: 7 });
    expect(first.status).toBe(201);
    // CS worked on T1–T5 in week 10: two web chats (T1, T4), a call (T2), an e-mail (T3), a WeChat message (T5).
    // cs samples half its records a week: ceil(2.5) = 3, shared by largest remainder: web chat 1.2 → 1,
    // hotline, e-mail and WeChat 0.6 each → two of them (the seed decides which).
    expect(first.body).toMatchObject({
      team: 'cs', period: '2025-W10', seed: 7, populationSize: 5, targetSize: 3, size: 3, method: 'proportional',
      policy: { version: 'sampling-test', rule: 'team', cadence: 'week', rate: 0.5 }, previousSampleIds: [], previouslySampledAgents: [],
    });
    expect(first.body.agents).toEqual(['agent-a', 'agent-b', 'agent-c']);
    expect(first.body.channels).toEqual(['email', 'hotline', 'social_media', 'web_chat']);
    const sampled = (first.body.ticketIds as string[]).map((id) => keyOf.get(id));
    expect(sampled).toHaveLength(3);
    expect(sampled.filter((key) => key === 'T1' || key === 'T4')).toHaveLength(1);
    expect(first.body.allocation.find((share: { channel: string }) => share.channel === 'web_chat')).toEqual({ channel: 'web_chat', population: 2, sampled: 1 });

    const again = await call('POST', '/v1/qa/samples', qa, { team: 'cs', period: '2025-W10', seed: 7 });
    expect(again.status).toBe(201);
    expect(again.body.sampleId).not.toBe(first.body.sampleId);
    expect(again.body.ticketIds).toEqual(first.body.ticketIds);
    const seeds = await Promise.all([1, 2, 3, 4, 5, 6].map(async (seed) => (await call('POST', '/v1/qa/samples', qa, { team: 'cs', period: '2025-W10', seed })).body.ticketIds));
    expect(new Set(seeds.map((ticketIds) => JSON.stringify(ticketIds))).size).toBeGreaterThan(1);
    const randomSeed = await call('POST', '/v1/qa/samples', qa, { team: 'cs', period: '2025-W10' });
    expect(randomSeed.body.seed).toEqual(expect.any(Number));

    // Billing has 3 members: a small team, sampled per month (30%): T2 and T6, the only ones it held in March.
    expect((await call('POST', '/v1/qa/samples', qa, { team: 'billing', period: '2025-W10' })).status).toBe(400);
    const billing = await call('POST', '/v1/qa/samples', qa, { team: 'billing', period: '2025-03', seed: 1 });
    expect(billing.body).toMatchObject({ policy: { rule: 'small', cadence: 'month', rate: 0.3 }, populationSize: 2, agents: ['h-ana'] });
    expect((await call('POST', '/v1/qa/samples', qa, { team: 'billing', period: '2025-04' })).status).toBe(412);
    expect((await call('POST', '/v1/qa/samples', token('management'), { team: 'cs', period: '2025-W10' })).status).toBe(403);

    const view = await call('GET', `/v1/qa/samples/${first.body.sampleId}`, token('management'));
    expect(view.status).toBe(200);
    expect(view.body.redraw).toMatchObject({ populationSize: 5, samePopulation: true, sameSample: true });
    const missing = Object.fromEntries(view.body.records.map((record: { ticketId: string; missing: string[]; needsImprovement: boolean }) => [keyOf.get(record.ticketId), [record.missing, record.needsImprovement]]));
    const known: Record<string, unknown> = {
      T2: [[], false],
      T3: [['customer_confirmation'], false],
      T4: [['handling_process', 'solution', 'customer_confirmation'], true],
      T5: [[], false],
    };
    expect(Object.keys(missing)).toHaveLength(3);
    for (const [key, flags] of Object.entries(missing)) if (key in known) expect(flags).toEqual(known[key]);
    const billingView = await call('GET', `/v1/qa/samples/${billing.body.sampleId}`, token('department_manager', 'm-qian', 'billing'));
    expect(billingView.status).toBe(200);
    expect((await call('GET', `/v1/qa/samples/${billing.body.sampleId}`, token('department_manager', 'm-guo', 'product'))).status).toBe(403);
    expect((await call('GET', `/v1/qa/samples/${randomUUID()}`, qa)).status).toBe(404);

    // Found again without its id: every sample of the team and period, newest first.
    const listed = await eventually(async () => {
      const list = await call('GET', '/v1/qa/samples?team=cs&period=2025-W10', qa);
      return list.body.items.length === 9 && list.body.items;
    }, 'the samples of cs in 2025-W10 listed');
    expect(listed.map((item: { seed: number }) => item.seed)).toEqual(expect.arrayContaining([7, 7, 1, 2, 3, 4, 5, 6]));
    expect(listed.find((item: { sampleId: string }) => item.sampleId === first.body.sampleId)).toEqual({
      sampleId: first.body.sampleId, team: 'cs', period: '2025-W10', seed: 7, size: 3, populationSize: 5, drawnBy: 'inspector-1', drawnAt: expect.any(String),
    });
    const drawnAt = listed.map((item: { drawnAt: string }) => item.drawnAt);
    expect([...drawnAt].sort().reverse()).toEqual(drawnAt);
    // Past the first page: two a page, the same nine in the same order, none twice.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { sampleId: string }[]; nextCursor: string | null } } = await call(
        'GET',
        `/v1/qa/samples?team=cs&period=2025-W10&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        qa,
      );
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.body.items.map((item) => item.sampleId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(listed.map((item: { sampleId: string }) => item.sampleId));
    const badLimit = await call('GET', '/v1/qa/samples?limit=500', qa);
    expect({ status: badLimit.status, fields: badLimit.body.fields.map((error: { field: string }) => error.field) }).toEqual({ status: 400, fields: ['limit'] });
    await eventually(async () => {
      const list = await call('GET', '/v1/qa/samples', token('department_manager', 'm-qian', 'billing'));
      return list.status === 200 && list.body.items.length === 1 && list.body.items[0].sampleId === billing.body.sampleId;
    }, 'billing’s sample listed for its manager');
    expect((await call('GET', '/v1/qa/samples?team=cs', token('department_manager', 'm-qian', 'billing'))).status).toBe(403);
    const badPeriod = await call('GET', '/v1/qa/samples?period=2025-13', qa);
    expect(badPeriod.status).toBe(400);
    expect(new Set(badPeriod.body.fields.map((error: { field: string }) => error.field))).toEqual(new Set(['period']));
  });

  it('serves the rubric in force, so the scoring form asks for its criteria', async () => {
    const rubric = await call('GET', '/v1/qa/rubric', token('qa', 'inspector-1'));
    expect(rubric.status).toBe(200);
    expect(rubric.body).toEqual(config.QA_RUBRIC_FILE);
    expect(rubric.body.criteria.map((criterion: { key: string }) => criterion.key)).toEqual(['wording', 'opening', 'accuracy', 'timeliness', 'completeness']);
  });

  it('QA scores a sampled record; a poor score needs a corrective action, which is tracked until completed', async () => {
    const qa = token('qa', 'inspector-1');
    const t2 = ids.T2;
    // A sample holding T2 (the hotline call): which calls a sample takes depends on its seed.
    let sample: { sampleId: string; ticketIds: string[] } = { sampleId: '', ticketIds: [] };
    for (let seed = 11; seed < 60 && !sample.ticketIds.includes(t2); seed++) sample = (await call('POST', '/v1/qa/samples', qa, { team: 'cs', period: '2025-W10', seed })).body;
    expect(sample.ticketIds).toContain(t2);
    const poor = { wording: 2, opening: 1, accuracy: 3, timeliness: 2, completeness: 3 };
    // 100 × (25·2/5 + 15·1/5 + 25·3/5 + 20·2/5 + 15·3/5) ÷ 100 = 10 + 3 + 15 + 8 + 9 = 45, below the pass mark of 60.
    expect((await call('POST', `/v1/qa/inspections/${t2}`, qa, { sampleId: sample.sampleId, scores: poor })).status).toBe(400);
    expect((await call('POST', `/v1/qa/inspections/${t2}`, qa, { sampleId: sample.sampleId, scores: { ...poor, empathy: 3 } })).status).toBe(400);
    const inspected = await call('POST', `/v1/qa/inspections/${t2}`, qa, {
      sampleId: sample.sampleId,
      scores: poor,
      note: 'No opening script; the objection was not acknowledged.',
      correctiveAction: { description: 'Coach agent-b on the opening script and on acknowledging objections.', dueAt: '2025-03-21T10:00:00+08:00' },
    });
    expect(inspected.status).toBe(200);
    expect(inspected.body).toMatchObject({ ticketId: t2, sampleId: sample.sampleId, total: 45, correctiveActionRequired: true, actionId: expect.any(String) });
    const good = { wording: 5, opening: 5, accuracy: 5, timeliness: 5, completeness: 5 };
    expect((await call('POST', `/v1/qa/inspections/${t2}`, qa, { sampleId: sample.sampleId, scores: good })).status).toBe(409);
    expect((await call('POST', `/v1/qa/inspections/${ids.T6}`, qa, { sampleId: sample.sampleId, scores: good })).status).toBe(412);
    expect((await call('POST', `/v1/qa/inspections/${t2}`, qa, { sampleId: randomUUID(), scores: good })).status).toBe(404);

    const { actionId } = inspected.body;
    const listed = await eventually(async () => {
      const list = await call('GET', '/v1/qa/corrective-actions?status=open', token('management'));
      return list.body.items.find((item: { actionId: string }) => item.actionId === actionId);
    }, 'the corrective action listed');
    expect(listed).toMatchObject({ ticketId: t2, subject: 'About T2', team: 'cs', assignees: ['agent-b'], status: 'open', requiredBy: 'inspector-1', dueAt: '2025-03-21T02:00:00.000Z' });
    const firstAction = await call('GET', '/v1/qa/corrective-actions?limit=1', qa);
    expect(firstAction.body).toEqual({ items: [expect.objectContaining({ actionId })], nextCursor: null });
    await eventually(async () => {
      const view = await call('GET', `/v1/qa/samples/${sample.sampleId}`, qa);
      return view.body.records.find((record: { ticketId: string }) => record.ticketId === t2)?.inspection?.total === 45;
    }, 'the inspection shown on the sample');
    const records = (await call('GET', `/v1/qa/samples/${sample.sampleId}`, qa)).body.records;
    expect(records.find((record: { ticketId: string }) => record.ticketId === t2).subject).toBe('About T2');

    expect((await call('POST', `/v1/qa/corrective-actions/${actionId}/complete`, token('department_manager', 'm-qian', 'billing'), { note: 'done' })).status).toBe(403);
    const done = await call('POST', `/v1/qa/corrective-actions/${actionId}/complete`, qa, { note: 'Coached on 12 March; listened to three calls since.' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ actionId, status: 'completed', completedBy: 'inspector-1' });
    expect((await call('POST', `/v1/qa/corrective-actions/${actionId}/complete`, qa, { note: 'again' })).status).toBe(409);
    expect((await call('POST', `/v1/qa/corrective-actions/${randomUUID()}/complete`, qa, { note: 'x' })).status).toBe(404);
    await eventually(async () => {
      const list = await call('GET', '/v1/qa/corrective-actions?status=completed', qa);
      return list.body.items.some((item: { actionId: string; completionNote: string }) => item.actionId === actionId && item.completionNote.startsWith('Coached'));
    }, 'the action completed in the list');
    expect((await call('GET', '/v1/qa/corrective-actions?team=cs', token('department_manager', 'm-qian', 'billing'))).status).toBe(403);
    expect((await call('GET', '/v1/qa/corrective-actions', token('department_manager', 'm-qian', 'billing'))).body.items).toEqual([]);
  });

  it('assesses people: self, supervisor and customer evaluation weighted into one score, ranked per team', async () => {
    const submit = async (bearer: string, part: 'self' | 'supervisor', body: unknown) => {
      const response = await call('POST', `/v1/assessments/${part}`, bearer, body);
      expect(response.status).toBe(200);
      return response.body;
    };
    const director = token('management', 'director-1');
    for (const [agentId, self, supervisor] of [
      ['agent-a', 80, 90],
      ['agent-b', 95, 70],
      ['agent-c', 60, 85],
    ] as const) {
      await submit(token('cs', agentId), 'self', { period: '2025-03', score: self, comment: 'My month.' });
      await submit(director, 'supervisor', { personId: agentId, team: 'cs', period: '2025-03', score: supervisor });
    }
    expect((await call('POST', '/v1/assessments/supervisor', token('department_manager', 'm-qian', 'billing'), { personId: 'agent-a', team: 'cs', period: '2025-03', score: 10 })).status).toBe(403);
    expect((await call('POST', '/v1/assessments/supervisor', director, { personId: 'agent-a', team: 'billing', period: '2025-03', score: 10 })).status).toBe(409);
    expect((await call('POST', '/v1/assessments/self', token('cs', 'agent-a'), { period: '2025-03', score: 101 })).status).toBe(400);

    const ranking = await eventually(async () => {
      const response = await call('GET', '/v1/assessments?team=cs&period=2025-03', token('qa'));
      return response.body.ranking?.filter((a: { complete: boolean }) => a.complete).length === 3 ? response.body : undefined;
    }, 'every evaluation in the ranking');
    // Customer parts from the confirmations: agent-a 1 of 1 satisfied, agent-b 1 of 2, agent-c 1 of 1.
    expect(ranking.ranking.map((a: { personId: string; total: number; rank: number }) => [a.personId, a.total, a.rank])).toEqual([
      ['agent-a', 91, 1], // 0.2 × 80 + 0.5 × 90 + 0.3 × 100
      ['agent-c', 84.5, 2], // 0.2 × 60 + 0.5 × 85 + 0.3 × 100
      ['agent-b', 69, 3], // 0.2 × 95 + 0.5 × 70 + 0.3 × 50
    ]);
    expect(ranking.stars).toEqual(['agent-a']);
    expect(ranking.ranking[2].parts).toEqual({ self: 95, supervisor: 70, customer: { score: 50, satisfied: 1, answers: 2 } });
    expect((await call('GET', '/v1/assessments?team=cs&period=2025-03', token('department_manager', 'm-qian', 'billing'))).status).toBe(403);
    const billing = await call('GET', '/v1/assessments?team=billing&period=2025-03', token('department_manager', 'm-qian', 'billing'));
    expect(billing.body.ranking).toEqual([expect.objectContaining({ personId: 'h-ana', complete: false, parts: expect.objectContaining({ customer: { score: 50, satisfied: 1, answers: 2 } }) })]);
  });
});

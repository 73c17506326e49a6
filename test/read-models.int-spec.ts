import {
  type Actor,
  type Command,
  type CommandMetadata,
  FOLLOWUP_EVENTS,
  INTAKE_EVENTS,
  ROUTING_EVENTS,
  STREAM_PREFIXES,
  followupStreamId,
  intakeStreamId,
  newId,
  parseContactPayload,
  routingStreamId,
  ticketIdForContact,
  typedEventOf,
  type RecordedEvent,
} from '@handoff/contracts';
import { CommandHandler, createPostgresEventStore, type PostgresEventStore } from '@handoff/event-store';
import {
  compareReadModel,
  countRecordedEvents,
  createScratchDatabase,
  mergedByRecordedAt,
  openReadModelDatabase,
  type ReadModel,
  type RebuildProgress,
  rebuildReadModel,
  type ServiceReadModels,
} from '@handoff/read-models';
import { EventConsumer } from '@handoff/messaging';
import { createKafka } from '@handoff/messaging';
import { createTestDatabase, kafkaBrokers, sealedCustomer, testServerUrl, uniqueSuffix, type TestDatabase } from '@handoff/testing';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { AuditSource } from '@handoff/audit';
import { react as followupReact } from '../apps/followup/src/confirmations/confirmations.react';
import { DEFAULT_CLASSIFICATION_RULES, classify } from '../apps/intake/src/contacts/classification';
import { contactsDecider } from '../apps/intake/src/contacts/contacts.decider';
import { react as intakeReact } from '../apps/intake/src/contacts/contacts.react';
import { react as routingReact } from '../apps/routing/src/tickets/tickets.react';
import { runAudit } from '../apps/audit/src/cli';
import { READ_MODEL_SERVICES } from '../apps/audit/src/read-model-commands';
import { testRoutingDecider, testFollowupDecider } from './support/deciders';

const MINUTE = 60_000;

/**
 * A small history made the way the services make it: the real deciders behind the real command
 * handler over three real PostgreSQL event stores, and the process managers' reactions applied
 * as they happen (what Kafka would carry between the services).
 */
class History {
  private readonly routing = testRoutingDecider();
  private readonly followup = testFollowupDecider();
  private readonly commands: Record<'intake' | 'routing' | 'followup', CommandHandler>;
  private clock = Date.now() - 30 * 24 * 60 * MINUTE;

  constructor(stores: Record<'intake' | 'routing' | 'followup', PostgresEventStore>) {
    this.commands = { intake: new CommandHandler(stores.intake), routing: new CommandHandler(stores.routing), followup: new CommandHandler(stores.followup) };
  }

  metadata(actor: Actor, afterMinutes = 1): CommandMetadata {
    this.clock += afterMinutes * MINUTE;
    return { now: new Date(this.clock), actor, correlationId: newId(), causationId: newId() };
  }

  async handle(streamId: string, command: Command): Promise<void> {
    const ticketId = streamId.slice(streamId.indexOf('ticket-') + 'ticket-'.length);
    const [commands, decider] = streamId.startsWith(STREAM_PREFIXES.intake)
      ? [this.commands.intake, contactsDecider]
      : streamId.startsWith(STREAM_PREFIXES.routing)
        ? [this.commands.routing, this.routing]
        : [this.commands.followup, this.followup];
    const { events } = await commands.handle(streamId, decider as never, command as never, { ticketId });
    for (const event of events) await this.publish(event);
  }

  private async publish(event: RecordedEvent): Promise<void> {
    const context = (id: string) => ({ now: new Date(this.clock), actor: { id, role: 'system' } as Actor });
    const intake = typedEventOf(INTAKE_EVENTS, event);
    const routed = typedEventOf(ROUTING_EVENTS, event);
    const followedUp = typedEventOf(FOLLOWUP_EVENTS, event);
    const reactions = [
      ...(followedUp ? intakeReact(followedUp, context('system:intake')) : []),
      ...((intake ?? followedUp) ? routingReact((intake ?? followedUp)!, context('system:routing')) : []),
      ...((intake ?? routed) ? followupReact((intake ?? routed)!, context('system:followup')) : []),
    ];
    for (const { streamId, command } of reactions) await this.handle(streamId, command);
  }

  async contact(index: number, input: Record<string, unknown>): Promise<string> {
    const contact = parseContactPayload({ sourceSystem: 'int-crm', externalId: `c-${index}-${uniqueSuffix()}`, channel: 'hotline', customer: { name: 'Wang Fang', phone: '13800138000' }, ...input });
    const ticketId = ticketIdForContact(contact.sourceSystem, contact.externalId);
    await this.handle(intakeStreamId(ticketId), {
      type: 'RecordContact',
      data: { ticketId, contact: { ...contact, customer: sealedCustomer(contact.customer) }, classification: classify(contact, DEFAULT_CLASSIFICATION_RULES) },
      metadata: this.metadata({ id: 'int-crm', role: 'system' }),
    });
    return ticketId;
  }
}

const cs: Actor = { id: 'agent-1', role: 'cs' };
const billing: Actor = { id: 'h-ana', role: 'department_handler', department: 'billing' };
const logistics: Actor = { id: 'h-lou', role: 'department_handler', department: 'logistics' };
const system: Actor = { id: 'system:routing-deadlines', role: 'system' };
const remedy = { apology: 'We are sorry.', correctiveAction: 'Charges are reconciled daily now.', cause: 'billing_error' };

/** Seven kinds of ticket life: satisfied, answered at first contact, objected to, transferred, late, unreachable, still open. */
async function makeHistory(history: History, tickets: number): Promise<void> {
  for (let index = 0; index < tickets; index++) {
    const kind = index % 7;
    const routing = (ticketId: string, actor: Actor, command: Omit<Command, 'metadata'>, after = 5) =>
      history.handle(routingStreamId(ticketId), { ...command, metadata: history.metadata(actor, after) } as Command);
    const confirm = (ticketId: string, data: Record<string, unknown>) =>
      history.handle(followupStreamId(ticketId), { type: 'RecordConfirmation', data, metadata: history.metadata(cs, 10) } as Command);
    if (kind === 0 || kind === 6) {
      const ticketId = await history.contact(index, { type: 'complaint', subject: 'Charged twice', description: 'I was charged twice for one invoice and want a refund.' });
      await routing(ticketId, billing, { type: 'ClaimTicket', data: {} });
      if (kind === 6) continue;
      await routing(ticketId, billing, { type: 'ReportProgress', data: { note: 'Asking the bank.' } });
      await routing(ticketId, billing, { type: 'ReportResult', data: { summary: 'Refund issued.', ...remedy } });
      await confirm(ticketId, { satisfied: true });
    } else if (kind === 1 || kind === 5) {
      const ticketId = await history.contact(index, { type: 'consultation', subject: 'Opening hours', description: 'When is the branch open on Saturday?' });
      await history.handle(intakeStreamId(ticketId), { type: 'AnswerAtFirstContact', data: { answer: 'Saturdays 09:00 to 17:00.' }, metadata: history.metadata(cs) } as Command);
      if (kind === 1) await confirm(ticketId, { satisfied: true });
      else {
        for (let attempt = 0; attempt < 3; attempt++) {
          await history.handle(followupStreamId(ticketId), { type: 'RecordContactAttempt', data: {}, metadata: history.metadata(cs, 60) } as Command);
        }
      }
    } else if (kind === 2) {
      const ticketId = await history.contact(index, { type: 'consultation', subject: 'Parcel delivery is late', description: 'My parcel has not been delivered; the courier says it is lost.' });
      await routing(ticketId, logistics, { type: 'ClaimTicket', data: {} });
      await routing(ticketId, logistics, { type: 'ReportResult', data: { summary: 'Parcel found.' } });
      await confirm(ticketId, { satisfied: false, objection: 'It has still not arrived.' });
      await routing(ticketId, logistics, { type: 'ReportResult', data: { summary: 'Parcel delivered by hand.' } });
      await confirm(ticketId, { satisfied: true });
    } else if (kind === 3) {
      const ticketId = await history.contact(index, { type: 'consultation', subject: 'Refund for a parcel', description: 'Please refund the invoice of the parcel I returned.' });
      await routing(ticketId, billing, { type: 'ClaimTicket', data: {} });
      await routing(ticketId, billing, { type: 'RequestTransfer', data: { toDepartment: 'logistics', reason: 'the parcel must be found first' } });
      await routing(ticketId, logistics, { type: 'AcceptTransfer', data: {} });
      await routing(ticketId, logistics, { type: 'ClaimTicket', data: {} });
      await routing(ticketId, logistics, { type: 'ReportResult', data: { summary: 'Parcel found and refunded.' } });
      await confirm(ticketId, { satisfied: true });
    } else {
      const ticketId = await history.contact(index, { type: 'consultation', subject: 'Invoice address', description: 'The invoice shows my old address.' });
      await routing(ticketId, system, { type: 'CheckDeadlines', data: {} }, 120);
      await routing(ticketId, billing, { type: 'ClaimTicket', data: {} });
      await routing(ticketId, billing, { type: 'ReportResult', data: { summary: 'Address corrected.' } });
      await confirm(ticketId, { satisfied: true });
    }
  }
}

/**
 * What the live consumer does with each event: the mark and the handler in one transaction. In
 * another order than a rebuild's: service by service, stream by stream.
 */
async function applyLive(model: ReadModel, sources: readonly AuditSource[], dataSource: DataSource): Promise<void> {
  const handler = model.handler({ live: true });
  for (const source of sources) {
    for await (const streamId of source.store.listStreams(`${source.service}-`)) {
      for (const event of await source.store.readStream(streamId)) {
        if (handler.eventTypes && !handler.eventTypes.includes(event.type)) continue;
        await dataSource.transaction(async (manager) => {
          await manager.query('INSERT INTO processed_events (consumer_name, event_id) VALUES ($1, $2)', [model.name, event.eventId]);
          await handler.handle([event], manager);
        });
      }
    }
  }
}

describe('rebuilding read models from the event stores and comparing them with the live ones', () => {
  const databases: TestDatabase[] = [];
  const stores: PostgresEventStore[] = [];
  let sources: AuditSource[];
  const live = new Map<string, { database: TestDatabase; dataSource: DataSource; service: ServiceReadModels }>();
  const kafkaPrefix = `int-rebuild-${uniqueSuffix()}.`;
  const env = () => ({ DATABASE_URL: testServerUrl(), KAFKA_BROKERS: kafkaBrokers().join(','), KAFKA_TOPIC_PREFIX: kafkaPrefix });

  async function cli(...args: string[]): Promise<{ exit: number; output: string; progress: string }> {
    let output = '';
    let progress = '';
    const exit = await runAudit(args, sources, { write: (text) => void (output += text) }, { env: env(), progress: { write: (text: string) => ((progress += text), true) } as never });
    return { exit, output, progress };
  }

  const liveOf = (name: string) => live.get(name.split('.')[0])!;

  beforeAll(async () => {
    const byService = {} as Record<'intake' | 'routing' | 'followup', PostgresEventStore>;
    for (const service of ['intake', 'routing', 'followup'] as const) {
      const database = await createTestDatabase(`rebuild_${service}`);
      databases.push(database);
      byService[service] = await createPostgresEventStore({ connectionString: database.url });
      stores.push(byService[service]);
    }
    // Evaluation's own store (its QA and assessments): empty here, but read like the others.
    const evaluation = await createTestDatabase('rebuild_evaluation');
    databases.push(evaluation);
    stores.push(await createPostgresEventStore({ connectionString: evaluation.url }));
    sources = [...Object.entries(byService).map(([service, store]) => ({ service, store })), { service: 'evaluation', store: stores.at(-1)! }];
    await makeHistory(new History(byService), 21);

    for (const service of READ_MODEL_SERVICES) {
      const database = await createTestDatabase(`rebuild_live_${service.service}`);
      databases.push(database);
      const dataSource = await openReadModelDatabase(database.url, service, { migrate: true });
      for (const model of service.models) await applyLive(model, sources, dataSource);
      live.set(service.service, { database, dataSource, service });
    }
  });
  afterAll(async () => {
    for (const { dataSource } of live.values()) await dataSource.destroy();
    await Promise.all(stores.map((store) => store.close()));
    await Promise.all(databases.map((database) => database.drop()));
  });

  it('reads every store, merged by recorded-at, each stream in its own order', async () => {
    const expected = await Promise.all(sources.map((source) => countRecordedEvents(source)));
    const merged: RecordedEvent[] = [];
    for await (const event of mergedByRecordedAt(sources, { pageSize: 7, expected })) merged.push(event);
    let stored = 0;
    for (const source of sources) for await (const streamId of source.store.listStreams(`${source.service}-`)) stored += (await source.store.readStream(streamId)).length;
    expect(expected.reduce((sum, count) => sum + count, 0)).toBe(stored);
    expect(merged).toHaveLength(stored);
    const recorded = merged.map((event) => Date.parse(event.metadata.recordedAt));
    // The history was written one command at a time, so each store's own order is recorded-at order too.
    expect(recorded).toEqual([...recorded].sort((left, right) => left - right));
    const positions = new Map<string, number>();
    for (const event of merged) {
      expect(event.streamPosition).toBe((positions.get(event.streamId) ?? -1) + 1);
      positions.set(event.streamId, event.streamPosition);
    }
  });

  it('rebuilds every read model into a scratch database equal to the live one, with progress to the end', async () => {
    const applied = new Map<string, number>();
    for (const service of READ_MODEL_SERVICES) {
      for (const model of service.models) {
        const scratch = await createScratchDatabase(liveOf(model.name).database.url, service);
        try {
          const progress: RebuildProgress[] = [];
          const result = await rebuildReadModel({ model, sources, dataSource: scratch.dataSource, batchSize: 50, onProgress: (step) => progress.push(step) });
          expect(result).toMatchObject({ model: model.name, skipped: [] });
          applied.set(model.name, result.applied);
          expect(progress.at(-1)).toMatchObject({ done: result.events, total: result.events, applied: result.applied });

          const comparison = await compareReadModel({ model, live: liveOf(model.name).dataSource, rebuilt: scratch.dataSource });
          expect(comparison.differences).toEqual([]);
          expect(comparison.equal).toBe(true);
          for (const table of comparison.tables) expect(table.rebuiltRows).toBe(table.liveRows);
        } finally {
          await scratch.drop();
        }
      }
    }
    // The history feeds these; evaluation's QA and assessments have no events of their own here.
    for (const name of ['routing.department-queue', 'followup.customers', 'followup.worklist', 'evaluation.timeline']) expect(applied.get(name)).toBeGreaterThan(0);
  });

  it('reports a changed, a lost and an invented live row, with the columns that differ, and ignores write times', async () => {
    const queue = liveOf('routing').dataSource;
    const [changed, lost] = (await queue.query(`SELECT ticket_id FROM department_queue WHERE status = 'closed' ORDER BY ticket_id LIMIT 2`)) as { ticket_id: string }[];
    await queue.query(`UPDATE department_queue SET status = 'in_progress', handler_id = 'h-nobody' WHERE ticket_id = $1`, [changed.ticket_id]);
    // Both clocks of one ticket: two rows.
    await queue.query('DELETE FROM running_deadlines WHERE ticket_id IN (SELECT ticket_id FROM running_deadlines LIMIT 1)');
    await queue.query('DELETE FROM queue_ticket_subjects WHERE ticket_id = $1', [lost.ticket_id]);
    const invented = newId();
    await queue.query(`INSERT INTO handler_assignments (department, handler_id, last_assigned_at) VALUES ('billing', $1, now())`, [invented]);
    await liveOf('evaluation').dataSource.query(`UPDATE ticket_lifecycles SET updated_at = now() + interval '1 day'`);

    const { exit, output, progress } = await cli('compare', 'routing.department-queue', '--database', liveOf('routing').database.url);
    expect(exit).toBe(1);
    expect(progress).toMatch(/routing\.department-queue \[#+\] [\d,]+ \/ [\d,]+ events/);
    expect(output).toContain(`differs   department_queue ticket_id=${changed.ticket_id}:`);
    expect(output).toContain('status: live "in_progress", rebuilt "closed"');
    expect(output).toMatch(/handler_id: live "h-nobody", rebuilt "h-(ana|lou)"/);
    expect(output).toContain(`missing   queue_ticket_subjects ticket_id=${lost.ticket_id}`);
    expect(output).toMatch(/missing {3}running_deadlines ticket_id=\S+ kind=/);
    expect(output).toContain(`extra     handler_assignments department=billing handler_id=${invented}`);
    expect(output).toMatch(/routing\.department-queue: 5 row\(s\) differ/);

    const timeline = await cli('compare', 'evaluation.timeline', '--database', liveOf('evaluation').database.url);
    // The facts' policy=now verdicts are the deadline policy's as much as the events': a scratch rebuild leaves them to the service.
    expect(timeline.output).toMatch(/equals the rebuild .*\(not compared: kpi_daily_now_verdicts, kpi_daily_now_due, updated_at, now_policy, now_first_response_met, now_first_response_due_at, now_resolution_met, now_resolution_due_at, now_judged_on_request\)/);
    expect(timeline.exit).toBe(0);
  });

  it('rebuilds in place only with the service stopped, and then the live model equals the events again', async () => {
    const target = liveOf('routing');
    // Routing's consumer, which runs the department queue live, running: its group has a member.
    const kafka = createKafka({ brokers: kafkaBrokers(), clientId: 'int-rebuild', logLevel: 'error' });
    const consumer = new EventConsumer({
      kafka,
      groupId: `${kafkaPrefix}handoff-routing`,
      consumerName: 'routing.department-queue',
      topics: [{ topic: `${kafkaPrefix}routing.events`, numPartitions: 1 }],
      deadLetterTopic: { topic: `${kafkaPrefix}handoff.dead-letter`, numPartitions: 1 },
      dataSource: target.dataSource,
      handler: { eventTypes: [], handle: async () => undefined },
    });
    await consumer.start();
    try {
      const deadline = Date.now() + 30_000;
      while (!consumer.status().joined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      const refused = await cli('rebuild', 'routing.department-queue', '--in-place', '--database', target.database.url);
      expect(refused.exit).toBe(1);
      expect(refused.output).toMatch(/being consumed live \(1 consumer\(s\)\): stop routing first/);
    } finally {
      await consumer.stop();
    }

    const rebuilt = await cli('rebuild', 'routing.department-queue', '--in-place', '--database', target.database.url);
    expect(rebuilt.output).toMatch(/routing\.department-queue: replaced in handoff_test_rebuild_live_routing_\w+: \d+ rows, \d+ processed-event marks/);
    expect(rebuilt.exit).toBe(0);
    const compared = await cli('compare', 'routing.department-queue', '--database', target.database.url);
    expect(compared.output).toMatch(/routing\.department-queue: the live model \(\S+\) equals the rebuild \(\S+\) \(not compared: department_handler_loads rows at zero\)/);
    expect(compared.exit).toBe(0);
    // The marks came along: what the live consumer is sent again is a duplicate to it.
    const marks = (await target.dataSource.query(`SELECT count(*)::int AS n FROM processed_events WHERE consumer_name = 'routing.department-queue'`)) as { n: number }[];
    expect(marks[0].n).toBeGreaterThan(0);
    // No scratch database is left behind.
    const sql = new Client({ connectionString: testServerUrl() });
    await sql.connect();
    const left = await sql.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${target.database.name.slice(0, 40)}_rebuild_%`]);
    await sql.end();
    expect(left.rows).toEqual([]);
  });

  it('rebuilds into a named database that a later compare takes as it is, and lists the models', async () => {
    const name = `${liveOf('followup').database.name}_named`;
    const into = await cli('rebuild', 'followup.worklist', '--into', name, '--database', liveOf('followup').database.url);
    try {
      expect(into.output).toMatch(new RegExp(`followup\\.worklist: rebuilt into ${name} from [\\d,]+ events .*: [\\d,]+ applied, [\\d,]+ not for this model, 0 left out`));
      const against = await cli('compare', 'followup.worklist', '--against', name, '--database', liveOf('followup').database.url);
      expect(against.output).toMatch(/followup\.worklist: the live model \(\S+\) equals the rebuild \(\S+_named\) \(not compared: updated_at\)/);
      expect(against.exit).toBe(0);
    } finally {
      const sql = new Client({ connectionString: testServerUrl() });
      await sql.connect();
      await sql.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await sql.end();
    }
    const models = await cli('models');
    expect(models.output.split('\n').filter(Boolean).map((line) => line.split(/\s+/)[0])).toEqual(expect.arrayContaining([
      'routing.department-queue',
      'followup.customers',
      'followup.worklist',
      'evaluation.timeline',
    ]));
  });
});

import { DEFAULT_COMPLAINT_CAUSES,
  INTAKE_EVENTS,
  intakeStreamId,
  newId,
  parseContactPayload,
  routingStreamId,
  ticketIdForContact,
  typedEventOf,
  type Actor,
  type Command,
  type CommandMetadata,
  type RecordedEvent,
} from '@handoff/contracts';
import { CommandHandler, createPostgresEventStore, type PostgresEventStore } from '@handoff/event-store';
import { MESSAGING_MIGRATIONS } from '@handoff/messaging';
import type { ReadModel, ServiceReadModels } from '@handoff/platform';
import { createTestDatabase, sealedCustomer, type TestDatabase } from '@handoff/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EVALUATION_DATABASE } from '../apps/evaluation/src/read-models';
import { FOLLOWUP_DATABASE } from '../apps/followup/src/read-models';
import { DEFAULT_CLASSIFICATION_RULES, classify } from '../apps/intake/src/contacts/classification';
import { contactsDecider } from '../apps/intake/src/contacts/contacts.decider';
import { ROUTING_DATABASE } from '../apps/routing/src/read-models';
import { QUEUE_NOTIFY_CHANNEL } from '../apps/routing/src/queue/queue.projection';
import { ticketsDecider } from '../apps/routing/src/tickets/tickets.decider';
import { react as routingReact } from '../apps/routing/src/tickets/tickets.react';

jest.setTimeout(60_000);

const MINUTE = 60_000;

/**
 * A consumer hands a handler whatever a fetch brought for a partition, one event or many, and a
 * rebuild hands it thousands: the rows, and the notifications, must not depend on where a batch
 * starts or ends. Checked here for every read model, on a history made by the real deciders,
 * applied one event per batch and seven per batch into two databases.
 */

const billing: Actor = { id: 'h-ana', role: 'department_handler', department: 'billing' };
const logistics: Actor = { id: 'h-lou', role: 'department_handler', department: 'logistics' };
const deadlines: Actor = { id: 'system:routing-deadlines', role: 'system' };

class History {
  private clock = Date.now() - 10 * 24 * 60 * MINUTE;
  private readonly commands: CommandHandler;
  private readonly routing = ticketsDecider({
    rules: {
      rules: [
        { name: 'billing', department: 'billing', categories: ['billing'] },
        { name: 'logistics', department: 'logistics', categories: ['logistics'] },
      ],
      defaultDepartment: 'customer_care',
    },
    deadlinesFor: ({ from }) => ({
      firstResponseDueAt: new Date(from.getTime() + 30 * MINUTE),
      resolutionDueAt: new Date(from.getTime() + 240 * MINUTE),
      policyVersion: 'batch-test-v1',
    }),
    escalation: { managementAfterMinutes: { first_response: 60, resolution: 240 } },
    complaintCauses: DEFAULT_COMPLAINT_CAUSES,
  });

  constructor(store: PostgresEventStore) {
    this.commands = new CommandHandler(store);
  }

  private metadata(actor: Actor, afterMinutes: number): CommandMetadata {
    this.clock += afterMinutes * MINUTE;
    return { now: new Date(this.clock), actor, correlationId: newId(), causationId: newId() };
  }

  async contact(index: number, subject: string, description: string, type = 'consultation'): Promise<string> {
    const contact = parseContactPayload({
      sourceSystem: 'batch-crm',
      externalId: `b-${index}-${newId()}`,
      channel: 'hotline',
      type,
      customer: { name: 'Wang Fang', phone: `+86 139 0000 ${String(index).padStart(4, '0')}` },
      subject,
      description,
    });
    const ticketId = ticketIdForContact(contact.sourceSystem, contact.externalId);
    const { events } = await this.commands.handle(
      intakeStreamId(ticketId),
      contactsDecider,
      {
        type: 'RecordContact',
        data: { ticketId, contact: { ...contact, customer: sealedCustomer(contact.customer) }, classification: classify(contact, DEFAULT_CLASSIFICATION_RULES) },
        metadata: this.metadata({ id: 'batch-crm', role: 'system' }, 1),
      },
      { ticketId },
    );
    for (const event of events) {
      const typed = typedEventOf(INTAKE_EVENTS, event);
      if (!typed) continue;
      for (const { streamId, command } of routingReact(typed, { now: new Date(this.clock), actor: { id: 'system:routing', role: 'system' } })) {
        await this.commands.handle(streamId, this.routing, command, { ticketId });
      }
    }
    return ticketId;
  }

  async routingCommand(ticketId: string, actor: Actor, command: Omit<Command, 'metadata'>, afterMinutes = 5): Promise<void> {
    await this.commands.handle(routingStreamId(ticketId), this.routing, { ...command, metadata: this.metadata(actor, afterMinutes) } as never, { ticketId });
  }
}

/** Tickets in several shapes: claimed and resolved, assigned by strategy, transferred, late, still waiting. */
async function makeHistory(history: History, tickets: number): Promise<void> {
  for (let index = 0; index < tickets; index++) {
    switch (index % 5) {
      case 0: {
        const ticketId = await history.contact(index, 'Charged twice', 'I was charged twice for one invoice.', 'complaint');
        await history.routingCommand(ticketId, billing, { type: 'ClaimTicket', data: {} });
        await history.routingCommand(ticketId, billing, { type: 'ReportProgress', data: { note: 'Asking the bank.' } });
        await history.routingCommand(ticketId, billing, { type: 'ReportResult', data: { summary: 'Refund issued.', apology: 'Sorry.', correctiveAction: 'Daily checks.', cause: 'billing_error' } });
        break;
      }
      case 1: {
        const ticketId = await history.contact(index, 'Parcel delivery is late', 'My parcel has not been delivered.');
        await history.routingCommand(ticketId, { id: 'system:routing-assignment', role: 'system' }, {
          type: 'AssignHandler',
          data: { mode: 'strategy', strategy: 'least_loaded', candidates: [{ handlerId: 'h-lou', openTickets: index, skills: ['logistics'] }] },
        });
        break;
      }
      case 2: {
        const ticketId = await history.contact(index, 'Refund for a parcel', 'Please refund the invoice of the parcel I returned.');
        await history.routingCommand(ticketId, billing, { type: 'ClaimTicket', data: {} });
        await history.routingCommand(ticketId, billing, { type: 'RequestTransfer', data: { toDepartment: 'logistics', reason: 'the parcel must be found first' } });
        await history.routingCommand(ticketId, logistics, { type: 'AcceptTransfer', data: {} });
        await history.routingCommand(ticketId, logistics, { type: 'ClaimTicket', data: {} });
        break;
      }
      case 3: {
        const ticketId = await history.contact(index, 'Invoice address', 'The invoice shows my old address.');
        await history.routingCommand(ticketId, deadlines, { type: 'CheckDeadlines', data: {} }, 120);
        break;
      }
      default:
        await history.contact(index, 'Invoice copy', 'Please send me a copy of my invoice.');
    }
  }
}

async function modelDatabase(service: ServiceReadModels, name: string): Promise<{ database: TestDatabase; dataSource: DataSource }> {
  const database = await createTestDatabase(name);
  const dataSource = new DataSource({
    type: 'postgres',
    url: database.url,
    entities: [...service.entities],
    migrations: [...MESSAGING_MIGRATIONS, ...service.migrations],
    migrationsRun: true,
    extra: { max: 2 },
  });
  await dataSource.initialize();
  return { database, dataSource };
}

/** Every row of the model's tables, as JSON in key order, without the columns that record when a row was written. */
async function contentsOf(dataSource: DataSource, model: ReadModel): Promise<Record<string, unknown[]>> {
  const contents: Record<string, unknown[]> = {};
  for (const table of model.tables) {
    const rows = (await dataSource.query(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY to_jsonb(t)::text`)) as { row: Record<string, unknown> }[];
    contents[table] = rows.map(({ row }) => {
      for (const column of model.volatileColumns ?? []) delete row[column];
      return row;
    });
  }
  return contents;
}

/** The notifications the database delivers on `channel` while `work` runs. */
async function notificationsDuring(url: string, work: () => Promise<void>): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const received: string[] = [];
  client.on('notification', (message) => received.push(message.payload ?? ''));
  try {
    await client.query(`LISTEN ${QUEUE_NOTIFY_CHANNEL}`);
    await work();
    // Delivered on commit, asynchronously: a round trip on the listening connection lets them arrive.
    await client.query('SELECT 1');
    return received;
  } finally {
    await client.end();
  }
}

describe('read models leave the same rows whatever the batches', () => {
  let eventsDatabase: TestDatabase;
  let store: PostgresEventStore;
  let events: RecordedEvent[];
  const cleanUp: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    eventsDatabase = await createTestDatabase('batch_events');
    store = await createPostgresEventStore({ connectionString: eventsDatabase.url });
    await makeHistory(new History(store), 15);
    events = [];
    let after: string | null = null;
    for (;;) {
      const page = await store.readAll({ after, limit: 500 });
      if (page.events.length === 0) break;
      events.push(...page.events);
      after = page.checkpoint;
    }
    // Interleaved across tickets and services, as partitions deliver them; each ticket's stream stays in order.
    events.sort((left, right) => left.metadata.recordedAt.localeCompare(right.metadata.recordedAt) || Number(BigInt(left.globalPosition) - BigInt(right.globalPosition)));
  });
  afterAll(async () => {
    for (const step of cleanUp.reverse()) await step().catch(() => undefined);
    await store?.close();
    await eventsDatabase?.drop();
  });

  const models = [ROUTING_DATABASE, FOLLOWUP_DATABASE, EVALUATION_DATABASE].flatMap((service) => service.models.map((model) => ({ service, model })));

  it('has a history with events for the models of every service', () => {
    expect(events.length).toBeGreaterThan(50);
    const fed = models.filter(({ model }) => {
      const { eventTypes } = model.handler({ live: true });
      return events.some((event) => !eventTypes || eventTypes.includes(event.type));
    });
    expect(fed.map(({ model }) => model.name)).toEqual(expect.arrayContaining(['routing.department-queue', 'followup.customers', 'followup.worklist', 'evaluation.timeline', 'evaluation.search']));
  });

  it.each(models.map(({ service, model }) => [model.name, service, model] as const))('%s', async (_name, service, model) => {
    const handler = model.handler({ live: true });
    const wanted = events.filter((event) => !handler.eventTypes || handler.eventTypes.includes(event.type));
    if (wanted.length === 0) return;

    const oneByOne = await modelDatabase(service, 'batch_single');
    const batched = await modelDatabase(service, 'batch_batched');
    cleanUp.push(async () => {
      for (const { database, dataSource } of [oneByOne, batched]) {
        await dataSource.destroy();
        await database.drop();
      }
    });

    const single = await notificationsDuring(oneByOne.database.url, async () => {
      for (const event of wanted) await oneByOne.dataSource.transaction((manager) => handler.handle([event], manager));
    });
    const batch = await notificationsDuring(batched.database.url, async () => {
      // An odd batch size, so batches start and end in the middle of tickets.
      for (let start = 0; start < wanted.length; start += 7) {
        await batched.dataSource.transaction((manager) => handler.handle(wanted.slice(start, start + 7), manager));
      }
    });

    const expected = await contentsOf(oneByOne.dataSource, model);
    expect(Object.values(expected).some((rows) => rows.length > 0)).toBe(true);
    expect(await contentsOf(batched.dataSource, model)).toEqual(expected);
    expect(batch).toEqual(single);
  });
});

import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { seededRandom, type EventMetadata, type HandoffEvent, type RecordedEvent } from '@handoff/contracts';
import { databaseUrl, openReadModelDatabase } from '@handoff/read-models';
import { ErrorFilter, installBodyParser, JsonLogger, loadConfig, signToken } from '@handoff/platform';
import { CustomerKeyStore, CustomerVault, type ContactDetails } from '@handoff/vault';
import { evaluationConfigSchema } from '../apps/evaluation/src/config';
import { EvaluationModule } from '../apps/evaluation/src/evaluation.module';
import { EVALUATION_DATABASE } from '../apps/evaluation/src/read-models';
import { notesProjection } from '../apps/evaluation/src/conversation/conversation.projection';
import { searchProjection } from '../apps/evaluation/src/search/search.projection';
import { timelineProjection } from '../apps/evaluation/src/timeline/timeline.projection';
import type { BenchInfra } from './infra';
import { percentile, timed, type Report } from './report';

export interface SearchSettings {
  readonly tickets: number;
  /** Tickets per customer: the customers are sealed through the vault, which is the slow part of seeding. */
  readonly ticketsPerCustomer: number;
  /** Requests per kind of query, one after the other. */
  readonly requests: number;
  readonly pageSize: number;
}

const section = 'search';
const SECRET = 'bench-search-secret-0123456789';
const PEPPER = 'bench-search-pepper-0123456789';
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
const DEPARTMENTS = ['billing', 'logistics', 'product', 'technical', 'marketing'];
const CHANNELS = ['hotline', 'email', 'web_chat', 'social_media'] as const;
const TYPES = ['consultation', 'complaint', 'suggestion', 'feedback'] as const;
const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
// Subjects and descriptions drawn from these, so that a word matches a known share of the tickets.
const SUBJECTS = ['快递没到', '退款还没到账', '发票开错了', '屏幕碎了', 'Invoice charged twice', 'Parcel lost in transit', 'App crashes on login', 'Refund not received'];
const DESCRIPTIONS = ['我的快递三天没到，电话也打不通', '上次的退款还没到账，请尽快处理', 'The courier never came and nobody answers', 'I was charged twice for one invoice'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴'];
const GIVEN = ['芳', '伟', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛'];

/**
 * Search and the conversation at scale: a scratch evaluation database filled with `tickets` handled
 * tickets (synthetic events through the live projections of search, the timeline and the notes;
 * customers sealed by a real vault and their search terms computed by the vault's own function),
 * then each kind of query asked over HTTP of the evaluation service, in-process, one after another:
 * searches as CS and as a department handler, conversations of random tickets as CS, as the
 * department holding them and as management.
 */
export async function benchSearch(infra: BenchInfra, report: Report, settings: SearchSettings): Promise<void> {
  const evaluationDatabase = infra.databaseName('search_evaluation');
  const vaultDatabase = infra.databaseName('search_vault');
  const config = loadConfig(evaluationConfigSchema, {
    DATABASE_URL: infra.serverUrl,
    DATABASE_NAME: evaluationDatabase,
    VAULT_DATABASE_NAME: vaultDatabase,
    VAULT_MASTER_KEY: MASTER_KEY,
    VAULT_PEPPER: PEPPER,
    KAFKA_BROKERS: infra.brokers.join(','),
    KAFKA_TOPIC_PREFIX: `${infra.prefix}search.`,
    AUTH_TOKEN_SECRET: SECRET,
    RATE_LIMIT_PER_MINUTE: '10000000',
    RATE_LIMIT_BURST: '100000',
    LOG_LEVEL: 'warn',
  });
  const logger = new JsonLogger('evaluation', 'warn', () => undefined);
  const app = await NestFactory.create<NestExpressApplication>(EvaluationModule.forRoot(config), { logger, bodyParser: false });
  installBodyParser(app);
  app.useGlobalFilters(new ErrorFilter(logger));
  await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const target = await openReadModelDatabase(databaseUrl(infra.serverUrl, evaluationDatabase), EVALUATION_DATABASE, { migrate: false });
  const vault = new CustomerVault(
    await CustomerKeyStore.open({ connectionString: databaseUrl(infra.serverUrl, vaultDatabase), masterKey: Buffer.from(MASTER_KEY, 'base64') }),
    Buffer.from(PEPPER, 'utf8'),
  );
  try {
    const random = seededRandom(20261205);
    const customers: { details: ContactDetails; sealed: Awaited<ReturnType<CustomerVault['seal']>> }[] = [];
    const tickets: { ticketId: string; department: string }[] = [];
    const customerCount = Math.max(1, Math.ceil(settings.tickets / settings.ticketsPerCustomer));
    const seeding = await timed(async () => {
      for (let index = 0; index < customerCount; index += 1) {
        const details = {
          name: `${pick(random, SURNAMES)}${pick(random, GIVEN)}${pick(random, GIVEN)}`,
          phone: `+86 13${String(index).padStart(9, '0')}`,
          email: `customer.${index}@example.cn`,
        };
        customers.push({ details, sealed: await vault.seal(details) });
      }
      const terms = customers.flatMap(({ details, sealed }) => vault.searchTermsOf(details).map((term) => [term, sealed.keyId] as const));
      for (let start = 0; start < terms.length; start += 20_000) {
        const chunk = terms.slice(start, start + 20_000);
        await target.query('INSERT INTO search_customer_terms (term, key_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING', [
          chunk.map(([term]) => term),
          chunk.map(([, keyId]) => keyId),
        ]);
      }

      // The same events feed search and the conversation (timeline, lifecycle, notes), as live.
      const handlers = [searchProjection(), timelineProjection(), notesProjection()];
      const started = Date.parse('2026-01-01T00:00:00.000Z');
      const SYSTEM = { actorId: 'bench', role: 'system' as const };
      const batch: RecordedEvent[] = [];
      const flush = async () => {
        await target.transaction(async (manager) => {
          // Each only the types it takes, as the live consumer hands them over.
          for (const handler of handlers) await handler.handle(batch.filter((event) => !handler.eventTypes || handler.eventTypes.includes(event.type)), manager);
        });
        batch.length = 0;
      };
      for (let index = 0; index < settings.tickets; index += 1) {
        const ticketId = randomUUID();
        const customer = customers[index % customerCount].sealed;
        const at = new Date(started + index * 60_000).toISOString();
        const type = pick(random, TYPES);
        const channel = pick(random, CHANNELS);
        const priority = pick(random, PRIORITIES);
        const department = pick(random, DEPARTMENTS);
        let step = 0;
        const event = (streamId: string, position: number, body: HandoffEvent, actor: Pick<EventMetadata, 'actorId' | 'role' | 'department'> = SYSTEM): RecordedEvent => {
          // A minute between steps, so the conversation's order is the order written here.
          const when = new Date(started + index * 60_000 + (step += 1) * 1_000).toISOString();
          return {
            eventId: randomUUID(),
            type: body.type,
            schemaVersion: 1,
            streamId,
            streamPosition: position,
            globalPosition: String(index * 16 + step),
            ticketId,
            data: body.data,
            metadata: { correlationId: ticketId, causationId: randomUUID(), ...actor, occurredAt: when, recordedAt: when },
            contentHash: '',
            previousHash: '',
            hash: '',
          };
        };
        const subject = `${pick(random, SUBJECTS)} ${index}`;
        const description = pick(random, DESCRIPTIONS);
        const handlerActor = { actorId: `h-${department}-${index % 7}`, role: 'department_handler' as const, department };
        const agentActor = { actorId: `agent-${index % 23}`, role: 'cs' as const };
        batch.push(
          event(`intake-ticket-${ticketId}`, 0, {
            type: 'ContactRecorded',
            data: { sourceSystem: 'bench', externalId: ticketId, channel, type, customer, subject, description },
          }),
          event(`intake-ticket-${ticketId}`, 1, {
            type: 'TicketClassified',
            data: { category: 'general', priority, resolution: 'department', matched: { category: 'a', priority: 'b', resolution: 'c' }, rulesVersion: 'bench' },
          }),
          event(`routing-ticket-${ticketId}`, 0, {
            type: 'TicketRouted',
            data: {
              department,
              rule: 'bench',
              reason: 'bench',
              round: 1,
              type,
              category: 'general',
              priority,
              channel,
              complaint: type === 'complaint',
              deadlines: { from: at, firstResponseDueAt: at, resolutionDueAt: at, policyVersion: 'bench' },
            },
          }),
        );
        // The rest of a handled ticket, so that a conversation has what one usually has (about 13 entries).
        const routed = `routing-ticket-${ticketId}`;
        const complaint = type === 'complaint';
        batch.push(
          event(routed, 1, { type: 'HandlerAssigned', data: { department, handlerId: handlerActor.actorId, method: 'claim', reason: 'claimed' } }, handlerActor),
          event(routed, 2, { type: 'ProgressReported', data: { round: 1, department, note: `已联系仓库，正在核实 ${index}`, firstResponse: true } }, handlerActor),
          event(`evaluation-conversation-${ticketId}`, 0, {
            type: 'NoteAdded',
            data: { noteId: randomUUID(), text: `Customer called again, please hurry ${index}`, mentions: { people: [handlerActor.actorId], departments: [] } },
          }, agentActor),
          event(routed, 3, { type: 'ProgressReported', data: { round: 1, department, note: 'Courier found the parcel; redelivery tomorrow.', firstResponse: false } }, handlerActor),
        );
        // About half are answered and closed, satisfied.
        if (random() < 0.5) {
          batch.push(
            event(routed, 4, {
              type: 'ResultReported',
              data: {
                round: 1,
                department,
                handlerId: handlerActor.actorId,
                summary: `重新发货，明天送达 ${index}`,
                complaint,
                ...(complaint ? { apology: '给您带来不便，非常抱歉。', correctiveAction: 'Parcels older than two days are checked every morning.' } : {}),
              },
            }, handlerActor),
            event(`followup-ticket-${ticketId}`, 0, { type: 'ConfirmationRequested', data: { round: 1, resolvedBy: 'department', department, resultSummary: `重新发货，明天送达 ${index}` } }),
            event(`followup-ticket-${ticketId}`, 1, { type: 'CustomerConfirmedSatisfaction', data: { round: 1 } }, agentActor),
            event(`followup-ticket-${ticketId}`, 2, { type: 'TicketClosed', data: { outcome: 'satisfied', round: 1 } }, agentActor),
          );
        }
        tickets.push({ ticketId, department });
        if (batch.length >= 4_000) await flush();
      }
      if (batch.length > 0) await flush();
      await target.query('VACUUM ANALYZE search_tickets, search_customer_terms, ticket_timeline_entries, ticket_lifecycles, ticket_notes');
    });
    process.stdout.write(`  seeded ${settings.tickets} tickets of ${customerCount} customers in ${seeding.seconds.toFixed(1)} s\n`);

    const cs = signToken({ sub: 'bench-cs', role: 'cs' }, SECRET);
    const handlerToken = signToken({ sub: 'bench-handler', role: 'department_handler', department: 'logistics' }, SECRET);
    const someone = customers[Math.floor(customers.length / 2)].details;
    const firstPage = await get(baseUrl, `/v1/search?q=${encodeURIComponent('快递')}&limit=${settings.pageSize}`, cs);
    const kinds: { name: string; path: () => string; token: string }[] = [
      { name: 'by phone, as CS', path: () => `/v1/search?q=${encodeURIComponent(`13${String(Math.floor(random() * customerCount)).padStart(9, '0')}`)}&limit=${settings.pageSize}`, token: cs },
      { name: 'by e-mail, as CS', path: () => `/v1/search?q=${encodeURIComponent(`customer.${Math.floor(random() * customerCount)}@example.cn`)}&limit=${settings.pageSize}`, token: cs },
      { name: 'by name, as CS', path: () => `/v1/search?q=${encodeURIComponent(someone.name)}&limit=${settings.pageSize}`, token: cs },
      { name: 'by a Chinese word, as CS', path: () => `/v1/search?q=${encodeURIComponent('快递')}&limit=${settings.pageSize}`, token: cs },
      { name: 'by an English word, as CS', path: () => `/v1/search?q=invoice&limit=${settings.pageSize}`, token: cs },
      { name: 'a Chinese word, open, high priority, as CS', path: () => `/v1/search?q=${encodeURIComponent('退款')}&status=open&priority=high&limit=${settings.pageSize}`, token: cs },
      { name: 'the next page, as CS', path: () => `/v1/search?q=${encodeURIComponent('快递')}&limit=${settings.pageSize}&cursor=${firstPage.nextCursor}`, token: cs },
      { name: 'by an English word, as a department handler', path: () => `/v1/search?q=courier&limit=${settings.pageSize}`, token: handlerToken },
      { name: 'filters only (open complaints), as CS', path: () => `/v1/search?status=open&type=complaint&limit=${settings.pageSize}`, token: cs },
    ];
    // Warm-up, not measured: the first requests open connection pools and compile the code paths.
    for (let round = 0; round < 3; round += 1) for (const kind of kinds) await get(baseUrl, kind.path(), kind.token);
    for (const kind of kinds) {
      const latencies: number[] = [];
      let results = 0;
      for (let request = 0; request < settings.requests; request += 1) {
        const started = process.hrtime.bigint();
        const page = await get(baseUrl, kind.path(), kind.token);
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        results += page.items.length;
      }
      latencies.sort((a, b) => a - b);
      const details = { requests: settings.requests, tickets: settings.tickets, meanResults: results / settings.requests, p50: percentile(latencies, 50) };
      report.add({ section, name: `${kind.name}, p50`, value: percentile(latencies, 50), unit: 'ms', better: 'lower', details });
      report.add({ section, name: `${kind.name}, p95`, value: percentile(latencies, 95), unit: 'ms', better: 'lower', target: { kind: 'value', atMost: 200 }, details });
    }

    // The conversation of one ticket drawn at random, as CS, as the department that holds it, and as management.
    const management = signToken({ sub: 'bench-management', role: 'management' }, SECRET);
    const conversationOf = (as: 'cs' | 'department' | 'management') => () => {
      const ticket = tickets[Math.floor(random() * tickets.length)];
      const token = as === 'cs' ? cs : as === 'management' ? management : signToken({ sub: `h-${ticket.department}-0`, role: 'department_handler', department: ticket.department }, SECRET);
      return { path: `/v1/tickets/${ticket.ticketId}/conversation`, token };
    };
    const conversations = [
      { name: 'conversation, as CS', draw: conversationOf('cs') },
      { name: 'conversation, as the department holding it', draw: conversationOf('department') },
      { name: 'conversation, as management', draw: conversationOf('management') },
    ];
    for (let round = 0; round < 3; round += 1) for (const kind of conversations) await getJson(baseUrl, kind.draw());
    for (const kind of conversations) {
      const latencies: number[] = [];
      let entries = 0;
      for (let request = 0; request < settings.requests; request += 1) {
        const drawn = kind.draw();
        const started = process.hrtime.bigint();
        const conversation = (await getJson(baseUrl, drawn)) as { entries: unknown[] };
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        entries += conversation.entries.length;
      }
      latencies.sort((a, b) => a - b);
      const details = { requests: settings.requests, tickets: settings.tickets, meanEntries: entries / settings.requests, p50: percentile(latencies, 50) };
      report.add({ section, name: `${kind.name}, p50`, value: percentile(latencies, 50), unit: 'ms', better: 'lower', details });
      report.add({ section, name: `${kind.name}, p95`, value: percentile(latencies, 95), unit: 'ms', better: 'lower', target: { kind: 'value', atMost: 200 }, details });
    }
  } finally {
    await target.destroy();
    await vault.close();
    await app.close();
  }
}

async function get(baseUrl: string, path: string, token: string): Promise<{ items: unknown[]; nextCursor: string | null }> {
  const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`search bench: ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { items: unknown[]; nextCursor: string | null };
}

async function getJson(baseUrl: string, request: { path: string; token: string }): Promise<unknown> {
  const response = await fetch(`${baseUrl}${request.path}`, { headers: { authorization: `Bearer ${request.token}` } });
  if (response.status !== 200) throw new Error(`conversation bench: ${request.path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

const pick = <T>(random: () => number, values: readonly T[]): T => values[Math.floor(random() * values.length)];

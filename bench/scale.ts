import { Client } from 'pg';
import { seededRandom, type RecordedEvent, type Role } from '@handoff/contracts';
import { createPostgresEventStore, PostgresEventStore } from '@handoff/event-store';
import { openReadModelDatabase, rebuildReadModel, type RebuildProgress } from '@handoff/read-models';
import { signToken } from '@handoff/platform';
import { deskTicket, sealedCustomer, uuidOf } from '@handoff/testing';
import { READ_MODEL_SERVICES } from '../apps/audit/src/read-model-commands';
import { vacuumAnalyze, type BenchInfra } from './infra';
import { BenchSystem } from './services';
import { inParallel, percentile, progressLine, timed, type Report } from './report';

export interface ScaleSettings {
  /** The desk timed against the targets. */
  readonly tickets: number;
  /** The smaller desk it is compared with (the 10,000 beside 100,000). */
  readonly baselineTickets: number;
  /** Requests per endpoint, one after the other. */
  readonly requests: number;
  /** Appends in flight while seeding. */
  readonly appendConcurrency: number;
}

const section = 'scale';
/** A desk's size as the figures name it: `30,000`. */
const ticketsOf = (tickets: number): string => tickets.toLocaleString('en-US');
const SECRET = 'bench-scale-secret-0123456789';
const UPSTREAM = ['intake', 'routing', 'followup'] as const;
/** The models the timed endpoints read: the timeline (lists, conversations, KPI aggregate) and search. */
const MODELS = ['evaluation.timeline', 'evaluation.search'];
/** A year of the desk, opened evenly across it; the KPIs are asked of its June (Beijing time). */
const YEAR_START = Date.parse('2026-01-01T00:00:00+08:00');
const MONTH = { from: '2026-06-01T00:00:00+08:00', to: '2026-07-01T00:00:00+08:00' };

interface Endpoint {
  readonly name: string;
  readonly role: Role;
  readonly path: (ticketId: string) => string;
}

const ENDPOINTS: readonly Endpoint[] = [
  { name: 'ticket list, newest first', role: 'management', path: () => '/v1/tickets?limit=50' },
  { name: 'ticket list, open complaints', role: 'management', path: () => '/v1/tickets?outcome=open&complaint=true&limit=50' },
  { name: 'ticket list, one department, with its count', role: 'management', path: () => '/v1/tickets?department=billing&count=true&limit=50' },
  { name: 'search, a Chinese word', role: 'cs', path: () => `/v1/search?q=${encodeURIComponent('快递')}&limit=20` },
  { name: 'search, an English word', role: 'cs', path: () => '/v1/search?q=invoice&limit=20' },
  { name: 'search, filters only (open complaints)', role: 'cs', path: () => '/v1/search?status=open&type=complaint&limit=20' },
  { name: 'conversation', role: 'management', path: (ticketId) => `/v1/tickets/${ticketId}/conversation` },
  { name: 'timeline', role: 'management', path: (ticketId) => `/v1/tickets/${ticketId}/timeline` },
  { name: 'KPIs, a month by department', role: 'management', path: () => `/v1/kpis?from=${encodeURIComponent(MONTH.from)}&to=${encodeURIComponent(MONTH.to)}&groupBy=department` },
  { name: 'KPIs, a month by agent', role: 'management', path: () => `/v1/kpis?from=${encodeURIComponent(MONTH.from)}&to=${encodeURIComponent(MONTH.to)}&groupBy=agent` },
  {
    name: 'KPIs, a month by department, policy=now',
    role: 'management',
    path: () => `/v1/kpis?from=${encodeURIComponent(MONTH.from)}&to=${encodeURIComponent(MONTH.to)}&groupBy=department&policy=now`,
  },
  { name: 'KPIs, a month by agent, policy=now', role: 'management', path: () => `/v1/kpis?from=${encodeURIComponent(MONTH.from)}&to=${encodeURIComponent(MONTH.to)}&groupBy=agent&policy=now` },
  { name: 'audit history', role: 'auditor', path: (ticketId) => `/v1/tickets/${ticketId}/history` },
  { name: 'audit handoff ledger', role: 'auditor', path: (ticketId) => `/v1/tickets/${ticketId}/handoffs` },
  { name: 'audit chain verification', role: 'auditor', path: (ticketId) => `/v1/tickets/${ticketId}/verify` },
];

/**
 * A year of a large desk: `tickets` tickets of the generated desk (@handoff/testing desk.ts: every
 * path a ticket takes, about 13 events each) opened across a year, appended through the event
 * store's API to intake's, routing's and follow-up's stores (each ticket's stream in one append),
 * evaluation's timeline and search read models rebuilt from them as `npm run audit -- rebuild`
 * does; the same with `baselineTickets` first. Then the built evaluation service started on each
 * desk (nothing else runs, so nothing else is timed), and every list, search, conversation, KPI
 * and audit endpoint asked over HTTP, each `requests` times of each desk, the two desks in turn:
 * each p95 at `tickets` is compared with its p95 at `baselineTickets`.
 */
export async function benchScale(infra: BenchInfra, report: Report, settings: ScaleSettings): Promise<void> {
  const small = await seedAndRebuild(infra, report, settings.baselineTickets, settings, 'scale_base');
  const large = await seedAndRebuild(infra, report, settings.tickets, settings, 'scale');
  const running: RunningDesk[] = [];
  let baseline: Latencies;
  let measured: Latencies;
  try {
    for (const desk of [small, large]) running.push(await startDesk(infra, report, desk));
    [baseline, measured] = await timeSideBySide(running, settings.requests);
  } finally {
    await Promise.all(running.map(({ system }) => system.stop()));
  }
  for (const endpoint of ENDPOINTS) {
    const at = (tickets: number) => `${endpoint.name}, p95 at ${ticketsOf(tickets)} tickets`;
    report.add({
      section,
      name: at(settings.baselineTickets),
      value: baseline.get(endpoint.name)!.p95,
      unit: 'ms',
      better: 'lower',
      details: { tickets: settings.baselineTickets, requests: settings.requests, p50: baseline.get(endpoint.name)!.p50 },
    });
    report.add({
      section,
      name: at(settings.tickets),
      value: measured.get(endpoint.name)!.p95,
      unit: 'ms',
      better: 'lower',
      baseline: at(settings.baselineTickets),
      target: { kind: 'ratio', atMost: 2 },
      details: { tickets: settings.tickets, requests: settings.requests, p50: measured.get(endpoint.name)!.p50 },
    });
    report.add({
      section,
      name: `${at(settings.tickets)}, against 200 ms`,
      value: measured.get(endpoint.name)!.p95,
      unit: 'ms',
      better: 'lower',
      target: { kind: 'value', atMost: 200 },
    });
  }
}

type Latencies = Map<string, { p50: number; p95: number }>;

/** A desk seeded and its read models rebuilt. */
interface Desk {
  readonly tickets: number;
  readonly namespace: string;
  readonly evaluationUrl: string;
  readonly ticketIds: readonly string[];
}

interface RunningDesk extends Desk {
  readonly system: BenchSystem;
}

async function seedAndRebuild(infra: BenchInfra, report: Report, tickets: number, settings: ScaleSettings, namespace: string): Promise<Desk> {
  const label = ticketsOf(tickets);
  const stores = {} as Record<(typeof UPSTREAM)[number], PostgresEventStore>;
  const urls: Record<string, string> = {};
  for (const service of UPSTREAM) {
    urls[service] = await infra.database(`${namespace}_${service}`);
    stores[service] = await createPostgresEventStore({ connectionString: urls[service], poolSize: settings.appendConcurrency });
  }
  const ticketIds: string[] = [];
  let events = 0;
  try {
    // Seeding: each ticket's events drawn by one seeded generator, each stream appended whole.
    const random = seededRandom(tickets);
    const customer = sealedCustomer({ name: 'Desk Customer', phone: '+86 139 0000 0000' });
    const seeded = progressLine(`${section}: seeding`, tickets, 'tickets');
    let ticketsSeeded = 0;
    const seeding = await timed(() =>
      inParallel(tickets, settings.appendConcurrency, async (index) => {
        const ticketId = uuidOf(tickets, index, 0);
        ticketIds.push(ticketId);
        const openedAt = YEAR_START + Math.floor((index + random()) * ((365 * 86_400_000) / tickets));
        const drawn = deskTicket(random, { ticketId, openedAt, customer, position: 0, eventId: (n) => uuidOf(tickets, index, n + 1) });
        events += drawn.length;
        const byStream = new Map<string, RecordedEvent[]>();
        for (const event of drawn) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
        for (const [streamId, streamEvents] of byStream) {
          const service = streamId.slice(0, streamId.indexOf('-')) as (typeof UPSTREAM)[number];
          await stores[service].append(
            streamId,
            streamEvents.map(({ eventId, type, schemaVersion, ticketId: id, data, metadata }) => {
              const { recordedAt: _recordedAt, ...stamped } = metadata;
              return { eventId, type, schemaVersion, ticketId: id, data, metadata: stamped };
            }),
            -1,
          );
        }
        seeded(++ticketsSeeded);
      }),
    );
    report.add({
      section,
      name: `seeding through the store's API, ${label} tickets`,
      value: events / seeding.seconds,
      unit: 'events/s',
      better: 'higher',
      details: { tickets, events, seconds: Math.round(seeding.seconds), appendConcurrency: settings.appendConcurrency },
    });
  } finally {
    await Promise.all(Object.values(stores).map((store) => store.close()));
  }

  // The read models, rebuilt as the operators' tool rebuilds them.
  const evaluation = READ_MODEL_SERVICES.find((service) => service.service === 'evaluation')!;
  const evaluationUrl = await infra.database(`${namespace}_evaluation`);
  // Evaluation's own store (its notes, samples, ...) is in its database and empty here: search reads it too.
  const sources = [
    ...UPSTREAM.map((service) => ({ service, store: new PostgresEventStore({ connectionString: urls[service]! }) })),
    { service: 'evaluation', store: await createPostgresEventStore({ connectionString: evaluationUrl }) },
  ];
  const target = await openReadModelDatabase(evaluationUrl, evaluation, { migrate: true });
  try {
    for (const name of MODELS) {
      const model = evaluation.models.find((candidate) => candidate.name === name)!;
      let rebuilt: ((done: number) => void) | undefined;
      const onProgress = ({ done, total }: RebuildProgress) => (rebuilt ??= progressLine(`${section}: rebuilding ${name}`, total, 'events'))(done);
      const { result, seconds } = await timed(() => rebuildReadModel({ model, sources, dataSource: target, onProgress }));
      report.add({
        section,
        name: `rebuild of ${name}, ${label} tickets`,
        value: result.events / seconds,
        unit: 'events/s',
        better: 'higher',
        details: { events: result.events, applied: result.applied, seconds: Math.round(seconds) },
      });
    }
    await target.query('VACUUM ANALYZE');
  } finally {
    await Promise.all(sources.map(({ store }) => store.close()));
    await target.destroy();
  }

  return { tickets, namespace, evaluationUrl, ticketIds };
}

/** The built evaluation service on a desk's databases, alone (nothing else runs, so nothing else is timed), once it has judged the desk. */
async function startDesk(infra: BenchInfra, report: Report, desk: Desk): Promise<RunningDesk> {
  const system = await BenchSystem.start(infra, { AUTH_TOKEN_SECRET: SECRET }, desk.namespace, ['evaluation']);
  try {
    // The rebuild had no deadline policy to judge policy=now under: evaluation judges the facts at
    // start. Timed once it has, as a desk that runs has them (and apart, as a figure of its own).
    const judging = await timed(() => verdictsJudged(desk.evaluationUrl));
    report.add({
      section,
      name: `policy=now verdicts judged by evaluation at start, ${ticketsOf(desk.tickets)} tickets`,
      value: judging.seconds,
      unit: 's',
      better: 'lower',
      details: { tickets: judging.result },
    });
    // Judging rewrote every ticket's facts at once, which a desk that runs never does: their old
    // versions are vacuumed away, as autovacuum keeps a running desk's tables, before anything is
    // timed (left to autovacuum, it could come in the middle of one endpoint's requests and not another's).
    await vacuumAnalyze(desk.evaluationUrl);
    return { ...desk, system };
  } catch (error) {
    await system.stop();
    throw error;
  }
}

/**
 * Every endpoint asked `requests` times of each desk, the desks' requests taken in turn (which one
 * goes first alternating), so that a slower minute of the machine falls on both desks alike and
 * not on one desk's whole series: the ratios compare the desks, not two stretches of time.
 */
async function timeSideBySide(desks: readonly RunningDesk[], requests: number): Promise<Latencies[]> {
  const tokens = new Map<Role, string>();
  const tokenOf = (role: Role) => {
    if (!tokens.has(role)) tokens.set(role, signToken({ sub: `bench-${role}`, role }, SECRET));
    return tokens.get(role)!;
  };
  // Each desk draws its tickets from a generator of its own, as when the desks were timed apart.
  const asking = desks.map((desk) => {
    const random = seededRandom(20261205);
    const baseUrl = desk.system.url('evaluation');
    return async (endpoint: Endpoint): Promise<number> => {
      const path = endpoint.path(desk.ticketIds[Math.floor(random() * desk.ticketIds.length)]!);
      const started = process.hrtime.bigint();
      const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${tokenOf(endpoint.role)}` } });
      await response.arrayBuffer();
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      if (response.status !== 200) throw new Error(`scale bench: ${path} answered ${response.status}`);
      return elapsed;
    };
  });
  // Warm-up, not measured: connection pools, compiled code paths.
  for (const ask of asking) for (let round = 0; round < 3; round += 1) for (const endpoint of ENDPOINTS) await ask(endpoint);
  const latencies = desks.map((): Latencies => new Map());
  for (const endpoint of ENDPOINTS) {
    const times = desks.map((): number[] => []);
    for (let request = 0; request < requests; request += 1) {
      for (let turn = 0; turn < desks.length; turn += 1) {
        const index = (request + turn) % desks.length;
        times[index]!.push(await asking[index]!(endpoint));
      }
    }
    desks.forEach((desk, index) => {
      const sorted = times[index]!.sort((a, b) => a - b);
      latencies[index]!.set(endpoint.name, { p50: percentile(sorted, 50), p95: percentile(sorted, 95) });
      process.stdout.write(
        `  ${ticketsOf(desk.tickets)} tickets: ${endpoint.name}: p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms\n`,
      );
    });
  }
  return latencies;
}

/**
 * Waits until evaluation has put its deadline policy where the KPI facts are judged under and
 * judged every ticket under it (kpis/kpi-verdicts.refresher.ts); the tickets judged.
 */
async function verdictsJudged(url: string, timeoutMs = 300_000): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const started = Date.now();
  try {
    for (;;) {
      const { rows } = await client.query<{ key: string | null; judged: number; stale: number }>(
        `SELECT p.key, count(*) FILTER (WHERE f.now_policy = p.key)::int AS judged, count(*) FILTER (WHERE f.now_policy IS DISTINCT FROM p.key)::int AS stale
           FROM kpi_ticket_facts f LEFT JOIN kpi_deadline_policy p ON true
          GROUP BY p.key`,
      );
      const [row] = rows;
      if (row && row.key !== null && row.stale === 0) return row.judged;
      if (Date.now() - started > timeoutMs) throw new Error(`scale bench: evaluation left ${row?.stale ?? 'all'} tickets' policy=now verdicts unjudged`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await client.end();
  }
}

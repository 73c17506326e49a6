import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Client } from 'pg';
import { backendPids, committedTransactions, cores, cpuSecondsOf, endedChildrenCpuSecondsOf, machineBusySeconds, parentOf, postgresRoundTrip, walWritten, type WalWritten } from './cpu';
import { scrapeMetrics, sumOfSeries } from '@handoff/testing';
import { vacuumAnalyze, type BenchInfra } from './infra';
import { inParallel, percentile, type Report } from './report';
import { sampleContact } from './samples';
import { BENCH_API_KEY, BenchSystem, SERVICE_NAMES, type ServiceName } from './services';

export interface PipelineSettings {
  readonly tickets: number;
  readonly warmupTickets: number;
  /** Requests in flight at once against intake. */
  readonly concurrency: number;
  /** Longest wait for the last assignment after the last contact was accepted. */
  readonly drainTimeoutMs: number;
  /** Every paced load at this steady rate instead of its own (BENCH_PACED_RATE). */
  readonly pacedRate?: number;
  /** Steady loads below what the system sustains, lowest first, each judged on what the issue asks of it. */
  readonly pacedLoads: readonly PacedLoad[];
  readonly pacedSeconds: number;
  /** Round trips timed for the PostgreSQL round-trip figure. */
  readonly roundTrips: number;
}

/** Issue 18: at most 5 ms of CPU a ticket across all processes, PostgreSQL and the broker included. */
const CPU_MS_PER_TICKET_TARGET = 5;
/**
 * The pause between paced round trips: at 30 tickets/s routing sends about 800 statements a
 * second over its pool, so each backend sleeps a few milliseconds between statements.
 */
const PACED_ROUND_TRIP_MS = 5;

export interface PacedLoad {
  readonly label: string;
  /** The rate: a share of the rate just sustained at full speed, or a fixed number of tickets a second. */
  readonly rate: { readonly share: number } | { readonly perSecond: number };
  /** Handoff latency targets in milliseconds, by percentile. */
  readonly latencyAtMost?: Partial<Record<50 | 95 | 99, number>>;
  /** The most CPU a ticket may cost at this load, as a multiple of its cost at full speed. */
  readonly cpuRatioAtMost?: number;
}

const section = 'pipeline';

interface Posted {
  readonly status: number;
  readonly body: string;
}

function post(agent: http.Agent, port: number, route: string, body: unknown, retried = false): Promise<Posted> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path: route,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-api-key': BENCH_API_KEY },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed as it was taken for this request (Node's
      // documented race): the request never reached the server, so it is sent once more. A full
      // run failed on it once, before its pipeline had started.
      if (!retried && request.reusedSocket && error.code === 'ECONNRESET') resolve(post(agent, port, route, body, true));
      else reject(error);
    });
    request.end(payload);
  });
}

/**
 * Assignment times are taken from routing's own `department_queue` notifications: the
 * projection sends one in the transaction that writes the queue row, delivered on commit,
 * so it arrives exactly when a department's live queue can show the ticket with its handler.
 * One LISTEN connection costs the system nothing it would not send anyway; polling the queue
 * per ticket would add thousands of queries to the database under test.
 */
class AssignmentWatch {
  readonly assignedAt = new Map<string, number>();
  private waiting = new Map<string, () => void>();
  private constructor(private readonly client: Client) {}

  static async open(url: string): Promise<AssignmentWatch> {
    const client = new Client({ connectionString: url });
    await client.connect();
    const watch = new AssignmentWatch(client);
    client.on('notification', (message) => {
      if (!message.payload) return;
      const change = JSON.parse(message.payload) as { ticketId: string; change: string; status: string };
      if (change.change !== 'updated' || change.status !== 'in_progress' || watch.assignedAt.has(change.ticketId)) return;
      watch.assignedAt.set(change.ticketId, performance.now());
      watch.waiting.get(change.ticketId)?.();
    });
    await client.query('LISTEN department_queue');
    return watch;
  }

  /** Resolves once every ticket has been assigned, or rejects after `timeoutMs`. */
  async all(ticketIds: readonly string[], timeoutMs: number): Promise<void> {
    const missing = ticketIds.filter((id) => !this.assignedAt.has(id));
    if (missing.length === 0) return;
    await new Promise<void>((resolve, reject) => {
      let left = missing.length;
      const timer = setTimeout(() => reject(new Error(`${left} of ${ticketIds.length} tickets not assigned after ${timeoutMs / 1000} s`)), timeoutMs);
      for (const id of missing) {
        this.waiting.set(id, () => {
          this.waiting.delete(id);
          if (--left === 0) {
            clearTimeout(timer);
            resolve();
          }
        });
      }
    });
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

/** CPU seconds used by each part of the system between start() and stop(). */
class Usage {
  private constructor(
    private readonly infra: BenchInfra,
    private readonly system: BenchSystem,
    private readonly brokerPid: number | undefined,
    private readonly postmasterPid: number | undefined,
    private readonly before: {
      services: Record<ServiceName, number>;
      postgres: Map<number, number>;
      ended: number;
      broker: number;
      bench: number;
      machine: number;
      wall: number;
      commits: number;
      wal: WalWritten | undefined;
      events: number;
    },
  ) {}

  static async start(infra: BenchInfra, system: BenchSystem): Promise<Usage> {
    const brokerPid = brokerProcess();
    const [backend] = await backendPids(infra.serverUrl, system.databases);
    const postmasterPid = backend === undefined ? undefined : parentOf(backend);
    return new Usage(infra, system, brokerPid, postmasterPid, await Usage.sample(infra, system, brokerPid, postmasterPid));
  }

  private static async sample(infra: BenchInfra, system: BenchSystem, brokerPid: number | undefined, postmasterPid: number | undefined) {
    const services = {} as Record<ServiceName, number>;
    for (const name of SERVICE_NAMES) services[name] = cpuSecondsOf(system.pid(name));
    // Listed at every sample: pools open and close connections during a run.
    const backends = await backendPids(infra.serverUrl, system.databases);
    return {
      services,
      postgres: new Map(backends.map((pid) => [pid, cpuSecondsOf(pid)])),
      ended: postmasterPid === undefined ? 0 : endedChildrenCpuSecondsOf(postmasterPid),
      broker: brokerPid === undefined ? 0 : cpuSecondsOf(brokerPid),
      bench: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
      machine: machineBusySeconds(),
      wall: performance.now() / 1000,
      commits: await committedTransactions(infra.serverUrl, system.databases),
      wal: await walWritten(infra.serverUrl),
      events: await appendedEvents(system),
    };
  }

  async stop() {
    // Backends flush their statistics when they go idle, at most once a second.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const now = await Usage.sample(this.infra, this.system, this.brokerPid, this.postmasterPid);
    const services = {} as Record<ServiceName, number>;
    for (const name of SERVICE_NAMES) services[name] = now.services[name] - this.before.services[name];
    // A backend that started meanwhile counts in full. One that ended meanwhile, and every
    // autovacuum worker, is counted from the postmaster's tally of its ended children, less what an
    // ended backend had used before the run: the workers vacuum the tables the run writes, at
    // times of their own, and are part of what a ticket costs the server. (That tally also holds
    // the bench's own short sampling connections: a few milliseconds a sample.)
    let postgres = 0;
    for (const [pid, seconds] of now.postgres) postgres += seconds - (this.before.postgres.get(pid) ?? 0);
    const gone = [...this.before.postgres].filter(([pid]) => !now.postgres.has(pid));
    const ended = now.ended - this.before.ended - gone.reduce((sum, [, seconds]) => sum + seconds, 0);
    postgres += ended;
    const backendsGone = gone.length;
    const broker = this.brokerPid === undefined ? undefined : now.broker - this.before.broker;
    const bench = now.bench - this.before.bench;
    const total = Object.values(services).reduce((sum, value) => sum + value, 0) + postgres + (broker ?? 0) + bench;
    return { services, postgres, ended, broker, bench, total, backends: now.postgres.size, backendsGone, machine: now.machine - this.before.machine, wallSeconds: now.wall - this.before.wall, commits: now.commits - this.before.commits, wal: walBetween(this.before.wal, now.wal), events: now.events - this.before.events };
  }
}

/** Events the four services' stores hold (counted: positions come from transaction ids and are not a count). */
async function appendedEvents(system: BenchSystem): Promise<number> {
  let total = 0;
  for (const name of SERVICE_NAMES) {
    const client = new Client({ connectionString: system.databaseUrl(name) });
    await client.connect();
    try {
      const { rows } = await client.query<{ events: string }>('SELECT count(*)::text AS events FROM events');
      total += Number(rows[0].events);
    } finally {
      await client.end();
    }
  }
  return total;
}

/** The four services' relay rounds and consumer batches so far, summed, from their /metrics. */
const ROUND_COUNTERS = {
  relayPages: 'handoff_relay_pages_total',
  relayEvents: 'handoff_relay_published_events_total',
  consumerBatches: 'handoff_consumer_batches_total',
  consumerMessages: 'handoff_consumer_batched_messages_total',
  dbRoundTrips: 'handoff_db_round_trips_total',
} as const;
type RoundCounts = Record<keyof typeof ROUND_COUNTERS, number>;

async function roundCounts(system: BenchSystem): Promise<RoundCounts> {
  const totals: RoundCounts = { relayPages: 0, relayEvents: 0, consumerBatches: 0, consumerMessages: 0, dbRoundTrips: 0 };
  for (const service of SERVICE_NAMES) {
    const scrape = await scrapeMetrics(system.url(service));
    for (const [key, metric] of Object.entries(ROUND_COUNTERS) as [keyof RoundCounts, string][]) totals[key] += sumOfSeries(scrape, metric);
  }
  return totals;
}

/** How much each relay round and each consumer batch carried between two counts: what batching there was. */
function reportRounds(report: Report, label: string, before: RoundCounts, after: RoundCounts): void {
  const figures = [
    { name: 'events per relay round', unit: 'events', carried: 'relayEvents', rounds: 'relayPages', countedAs: 'rounds', note: 'a page read from a store and published in one produce round, the four relays together' },
    {
      name: 'messages per consumer batch',
      unit: 'messages',
      carried: 'consumerMessages',
      rounds: 'consumerBatches',
      countedAs: 'batches',
      note: "one partition's messages of one fetch, the services' consumer groups together (intake's inbound contacts not counted)",
    },
  ] as const;
  for (const { name, unit, carried, rounds, countedAs, note } of figures) {
    const counted = after[rounds] - before[rounds];
    const value = counted > 0 ? (after[carried] - before[carried]) / counted : 0;
    report.add({ section: 'batching', name: `${name}, ${label}`, value, unit, better: 'higher', details: { [countedAs]: counted, note } });
  }
}

/**
 * The round trips the four services made to PostgreSQL a ticket, over all their pools, as they
 * count them: at a light load each one costs the server a wake-up, and like the WAL this count
 * does not move with the machine's speed. `load`: a paced load's label; none at full speed.
 */
function reportRoundTrips(report: Report, before: RoundCounts, after: RoundCounts, tickets: number, load?: string): void {
  report.add({
    section: 'cost',
    name: `PostgreSQL round trips per ticket${load === undefined ? '' : `, ${load}`}`,
    value: (after.dbRoundTrips - before.dbRoundTrips) / tickets,
    unit: 'round trips',
    better: 'lower',
    details: { note: 'handoff_db_round_trips_total of the four services (read models, event store, vault); the bench\'s own scrapes of their gauges included' },
  });
}

function walBetween(before: WalWritten | undefined, after: WalWritten | undefined): WalWritten | undefined {
  return before && after ? { records: after.records - before.records, bytes: after.bytes - before.bytes } : undefined;
}

/**
 * What a ticket made PostgreSQL write to its WAL: each row a statement writes, and each entry in
 * each of its table's indexes, is a record. Unlike CPU time this does not move with other work on
 * the machine, so a change to the tables' writes (an index less, an update kept on its page) shows
 * in it where the CPU figures cannot tell it from their spread. `load`: a paced load's label; none at full speed.
 */
function reportWal(report: Report, wal: WalWritten | undefined, tickets: number, load?: string): void {
  if (!wal) return;
  const suffix = load === undefined ? '' : `, ${load}`;
  const note = "the whole server's (pg_stat_wal), other work on it included";
  report.add({ section: 'cost', name: `PostgreSQL WAL records per ticket${suffix}`, value: wal.records / tickets, unit: 'records', better: 'lower', baseline: 'events appended per ticket', details: { note } });
  report.add({ section: 'cost', name: `PostgreSQL WAL bytes per ticket${suffix}`, value: wal.bytes / tickets / 1024, unit: 'KiB', better: 'lower', details: { note } });
}

/** When every consumer group of this run had read everything on its topics (checked every 200 ms). */
async function allConsumersCaughtUp(infra: BenchInfra, timeoutMs: number): Promise<number> {
  const admin = infra.kafka('lag').admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const groups = (await admin.listGroups()).groups.map(({ groupId }) => groupId).filter((groupId) => groupId.startsWith(`${infra.prefix}sys.`));
      let lag = 0;
      for (const groupId of groups) {
        for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
          const ends = await admin.fetchTopicOffsets(topic);
          for (const { partition, offset } of partitions) {
            const end = Number(ends.find((candidate) => candidate.partition === partition)?.high ?? 0);
            lag += Math.max(0, end - Math.max(0, Number(offset)));
          }
        }
      }
      if (groups.length > 0 && lag === 0) return performance.now();
      if (Date.now() > deadline) throw new Error(`consumers still ${lag} messages behind after ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * The broker `npm run kafka:start` runs: by this checkout's pid file, else the one process on the
 * machine running Kafka's main class (a bench run from another worktree uses the broker that the
 * main checkout started, whose pid file it does not have).
 */
function brokerProcess(): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.resolve(__dirname, '../../.handoff/kafka/kafka.pid'), 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0 && fs.existsSync(`/proc/${pid}`)) return pid;
  } catch {
    // No pid file in this checkout: look for the broker among the machine's processes.
  }
  const brokers = fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes('kafka.Kafka');
      } catch {
        return false;
      }
    });
  return brokers.length === 1 ? Number(brokers[0]) : undefined;
}

/**
 * The paced tickets' way through the system, step by step: from intake's answer to routing
 * recording the route (intake relay, Kafka, routing's hand-over consumer and its command), to
 * the assignment (routing relay, Kafka, auto-assignment), to the queue showing it (routing
 * relay, Kafka, queue projection). Recorded-at is stamped by the service just before it appends.
 */
async function hopTimes(system: BenchSystem, ticketIds: readonly string[], acceptedAt: ReadonlyMap<string, number>, assignedAt: ReadonlyMap<string, number>) {
  const client = new Client({ connectionString: system.databaseUrl('routing') });
  await client.connect();
  let rows: { ticket_id: string; type: string; recorded_at: Date }[];
  try {
    ({ rows } = await client.query(
      `SELECT ticket_id, type, (metadata->>'recordedAt')::timestamptz AS recorded_at FROM events
        WHERE type IN ('TicketRouted', 'HandlerAssigned') AND ticket_id = ANY($1::text[])`,
      [ticketIds],
    ));
  } finally {
    await client.end();
  }
  // performance.now() is relative to this process's start; recorded-at is wall-clock time.
  const wallOf = (now: number) => performance.timeOrigin + now;
  const routed = new Map<string, number>();
  const assigned = new Map<string, number>();
  for (const row of rows) (row.type === 'TicketRouted' ? routed : assigned).set(row.ticket_id, row.recorded_at.getTime());
  const sorted = (values: number[]) => values.filter(Number.isFinite).sort((a, b) => a - b);
  return {
    'accepted to routed': sorted(ticketIds.map((id) => routed.get(id)! - wallOf(acceptedAt.get(id)!))),
    'routed to assigned': sorted(ticketIds.map((id) => assigned.get(id)! - routed.get(id)!)),
    'assigned to visible in queue': sorted(ticketIds.map((id) => wallOf(assignedAt.get(id)!) - assigned.get(id)!)),
  };
}

/** Contacts sent on a schedule (open loop): request i leaves at i / rate seconds, whatever the answers before it. */
async function postPaced(
  agent: http.Agent,
  port: number,
  from: number,
  count: number,
  rate: number,
  runId: string,
): Promise<{ ticketIds: string[]; acceptedAt: Map<string, number>; requestMs: number[] }> {
  const ticketIds: string[] = [];
  const acceptedAt = new Map<string, number>();
  const requestMs: number[] = [];
  const started = performance.now();
  const sent: Promise<void>[] = [];
  for (let index = 0; index < count; index++) {
    const due = started + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const leftAt = performance.now();
    sent.push(
      post(agent, port, '/v1/contacts', sampleContact(from + index, runId)).then((response) => {
        const now = performance.now();
        if (response.status !== 201) throw new Error(`intake answered ${response.status}: ${response.body.slice(0, 300)}`);
        const { ticketId } = JSON.parse(response.body) as { ticketId: string };
        ticketIds.push(ticketId);
        acceptedAt.set(ticketId, now);
        requestMs.push(now - leftAt);
      }),
    );
  }
  await Promise.all(sent);
  return { ticketIds, acceptedAt, requestMs };
}

async function postContacts(
  agent: http.Agent,
  port: number,
  from: number,
  count: number,
  concurrency: number,
  runId: string,
): Promise<{ ticketIds: string[]; acceptedAt: Map<string, number>; firstSentAt: number; lastAcceptedAt: number }> {
  const ticketIds: string[] = [];
  const acceptedAt = new Map<string, number>();
  const firstSentAt = performance.now();
  let lastAcceptedAt = firstSentAt;
  await inParallel(count, concurrency, async (index) => {
    const response = await post(agent, port, '/v1/contacts', sampleContact(from + index, runId));
    const now = performance.now();
    if (response.status !== 201) throw new Error(`intake answered ${response.status}: ${response.body.slice(0, 300)}`);
    const { ticketId } = JSON.parse(response.body) as { ticketId: string };
    ticketIds.push(ticketId);
    acceptedAt.set(ticketId, now);
    lastAcceptedAt = Math.max(lastAcceptedAt, now);
  });
  return { ticketIds, acceptedAt, firstSentAt, lastAcceptedAt };
}

export async function benchPipeline(infra: BenchInfra, report: Report, settings: PipelineSettings): Promise<{ routingUrl: string; intakeUrl: string; system: BenchSystem }> {
  // Measured before the system starts, on a quiet machine.
  const roundTrip = await postgresRoundTrip(infra.serverUrl, settings.roundTrips);
  report.add({
    section: 'cost',
    name: 'PostgreSQL round trip (SELECT 1), CPU',
    value: roundTrip.cpuMicroseconds,
    unit: 'µs',
    better: 'lower',
    details: { roundTripsPerSecond: Math.round(roundTrip.perSecond), note: 'client and backend CPU per round trip, one connection, nothing else running' },
  });
  // The same round trip with both processes asleep in between, as at a light load: what waking
  // costs on this machine, the least by which a light load's statement costs more than a busy one's.
  const pacedRoundTrip = await postgresRoundTrip(infra.serverUrl, Math.max(200, Math.round(settings.roundTrips / 5)), { everyMs: PACED_ROUND_TRIP_MS });
  report.add({
    section: 'cost',
    name: `PostgreSQL round trip (SELECT 1), CPU, one every ${PACED_ROUND_TRIP_MS} ms`,
    value: pacedRoundTrip.cpuMicroseconds,
    unit: 'µs',
    better: 'lower',
    baseline: 'PostgreSQL round trip (SELECT 1), CPU',
    details: { note: 'client and backend CPU per round trip, each after a pause in which both sleep, as between the statements of a light load' },
  });
  const system = await BenchSystem.start(infra);
  const idle = system.rss();
  const watch = await AssignmentWatch.open(system.databaseUrl('routing'));
  const agent = new http.Agent({ keepAlive: true, maxSockets: settings.concurrency });
  try {
    // Warm-up: JIT, connection pools, consumer group joins; not measured.
    const warm = await postContacts(agent, system.port('intake'), 0, settings.warmupTickets, settings.concurrency, infra.runId);
    await watch.all(warm.ticketIds, 60_000);

    const roundsBefore = await roundCounts(system);
    const usage = await Usage.start(infra, system);
    const run = await postContacts(agent, system.port('intake'), settings.warmupTickets, settings.tickets, settings.concurrency, infra.runId);
    await watch.all(run.ticketIds, settings.drainTimeoutMs);
    // Intake, followup and evaluation go on with the backlog after the last assignment: the
    // system as a whole has kept up only once every consumer group has caught up.
    const caughtUpAt = await allConsumersCaughtUp(infra, settings.drainTimeoutMs);
    const used = await usage.stop();
    const roundsAfter = await roundCounts(system);
    reportRounds(report, 'full speed', roundsBefore, roundsAfter);
    reportRoundTrips(report, roundsBefore, roundsAfter, settings.tickets);
    const lastAssignedAt = Math.max(...run.ticketIds.map((id) => watch.assignedAt.get(id)!));
    // At full speed these are mostly time spent waiting behind the backlog: reported, not judged.
    const waits = run.ticketIds.map((id) => watch.assignedAt.get(id)! - run.acceptedAt.get(id)!).sort((a, b) => a - b);
    const seconds = (lastAssignedAt - run.firstSentAt) / 1000;

    report.add({
      section,
      name: 'tickets, contact to assignment',
      value: settings.tickets / seconds,
      unit: 'tickets/s',
      better: 'higher',
      baseline: 'raw kafkajs produce-then-consume',
      // Issue 18's target (issue 6 asked for 2,000; 18 restated it for this machine).
      target: { kind: 'value', atLeast: 400 },
      details: {
        tickets: settings.tickets,
        concurrency: settings.concurrency,
        seconds: Math.round(seconds * 100) / 100,
        eventsPerTicket: 5,
        waitP50Ms: Math.round(percentile(waits, 50)),
        waitP99Ms: Math.round(percentile(waits, 99)),
      },
    });
    const wholeSystem = settings.tickets / ((caughtUpAt - run.firstSentAt) / 1000);
    report.add({
      section,
      name: 'tickets, until every consumer caught up',
      value: wholeSystem,
      unit: 'tickets/s',
      better: 'higher',
      baseline: 'tickets, contact to assignment',
      details: { note: 'contacts posted at full speed; the clock stops when no consumer group of the system has anything left to read' },
    });
    report.add({
      section,
      name: 'contacts accepted by intake (HTTP)',
      value: settings.tickets / ((run.lastAcceptedAt - run.firstSentAt) / 1000),
      unit: 'req/s',
      better: 'higher',
      baseline: 'raw kafkajs produce-then-consume',
      details: { tickets: settings.tickets, concurrency: settings.concurrency },
    });
    // What each ticket cost, in CPU and in commits: figures that other work on the machine
    // (tests, a second checkout) does not change the way it changes the rates above.
    const perTicket = (seconds: number) => (seconds * 1000) / settings.tickets;
    // Each part's share of the whole (ratio to the total), and the whole against what the target allows.
    const ALL = 'CPU per ticket, all of the above';
    const BUDGET = 'CPU per ticket issue 18 allows (all processes)';
    for (const name of SERVICE_NAMES) {
      report.add({ section: 'cost', name: `${name} CPU per ticket`, value: perTicket(used.services[name]), unit: 'ms', better: 'lower', baseline: ALL });
    }
    report.add({ section: 'cost', name: 'PostgreSQL CPU per ticket', value: perTicket(used.postgres), unit: 'ms', better: 'lower', baseline: ALL, details: { backends: used.backends, backendsEndedDuringRun: used.backendsGone, endedProcessesAndAutovacuumMs: perTicket(used.ended) } });
    if (used.broker !== undefined) {
      report.add({
        section: 'cost',
        name: 'Kafka broker CPU per ticket',
        value: perTicket(used.broker),
        unit: 'ms',
        better: 'lower',
        baseline: ALL,
        details: { note: 'includes any other client of the broker during the run' },
      });
    }
    report.add({ section: 'cost', name: 'load generator CPU per ticket', value: perTicket(used.bench), unit: 'ms', better: 'lower', baseline: ALL });
    const total = used.total;
    report.add({ section: 'cost', name: BUDGET, value: CPU_MS_PER_TICKET_TARGET, unit: 'ms', better: 'lower', details: { cores: cores(), note: 'PostgreSQL and the broker included' } });
    report.add({ section: 'cost', name: ALL, value: perTicket(total), unit: 'ms', better: 'lower', baseline: BUDGET, target: { kind: 'value', atMost: CPU_MS_PER_TICKET_TARGET } });
    report.add({
      section: 'cost',
      name: 'tickets/s this CPU cost allows on this machine',
      value: (cores() * settings.tickets) / total,
      unit: 'tickets/s',
      better: 'higher',
      baseline: 'tickets, contact to assignment',
      details: { cores: cores(), note: 'all cores busy with nothing but this system and the load generator' },
    });
    report.add({ section: 'cost', name: 'events appended per ticket', value: used.events / settings.tickets, unit: 'events', better: 'lower', details: { note: 'all four stores' } });
    report.add({
      section: 'cost',
      name: 'PostgreSQL commits per ticket',
      value: used.commits / settings.tickets,
      unit: 'commits',
      better: 'lower',
      baseline: 'events appended per ticket',
    });
    reportWal(report, used.wal, settings.tickets);
    report.add({
      section: 'cost',
      name: 'machine CPU used by other work during the run',
      value: (Math.max(0, used.machine - total) / used.wallSeconds / cores()) * 100,
      unit: '% of all cores',
      better: 'lower',
      details: { note: 'busy time of the whole machine minus the processes above' },
    });
    // Latency where the system keeps up: contacts at a steady rate below what it sustains. At
    // full speed intake accepts faster than the rest can follow, and the wait only measures how
    // long the backlog has grown by the end of the run.
    // Lower loads first, so that a backlog left by one never reaches the next. The full-speed
    // part leaves every table with thousands of changed rows, which autovacuum takes up within
    // its next minute: done here, so that it is not done during the first paced load, whichever
    // that is (which one comes first depends on the rate full speed reached).
    for (const name of SERVICE_NAMES) await vacuumAnalyze(system.databaseUrl(name));
    let from = settings.warmupTickets + settings.tickets;
    const rateOf = (load: PacedLoad) => settings.pacedRate ?? ('perSecond' in load.rate ? load.rate.perSecond : Math.max(1, Math.round(wholeSystem * load.rate.share)));
    for (const load of [...settings.pacedLoads].sort((a, b) => rateOf(a) - rateOf(b))) {
      const rate = rateOf(load);
      const pacedCount = Math.max(1, Math.round(rate * settings.pacedSeconds));
      const pacedRoundsBefore = await roundCounts(system);
      const pacedUsage = await Usage.start(infra, system);
      const paced = await postPaced(agent, system.port('intake'), from, pacedCount, rate, infra.runId);
      from += pacedCount;
      await watch.all(paced.ticketIds, settings.drainTimeoutMs);
      const pacedUsed = await pacedUsage.stop();
      const pacedRoundsAfter = await roundCounts(system);
      reportRounds(report, load.label, pacedRoundsBefore, pacedRoundsAfter);
      reportRoundTrips(report, pacedRoundsBefore, pacedRoundsAfter, pacedCount, load.label);
      const share = (value: number) => Math.round((value / pacedUsed.wallSeconds / cores()) * 100) / 100;
      const latencies = paced.ticketIds.map((id) => watch.assignedAt.get(id)! - paced.acceptedAt.get(id)!).sort((a, b) => a - b);
      const details = {
        tickets: latencies.length,
        ratePerSecond: rate,
        shareOfSustainedRate: Math.round((rate / wholeSystem) * 100) / 100,
        measuredFrom: 'intake 201 received',
        measuredTo: 'department_queue notification (in_progress)',
        // Busy share of all cores while the paced contacts went through: this system, and everything on the machine.
        systemBusyShare: share(pacedUsed.total),
        machineBusyShare: share(pacedUsed.machine),
        intakeRequestP99Ms: Math.round(percentile([...paced.requestMs].sort((a, b) => a - b), 99) * 10) / 10,
        cpuMsPerTicket: JSON.stringify(
          Object.fromEntries(
            Object.entries({ ...pacedUsed.services, postgres: pacedUsed.postgres, broker: pacedUsed.broker ?? 0, loadGenerator: pacedUsed.bench }).map(([part, seconds]) => [
              part,
              Math.round((seconds * 1000 * 100) / pacedCount) / 100,
            ]),
          ),
        ),
      };
      const pacedCpu = (pacedUsed.total * 1000) / pacedCount;
      report.add({
        section: 'cost',
        name: `CPU per ticket, all of the above, ${load.label}`,
        value: pacedCpu,
        unit: 'ms',
        better: 'lower',
        baseline: ALL,
        ...(load.cpuRatioAtMost === undefined ? {} : { target: { kind: 'ratio' as const, atMost: load.cpuRatioAtMost } }),
        details: { ratePerSecond: rate, note: 'the same parts as at full speed, while the paced contacts went through' },
      });
      reportWal(report, pacedUsed.wal, pacedCount, load.label);
      report.add({
        section: 'cost',
        name: `PostgreSQL round trips' CPU per ticket, ${load.label}`,
        value: pacedCpu / (roundTrip.cpuMicroseconds / 1000),
        unit: 'round trips',
        better: 'lower',
        details: { note: 'CPU per ticket at this load, in units of one PostgreSQL round trip of the figure above' },
      });
      report.add({
        section,
        name: `paced rate, ${load.label}`,
        value: rate,
        unit: 'tickets/s',
        better: 'higher',
        baseline: 'tickets, until every consumer caught up',
        details,
      });
      for (const p of [50, 95, 99] as const) {
        report.add({
          section,
          name: `handoff latency p${p}, ${load.label}`,
          value: percentile(latencies, p),
          unit: 'ms',
          better: 'lower',
          baseline: `raw kafkajs round trip p${p}`,
          ...(load.latencyAtMost?.[p] === undefined ? {} : { target: { kind: 'value' as const, atMost: load.latencyAtMost[p] } }),
          details,
        });
      }
      // Where the time goes: each step's recorded-at from the stores, on the same clock.
      const hops = await hopTimes(system, paced.ticketIds, paced.acceptedAt, watch.assignedAt);
      for (const [hop, times] of Object.entries(hops)) {
        for (const p of [50, 99]) {
          // Each step is one relay, one Kafka hop and one consumer: compared with the bare Kafka hop.
          report.add({
            section: 'latency by step',
            name: `${hop} p${p}, ${load.label}`,
            value: percentile(times, p),
            unit: 'ms',
            better: 'lower',
            baseline: `raw kafkajs round trip p${p}`,
          });
        }
      }
    }
    const end = system.rss();
    for (const name of SERVICE_NAMES) {
      report.add({ section: 'memory', name: `${name} RSS at start`, value: idle[name], unit: 'MiB', better: 'lower' });
    }
    for (const name of SERVICE_NAMES) {
      report.add({ section: 'memory', name: `${name} RSS at end`, value: end[name], unit: 'MiB', better: 'lower', baseline: `${name} RSS at start` });
    }
    return { routingUrl: system.databaseUrl('routing'), intakeUrl: system.databaseUrl('intake'), system };
  } catch (error) {
    await system.stop();
    throw error;
  } finally {
    agent.destroy();
    await watch.close();
  }
}

import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import type { Server } from 'node:http';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { signToken } from '@handoff/platform';
import { databaseUrl } from '@handoff/read-models';
import { eventually, scrapeMetrics, sumOfSeries } from '@handoff/testing';
import { contact } from '../support/contacts';
import { freePort, OwnBroker, OwnPostgres, postgresUnavailableReason, ServiceProcess } from '../support/own-servers';
import { SECRET, SERVICE_NAMES, UPSTREAM_KEY, type ServiceName } from '../support/system';
import { seededRandom } from '@handoff/contracts';

/**
 * Two instances of every service under a load of tickets, while instances and the broker are
 * killed with SIGKILL and started again at random and PostgreSQL is restarted once. Then every
 * ticket has reached its final state, no event is doubled, every chain verifies and every read
 * model equals its rebuild. The broker and PostgreSQL are the test's own.
 *
 * FAULT_SEED repeats a run (the seed is printed); FAULT_TICKETS, FAULT_INSTANCES and
 * FAULT_IN_FLIGHT size it (`npm run soak` runs a long one, scripts/soak.js).
 */

const ROOT = path.resolve(__dirname, '../..');
const SEED = process.env.FAULT_SEED ? Number(process.env.FAULT_SEED) : randomInt(0, 2 ** 31);
const TICKETS = Number(process.env.FAULT_TICKETS ?? 18);
const INSTANCES = Number(process.env.FAULT_INSTANCES ?? 2);
const IN_FLIGHT = Number(process.env.FAULT_IN_FLIGHT ?? 6);
/** How long one step of a ticket may keep being refused or unanswered before the run fails. */
const STEP_DEADLINE_MS = Number(process.env.FAULT_STEP_DEADLINE_MS ?? 180_000);
const PREFIX = 'fault.';

const say = (line: string) => process.stdout.write(`fault: ${line}\n`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Instance {
  readonly service: ServiceName;
  readonly index: number;
  readonly port: number;
  process: ServiceProcess | undefined;
}

type Kind = 'answered' | 'feedback' | 'complaint';

interface Figures {
  instanceKills: number;
  brokerKills: number;
  postgresRestarts: number;
  retries: number;
}

const reason = postgresUnavailableReason();
const describeOwn = reason ? describe.skip : describe;

describeOwn(`${INSTANCES} instances of each service, killed at random under load${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let postgres: OwnPostgres;
  let broker: OwnBroker;
  let web: Server;
  let webUrl: string;
  const instances: Instance[] = [];
  const figures: Figures = { instanceKills: 0, brokerKills: 0, postgresRestarts: 0, retries: 0 };
  const random = seededRandom(SEED);
  let env: Record<string, string>;

  const auditSources = () => SERVICE_NAMES.map((service) => `${service}=${databaseUrl(postgres.url, `handoff_${service}`)}`).join(',');

  async function launch(instance: Instance): Promise<void> {
    instance.process = await ServiceProcess.launch(instance.service, env, instance.port);
  }

  async function healthy(instance: Instance, timeoutMs = 120_000): Promise<void> {
    await eventually(
      async () => {
        const lastLines = () => instance.process?.logs.slice(-5).join('\n');
        if (!instance.process?.running) throw new Error(`${instance.service}#${instance.index} exited: ${lastLines()}`);
        const response = await fetch(`http://127.0.0.1:${instance.port}/health/ready`);
        // Not ready: the answer names the failing checks, which a timeout then reports.
        if (!response.ok) throw new Error(`${response.status} ${await response.text()}; last log lines: ${lastLines()}`);
        return true;
      },
      `${instance.service}#${instance.index} to be ready`,
      timeoutMs,
    );
  }

  beforeAll(async () => {
    say(`seed ${SEED} (FAULT_SEED=${SEED} repeats this run), ${TICKETS} tickets, ${INSTANCES} instances of each service`);
    [postgres, broker] = await Promise.all([OwnPostgres.create(), OwnBroker.create()]);
    await Promise.all([postgres.start(), broker.start()]);
    env = {
      DATABASE_URL: postgres.url,
      KAFKA_BROKERS: broker.address,
      KAFKA_TOPIC_PREFIX: PREFIX,
      // The broker's smallest session: a killed instance's partitions move to the other within seconds.
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      AUTH_TOKEN_SECRET: SECRET,
      AUTH_API_KEYS: `e2e-upstream=${UPSTREAM_KEY}`,
      AUDIT_SOURCES: '',
      // One test client makes every request: the per-instance limit would measure the driver, not the system.
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_BURST: '100000',
      LOG_LEVEL: 'warn',
    };
    env.AUDIT_SOURCES = auditSources();
    for (const service of SERVICE_NAMES) {
      for (let index = 1; index <= INSTANCES; index++) instances.push({ service, index, port: await freePort(), process: undefined });
    }
    // One of each first, so the databases are created and migrated once; the others then find them ready.
    const firsts = instances.filter((instance) => instance.index === 1);
    await Promise.all(firsts.map(launch));
    await Promise.all(firsts.map((instance) => healthy(instance)));
    const others = instances.filter((instance) => instance.index > 1);
    await Promise.all(others.map(launch));
    await Promise.all(others.map((instance) => healthy(instance)));

    // The consoles' server in front of every instance: people's requests go through it, round robin.
    const { createWebServer } = require(path.join(ROOT, 'scripts/web.js')) as {
      createWebServer(options: { services: Record<string, string[]>; secret: string; devSignIn: boolean }): Server;
    };
    web = createWebServer({
      services: Object.fromEntries(SERVICE_NAMES.map((service) => [service, instances.filter((instance) => instance.service === service).map((instance) => `http://127.0.0.1:${instance.port}`)])),
      secret: SECRET,
      devSignIn: false,
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webUrl = `http://127.0.0.1:${(web.address() as { port: number }).port}`;
  }, 300_000);

  afterAll(async () => {
    await new Promise((resolve) => (web ? web.close(resolve) : resolve(undefined)));
    await Promise.all(instances.map((instance) => instance.process?.kill()));
    await Promise.all([postgres?.destroy(), broker?.destroy()]);
  }, 120_000);

  const routings = () => instances.filter((instance) => instance.service === 'routing');

  /** Requests for `route` this instance answered with 200, from its own metrics. */
  async function answered(instance: Instance, route: string): Promise<number> {
    return sumOfSeries(await scrapeMetrics(`http://127.0.0.1:${instance.port}`), 'handoff_http_requests_total', { route, status: '200' });
  }

  it('has the consoles’ server take the instances in turn, and skip one that refuses connections', async () => {
    const cookie = `handoff_session=${encodeURIComponent(signToken({ sub: 'director-fault', role: 'management' }, SECRET))}`;
    const departments = async () => (await fetch(`${webUrl}/api/routing/v1/departments`, { headers: { cookie } })).status;
    const before = await Promise.all(routings().map((instance) => answered(instance, '/v1/departments')));
    const statuses = [];
    for (let index = 0; index < 4 * INSTANCES; index++) statuses.push(await departments());
    expect(statuses.every((status) => status === 200)).toBe(true);
    const after = await Promise.all(routings().map((instance) => answered(instance, '/v1/departments')));
    expect(after.map((count, index) => count - before[index])).toEqual(routings().map(() => 4));

    const [first, ...rest] = routings();
    await Promise.all(rest.map((instance) => instance.process?.kill()));
    const firstBefore = await answered(first, '/v1/departments');
    const whileDown = [];
    for (let index = 0; index < 4 * INSTANCES; index++) whileDown.push(await departments());
    expect(whileDown.every((status) => status === 200)).toBe(true);
    expect((await answered(first, '/v1/departments')) - firstBefore).toBe(4 * INSTANCES);
    await Promise.all(rest.map(launch));
    await Promise.all(rest.map((instance) => healthy(instance)));
  });

  it('brings a queue change to a live queue on every routing instance, whichever instance applied it', async () => {
    const token = signToken({ sub: 'manager-product', role: 'department_manager', department: 'product' }, SECRET);
    const streams = routings().map((instance) => {
      const abort = new AbortController();
      const state = { text: '', abort };
      void (async () => {
        const response = await fetch(`http://127.0.0.1:${instance.port}/v1/departments/product/queue/stream`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
        const decoder = new TextDecoder();
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) state.text += decoder.decode(chunk, { stream: true });
      })().catch(() => undefined);
      return state;
    });
    try {
      await eventually(() => streams.every((stream) => stream.text.includes('event: ready')), 'every live queue to be subscribed', 30_000);
      const tickets: string[] = [];
      // Tickets land on different partitions, so on different instances' consumers; every stream hears of each.
      for (let index = 0; index < 3; index++) {
        const posted = await fetch(`http://127.0.0.1:${instances.find((instance) => instance.service === 'intake')!.port}/v1/contacts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': UPSTREAM_KEY },
          body: JSON.stringify(contact({ type: 'feedback', subject: 'Export to spreadsheet', description: `A spreadsheet export, please (live ${index}).` })),
        });
        expect(posted.status).toBe(201);
        tickets.push(((await posted.json()) as { ticketId: string }).ticketId);
      }
      await eventually(() => streams.every((stream) => tickets.every((ticketId) => stream.text.includes(ticketId))), 'every live queue to hear of every ticket', 60_000);
    } finally {
      for (const stream of streams) stream.abort.abort();
    }
  });

  // ---------------------------------------------------------------------------------------------
  // The load: each ticket driven to its final state through the APIs, every step retried with the
  // same request id (so a request that was applied before its answer was lost is applied once).

  let intakeTurn = 0;

  /** One request, to an instance of intake directly (an upstream system) or through the consoles' server (a person). */
  async function request(
    who: { apiKey: string } | { token: string },
    method: 'GET' | 'POST',
    service: ServiceName,
    route: string,
    requestId: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
    let url: string;
    if ('apiKey' in who) {
      const intakes = instances.filter((instance) => instance.service === 'intake');
      url = `http://127.0.0.1:${intakes[intakeTurn++ % intakes.length].port}${route}`;
      headers['x-api-key'] = who.apiKey;
    } else {
      url = `${webUrl}/api/${service}${route}`;
      headers.cookie = `handoff_session=${encodeURIComponent(who.token)}`;
    }
    try {
      const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: AbortSignal.timeout(15_000) });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: kept as text for the failure message
      }
      return { status: response.status, body: parsed };
    } catch (error) {
      return { status: 0, body: String(error) };
    }
  }

  /** Sends one step until `done` says it took effect; anything else (503, 502, 404 not yet known, 409 not yet ready) is tried again. */
  async function step(
    label: string,
    send: () => Promise<{ status: number; body: any }>,
    done: (answer: { status: number; body: any }) => boolean,
  ): Promise<{ status: number; body: any }> {
    const deadline = Date.now() + STEP_DEADLINE_MS;
    for (;;) {
      const answer = await send();
      if (done(answer)) return answer;
      // 503 (PostgreSQL or Kafka away) and 502 (the consoles' server lost an instance mid-request) are what faults may cause; any other 5xx is a bug.
      if (answer.status >= 500 && answer.status !== 502 && answer.status !== 503) throw new Error(`${label}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
      if (Date.now() > deadline) throw new Error(`${label}: still ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)} after ${STEP_DEADLINE_MS} ms`);
      figures.retries++;
      await sleep(answer.status === 0 || answer.status >= 500 ? 300 : 500);
    }
  }

  const person = (role: 'cs' | 'management' | 'auditor' | 'department_handler', id: string, department?: string) => ({
    token: signToken({ sub: id, role, ...(department ? { department } : {}) }, SECRET),
  });
  const cs = person('cs', 'agent-fault');
  const management = person('management', 'director-fault');
  const auditor = person('auditor', 'auditor-fault');
  const ok = (answer: { status: number }) => answer.status === 200;

  async function drive(number: number, kind: Kind): Promise<string> {
    const id = (what: string) => `fault-${SEED}-${number}-${what}`;
    const payload =
      kind === 'answered'
        ? contact({ externalId: id('contact'), subject: 'Opening hours', description: `When are you open? (${number})` })
        : kind === 'feedback'
          ? contact({ externalId: id('contact'), type: 'feedback', subject: 'Export to spreadsheet', description: `The report should export to a spreadsheet (${number}).` })
          : contact({ externalId: id('contact'), type: 'complaint', subject: 'Charged twice', description: `My card was charged twice for one invoice (${number}).` });
    const upstream = { apiKey: UPSTREAM_KEY };
    const recorded = await step(`ticket ${number}: contact`, () => request(upstream, 'POST', 'intake', '/v1/contacts', id('contact'), payload), (answer) => answer.status === 201 || answer.status === 200);
    const ticketId: string = recorded.body.ticketId;

    if (kind === 'answered') {
      await step(`${ticketId}: answer`, () => request(cs, 'POST', 'intake', `/v1/tickets/${ticketId}/first-contact-answer`, id('answer'), { answer: 'Every day 09:00-17:00.', customerSatisfied: true }), ok);
    } else {
      let handler: { token: string };
      if (kind === 'feedback') {
        handler = person('department_handler', 'product-guo', 'product');
        await step(`${ticketId}: claim`, () => request(handler, 'POST', 'routing', `/v1/tickets/${ticketId}/claim`, id('claim')), ok);
      } else {
        const assigned = await step(`${ticketId}: assignment`, () => request(management, 'GET', 'routing', `/v1/tickets/${ticketId}`, id(`read-${Date.now()}`)), (answer) => answer.status === 200 && typeof answer.body.handlerId === 'string');
        handler = person('department_handler', assigned.body.handlerId, assigned.body.department);
      }
      const result =
        kind === 'complaint'
          ? { summary: 'The duplicate charge was refunded.', apology: 'We are sorry for charging you twice.', correctiveAction: 'Payment retries check for a capture first.', cause: 'billing_error' }
          : { summary: 'Export added.' };
      await step(`${ticketId}: result`, () => request(handler, 'POST', 'routing', `/v1/tickets/${ticketId}/result`, id('result'), result), ok);
      await step(`${ticketId}: confirmation`, () => request(cs, 'POST', 'followup', `/v1/tickets/${ticketId}/confirmation`, id('confirmation'), { satisfied: true }), ok);
    }
    const finalType = kind === 'answered' ? 'TicketClosed' : 'HandlingClosed';
    await step(
      `${ticketId}: final state`,
      () => request(auditor, 'GET', 'evaluation', `/v1/tickets/${ticketId}/timeline`, id(`timeline-${Date.now()}`)),
      (answer) => answer.status === 200 && answer.body.entries.some((entry: { type: string }) => entry.type === finalType) && answer.body.lifecycle?.outcome === 'satisfied',
    );
    return ticketId;
  }

  // ---------------------------------------------------------------------------------------------
  // The faults.

  /**
   * Until `until()`: every 1-3 s one fault. An instance killed comes back after 0.5-4 s while the
   * faults go on (so several may be down at once, both of a service too); the broker is killed in
   * one of five faults and started again after 1-5 s; PostgreSQL is restarted once, a fifth to three
   * fifths of the way through the tickets.
   */
  async function chaos(until: () => boolean): Promise<void> {
    const postgresAt = 0.2 + random() * 0.4;
    const startedAt = Date.now();
    const comebacks: Promise<void>[] = [];
    while (!until()) {
      await sleep(1_000 + random() * 2_000);
      if (until()) break;
      if (figures.postgresRestarts === 0 && done / TICKETS >= postgresAt) {
        say(`PostgreSQL restarted (at ${done} of ${TICKETS} tickets)`);
        await postgres.stop();
        await sleep(1_000 + random() * 2_000);
        await postgres.start();
        figures.postgresRestarts++;
        continue;
      }
      if (random() < 0.2) {
        const down = 1_000 + random() * 4_000;
        say(`broker killed for ${Math.round(down)} ms`);
        await broker.kill();
        figures.brokerKills++;
        await sleep(down);
        await broker.start();
        continue;
      }
      const running = instances.filter((instance) => instance.process?.running);
      const victim = running[Math.floor(random() * running.length)];
      const down = 500 + random() * 3_500;
      say(`${victim.service}#${victim.index} killed for ${Math.round(down)} ms`);
      await victim.process?.kill();
      figures.instanceKills++;
      comebacks.push(sleep(down).then(() => launch(victim)));
    }
    await Promise.all(comebacks);
    // PostgreSQL is restarted once whatever the pace of the tickets.
    if (figures.postgresRestarts === 0) {
      say('PostgreSQL restarted (after the tickets)');
      await postgres.stop();
      await postgres.start();
      figures.postgresRestarts++;
    }
    say(`faults stopped after ${Math.round((Date.now() - startedAt) / 1000)} s`);
  }

  let done = 0;

  it('brings every ticket to its final state, with no event lost or doubled, every chain verified and every read model equal to its rebuild', async () => {
    const started = Date.now();
    const kinds: Kind[] = Array.from({ length: TICKETS }, () => (['answered', 'feedback', 'complaint'] as const)[Math.floor(random() * 3)]);
    const tickets = new Map<string, Kind>();
    let next = 0;
    let failure: unknown;
    const worker = async () => {
      while (next < TICKETS && failure === undefined) {
        const number = next++;
        try {
          tickets.set(await drive(number, kinds[number]), kinds[number]);
          done++;
        } catch (error) {
          failure ??= error;
        }
      }
    };
    const faults = chaos(() => done >= TICKETS || failure !== undefined);
    const peak = sampleConnections(() => done >= TICKETS || failure !== undefined);
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await faults;
    const connections = await peak;
    // The budget (README, "Connection budget"): 20 for one instance of each service at the default pools, so 20 per instance of each.
    expect(connections.total).toBeLessThanOrEqual(20 * INSTANCES);
    if (failure) throw failure;

    // Everything started again and caught up: the relays have published every event, the consumers read every message.
    for (const instance of instances) if (!instance.process?.running) await launch(instance);
    await Promise.all(instances.map((instance) => healthy(instance)));
    await eventually(() => quiescent(), 'every relay and consumer to catch up', 120_000);
    const loadSeconds = (Date.now() - started) / 1000;
    await Promise.all(instances.map((instance) => instance.process?.stop()));

    // No event doubled: ids unique, every stream's positions 0..n-1 and its head at n-1, each step of a ticket recorded once.
    const perTicket = new Map<string, Map<string, number>>();
    let events = 0;
    for (const service of SERVICE_NAMES) {
      const client = new Client({ connectionString: databaseUrl(postgres.url, `handoff_${service}`) });
      await client.connect();
      try {
        const { rows: [ids] } = await client.query('SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct FROM events');
        expect(ids.distinct).toBe(ids.n);
        events += ids.n;
        const { rows: gaps } = await client.query(
          `SELECT e.stream_id, count(*)::int AS n, min(e.stream_position)::int AS first, max(e.stream_position)::int AS last, s.version::int AS head
             FROM events e JOIN streams s USING (stream_id)
            GROUP BY e.stream_id, s.version
           HAVING count(*) <> max(e.stream_position) + 1 OR min(e.stream_position) <> 0 OR s.version <> max(e.stream_position)`,
        );
        expect(gaps).toEqual([]);
        const { rows } = await client.query('SELECT ticket_id, type, count(*)::int AS n FROM events GROUP BY ticket_id, type');
        for (const row of rows) {
          const types = perTicket.get(row.ticket_id) ?? new Map<string, number>();
          types.set(row.type, (types.get(row.type) ?? 0) + row.n);
          perTicket.set(row.ticket_id, types);
        }
      } finally {
        await client.end();
      }
    }
    const ONCE = ['ContactRecorded', 'TicketClassified', 'AnsweredAtFirstContact', 'TicketHandedOver', 'TicketRouted', 'HandlerAssigned', 'ResultReported', 'ConfirmationRequested', 'CustomerConfirmedSatisfaction', 'TicketClosed', 'HandlingClosed'];
    const doubled: string[] = [];
    for (const [ticketId, kind] of tickets) {
      const types = perTicket.get(ticketId) ?? new Map<string, number>();
      for (const type of ONCE) if ((types.get(type) ?? 0) > 1) doubled.push(`${ticketId} (${kind}): ${type} x${types.get(type)}`);
      expect(types.get('ContactRecorded')).toBe(1);
      expect(types.get('TicketClosed')).toBe(1);
      if (kind !== 'answered') expect(types.get('HandlingClosed')).toBe(1);
    }
    expect(doubled).toEqual([]);
    expect(tickets.size).toBe(TICKETS);

    // Every chain verifies; every read model equals a rebuild from the events.
    const verify = await audit(['verify']);
    expect(verify).toMatchObject({ code: 0 });
    expect(verify.output).toMatch(/all \d+ streams verify/);
    const compare = await audit(['compare', 'all']);
    if (compare.code !== 0) say(compare.output.slice(-4000));
    expect(compare.code).toBe(0);

    say(
      `${TICKETS} tickets in ${loadSeconds.toFixed(0)} s to their final state; ${events} events; ${figures.instanceKills} instance kills, ` +
        `${figures.brokerKills} broker kills, ${figures.postgresRestarts} PostgreSQL restart; ${figures.retries} requests tried again; ` +
        `at most ${connections.total} PostgreSQL connections of the services at once ${JSON.stringify(connections.byName)}; ` +
        `lost 0, doubled 0; every chain verifies, every read model equals its rebuild (seed ${SEED})`,
    );
  }, Number(process.env.FAULT_TIMEOUT_MS ?? 600_000));

  /**
   * The most connections the services held at once while the load ran, counted in pg_stat_activity
   * every half second, leaving out the short-lived sessions of a service starting (probe, migrations).
   */
  async function sampleConnections(until: () => boolean): Promise<{ total: number; byName: Record<string, number> }> {
    let most = { total: 0, byName: {} as Record<string, number> };
    while (!until()) {
      const observer = new Client({ connectionString: postgres.url, application_name: 'fault-observer' });
      // A restart that ends the session between its statements is told as an 'error' event, which
      // unheard would fail the test; one during a statement rejects it, caught below.
      observer.on('error', () => undefined);
      try {
        await observer.connect();
        const { rows } = await observer.query<{ name: string; n: number }>(
          `SELECT application_name AS name, count(*)::int AS n FROM pg_stat_activity
            WHERE application_name LIKE 'handoff-%' AND application_name NOT LIKE '%-migrate' AND application_name <> 'handoff-start-probe'
            GROUP BY 1`,
        );
        const total = rows.reduce((sum, row) => sum + row.n, 0);
        if (total > most.total) most = { total, byName: Object.fromEntries(rows.map((row) => [row.name, row.n])) };
      } catch {
        // PostgreSQL restarting: nobody is connected
      } finally {
        await observer.end().catch(() => undefined);
      }
      await sleep(500);
    }
    return most;
  }

  /** Every relay's checkpoint at its store's last event, and every consumer group's committed offsets at the end of its topics. */
  async function quiescent(): Promise<boolean> {
    for (const service of SERVICE_NAMES) {
      const client = new Client({ connectionString: databaseUrl(postgres.url, `handoff_${service}`) });
      client.on('error', () => undefined);
      await client.connect();
      try {
        const { rows } = await client.query(
          `SELECT count(*)::int AS behind FROM relay_checkpoints r
            WHERE r.checkpoint IS NULL AND EXISTS (SELECT 1 FROM events)
               OR r.checkpoint::numeric < (SELECT coalesce(max(global_position), 0) FROM events)`,
        );
        if (rows[0].behind > 0) return false;
      } finally {
        await client.end();
      }
    }
    const admin = new Kafka({ brokers: [broker.address], clientId: 'fault-lag', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { groups } = await admin.listGroups();
      for (const { groupId } of groups.filter((group) => group.groupId.startsWith(PREFIX))) {
        for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
          const ends = new Map((await admin.fetchTopicOffsets(topic)).map((partition) => [partition.partition, Number(partition.high)]));
          for (const { partition, offset } of partitions) {
            if (Number(offset) < (ends.get(partition) ?? 0) && (Number(offset) >= 0 || (ends.get(partition) ?? 0) > 0)) return false;
          }
        }
      }
      return true;
    } finally {
      await admin.disconnect();
    }
  }

  function audit(args: string[]): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/audit/src/cli.js'), ...args], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: postgres.url, AUDIT_SOURCES: auditSources(), KAFKA_BROKERS: broker.address, KAFKA_TOPIC_PREFIX: PREFIX },
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('exit', (code) => resolve({ code, output }));
    });
  }
});

import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { databaseUrl } from '@handoff/read-models';
import { kafkaBrokers, parsePrometheus, sumOfSeries, testServerUrl, type PrometheusSeries } from '@handoff/testing';
import { contact } from '../support/contacts';
import { eventually, SERVICE_NAMES, TestSystem, UPSTREAM_KEY, type ServiceName } from '../support/system';

/** Per service, how many events of each type its store holds. */
async function eventCounts(system: TestSystem): Promise<Record<ServiceName, Record<string, number>>> {
  const result = {} as Record<ServiceName, Record<string, number>>;
  for (const service of SERVICE_NAMES) {
    const client = new Client({ connectionString: databaseUrl(testServerUrl(), system.databaseOf(service)) });
    await client.connect();
    try {
      const rows = (await client.query<{ type: string; n: number }>('SELECT type, count(*)::int AS n FROM events GROUP BY type')).rows;
      result[service] = Object.fromEntries(rows.map(({ type, n }) => [type, n]));
    } finally {
      await client.end();
    }
  }
  return result;
}

describe('metrics', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({ ALLOW_CLOCK_OVERRIDE: 'true', RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_BURST: '40' });
  });
  afterAll(async () => {
    await system?.stop();
  });

  const scrape = async (service: ServiceName): Promise<PrometheusSeries[]> => {
    const response = await fetch(`${system.url(service)}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    return parsePrometheus(await response.text());
  };
  const scrapeAll = async () => Object.fromEntries(await Promise.all(SERVICE_NAMES.map(async (service) => [service, await scrape(service)] as const))) as Record<ServiceName, PrometheusSeries[]>;

  /** Nothing left to publish or to consume anywhere, and no event appended for a second. */
  const settled = async () => {
    let last = '';
    await eventually(
      async () => {
        const scrapes = await scrapeAll();
        const quiet = SERVICE_NAMES.every((service) => sumOfSeries(scrapes[service], 'handoff_relay_lag_events') === 0 && sumOfSeries(scrapes[service], 'handoff_consumer_lag_messages') === 0);
        const counts = JSON.stringify(await eventCounts(system));
        const same = counts === last;
        last = counts;
        if (!(quiet && same)) await new Promise((resolve) => setTimeout(resolve, 1000));
        return quiet && same;
      },
      'every relay and consumer to catch up',
      60_000,
    );
  };

  it('moves each counter by exactly what a scenario did: 3 contacts recorded, one routed and escalated, one dead letter', async () => {
    await settled();
    const before = await scrapeAll();
    const storedBefore = await eventCounts(system);

    const upstream = system.as({ apiKey: UPSTREAM_KEY });
    const management = system.as({ token: system.token('management', 'director-1') });
    const opened: string[] = [];
    for (const overrides of [
      { subject: 'Urgent: service outage', description: 'Urgent: nothing works at our branch.' },
      { type: 'feedback', subject: 'Export to spreadsheet', description: 'The monthly report should export to a spreadsheet.' },
      { subject: 'Opening hours', description: 'When is the service centre open on Sundays?' },
    ]) {
      const response = await upstream.post('intake', '/v1/contacts', contact(overrides));
      expect(response.status).toBe(201);
      opened.push(response.body.ticketId);
    }
    const urgent = await eventually(async () => {
      const queue = await management.get('routing', '/v1/departments/customer_care/queue?limit=500');
      return queue.body.items?.find((row: { ticketId: string }) => row.ticketId === opened[0]);
    }, 'the urgent ticket in customer care');
    const due = Date.parse(urgent.deadlines.firstResponseDueAt);
    expect((await management.post('routing', '/v1/deadlines/check', { asOf: new Date(due + 60_000).toISOString() })).status).toBe(200);

    const kafka = new Kafka({ brokers: kafkaBrokers(), clientId: `e2e-metrics-${system.suffix}`, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: system.topic('contacts.inbound'), acks: -1, messages: [{ key: 'broken', value: '{"not json' }] });
    await producer.disconnect();
    await eventually(async () => sumOfSeries(await scrape('intake'), 'handoff_dead_lettered_total', { reason: 'invalid_json' }) > sumOfSeries(before.intake, 'handoff_dead_lettered_total', { reason: 'invalid_json' }), 'the dead letter');

    await settled();
    const after = await scrapeAll();
    const storedAfter = await eventCounts(system);
    const delta = (service: ServiceName, name: string, labels: Record<string, string> = {}) => sumOfSeries(after[service], name, labels) - sumOfSeries(before[service], name, labels);
    const stored = (service: ServiceName, type: string) => (storedAfter[service][type] ?? 0) - (storedBefore[service][type] ?? 0);

    // HTTP: three contacts, each one 201, counted and timed once.
    expect(delta('intake', 'handoff_http_requests_total', { method: 'POST', route: '/v1/contacts', status: '201' })).toBe(3);
    expect(delta('intake', 'handoff_http_request_duration_seconds_count', { method: 'POST', route: '/v1/contacts', status: '201' })).toBe(3);
    expect(delta('routing', 'handoff_http_requests_total', { method: 'POST', route: '/v1/deadlines/check', status: '200' })).toBe(1);

    // Events appended: exactly what each store gained, type by type.
    expect(stored('intake', 'ContactRecorded')).toBe(3);
    expect(delta('intake', 'handoff_events_appended_total', { type: 'ContactRecorded' })).toBe(3);
    for (const service of SERVICE_NAMES) {
      const types = new Set([...Object.keys(storedAfter[service]), ...after[service].filter((series) => series.name === 'handoff_events_appended_total').map((series) => series.labels.type)]);
      for (const type of types) expect({ service, type, appended: delta(service, 'handoff_events_appended_total', { type }) }).toEqual({ service, type, appended: stored(service, type) });
    }

    // Deadlines: the urgent ticket's first response is late: a breach and an escalation, as recorded.
    expect(stored('routing', 'DeadlineBreached')).toBeGreaterThanOrEqual(1);
    expect(delta('routing', 'handoff_deadline_breaches_total')).toBe(stored('routing', 'DeadlineBreached'));
    expect(delta('routing', 'handoff_deadline_breaches_total', { deadline: 'first_response', of: 'round' })).toBeGreaterThanOrEqual(1);
    expect(stored('routing', 'TicketEscalated')).toBeGreaterThanOrEqual(1);
    expect(delta('routing', 'handoff_escalations_total')).toBe(stored('routing', 'TicketEscalated'));

    // The unreadable inbound message: one dead letter, of kind invalid_json, and no other.
    expect(delta('intake', 'handoff_dead_lettered_total', { reason: 'invalid_json' })).toBe(1);
    for (const service of SERVICE_NAMES) expect(delta(service, 'handoff_dead_lettered_total')).toBe(service === 'intake' ? 1 : 0);

    // The relay's rounds: every event the store gained was published, in pages of one or more;
    // the consumers' batches carry what they delivered (routing's: at least the contacts' events).
    for (const service of SERVICE_NAMES) {
      const gained = Object.keys(storedAfter[service]).reduce((total, type) => total + stored(service, type), 0);
      const pages = delta(service, 'handoff_relay_pages_total');
      expect({ service, published: delta(service, 'handoff_relay_published_events_total') }).toEqual({ service, published: gained });
      expect(pages).toBeGreaterThanOrEqual(gained > 0 ? 1 : 0);
      expect(pages).toBeLessThanOrEqual(gained);
    }
    const routingGroup = { group: system.topic('handoff-routing') };
    expect(delta('routing', 'handoff_consumer_batches_total', routingGroup)).toBeGreaterThanOrEqual(1);
    expect(delta('routing', 'handoff_consumer_batched_messages_total', routingGroup)).toBeGreaterThanOrEqual(Math.max(3, delta('routing', 'handoff_consumer_batches_total', routingGroup)));

    // Lags are there per topic and partition, and at rest they are zero.
    const routingLag = after.routing.filter((series) => series.name === 'handoff_consumer_lag_messages');
    expect(routingLag.some((series) => series.labels.group === system.topic('handoff-routing') && series.labels.topic === system.topic('intake.events'))).toBe(true);
    expect(new Set(routingLag.map((series) => series.labels.partition)).size).toBeGreaterThanOrEqual(3);
    expect(after.intake.some((series) => series.name === 'handoff_consumer_lag_messages' && series.labels.topic === system.topic('contacts.inbound'))).toBe(true);
    for (const service of SERVICE_NAMES) {
      expect(sumOfSeries(after[service], 'handoff_relay_lag_events')).toBe(0);
      expect(sumOfSeries(after[service], 'handoff_relay_lag_seconds')).toBe(0);
      expect(after[service].some((series) => series.name === 'handoff_relay_horizon_held_back_seconds')).toBe(true);
      expect(sumOfSeries(after[service], 'handoff_metrics_collect_failures_total')).toBe(0);
      // Every pool is reported; the read models' and the store's have opened connections by now.
      for (const pool of ['read-models', 'event-store']) {
        expect(sumOfSeries(after[service], 'handoff_db_pool_connections', { pool })).toBeGreaterThanOrEqual(1);
        expect(after[service].some((series) => series.name === 'handoff_db_pool_waiting' && series.labels.pool === pool)).toBe(true);
      }
      // Every service applied events to its read models; intake and routing appended to their stores.
      for (const pool of ['read-models', ...(service === 'intake' || service === 'routing' ? ['event-store'] : [])]) {
        expect({ service, pool, moved: delta(service, 'handoff_db_round_trips_total', { pool }) > 0 }).toEqual({ service, pool, moved: true });
      }
    }
    expect(after.intake.some((series) => series.name === 'handoff_db_pool_connections' && series.labels.pool === 'vault')).toBe(true);
    // The contacts' customers: their keys created in the vault, or read there.
    expect(delta('intake', 'handoff_db_round_trips_total', { pool: 'vault' })).toBeGreaterThanOrEqual(1);
    // A scrape carries the service's name on every series.
    expect(after.routing.every((series) => series.labels.service === 'routing')).toBe(true);
  });

  it('answers /metrics without credentials and never rate-limits it', async () => {
    const statuses = await Promise.all(Array.from({ length: 60 }, () => fetch(`${system.url('routing')}/metrics`).then((response) => response.status)));
    expect(statuses.every((status) => status === 200)).toBe(true);
  });
});

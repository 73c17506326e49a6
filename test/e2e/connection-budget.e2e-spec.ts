import { Client } from 'pg';
import { testServerUrl } from '@handoff/testing';
import { contact } from '../support/contacts';
import { SERVICE_NAMES, TestSystem, UPSTREAM_KEY } from '../support/system';

/**
 * The connection budget (README, "Connection budget"): a whole stack at its default pool sizes
 * holds at most 20 PostgreSQL connections, at rest and under a burst of writes and reads, counted
 * the way an operator would, in pg_stat_activity by application_name.
 */
const BUDGET = 20;

describe('connection budget', () => {
  let system: TestSystem;
  let observer: Client;

  beforeAll(async () => {
    system = await TestSystem.start();
    observer = new Client({ connectionString: testServerUrl(), application_name: 'e2e-connection-budget' });
    await observer.connect();
  });
  afterAll(async () => {
    await observer?.end();
    await system?.stop();
  });

  /**
   * This stack's connections (its databases only: other stacks share the server), by
   * application_name. Client backends only: an autovacuum worker on one of its databases is the
   * server's own process, not a connection (a server with autovacuum on showed one as unnamed).
   */
  const count = async (): Promise<Record<string, number>> => {
    const databases = [...SERVICE_NAMES.map((service) => system.databaseOf(service)), system.vaultDatabase];
    const { rows } = await observer.query<{ name: string; n: number }>(
      `SELECT coalesce(nullif(application_name, ''), '(unnamed)') AS name, count(*)::int AS n
         FROM pg_stat_activity WHERE datname = ANY($1) AND backend_type = 'client backend' GROUP BY 1 ORDER BY 1`,
      [databases],
    );
    return Object.fromEntries(rows.map(({ name, n }) => [name, n]));
  };
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

  it(`holds at most ${BUDGET} connections at rest and under a burst of 40 contacts and 120 reads at 20 in flight`, async () => {
    // Let the start-up settle: consumers joined, relays caught up, migrations' sessions gone.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const atRest = await count();

    const upstream = system.as({ apiKey: UPSTREAM_KEY });
    const cs = system.as({ token: system.token('cs', 'agent-budget') });
    const auditor = system.as({ token: system.token('auditor', 'auditor-budget') });
    const ticketIds: string[] = [];
    const work: (() => Promise<number>)[] = [];
    for (let index = 0; index < 40; index++) {
      work.push(async () => {
        const response = await upstream.post('intake', '/v1/contacts', contact());
        if (response.status === 201) ticketIds.push(response.body.ticketId);
        return response.status;
      });
    }
    const anyTicket = () => ticketIds[Math.floor(Math.random() * ticketIds.length)] ?? '00000000-0000-4000-8000-000000000000';
    for (let index = 0; index < 40; index++) {
      work.push(async () => (await cs.get('intake', `/v1/tickets/${anyTicket()}`)).status);
      work.push(async () => (await cs.get('evaluation', `/v1/tickets/${anyTicket()}/timeline`)).status);
      work.push(async () => (await auditor.get('evaluation', `/v1/tickets/${anyTicket()}/history`)).status);
    }

    let peak = atRest;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const now = await count();
        if (total(now) > total(peak)) peak = now;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const statuses: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < work.length) statuses.push(await work[next++]());
      }),
    );
    // The consumers and relays carry the burst on after the last answer.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    sampling = false;
    await sampler;

    process.stdout.write(`connections at rest: ${total(atRest)} ${JSON.stringify(atRest)}\nconnections at peak: ${total(peak)} ${JSON.stringify(peak)}\n`);
    // Every request was answered, none with a server error.
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(statuses.filter((status) => status === 201)).toHaveLength(40);
    expect(total(atRest)).toBeLessThanOrEqual(BUDGET);
    expect(total(peak)).toBeLessThanOrEqual(BUDGET);
    // Every connection says whose it is.
    expect(Object.keys(peak).filter((name) => !name.startsWith('handoff-'))).toEqual([]);
  }, 180_000);
});

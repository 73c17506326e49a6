import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { databaseUrl } from '@handoff/read-models';
import { testServerUrl } from '@handoff/testing';
import { READ_MODEL_SERVICES } from '../../apps/audit/src/read-model-commands';
import { contact } from '../support/contacts';
import { eventually, SERVICE_NAMES, TestSystem, UPSTREAM_KEY, type ServiceName } from '../support/system';

const ROOT = path.resolve(__dirname, '../..');

/**
 * After workflow scenarios run through the four services, every read model of every app, rebuilt
 * from the event stores by the operators' tool, equals the one the live consumers built.
 */
describe('rebuilt read models equal the live ones after the workflow scenarios', () => {
  let system: TestSystem;
  let auditSources: string;

  beforeAll(async () => {
    system = await TestSystem.start({ ALLOW_CLOCK_OVERRIDE: 'true' });
    auditSources = SERVICE_NAMES.map((service) => `${service}=${databaseUrl(testServerUrl(), system.databaseOf(service))}`).join(',');
  });
  afterAll(async () => {
    await system?.stop();
  });

  /** The audit tool as operators run it (`npm run audit -- …`), on the system's stores and databases. */
  function audit(...args: string[]): Promise<{ exit: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/audit/src/cli.js'), ...args], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: testServerUrl(), AUDIT_SOURCES: auditSources },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.once('error', reject);
      child.once('exit', (exit) => resolve({ exit, stdout, stderr }));
    });
  }

  async function scenarios(): Promise<void> {
    const upstream = system.as({ apiKey: UPSTREAM_KEY });
    const cs = system.as({ token: system.token('cs', 'agent-1') });
    const management = system.as({ token: system.token('management', 'director-1') });
    const product = system.as({ token: system.token('department_handler', 'product-guo', 'product') });
    const marketing = system.as({ token: system.token('department_handler', 'marketing-hu', 'marketing') });
    const open = async (overrides: Record<string, unknown>) => {
      const response = await upstream.post('intake', '/v1/contacts', contact(overrides));
      expect(response.status).toBe(201);
      return response.body.ticketId as string;
    };
    const feedback = () => open({ type: 'feedback', subject: 'Export to spreadsheet', description: 'The monthly report should export to a spreadsheet.' });
    const confirm = (ticketId: string, body: Record<string, unknown>) =>
      eventually(async () => (await cs.post('followup', `/v1/tickets/${ticketId}/confirmation`, body)).status === 200, `the confirmation of ${ticketId}`);
    const claimAndResolve = async (ticketId: string, round: number) => {
      if (round === 1) await eventually(async () => (await product.post('routing', `/v1/tickets/${ticketId}/claim`)).status === 200, `the claim of ${ticketId}`);
      // Round 2 begins when routing has heard of the objection: until then, progress is refused (412).
      await eventually(async () => (await product.post('routing', `/v1/tickets/${ticketId}/progress`, { note: `looking into it (round ${round})` })).status === 200, `progress on ${ticketId} in round ${round}`);
      await eventually(async () => (await product.post('routing', `/v1/tickets/${ticketId}/result`, { summary: `done in round ${round}` })).status === 200, `the result of ${ticketId} in round ${round}`);
    };

    await Promise.all([
      // Answered at first contact and confirmed.
      (async () => {
        const ticketId = await open({});
        expect((await cs.post('intake', `/v1/tickets/${ticketId}/first-contact-answer`, { answer: 'We are open 09:00-17:00 on Sundays.' })).status).toBe(200);
        await confirm(ticketId, { satisfied: true });
      })(),
      // Routed, claimed, resolved; objected to once, resolved again, confirmed.
      (async () => {
        const ticketId = await feedback();
        await claimAndResolve(ticketId, 1);
        await confirm(ticketId, { satisfied: false, objection: 'The export drops the totals row.' });
        await claimAndResolve(ticketId, 2);
        await confirm(ticketId, { satisfied: true });
      })(),
      // Passed to another department and left there with a handler to find.
      (async () => {
        const ticketId = await feedback();
        await eventually(async () => (await product.post('routing', `/v1/tickets/${ticketId}/claim`)).status === 200, `the claim of ${ticketId}`);
        expect((await product.post('routing', `/v1/tickets/${ticketId}/transfer`, { toDepartment: 'marketing', reason: 'this is about a campaign' })).status).toBe(200);
        expect((await marketing.post('routing', `/v1/tickets/${ticketId}/transfer/accept`)).status).toBe(200);
      })(),
      // A complaint: management involved at once, a handler assigned automatically; still open.
      open({ type: 'complaint', subject: 'Charged twice', description: 'My card was charged twice for one invoice; I want a refund.' }),
      // A deadline passed: escalated to the department manager, then to management (time injected).
      (async () => {
        const ticketId = await open({ subject: 'Urgent: service outage', description: 'Urgent: nothing works at our branch.' });
        const row = await eventually(async () => {
          const queue = await management.get('routing', '/v1/departments/customer_care/queue?limit=500');
          return queue.body.items?.find((item: { ticketId: string }) => item.ticketId === ticketId);
        }, `${ticketId} in customer care's queue`);
        const due = Date.parse(row.deadlines.firstResponseDueAt);
        for (const late of [60_000, 7 * 24 * 3600_000]) {
          expect((await management.post('routing', '/v1/deadlines/check', { asOf: new Date(due + late).toISOString() })).status).toBe(200);
        }
      })(),
    ]);
  }

  /**
   * The live consumers have applied every event meant for them (each model's processed-event
   * marks match the events of its types in the stores) and nothing new has been recorded for a
   * second: the process managers have finished reacting too.
   */
  async function settled(): Promise<void> {
    const clients = new Map<ServiceName, Client>();
    for (const service of SERVICE_NAMES) {
      const client = new Client({ connectionString: databaseUrl(testServerUrl(), system.databaseOf(service)) });
      await client.connect();
      clients.set(service, client);
    }
    try {
      const snapshot = async (): Promise<string> => {
        const counts: Record<string, number> = {};
        for (const [service, client] of clients) {
          const rows = (await client.query(`SELECT type, count(*)::int AS n FROM events WHERE starts_with(stream_id, $1) GROUP BY type`, [`${service}-`])).rows;
          for (const { type, n } of rows) counts[`${service}:${type}`] = n;
        }
        return JSON.stringify(Object.entries(counts).sort());
      };
      const caughtUp = async (counts: Record<string, number>): Promise<string[]> => {
        const behind: string[] = [];
        for (const owner of READ_MODEL_SERVICES) {
          for (const model of owner.models) {
            const wanted = model.handler({ live: false }).eventTypes;
            const services = model.topics.map((topic) => topic.split('.')[0]);
            const expected = Object.entries(counts)
              .filter(([key]) => services.includes(key.split(':')[0]) && (!wanted || wanted.includes(key.split(':')[1])))
              .reduce((sum, [, n]) => sum + n, 0);
            const marks = (await clients.get(owner.service as ServiceName)!.query('SELECT count(*)::int AS n FROM processed_events WHERE consumer_name = $1', [model.name])).rows[0].n;
            if (marks !== expected) behind.push(`${model.name} ${marks}/${expected}`);
          }
        }
        return behind;
      };
      let previous = '';
      await eventually(
        async () => {
          const current = await snapshot();
          const stable = current === previous;
          previous = current;
          if (!stable) {
            await new Promise((resolve) => setTimeout(resolve, 1_000));
            return false;
          }
          const behind = await caughtUp(Object.fromEntries(JSON.parse(current)));
          if (behind.length > 0) throw new Error(`behind: ${behind.join(', ')}`);
          return true;
        },
        'the read models to catch up with the stores',
        30_000,
      );
    } finally {
      await Promise.all([...clients.values()].map((client) => client.end()));
    }
  }

  it('rebuilds each read model of each app from the event stores into a scratch database, and finds no difference', async () => {
    await scenarios();
    await settled();

    const result = await audit('compare', 'all');
    const models = READ_MODEL_SERVICES.flatMap((service) => service.models.map((model) => model.name));
    if (result.exit !== 0) throw new Error(`audit compare all exited ${result.exit}:\n${result.stdout}\n${result.stderr}`);
    for (const name of models) expect(result.stdout).toMatch(new RegExp(`${name.replace('.', '\\.')}: the live model \\(handoff_e2e_\\w+\\) equals the rebuild`));
    // The scenarios reached every model fed by the workflow.
    for (const name of ['routing.department-queue', 'followup.customers', 'followup.worklist', 'evaluation.timeline']) {
      expect(result.stdout).toMatch(new RegExp(`${name.replace('.', '\\.')}: rebuilt into \\w+ from [\\d,]+ events .*: [1-9][\\d,]* applied`));
    }
    // Progress went to stderr, to the end.
    expect(result.stderr).toMatch(/routing\.department-queue \[#{30}\] ([\d,]+) \/ \1 events/);

    if (process.env.SHOW_AUDIT) process.stdout.write(`${result.stdout}\n${result.stderr}\n`);

    // And a live row changed behind the consumers' back is found.
    const routing = new Client({ connectionString: databaseUrl(testServerUrl(), system.databaseOf('routing')) });
    await routing.connect();
    const { rows } = await routing.query(`UPDATE department_queue SET priority = 'tampered' WHERE ticket_id = (SELECT min(ticket_id) FROM department_queue) RETURNING ticket_id`);
    await routing.end();
    const tampered = await audit('compare', 'routing.department-queue');
    if (process.env.SHOW_AUDIT) process.stdout.write(`${tampered.stdout}\n`);
    expect(tampered.exit).toBe(1);
    expect(tampered.stdout).toContain(`differs   department_queue ticket_id=${rows[0].ticket_id}:`);
    expect(tampered.stdout).toMatch(/priority: live "tampered", rebuilt "\w+"/);

    // No scratch database is left behind.
    const sql = new Client({ connectionString: testServerUrl() });
    await sql.connect();
    const left = await sql.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`handoff_e2e_%_${system.suffix}_rebuild_%`]);
    await sql.end();
    expect(left.rows).toEqual([]);
  });
});

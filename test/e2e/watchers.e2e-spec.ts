import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { databaseUrl } from '@handoff/read-models';
import { testServerUrl } from '@handoff/testing';
import { contact } from '../support/contacts';
import { eventually, SERVICE_NAMES, TestSystem, UPSTREAM_KEY } from '../support/system';

const ROOT = path.resolve(__dirname, '../..');

interface Notification {
  readonly kind: string;
  readonly ticketId: string;
  readonly excerpt: string | null;
  readonly via: string;
}

/**
 * Watchers over HTTP with the four services running: management follows a complaint it does not
 * hold and is told, once, of the department's progress; a mention is not told twice; after it stops
 * watching it hears nothing more; a department the ticket never concerned may not watch it; and the
 * watchers and notifications rebuilt from the stores equal the live ones.
 */
describe('watching a ticket', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start();
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('tells management, once, of each change of a complaint it watches, and nothing after it stops', async () => {
    const upstream = system.as({ apiKey: UPSTREAM_KEY });
    const directorToken = system.token('management', 'director-wang');
    const agentToken = system.token('cs', 'agent-7');
    const director = system.as({ token: directorToken });
    const agent = system.as({ token: agentToken });
    const notificationsOf = async (token: string, ticketId: string): Promise<Notification[]> =>
      ((await system.as({ token }).get('evaluation', '/v1/notifications?limit=100')).body.items as Notification[]).filter((item) => item.ticketId === ticketId);

    const opened = await upstream.post('intake', '/v1/contacts', contact({ type: 'complaint', subject: 'Charged twice', description: 'My card was charged twice for one invoice.' }));
    expect(opened.status).toBe(201);
    const { ticketId } = opened.body;
    const holder: string = await eventually(async () => (await director.get('routing', `/v1/tickets/${ticketId}`)).body?.handlerId ?? undefined, 'a billing handler');
    const staff = system.as({ token: system.token('department_handler', holder, 'billing') });
    await eventually(async () => (await director.get('evaluation', `/v1/tickets/${ticketId}/conversation`)).status === 200, 'the conversation');

    // Watching twice is watching once; the answer and the conversation say so.
    for (let attempt = 0; attempt < 2; attempt++) {
      const watched = await director.post('evaluation', `/v1/tickets/${ticketId}/watch`);
      expect(watched).toEqual({ status: 200, body: { ticketId, watching: true } });
    }
    expect((await agent.post('evaluation', `/v1/tickets/${ticketId}/watch`)).status).toBe(200);
    const watchers = await eventually(async () => {
      const body = (await director.get('evaluation', `/v1/tickets/${ticketId}/conversation`)).body;
      return body.watchers?.length === 2 ? body : undefined;
    }, 'both watchers in the conversation');
    expect(watchers).toMatchObject({ watching: true, watchers: ['director-wang', 'agent-7'] });
    expect((await staff.get('evaluation', `/v1/tickets/${ticketId}/conversation`)).body).toMatchObject({ watching: false, watchers: ['director-wang', 'agent-7'] });

    // Another department may not watch (nor stop watching) a ticket it never held; an unknown ticket is 404.
    const logistics = system.as({ token: system.token('department_manager', 'logistics-boss', 'logistics') });
    expect((await logistics.post('evaluation', `/v1/tickets/${ticketId}/watch`)).status).toBe(403);
    expect((await logistics.delete('evaluation', `/v1/tickets/${ticketId}/watch`)).status).toBe(403);
    expect((await director.post('evaluation', `/v1/tickets/${randomUUID()}/watch`)).status).toBe(404);
    // Watching takes no body: one with fields is refused, naming the field.
    const withBody = await agent.post('evaluation', `/v1/tickets/${ticketId}/watch`, { watcherId: 'someone-else' });
    expect(withBody.status).toBe(400);
    expect(withBody.body.fields).toEqual([expect.objectContaining({ field: 'watcherId' })]);

    // The department's progress: management is told once, in the watcher's kind, with the note's words.
    expect((await staff.post('routing', `/v1/tickets/${ticketId}/progress`, { note: 'Checking the ledger with the bank.' })).status).toBe(200);
    const told = await eventually(async () => {
      const mine = await notificationsOf(directorToken, ticketId);
      return mine.some((item) => item.kind === 'watched_change') ? mine : undefined;
    }, 'management told of the progress');
    expect(told.filter((item) => item.kind === 'watched_change')).toEqual([expect.objectContaining({ excerpt: 'Checking the ledger with the bank.', via: 'watching' })]);
    // The holder does not watch: nothing of their own progress.
    expect((await notificationsOf(system.token('department_handler', holder, 'billing'), ticketId)).filter((item) => item.kind === 'watched_change')).toEqual([]);

    // A note that mentions management tells it once, as a mention, not again as a watcher.
    expect((await staff.post('evaluation', `/v1/tickets/${ticketId}/notes`, { text: 'Director, the bank needs a signature.', mentions: { people: ['director-wang'] } })).status).toBe(201);
    await eventually(async () => (await notificationsOf(agentToken, ticketId)).some((item) => item.excerpt === 'Director, the bank needs a signature.'), 'the CS watcher told of the note');
    const aboutTheNote = (await notificationsOf(directorToken, ticketId)).filter((item) => item.excerpt === 'Director, the bank needs a signature.');
    expect(aboutTheNote.map((item) => item.kind)).toEqual(['mentioned']);

    // Stopping: the conversation says so, the next change reaches the other watcher only, and what was told stays.
    expect(await director.delete('evaluation', `/v1/tickets/${ticketId}/watch`)).toEqual({ status: 200, body: { ticketId, watching: false } });
    expect(await director.delete('evaluation', `/v1/tickets/${ticketId}/watch`)).toEqual({ status: 200, body: { ticketId, watching: false } });
    await eventually(async () => {
      const body = (await director.get('evaluation', `/v1/tickets/${ticketId}/conversation`)).body;
      return body.watching === false && body.watchers.join() === 'agent-7';
    }, 'management no longer watching');
    expect((await staff.post('routing', `/v1/tickets/${ticketId}/progress`, { note: 'The refund is on its way.' })).status).toBe(200);
    await eventually(async () => (await notificationsOf(agentToken, ticketId)).some((item) => item.excerpt === 'The refund is on its way.'), 'the CS watcher told of the refund');
    const after = (await notificationsOf(directorToken, ticketId)).filter((item) => item.kind === 'watched_change');
    expect(after.map((item) => item.excerpt)).toEqual(['Checking the ledger with the bank.']);

    // Rebuilt from the stores by the operators' tool, the watchers and the notifications equal the live ones.
    const auditSources = SERVICE_NAMES.map((service) => `${service}=${databaseUrl(testServerUrl(), system.databaseOf(service))}`).join(',');
    for (const model of ['evaluation.watchers', 'evaluation.notifications']) {
      const compared = await audit(auditSources, 'compare', model);
      expect({ model, exit: compared.exit, output: compared.exit === 0 ? '' : compared.output }).toEqual({ model, exit: 0, output: '' });
    }
  });
});

/** The audit tool as operators run it (`npm run audit -- …`), on the system's stores and databases. */
function audit(auditSources: string, ...args: string[]): Promise<{ exit: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/audit/src/cli.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: testServerUrl(), AUDIT_SOURCES: auditSources },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (exit) => resolve({ exit, output }));
  });
}

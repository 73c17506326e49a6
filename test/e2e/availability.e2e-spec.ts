import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_ORGANISATION } from '../../apps/routing/src/organisation/organisation';
import { contact } from '../support/contacts';
import { eventually, TestSystem, UPSTREAM_KEY } from '../support/system';

/**
 * Availability and limits on work in progress, over HTTP and Kafka with the four services
 * running: billing assigns by load, one ticket in progress per handler. A ticket arriving when
 * both handlers are full waits, first in first out; a freed slot takes the oldest; a handler
 * who goes away hands their ticket on with reason `away` and is given nothing more.
 */
describe('handlers away and limits on work in progress', () => {
  let system: TestSystem;

  beforeAll(async () => {
    const organisation = {
      departments: DEFAULT_ORGANISATION.departments.map((department) => (department.id === 'billing' ? { ...department, wipLimit: 1 } : department)),
    };
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'handoff-availability-')), 'organisation.json');
    writeFileSync(file, JSON.stringify(organisation));
    system = await TestSystem.start({ ORGANISATION_FILE: file });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('keeps each handler to the limit, assigns the backlog in order, and hands an away handler’s ticket on', async () => {
    const upstream = system.as({ apiKey: UPSTREAM_KEY });
    const auditor = system.as({ token: system.token('auditor', 'auditor-1') });
    const manager = system.as({ token: system.token('department_manager', 'billing-manager-qian', 'billing') });
    const staff = (id: string) => system.as({ token: system.token('department_handler', id, 'billing') });
    const remedies = { apology: 'We are sorry for the double charge.', correctiveAction: 'Card charges are reconciled daily.', cause: 'billing_error' };

    const open = async (subject: string) => {
      const opened = await upstream.post('intake', '/v1/contacts', contact({ type: 'complaint', subject, description: `${subject}: my card was charged twice; I want a refund.` }));
      expect(opened.status).toBe(201);
      const ticketId: string = opened.body.ticketId;
      // In routing before the next one is posted, so the order of arrival is the order of the posts.
      await eventually(async () => ((await manager.get('routing', `/v1/tickets/${ticketId}`)).status === 200 ? true : undefined), `${subject} in routing`);
      return ticketId;
    };
    const holderOf = async (ticketId: string) => (await manager.get('routing', `/v1/tickets/${ticketId}`)).body.handlerId as string | null;
    const staffing = async () => (await manager.get('routing', '/v1/departments/billing/handlers')).body;

    const first = await open('Charged twice in March');
    const second = await open('Charged twice in April');
    const third = await open('Charged twice in May');

    // Two assigned, one to each handler; the third waits for a free handler.
    const holders = await eventually(async () => {
      const found = await Promise.all([first, second].map(holderOf));
      return found.every(Boolean) ? found : undefined;
    }, 'the first two tickets assigned');
    expect(new Set(holders)).toEqual(new Set(['billing-wu', 'billing-zhou']));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await holderOf(third)).toBeNull();
    const queue = await manager.get('routing', '/v1/departments/billing/queue?status=awaiting_handler');
    expect(queue.body.items.map((item: { ticketId: string }) => item.ticketId)).toEqual([third]);
    expect((await staffing()).handlers).toEqual([
      expect.objectContaining({ handlerId: 'billing-wu', away: false, inProgress: 1, limit: 1 }),
      expect.objectContaining({ handlerId: 'billing-zhou', away: false, inProgress: 1, limit: 1 }),
    ]);

    // The first ticket's result frees its handler, who gets the waiting one.
    const [firstHolder, secondHolder] = holders as [string, string];
    expect((await staff(firstHolder).post('routing', `/v1/tickets/${first}/result`, { summary: 'The duplicate charge was refunded.', ...remedies })).status).toBe(200);
    expect(await eventually(async () => (await holderOf(third)) ?? undefined, 'the waiting ticket assigned')).toBe(firstHolder);

    // A colleague may not say another handler is away; the handler may, and their ticket goes on with reason away.
    expect((await staff(firstHolder).post('routing', `/v1/departments/billing/handlers/${secondHolder}/away`, {})).status).toBe(403);
    const bad = await staff(secondHolder).post('routing', `/v1/departments/billing/handlers/${secondHolder}/away`, { until: 'tomorrow' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields).toEqual([expect.objectContaining({ field: 'until' })]);
    // The first holder is at the limit: the away handler's ticket waits in the queue.
    const away = await staff(secondHolder).post('routing', `/v1/departments/billing/handlers/${secondHolder}/away`, {});
    expect(away.status).toBe(200);
    expect(away.body.handlers).toEqual([
      expect.objectContaining({ handlerId: 'billing-wu', away: secondHolder === 'billing-wu' }),
      expect.objectContaining({ handlerId: 'billing-zhou', away: secondHolder === 'billing-zhou' }),
    ]);
    await eventually(async () => ((await holderOf(second)) === null ? true : undefined), 'the away handler’s ticket back in the queue');

    // A slot frees: the ticket goes to the handler at work, never to the one away.
    expect((await staff(firstHolder).post('routing', `/v1/tickets/${third}/result`, { summary: 'Refunded as well.', ...remedies })).status).toBe(200);
    expect(await eventually(async () => (await holderOf(second)) ?? undefined, 'the released ticket assigned')).toBe(firstHolder);

    // A fourth ticket waits: the only handler at work is full and the away one is passed by.
    const fourth = await open('Charged twice in June');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await holderOf(fourth)).toBeNull();

    // Back at work: the waiting ticket is theirs.
    const back = await manager.post('routing', `/v1/departments/billing/handlers/${secondHolder}/back`, {});
    expect(back.status).toBe(200);
    expect(await eventually(async () => (await holderOf(fourth)) ?? undefined, 'the fourth ticket assigned')).toBe(secondHolder);

    // With a free colleague, going away hands the ticket straight on, a reassignment with reason away.
    expect((await staff(firstHolder).post('routing', `/v1/tickets/${second}/result`, { summary: 'Refunded too.', ...remedies })).status).toBe(200);
    await eventually(async () => ((await staffing()).handlers.find((h: { handlerId: string }) => h.handlerId === firstHolder).inProgress === 0 ? true : undefined), 'a free slot');
    expect((await manager.post('routing', `/v1/departments/billing/handlers/${secondHolder}/away`, {})).status).toBe(200);
    expect(await holderOf(fourth)).toBe(firstHolder);
    const history = await eventually(async () => {
      const response = await auditor.get('evaluation', `/v1/tickets/${fourth}/history`);
      const entries = response.body?.entries ?? [];
      return entries.filter((entry: { type: string }) => entry.type === 'HandlerAssigned').length === 2 ? entries : undefined;
    }, 'the reassignment in the history');
    const reassignment = history.filter((entry: { type: string }) => entry.type === 'HandlerAssigned').at(-1);
    expect(reassignment).toMatchObject({ actorId: 'system:routing-assignment', reason: 'away', summary: `reassigned in billing from ${secondHolder} to ${firstHolder} (least loaded)` });
    const released = await eventually(async () => {
      const response = await auditor.get('evaluation', `/v1/tickets/${second}/history`);
      return response.body?.entries?.find((entry: { type: string }) => entry.type === 'HandlerReleased');
    }, 'the release in the history');
    expect(released.summary).toBe(`back in billing's queue: ${secondHolder} is away and nobody was free (round 1)`);
  });
});

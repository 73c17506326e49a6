import { randomUUID } from 'node:crypto';
import { contact } from '../support/contacts';
import { eventually, TestSystem } from '../support/system';

type Client = ReturnType<TestSystem['as']>;
type Service = 'intake' | 'routing' | 'followup' | 'evaluation';

/**
 * Every list of the API, walked one item a page through the running services: the cursor leads
 * past the first page to every item, none missed, none repeated, and the last page says so.
 * (The read models' own tests page through hundreds; this one says that each list the consoles
 * use is reached by a cursor at all.)
 */
describe('every list pages past its first page', () => {
  const TICKETS = 3;
  let system: TestSystem;
  let cs: Client;
  let management: Client;
  let manager: Client;
  // One caller, her own phone and one word of her own, so that search and her profile find exactly these.
  const word = `paging${randomUUID().slice(0, 8)}`;
  const phone = `+86 137 ${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const ticketIds: string[] = [];

  beforeAll(async () => {
    system = await TestSystem.start();
    cs = system.as({ token: system.token('cs', 'agent-paging') });
    management = system.as({ token: system.token('management', 'director-1') });
    manager = system.as({ token: system.token('department_manager', 'billing-manager', 'billing') });
    for (let index = 0; index < TICKETS; index += 1) {
      const opened = await cs.post(
        'intake',
        '/v1/contacts',
        contact({ type: 'complaint', subject: `Charged twice ${word} ${index}`, customer: { name: 'Zhou Min', phone } }),
      );
      expect(opened.status).toBe(201);
      ticketIds.push(opened.body.ticketId);
    }
    // Each assigned, and each result reported, so that every list below has all three.
    for (const ticketId of ticketIds) {
      const handlerId = await eventually(async () => {
        const ticket = await manager.get('routing', `/v1/tickets/${ticketId}`);
        return ticket.body.handlerId ?? ticket.body.handler?.id ?? undefined;
      }, `a handler for ${ticketId}`);
      const handler = system.as({ token: system.token('department_handler', handlerId, 'billing') });
      const reported = await handler.post('routing', `/v1/tickets/${ticketId}/result`, {
        summary: 'Refunded.',
        apology: 'We are sorry.',
        correctiveAction: 'Duplicate captures are checked first.',
        cause: 'billing_error',
      });
      expect(reported.status).toBe(200);
      // Evaluation takes a note once the ticket's events have reached it (404 until then).
      await eventually(async () => {
        const noted = await management.post('evaluation', `/v1/tickets/${ticketId}/notes`, { text: `Please call back ${word}`, mentions: { people: ['agent-paging'] } });
        if (noted.status === 404) return undefined;
        expect(noted.status).toBe(201);
        return true;
      }, `a note on ${ticketId}`);
    }
  });
  afterAll(async () => {
    await system?.stop();
  });

  /** Every item of a list, one a page, and how many pages it took. */
  async function walk(as: Client, service: Service, path: string, idOf: (item: any) => string) {
    const ids: string[] = [];
    let pages = 0;
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const response = await as.get(service, `${path}${separator}limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.body.items.length).toBeLessThanOrEqual(1);
      ids.push(...response.body.items.map(idOf));
      cursor = response.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 100);
    return { ids, pages };
  }

  /**
   * Walks the list once it holds all of this test's tickets and has settled: the read models trail
   * the events by a moment, and a row that moves while it is walked (the last result reaching the
   * queue) can rightly be met twice or not at all. Paging is judged on a list that holds still:
   * the walk that comes out the same twice running.
   */
  async function walkUntilComplete(as: Client, service: Service, path: string, idOf: (item: any) => string, expected: readonly string[]) {
    let previous = '';
    return eventually(async () => {
      const walked = await walk(as, service, path, idOf);
      const same = JSON.stringify(walked.ids) === previous;
      previous = JSON.stringify(walked.ids);
      return same && expected.every((id) => walked.ids.includes(id)) ? walked : undefined;
    }, `${path} to list all ${expected.length}, the same on two walks running`);
  }

  const byTicket = (item: { ticketId: string }) => item.ticketId;

  it.each([
    ['the department queue', 'routing', '/v1/departments/billing/queue', () => management],
    ['CS’s follow-up worklist (mine)', 'followup', '/v1/followups?mine=true', () => cs],
    ['the ticket list of management and audit', 'evaluation', '/v1/tickets?outcome=open&complaint=true', () => management],
    ['search', 'evaluation', `/v1/search?q=${'WORD'}`, () => cs],
  ] as const)('%s', async (_name, service, pathTemplate, as) => {
    const path = pathTemplate.replace('WORD', word);
    const { ids, pages } = await walkUntilComplete(as(), service, path, byTicket, ticketIds);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages).toBeGreaterThanOrEqual(TICKETS);
  });

  it('the customer’s profile', async () => {
    const { ids } = await walkUntilComplete(cs, 'evaluation', `/v1/tickets/${ticketIds[0]}/customer-profile`, byTicket, ticketIds);
    expect([...ids].sort()).toEqual([...ticketIds].sort());
  });

  it('the person’s notifications', async () => {
    const mentioned = await eventually(async () => {
      const walked = await walk(cs, 'evaluation', '/v1/notifications', (item: { id?: string; notificationId?: string; ticketId: string }) => JSON.stringify(item));
      const items = walked.ids.map((text) => JSON.parse(text) as { ticketId: string; kind?: string; reason?: string });
      const ticketsMentioned = new Set(items.filter((item) => ticketIds.includes(item.ticketId)).map((item) => item.ticketId));
      return ticketsMentioned.size === TICKETS ? { walked, items } : undefined;
    }, 'a notification for each mention');
    expect(new Set(mentioned.walked.ids).size).toBe(mentioned.walked.ids.length);
    expect(mentioned.walked.pages).toBeGreaterThanOrEqual(TICKETS);
  });
});

import { contact } from '../support/contacts';
import { eventually, TestSystem, UPSTREAM_KEY } from '../support/system';

/**
 * Reading a customer's contact details for other work needs an approval (DOMAIN.md,
 * "Confidentiality"; 如因工作需要查阅客户信息，应经过相关部门和领导批准): a request with a purpose, decided
 * by the requester's department manager or by management, never by the requester, open for a
 * limited time, and all of it on the ticket's record.
 */

// Short enough to watch an approval end within the test, long enough to read while it lasts.
const APPROVAL_MINUTES = 0.15;

describe('approvals to read contact details', () => {
  let system: TestSystem;
  let ticketId: string;
  const digits = String(Date.now()).slice(-8);
  const customer = { name: `Shangguan Yu ${digits}`, phone: `+86 137 ${digits.slice(0, 4)} ${digits.slice(4)}`, email: `shangguan.${digits}@example.org` };

  const as = (role: Parameters<TestSystem['token']>[0], id: string, department?: string) => system.as({ token: system.token(role, id, department) });
  const billingHandler = () => as('department_handler', 'billing-wu', 'billing');
  const billingManager = () => as('department_manager', 'billing-manager-qian', 'billing');
  const productManager = () => as('department_manager', 'product-manager-xu', 'product');
  const director = () => as('management', 'director-1');
  const inspector = () => as('qa', 'inspector-1');
  const customerOf = (client: ReturnType<typeof as>, inClear: boolean) =>
    client.get('intake', `/v1/tickets/${ticketId}/customer${inClear ? `?reason=${encodeURIComponent('need to call the customer')}` : ''}`);

  beforeAll(async () => {
    system = await TestSystem.start({ ACCESS_APPROVAL_MINUTES: String(APPROVAL_MINUTES) });
    const opened = await system.as({ apiKey: UPSTREAM_KEY }).post(
      'intake',
      '/v1/contacts',
      contact({ type: 'feedback', customer, subject: 'Export to spreadsheet', description: 'The monthly report should export to a spreadsheet.' }),
    );
    expect(opened.status).toBe(201);
    ticketId = opened.body.ticketId;
  });
  afterAll(async () => {
    await system?.stop();
  });

  let requestId: string;

  it('takes a request with a purpose, and names the purpose when it is missing, in the caller’s language', async () => {
    const short = await billingHandler().post('intake', `/v1/tickets/${ticketId}/access-requests`, { purpose: 'because' });
    expect(short.status).toBe(400);
    expect(short.body.fields).toEqual([expect.objectContaining({ field: 'purpose' })]);
    const chinese = await billingHandler().post('intake', `/v1/tickets/${ticketId}/access-requests`, {}, { 'accept-language': 'zh-CN' });
    expect(chinese.status).toBe(400);
    expect(chinese.body.fields[0]).toMatchObject({ field: 'purpose', message: expect.stringContaining('查阅联系方式的用途') });

    const asked = await billingHandler().post('intake', `/v1/tickets/${ticketId}/access-requests`, { purpose: 'a refund to the same card needs the phone on file' });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ ticketId, status: 'pending', requester: { id: 'billing-wu', role: 'department_handler', department: 'billing' } });
    requestId = asked.body.requestId;
    const again = await billingHandler().post('intake', `/v1/tickets/${ticketId}/access-requests`, { purpose: 'a refund to the same card needs the phone on file' });
    expect(again.status).toBe(409);
  });

  it('keeps the details closed while the request waits, saying so', async () => {
    expect((await customerOf(billingHandler(), false)).body.customer.status).toBe('masked');
    const waiting = await customerOf(billingHandler(), true);
    expect(waiting.status).toBe(403);
    expect(waiting.body.message).toContain(`your access request ${requestId} is waiting for a decision`);
  });

  it('shows the request to those who may decide it: the requester’s department manager and management, not another department’s', async () => {
    const pendingOf = async (client: ReturnType<typeof as>) => ((await client.get('intake', '/v1/access-requests/pending')).body.items as { requestId: string }[]).map((item) => item.requestId);
    expect(await pendingOf(billingManager())).toContain(requestId);
    expect(await pendingOf(director())).toContain(requestId);
    expect(await pendingOf(productManager())).not.toContain(requestId);
    expect((await billingHandler().get('intake', '/v1/access-requests/pending')).status).toBe(403);
  });

  it('lets nobody approve their own request, nor a manager of another department', async () => {
    const own = await director().post('intake', `/v1/tickets/${ticketId}/access-requests`, { purpose: 'the board asked about this customer' });
    expect(own.status).toBe(201);
    const self = await director().post('intake', `/v1/tickets/${ticketId}/access-requests/${own.body.requestId}/approve`, {});
    expect(self.status).toBe(403);
    expect(self.body.message).toContain('nobody approves or refuses their own access request');
    expect((await director().get('intake', '/v1/access-requests/pending')).body.items.map((item: { requestId: string }) => item.requestId)).not.toContain(own.body.requestId);
    const stranger = await productManager().post('intake', `/v1/tickets/${ticketId}/access-requests/${requestId}/approve`, {});
    expect(stranger.status).toBe(403);
    expect(stranger.body.message).toContain('only a manager of billing or management decides this request');
  });

  it('opens the details once the department manager approves, for the configured time, and closes them after it', async () => {
    const approved = await billingManager().post('intake', `/v1/tickets/${ticketId}/access-requests/${requestId}/approve`, {});
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ requestId, status: 'approved' });
    const until = Date.parse(approved.body.expiresAt);
    expect(until - Date.now()).toBeGreaterThan(0);
    expect(until - Date.now()).toBeLessThanOrEqual(APPROVAL_MINUTES * 60_000);
    expect((await billingManager().post('intake', `/v1/tickets/${ticketId}/access-requests/${requestId}/refuse`, { reason: 'changed my mind' })).status).toBe(409);

    const read = await customerOf(billingHandler(), false);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ customer: { status: 'clear', ...customer }, approvedUntil: approved.body.expiresAt });
    // The approval is the requester's: a colleague of the same department is not let in by it.
    expect((await customerOf(as('department_handler', 'billing-lin', 'billing'), true)).status).toBe(403);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, until - Date.now()) + 200));
    const ended = await customerOf(billingHandler(), true);
    expect(ended.status).toBe(403);
    expect(ended.body.message).toContain(`your approval ended at ${approved.body.expiresAt}`);
    expect((await customerOf(billingHandler(), false)).body.customer.status).toBe('masked');
  });

  it('keeps the details closed after a refusal, naming its reason', async () => {
    const asked = await inspector().post('intake', `/v1/tickets/${ticketId}/access-requests`, { purpose: 'the quarterly complaint audit' });
    expect(asked.status).toBe(201);
    expect((await billingManager().post('intake', `/v1/tickets/${ticketId}/access-requests/${asked.body.requestId}/refuse`, { reason: 'no' })).status).toBe(403);
    const refused = await director().post('intake', `/v1/tickets/${ticketId}/access-requests/${asked.body.requestId}/refuse`, { reason: 'no audit is open this quarter' });
    expect(refused.status).toBe(200);
    const read = await customerOf(inspector(), true);
    expect(read.status).toBe(403);
    expect(read.body.message).toContain('was refused: no audit is open this quarter');
  });

  it('records every request, decision and read on the ticket’s history, with who and why', async () => {
    const auditor = as('auditor', 'auditor-1');
    type Entry = { type: string; actorId: string; summary: string };
    const entries = await eventually(async () => {
      const response = await auditor.get('evaluation', `/v1/tickets/${ticketId}/history`);
      const events = (response.body?.entries ?? []) as Entry[];
      return events.some((event) => event.type === 'CustomerAccessRefused') && events.some((event) => event.type === 'CustomerDetailsRead') ? events : undefined;
    }, 'the approvals and the read to be on the record');
    const of = (type: string) => entries.filter((entry) => entry.type === type).map((entry) => [entry.actorId, entry.summary]);

    expect(of('CustomerAccessRequested')).toEqual([
      ['billing-wu', "access to the customer's contact details requested by billing-wu (department_handler): a refund to the same card needs the phone on file"],
      ['director-1', "access to the customer's contact details requested by director-1 (management): the board asked about this customer"],
      ['inspector-1', "access to the customer's contact details requested by inspector-1 (qa): the quarterly complaint audit"],
    ]);
    expect(of('CustomerAccessApproved')).toEqual([['billing-manager-qian', expect.stringMatching(/^access to the customer's contact details approved until /)]]);
    expect(of('CustomerAccessRefused')).toEqual([['director-1', "access to the customer's contact details refused: no audit is open this quarter"]]);
    expect(of('CustomerDetailsRead')).toEqual([
      ['billing-wu', `customer contact details read for other work: a refund to the same card needs the phone on file (approved request ${requestId})`],
    ]);
    const verified = await auditor.get('evaluation', `/v1/tickets/${ticketId}/verify`);
    expect(verified.body.ok).toBe(true);
  });
});

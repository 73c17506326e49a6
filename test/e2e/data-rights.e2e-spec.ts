import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { databaseUrl } from '@handoff/read-models';
import { testServerUrl } from '@handoff/testing';
import { contact } from '../support/contacts';
import { png } from '../support/files';
import { eventually, TestSystem, UPSTREAM_KEY } from '../support/system';

const POLICY_FILE = path.join(mkdtempSync(path.join(os.tmpdir(), 'handoff-retention-')), 'retention.json');
writeFileSync(POLICY_FILE, JSON.stringify({ eraseCustomerDetailsAfter: { days: 1 } }));
const DAY = 24 * 60 * 60 * 1000;

/**
 * A customer's data rights through the running services: an access request answered with
 * everything held about her, as one file, on the record; and the retention schedule erasing a
 * customer whose last ticket closed beyond the period, and nobody else.
 */
describe('data rights: the export and the retention schedule', () => {
  let system: TestSystem;
  const suffix = String(Date.now()).slice(-8);
  const lin = { customerId: `crm-lin-${suffix}`, name: `Lin Xiaoyu ${suffix}`, phone: `+86 137 ${suffix.slice(0, 4)} ${suffix.slice(4)}`, email: `lin.${suffix}@example.org` };
  const open = { name: `Zhao Lei ${suffix}`, email: `zhao.${suffix}@example.org` };
  const recent = { name: `Sun Mei ${suffix}`, email: `sun.${suffix}@example.org` };
  const screenshot = png(40, 24);
  let first: string;
  let second: string;
  let openTicket: string;
  let recentTicket: string;
  let contentHash: string;
  const tokens = {} as Record<'cs' | 'management' | 'department' | 'auditor', string>;

  const as = (who: keyof typeof tokens) => system.as({ token: tokens[who] });
  const record = async (customer: Record<string, string>, subject: string) => {
    const response = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', contact({ customer, subject, description: `${subject}: when are you open?` }));
    expect(response.status).toBe(201);
    return response.body.ticketId as string;
  };
  const closeAtFirstContact = async (ticketId: string) => {
    expect((await as('cs').post('intake', `/v1/tickets/${ticketId}/first-contact-answer`, { answer: 'Sundays 10 to 4.', customerSatisfied: true })).status).toBe(200);
  };
  const closedInSearch = (ticketId: string) =>
    eventually(async () => {
      const found = await as('management').get('evaluation', `/v1/search?q=${ticketId}`);
      const item = found.body.items?.find((row: { ticketId: string }) => row.ticketId === ticketId);
      return item?.status === 'closed' && item.closedAt ? (item.closedAt as string) : undefined;
    }, `ticket ${ticketId} closed in search`);
  const historyOf = (ticketId: string, type: string) =>
    eventually(async () => {
      const history = await as('auditor').get('evaluation', `/v1/tickets/${ticketId}/history`);
      const found = (history.body.entries ?? []).filter((entry: { type: string }) => entry.type === type);
      return found.length > 0 ? found : undefined;
    }, `${type} in the history of ${ticketId}`);

  beforeAll(async () => {
    system = await TestSystem.start({ ALLOW_CLOCK_OVERRIDE: 'true', RETENTION_POLICY_FILE: POLICY_FILE, RETENTION_CHECK_INTERVAL_MINUTES: '0' });
    tokens.cs = system.token('cs', 'agent-1');
    tokens.management = system.token('management', 'director-1');
    tokens.department = system.token('department_handler', 'product-guo', 'product');
    tokens.auditor = system.token('auditor', 'auditor-1');

    first = await record(lin, 'Opening hours');
    await closeAtFirstContact(first);
    second = await record(lin, 'Holiday opening');
    const contactEntry = await eventually(async () => {
      const conversation = await as('cs').get('evaluation', `/v1/tickets/${second}/conversation`);
      return conversation.body.entries?.find((entry: { type: string }) => entry.type === 'ContactRecorded');
    }, 'the second contact in the conversation');
    expect((await as('cs').post('evaluation', `/v1/tickets/${second}/notes`, { text: 'She asked for the holiday timetable by post.' })).status).toBe(201);
    const uploaded = await eventually(async () => {
      const response = await fetch(`${system.url('evaluation')}/v1/tickets/${second}/attachments?${new URLSearchParams({ fileName: 'timetable.png', entryId: contactEntry.eventId })}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.cs}` },
        body: screenshot,
      });
      return response.status === 201 ? ((await response.json()) as { contentHash: string }) : undefined;
    }, 'the file attached (the customer key reaches search with the contact)');
    contentHash = uploaded.contentHash;
    await closeAtFirstContact(second);
    openTicket = await record(open, 'Still waiting');
    await closedInSearch(first);
    await closedInSearch(second);
    // Closed at least two seconds after Lin's last ticket: a run can fall between the two.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    recentTicket = await record(recent, 'Parking');
    await closeAtFirstContact(recentTicket);
    await closedInSearch(recentTicket);
    await eventually(async () => (await as('management').get('evaluation', `/v1/search?q=${openTicket}`)).body.items?.length === 1, 'the open ticket in search');
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('refuses the export to anyone but management, and a request without a reason or with two customers, in the caller’s language', async () => {
    for (const who of ['department', 'cs', 'auditor'] as const) {
      expect((await as(who).post('evaluation', '/v1/customers/export', { customerId: lin.customerId, reason: 'access request AR-17 under the privacy rule' })).status).toBe(403);
    }
    const noReason = await as('management').post('evaluation', '/v1/customers/export', { customerId: lin.customerId });
    expect(noReason.status).toBe(400);
    expect(noReason.body.fields.map((field: { field: string }) => field.field)).toEqual(['reason']);
    const twoWays = await as('management').post('evaluation', '/v1/customers/export', { customerId: lin.customerId, email: lin.email, reason: 'access request AR-17' }, { 'accept-language': 'zh-CN' });
    expect(twoWays.status).toBe(400);
    expect(twoWays.body.fields).toEqual([{ field: 'email', message: '请只用以下一项指明客户：客户编号、客户密钥编号、工单、电话号码或电子邮箱。' }]);
    const nobody = await as('management').post('evaluation', '/v1/customers/export', { email: `nobody.${suffix}@example.org`, reason: 'access request AR-18' });
    expect(nobody.status).toBe(404);
    const history = await as('auditor').get('evaluation', `/v1/tickets/${first}/history`);
    expect(history.body.entries.map((entry: { type: string }) => entry.type)).not.toContain('CustomerDataExported');
  });

  it('exports everything held about the customer as one file: details in clear, both tickets, the conversation, answers, notes and the file', async () => {
    const reason = 'access request AR-17 under the privacy rule';
    const response = await as('management').post('evaluation', '/v1/customers/export', { customerId: lin.customerId, reason });
    expect(response.status).toBe(200);
    const file = response.body;
    expect(file).toMatchObject({ format: 'handoff.customer-data-export', version: 1, reason, foundBy: 'customerId', exportedBy: { id: 'director-1', role: 'management' } });
    expect(file.customers).toEqual([expect.objectContaining({ status: 'clear', customerId: lin.customerId, name: lin.name, phone: lin.phone, email: lin.email })]);
    expect(file.tickets.map((ticket: { ticketId: string }) => ticket.ticketId).sort()).toEqual([first, second].sort());
    const holiday = file.tickets.find((ticket: { ticketId: string }) => ticket.ticketId === second);
    expect(holiday).toMatchObject({ subject: 'Holiday opening', status: 'closed', outcome: 'satisfied', satisfaction: 'satisfied' });
    expect(holiday.conversation.find((entry: { type: string }) => entry.type === 'ContactRecorded').words).toMatchObject({ subject: 'Holiday opening', description: 'Holiday opening: when are you open?' });
    expect(holiday.notes.map((note: { words: { note: string } }) => note.words.note)).toEqual(['She asked for the holiday timetable by post.']);
    expect(holiday.answers.map((answer: { type: string }) => answer.type)).toContain('CustomerConfirmedSatisfaction');
    expect(holiday.attachments).toEqual([
      expect.objectContaining({ contentHash, fileName: 'timetable.png', contentType: 'image/png', size: screenshot.length, content: 'included', contentBase64: screenshot.toString('base64') }),
    ]);

    // Found the same by her e-mail (search's keyed hashes) and by one of her tickets.
    for (const by of [{ email: lin.email }, { phone: lin.phone }, { ticketId: first }]) {
      const again = await as('management').post('evaluation', '/v1/customers/export', { ...by, reason });
      expect([Object.keys(by)[0], again.status, again.body.tickets?.map((ticket: { ticketId: string }) => ticket.ticketId).sort()]).toEqual([Object.keys(by)[0], 200, [first, second].sort()]);
    }

    // On the record of each ticket: who, when, why; never the contents.
    for (const ticketId of [first, second]) {
      const [recorded] = await historyOf(ticketId, 'CustomerDataExported');
      expect(recorded).toMatchObject({ service: 'evaluation', actorId: 'director-1', role: 'management', reason });
      expect(recorded.summary).toBe(`everything held about the customer exported (export ${file.exportId}): ${reason}`);
      expect(JSON.stringify(recorded)).not.toContain(lin.email);
      expect(JSON.stringify(recorded)).not.toContain(lin.name);
    }
    expect(system.logs.filter((line) => line.includes(lin.email) || line.includes(lin.name))).toEqual([]);
  });

  it('lists in a dry run, then erases, the customer whose last ticket closed beyond the period, and nobody with a ticket open or within it', async () => {
    const exported = (await as('management').post('evaluation', '/v1/customers/export', { customerId: lin.customerId, reason: 'the key id for the retention check' })).body;
    const linKey: string = exported.customers[0].keyId;
    const lastClosed = Date.parse(exported.tickets.find((ticket: { ticketId: string }) => ticket.ticketId === second).closedAt);
    const asOf = new Date(lastClosed + DAY + 1_000).toISOString();

    const now = await as('management').get('evaluation', '/v1/retention/due');
    expect(now.body).toMatchObject({ rule: "erase a customer's contact details 1 day after their last ticket closed, when none is open", due: [] });
    const dryRun = await as('management').get('evaluation', `/v1/retention/due?asOf=${encodeURIComponent(asOf)}`);
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.due).toEqual([{ keyId: linKey, lastTicketId: second, lastClosedAt: new Date(lastClosed).toISOString(), tickets: 2 }]);
    expect((await as('department').get('evaluation', '/v1/retention/due')).status).toBe(403);
    // Nothing was erased by the dry run.
    expect((await as('cs').get('intake', `/v1/tickets/${first}/customer`)).body.customer).toMatchObject({ status: 'clear', email: lin.email });

    const run = await as('management').post('evaluation', '/v1/retention/run', { asOf });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ erased: [{ keyId: linKey, ticketId: second }], failed: 0 });

    // Erased everywhere: contact details, the file, search by e-mail; the others untouched.
    for (const service of ['intake', 'routing', 'followup'] as const) {
      await eventually(async () => {
        const read = await as('cs').get(service, `/v1/tickets/${first}/customer`);
        return read.status === 404 || read.body.customer?.status === 'erased';
      }, `${service} to show Lin erased`);
    }
    await eventually(async () => {
      const file = await fetch(`${system.url('evaluation')}/v1/tickets/${second}/attachments/${contentHash}`, { headers: { authorization: `Bearer ${tokens.cs}` } });
      return file.status === 410;
    }, 'the file to be gone');
    await eventually(async () => (await as('management').get('evaluation', `/v1/search?q=${encodeURIComponent(lin.email)}`)).body.items?.length === 0, 'search by e-mail to find nobody');
    expect((await as('cs').get('intake', `/v1/tickets/${openTicket}/customer`)).body.customer).toMatchObject({ status: 'clear', email: open.email });
    expect((await as('cs').get('intake', `/v1/tickets/${recentTicket}/customer`)).body.customer).toMatchObject({ status: 'clear', email: recent.email });

    // On the record as the erasure on request is, with the retention basis, by the system.
    const [erasure] = await historyOf(second, 'CustomerDataErased');
    expect(erasure).toMatchObject({ service: 'evaluation', actorId: 'system:retention', role: 'system', occurredAt: asOf });
    expect(erasure.summary).toBe(
      `customer contact details erased under the retention schedule: 1 day after the customer's last ticket closed (${new Date(lastClosed).toISOString()}), none open`,
    );
    // The vault's own record of the erasure names the schedule too.
    const vault = new Client({ connectionString: databaseUrl(testServerUrl(), system.vaultDatabase) });
    await vault.connect();
    const erasures = await vault.query('SELECT erased_by, reason FROM customer_key_erasures WHERE key_id = $1', [linKey]);
    const keys = await vault.query('SELECT count(*)::int AS n FROM customer_keys WHERE key_id = $1', [linKey]);
    await vault.end();
    expect(erasures.rows).toEqual([{ erased_by: 'system:retention', reason: expect.stringMatching(/^1 day after/) }]);
    expect(keys.rows[0].n).toBe(0);

    // Run again (another instance, a retry): nothing more is erased or recorded.
    const again = await as('management').post('evaluation', '/v1/retention/run', { asOf });
    expect(again.body.erased).toEqual([]);
    expect(await historyOf(second, 'CustomerDataErased')).toHaveLength(1);

    // The export after erasure says so: her tickets are still there, her details and file are not.
    const afterwards = await eventually(async () => {
      const response = await as('management').post('evaluation', '/v1/customers/export', { customerId: lin.customerId, reason: 'access request AR-19 after erasure' });
      return response.body.customers?.every((customer: { status: string }) => customer.status === 'erased') ? response.body : undefined;
    }, 'the export to say erased');
    expect(afterwards.customers).toEqual([expect.objectContaining({ status: 'erased', keyId: linKey })]);
    expect(JSON.stringify(afterwards)).not.toContain(lin.email);
    expect(afterwards.tickets.map((ticket: { ticketId: string }) => ticket.ticketId).sort()).toEqual([first, second].sort());
    expect(afterwards.tickets.find((ticket: { ticketId: string }) => ticket.ticketId === second).attachments).toEqual([
      expect.objectContaining({ contentHash, fileName: null, content: 'erased' }),
    ]);
    expect(afterwards.about[0]).toMatch(/erased/);
  });

  it('refuses a run as of something that is not an instant, naming the field', async () => {
    const bad = await as('management').post('evaluation', '/v1/retention/run', { asOf: 'tomorrow' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((field: { field: string }) => field.field)).toEqual(['asOf']);
  });
});

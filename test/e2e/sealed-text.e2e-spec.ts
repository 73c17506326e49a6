import { contact } from '../support/contacts';
import { scanDatabase, scanLines, scanTopics } from '../support/scan';
import { eventually, SERVICE_NAMES, TestSystem, UPSTREAM_KEY } from '../support/system';

/**
 * A phone number or an e-mail address typed into free text is the customer's contact detail as
 * much as the contact fields are: sealed with the customer's key where it stands, shown in clear
 * to CS and to the department handling the ticket, masked for anyone else, and erased with the
 * customer, in every copy of the text (README: "Contact details typed into free text").
 */
describe('contact details typed into free text', () => {
  let system: TestSystem;
  let ticketId: string;
  const digits = String(Date.now()).slice(-8);
  const phone = `139${digits}`;
  const email = `zhou.${digits}@example.net`;
  const secrets = [phone, `139 ${digits.slice(0, 4)} ${digits.slice(4)}`, email];
  const description = `我的账单被扣了两次，请退款。请打 ${phone} 或写信到 ${email}，订单 4711。`;
  const as = (role: Parameters<TestSystem['token']>[0], id: string, department?: string) => system.as({ token: system.token(role, id, department) });

  const conversation = (reader: ReturnType<TestSystem['as']>, until: (entries: { type: string }[]) => boolean) =>
    eventually(async () => {
      const response = await reader.get('evaluation', `/v1/tickets/${ticketId}/conversation`);
      return response.status === 200 && until(response.body.entries) ? response.body : undefined;
    }, 'the conversation');
  const contactWords = (view: { entries: { type: string; words: { description?: string } }[] }) =>
    view.entries.find((entry) => entry.type === 'ContactRecorded')!.words.description;
  let billing: ReturnType<TestSystem['as']>;

  beforeAll(async () => {
    system = await TestSystem.start();
    const upstream = system.as({ apiKey: UPSTREAM_KEY });
    const opened = await upstream.post(
      'intake',
      '/v1/contacts',
      contact({ type: 'complaint', subject: 'Charged twice', description, customer: { name: 'Zhou Min', phone: '+86 138 0000 0000' } }),
    );
    expect(opened.status).toBe(201);
    ticketId = opened.body.ticketId;
    const row = await eventually(async () => {
      const response = await as('management', 'director-1').get('routing', '/v1/departments/billing/queue?limit=500');
      return response.body.items?.find((item: { ticketId: string; handlerId: string | null }) => item.ticketId === ticketId && item.handlerId);
    }, 'the complaint assigned in billing');
    billing = as('department_handler', row.handlerId, 'billing');
    // Billing asks logistics to take it: logistics may read the ticket, but does not handle it.
    const transfer = await billing.post('routing', `/v1/tickets/${ticketId}/transfer`, { toDepartment: 'logistics', reason: 'a parcel problem after all?' });
    expect(transfer.status).toBe(200);
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('shows the description in clear to CS and to the department handling the ticket', async () => {
    const cs = await conversation(as('cs', 'agent-1'), (entries) => entries.some((entry) => entry.type === 'TransferRequested'));
    expect(contactWords(cs)).toBe(description);
    expect(contactWords(await conversation(billing, () => true))).toBe(description);
  });

  it('masks it for a department handler without the need to know, and in the timeline for an auditor', async () => {
    const logistics = await conversation(as('department_handler', 'logistics-li', 'logistics'), () => true);
    expect(contactWords(logistics)).toBe(`我的账单被扣了两次，请退款。请打 ***${phone.slice(-2)} 或写信到 z***@example.net，订单 4711。`);
    const timeline = await as('auditor', 'auditor-1').get('evaluation', `/v1/tickets/${ticketId}/timeline`);
    expect(timeline.status).toBe(200);
    const recorded = timeline.body.entries.find((entry: { type: string }) => entry.type === 'ContactRecorded');
    expect(recorded.data.description).toContain(`***${phone.slice(-2)}`);
    expect(JSON.stringify([logistics, timeline.body])).not.toContain(phone);
    expect(JSON.stringify([logistics, timeline.body])).not.toContain(email);
  });

  it('holds it in clear in no stored event, no Kafka message, no read model and no log line', async () => {
    const topics = (await system.topics()).filter((topic) => !topic.endsWith('.contacts.inbound'));
    const kafka = await scanTopics(topics, secrets);
    const tables = await Promise.all([...SERVICE_NAMES.map((name) => system.databaseOf(name)), system.vaultDatabase].map((database) => scanDatabase(database, secrets)));
    // Control: the words around it are stored, in the events and in Kafka.
    expect((await scanTopics(topics, ['请退款'])).findings.length).toBeGreaterThan(0);
    expect((await scanDatabase(system.databaseOf('intake'), ['请退款'])).findings.length).toBeGreaterThan(0);
    expect([...kafka.findings, ...tables.flatMap((scan) => scan.findings), ...scanLines(system.logs, secrets)]).toEqual([]);
  });

  it('is not found by searching for it', async () => {
    const search = await as('cs', 'agent-1').get('evaluation', `/v1/search?q=${encodeURIComponent('请退款')}`);
    expect(search.status).toBe(200);
    expect(search.body.items.map((item: { ticketId: string }) => item.ticketId)).toContain(ticketId);
    const byPhone = await as('cs', 'agent-1').get('evaluation', `/v1/search?q=${phone}`);
    expect(byPhone.body.items.map((item: { ticketId: string }) => item.ticketId)).not.toContain(ticketId);
  });

  it('reads as erased for everyone once the customer is erased', async () => {
    const erased = await as('management', 'director-1').post('intake', '/v1/customers/erasure', { ticketId, reason: 'customer asked to be forgotten (ref. E-17)' });
    expect(erased.status).toBe(200);
    // Another service may use a key it read for a few seconds after its erasure (the vault's cache).
    const cs = await conversation(as('cs', 'agent-1'), (entries) => !JSON.stringify(entries).includes(email));
    expect(contactWords(cs)).toBe('我的账单被扣了两次，请退款。请打 *** 或写信到 ***，订单 4711。');
    expect(JSON.stringify(cs)).not.toContain(phone);
  });
});

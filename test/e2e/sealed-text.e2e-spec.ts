import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contact } from '../support/contacts';
import { scanDatabase, scanLines, scanTopics } from '../support/scan';
import { eventually, SERVICE_NAMES, TestSystem, UPSTREAM_KEY } from '../support/system';

type Entry = { type: string; words: Record<string, string | undefined> };

/**
 * A phone number or an e-mail address typed into free text is the customer's contact detail as
 * much as the contact fields are: sealed with the customer's key where it stands, shown in clear
 * to CS and to the department handling the ticket, masked for anyone else, and erased with the
 * customer, in every copy of the text (README: "Contact details typed into free text"). Typed here
 * into the contact's subject and description, the department's progress note and result, a CS
 * note and the customer's objection.
 */
describe('contact details typed into free text', () => {
  let system: TestSystem;
  let ticketId: string;
  let billing: ReturnType<TestSystem['as']>;
  // The upstream system's webhook receiver: what it was sent, as sent.
  const delivered: string[] = [];
  let receiver: Server;
  const digits = String(Date.now()).slice(-8);
  const phone = `139${digits}`;
  const landline = `010-6${digits.slice(1, 4)} ${digits.slice(4)}`;
  const email = `zhou.${digits}@example.net`;
  const secrets = [phone, `139 ${digits.slice(0, 4)} ${digits.slice(4)}`, email, landline, landline.replace(/\D/g, '')];
  const subject = `Charged twice, call ${phone}`;
  const description = `我的账单被扣了两次，请退款。请打 ${phone} 或写信到 ${email}，订单 4711。`;
  const masked = `我的账单被扣了两次，请退款。请打 ***${phone.slice(-2)} 或写信到 z***@example.net，订单 4711。`;
  const progress = `Called ${phone}: no answer; will try the office ${landline}.`;
  const objection = `Still charged twice; my new e-mail is ${email}.`;
  const as = (role: Parameters<TestSystem['token']>[0], id: string, department?: string) => system.as({ token: system.token(role, id, department) });
  const cs = () => as('cs', 'agent-1');

  const conversation = (reader: ReturnType<TestSystem['as']>, until: (entries: Entry[]) => boolean = () => true) =>
    eventually(async () => {
      const response = await reader.get('evaluation', `/v1/tickets/${ticketId}/conversation`);
      return response.status === 200 && until(response.body.entries) ? (response.body.entries as Entry[]) : undefined;
    }, 'the conversation');
  const words = (entries: Entry[], type: string) => entries.find((entry) => entry.type === type)!.words;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        delivered.push(Buffer.concat(chunks).toString('utf8'));
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    system = await TestSystem.start();
    const subscribed = await as('management', 'director-1').post('intake', '/v1/webhooks/subscriptions', {
      sourceSystem: 'e2e-crm',
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
      eventTypes: ['ResultReported'],
      reason: 'the CRM tells the customer the result',
    });
    expect(subscribed.status).toBe(201);
    const posted = contact({ type: 'complaint', subject, description, customer: { name: 'Zhou Min', phone: '+86 138 0000 0000' } });
    const opened = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', posted);
    expect(opened.status).toBe(201);
    ticketId = opened.body.ticketId;
    // Sealed the same way twice, the same contact delivered again is still the same contact (not a 409).
    const again = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', posted);
    expect([again.status, again.body.ticketId]).toEqual([200, ticketId]);
    const holderId = await system.holderInQueue(ticketId, 'billing');
    billing = as('department_handler', holderId, 'billing');
    expect((await billing.post('routing', `/v1/tickets/${ticketId}/progress`, { note: progress })).status).toBe(200);
    expect((await cs().post('evaluation', `/v1/tickets/${ticketId}/notes`, { text: `Customer prefers e-mail: ${email}` })).status).toBe(201);
    const result = { summary: `Refunded; confirmed with the customer on ${phone}.`, apology: 'We are sorry.', correctiveAction: 'Duplicate captures are blocked.', cause: 'billing_error' };
    expect((await billing.post('routing', `/v1/tickets/${ticketId}/result`, result)).status).toBe(200);
    await eventually(async () => (await cs().post('followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: false, objection })).status === 200, 'the objection');
    // Round 2 with billing; billing asks logistics to take it: logistics may read the ticket, but does not handle it.
    await eventually(async () => {
      const transfer = await billing.post('routing', `/v1/tickets/${ticketId}/transfer`, { toDepartment: 'logistics', reason: 'a parcel problem after all?' });
      return transfer.status === 200;
    }, 'the transfer request in round 2');
  });
  afterAll(async () => {
    await system?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('shows the words in clear to CS and to the department handling the ticket', async () => {
    const all = (entries: Entry[]) => ['TransferRequested', 'CustomerObjected', 'NoteAdded'].every((type) => entries.some((entry) => entry.type === type));
    for (const reader of [cs(), billing]) {
      const entries = await conversation(reader, all);
      expect(words(entries, 'ContactRecorded').description).toBe(description);
      expect(words(entries, 'ProgressReported').note).toBe(progress);
      expect(words(entries, 'ResultReported').summary).toContain(phone);
      expect(words(entries, 'NoteAdded').note).toBe(`Customer prefers e-mail: ${email}`);
      expect(words(entries, 'CustomerObjected').objection).toBe(objection);
    }
    const intake = await cs().get('intake', `/v1/tickets/${ticketId}`);
    expect(intake.body.contact).toMatchObject({ subject, description });
    expect((await billing.get('routing', `/v1/tickets/${ticketId}`)).body.subject).toBe(subject);
  });

  it('masks them for a department handler without the need to know, for management, for an auditor, in search and in the webhook to the upstream system', async () => {
    const logistics = await conversation(as('department_handler', 'logistics-li', 'logistics'));
    expect(words(logistics, 'ContactRecorded').description).toBe(masked);
    expect(words(logistics, 'ProgressReported').note).toBe(`Called ***${phone.slice(-2)}: no answer; will try the office ***${digits.slice(-2)}.`);
    expect(words(logistics, 'CustomerObjected').objection).toBe('Still charged twice; my new e-mail is z***@example.net.');
    const intake = await as('management', 'director-1').get('intake', `/v1/tickets/${ticketId}`);
    expect(intake.body.contact.description).toBe(masked);
    const timeline = await as('auditor', 'auditor-1').get('evaluation', `/v1/tickets/${ticketId}/timeline`);
    expect(timeline.status).toBe(200);
    const routing = await as('management', 'director-1').get('routing', `/v1/tickets/${ticketId}`);
    expect(routing.body.subject).toBe(`Charged twice, call ***${phone.slice(-2)}`);
    const search = await cs().get('evaluation', `/v1/search?q=${ticketId}`);
    expect(search.body.items[0].subject).toBe(`Charged twice, call ***${phone.slice(-2)}`);
    // The upstream system is sent the result with the detail masked.
    const sent = await eventually(async () => delivered.find((body) => body.includes('"ResultReported"')), 'the result’s webhook delivery');
    expect(JSON.parse(sent).data.summary).toBe(`Refunded; confirmed with the customer on ***${phone.slice(-2)}.`);
    const shown = JSON.stringify([logistics, intake.body, timeline.body, routing.body, search.body, sent]);
    for (const secret of secrets) expect(shown).not.toContain(secret);
    expect(shown).toContain(`***${phone.slice(-2)}`);
  });

  it('holds them in clear in no stored event, no Kafka message, no read model and no log line', async () => {
    const topics = (await system.topics()).filter((topic) => !topic.endsWith('.contacts.inbound'));
    const kafka = await scanTopics(topics, secrets);
    const tables = await Promise.all([...SERVICE_NAMES.map((name) => system.databaseOf(name)), system.vaultDatabase].map((database) => scanDatabase(database, secrets)));
    // Control: the words around them are stored, in the events and in Kafka.
    const control = ['请退款', 'will try the office', 'my new e-mail is'];
    expect((await scanTopics(topics, control)).findings.length).toBeGreaterThanOrEqual(3);
    expect((await scanDatabase(system.databaseOf('intake'), control)).findings.length).toBeGreaterThan(0);
    expect([...kafka.findings, ...tables.flatMap((scan) => scan.findings), ...scanLines(system.logs, secrets)]).toEqual([]);
  });

  it('finds the ticket by the words around them, not by them', async () => {
    const search = await cs().get('evaluation', `/v1/search?q=${encodeURIComponent('请退款')}`);
    expect(search.status).toBe(200);
    expect(search.body.items.map((item: { ticketId: string }) => item.ticketId)).toContain(ticketId);
    const byPhone = await cs().get('evaluation', `/v1/search?q=${phone}`);
    expect(byPhone.body.items.map((item: { ticketId: string }) => item.ticketId)).not.toContain(ticketId);
  });

  it('reads them as erased for everyone once the customer is erased', async () => {
    const erased = await as('management', 'director-1').post('intake', '/v1/customers/erasure', { ticketId, reason: 'customer asked to be forgotten (ref. E-17)' });
    expect(erased.status).toBe(200);
    // Another service may use a key it read for a few seconds after its erasure (the vault's cache).
    const entries = await conversation(cs(), (found) => !JSON.stringify(found).includes(email));
    expect(words(entries, 'ContactRecorded').description).toBe('我的账单被扣了两次，请退款。请打 *** 或写信到 ***，订单 4711。');
    expect(words(entries, 'ProgressReported').note).toBe('Called ***: no answer; will try the office ***.');
    const intake = await eventually(async () => {
      const response = await cs().get('intake', `/v1/tickets/${ticketId}`);
      return response.body.contact.description.includes(phone) ? undefined : response.body;
    }, 'intake to forget the key');
    expect(intake.contact.description).toBe('我的账单被扣了两次，请退款。请打 *** 或写信到 ***，订单 4711。');
  });
});

import { Client } from 'pg';
import { verifyChain } from '@handoff/contracts';
import { createPostgresEventStore } from '@handoff/event-store';
import { databaseUrl } from '@handoff/read-models';
import { testServerUrl } from '@handoff/testing';
import { contact } from '../support/contacts';
import { scanDatabase, scanLines, scanTopics } from '../support/scan';
import { eventually, SERVICE_NAMES, TestSystem, UPSTREAM_KEY } from '../support/system';

/**
 * Customer contact details are confidential (DOMAIN.md): they are held in clear nowhere but in
 * the answers to the people entitled to them. Erasing a customer destroys their key, after which
 * nothing can read them, while the history and its hash chains stay whole.
 */
describe('customer contact details across the whole system', () => {
  let system: TestSystem;
  const digits = String(Date.now()).slice(-8);
  const customer = { name: `Ouyang Xue ${digits}`, phone: `+86 135 ${digits.slice(0, 4)} ${digits.slice(4)}`, email: `ouyang.${digits}@example.org` };
  const secrets = [customer.name, customer.phone, customer.phone.replace(/\s/g, ''), customer.email];
  let ticketId: string;

  beforeAll(async () => {
    system = await TestSystem.start();
    const upstream = system.as({ apiKey: UPSTREAM_KEY });
    const response = await upstream.post(
      'intake',
      '/v1/contacts',
      contact({ type: 'complaint', channel: 'web_chat', customer, subject: 'Charged twice', description: 'My card was charged twice for one invoice.' }),
    );
    expect(response.status).toBe(201);
    ticketId = response.body.ticketId;

    // The complaint goes all the way: auto-assigned in billing, result, confirmed.
    const management = system.as({ token: system.token('management', 'director-1') });
    const row = await eventually(async () => {
      const queue = await management.get('routing', '/v1/departments/billing/queue?limit=500');
      return queue.body.items?.find((found: { ticketId: string; handlerId: string | null }) => found.ticketId === ticketId && found.handlerId);
    }, 'the complaint to be assigned');
    const handler = system.as({ token: system.token('department_handler', row.handlerId, 'billing') });
    const result = await handler.post('routing', `/v1/tickets/${ticketId}/result`, {
      summary: 'Refunded the duplicate charge.',
      apology: 'We are sorry.',
      correctiveAction: 'Duplicate captures are now blocked.',
      cause: 'billing_error',
    });
    expect(result.status).toBe(200);
    const cs = system.as({ token: system.token('cs', 'agent-1') });
    await eventually(async () => (await cs.post('followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: true })).status === 200, 'the confirmation');
    await eventually(async () => {
      const timeline = await management.get('evaluation', `/v1/tickets/${ticketId}/timeline`);
      return timeline.body.entries?.some((entry: { type: string }) => entry.type === 'HandlingClosed');
    }, 'the whole history to reach evaluation');

    // A malformed inbound contact with the same details goes to the dead-letter topic.
    const invalid = await upstream.post('intake', '/v1/contacts', { ...contact({ customer }), channel: 'carrier pigeon' });
    expect(invalid.status).toBe(400);
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('shows them in clear to CS, who calls the customer, and records that read in the ticket’s history', async () => {
    const cs = system.as({ token: system.token('cs', 'agent-1') });
    const read = await cs.get('intake', `/v1/tickets/${ticketId}/customer`);
    expect(read.body.customer).toMatchObject({ status: 'clear', ...customer });
    const auditor = system.as({ token: system.token('auditor', 'auditor-1') });
    const timeline = await eventually(async () => {
      const response = await auditor.get('evaluation', `/v1/tickets/${ticketId}/timeline`);
      return response.body.entries?.some((entry: { type: string }) => entry.type === 'CustomerDetailsRead') ? response.body : undefined;
    }, 'the read to be on the record');
    const entry = timeline.entries.find((found: { type: string }) => found.type === 'CustomerDetailsRead');
    expect(entry).toMatchObject({ actorId: 'agent-1', role: 'cs', data: { purpose: 'handling' } });
  });

  it('masks them for management, and opens them only on an approved access request (test/e2e/access-approvals)', async () => {
    const management = system.as({ token: system.token('management', 'director-1') });
    const masked = await management.get('intake', `/v1/tickets/${ticketId}/customer`);
    expect(masked.body.customer.status).toBe('masked');
    expect(JSON.stringify(masked.body)).not.toContain(customer.email);
    expect((await management.get('intake', `/v1/tickets/${ticketId}/customer?reason=${encodeURIComponent('complaint review with the customer')}`)).status).toBe(403);
    const asked = await management.post('intake', `/v1/tickets/${ticketId}/access-requests`, { purpose: 'complaint review with the customer' });
    expect(asked.status).toBe(201);
    const colleague = system.as({ token: system.token('management', 'director-2') });
    expect((await colleague.post('intake', `/v1/tickets/${ticketId}/access-requests/${asked.body.requestId}/approve`, {})).status).toBe(200);
    const approved = await management.get('intake', `/v1/tickets/${ticketId}/customer`);
    expect(approved.body.customer).toMatchObject({ status: 'clear', email: customer.email });
  });

  it('holds them in clear in no log line, no Kafka message and no table of any service or of the vault', async () => {
    const logs = scanLines(system.logs, secrets);
    const topics = (await system.topics()).filter((topic) => !topic.endsWith('.contacts.inbound'));
    const kafka = await scanTopics(topics, secrets);
    const tables = await Promise.all([...SERVICE_NAMES.map((name) => system.databaseOf(name)), system.vaultDatabase].map((database) => scanDatabase(database, secrets)));

    // Control: the same scans do find what is meant to be stored, the complaint's subject.
    const control = ['Charged twice'];
    expect((await scanTopics(topics, control)).findings.length).toBeGreaterThan(0);
    expect((await scanDatabase(system.databaseOf('routing'), control)).findings.length).toBeGreaterThan(0);
    expect(scanLines([...system.logs, 'Charged twice'], control)).toHaveLength(1);

    expect(system.logs.length).toBeGreaterThan(20);
    expect(kafka.messages).toBeGreaterThan(10);
    expect(tables.reduce((sum, scan) => sum + scan.rows, 0)).toBeGreaterThan(20);
    expect([...logs, ...kafka.findings, ...tables.flatMap((scan) => scan.findings)]).toEqual([]);
  });

  it('after erasure, nothing can read them, while the history, its hash chains and the figures stay intact', async () => {
    const management = system.as({ token: system.token('management', 'director-1') });
    const erased = await management.post('intake', '/v1/customers/erasure', { ticketId, reason: 'customer asked to be forgotten (ref. E-17)' });
    expect(erased.status).toBe(200);

    const cs = system.as({ token: system.token('cs', 'agent-1') });
    expect((await cs.get('intake', `/v1/tickets/${ticketId}/customer`)).body.customer).toEqual({ status: 'erased' });
    for (const service of ['routing', 'followup'] as const) {
      const response = await cs.get(service, `/v1/tickets/${ticketId}/customer`);
      if (response.status !== 404) expect(response.body.customer?.status).toBe('erased');
    }

    const auditor = system.as({ token: system.token('auditor', 'auditor-1') });
    const timeline = await eventually(async () => {
      const response = await auditor.get('evaluation', `/v1/tickets/${ticketId}/timeline`);
      return response.body.entries?.some((entry: { type: string }) => entry.type === 'CustomerDataErased') ? response.body : undefined;
    }, 'the erasure to be on the record');
    expect(timeline.entries.map((entry: { type: string }) => entry.type)).toEqual(expect.arrayContaining(['ContactRecorded', 'TicketRouted', 'ResultReported', 'TicketClosed']));
    expect(timeline.lifecycle).toMatchObject({ outcome: 'satisfied', complaint: true });

    for (const name of ['intake', 'routing', 'followup'] as const) {
      const store = await createPostgresEventStore({ connectionString: databaseUrl(testServerUrl(), system.databaseOf(name)) });
      try {
        for await (const streamId of store.listStreams()) {
          const events = await store.readStream(streamId);
          const head = await store.streamHead(streamId);
          expect([streamId, verifyChain(events, head?.hash).ok]).toEqual([streamId, true]);
        }
      } finally {
        await store.close();
      }
    }

    const vault = new Client({ connectionString: databaseUrl(testServerUrl(), system.vaultDatabase) });
    await vault.connect();
    const keys = await vault.query('SELECT count(*)::int AS n FROM customer_keys WHERE key_id = $1', [erased.body.keyId]);
    await vault.end();
    expect(keys.rows[0].n).toBe(0);
  });
});

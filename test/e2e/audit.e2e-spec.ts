import { Client } from 'pg';
import { databaseUrl } from '@handoff/read-models';
import { testServerUrl } from '@handoff/testing';
import { contact } from '../support/contacts';
import { eventually, TestSystem, UPSTREAM_KEY } from '../support/system';

/** Auditors' questions answered from the event stores of the running system, over HTTP. */
describe('auditing a ticket’s history', () => {
  let system: TestSystem;
  let auditor: ReturnType<TestSystem['as']>;
  let ticketId: string;

  beforeAll(async () => {
    system = await TestSystem.start();
    auditor = system.as({ token: system.token('auditor', 'auditor-1') });
    const upstream = system.as({ apiKey: UPSTREAM_KEY });
    ticketId = (await upstream.post('intake', '/v1/contacts', contact({ type: 'feedback', subject: 'Export', description: 'Please add a spreadsheet export.' }))).body.ticketId;
    const product = system.as({ token: system.token('department_handler', 'product-guo', 'product') });
    const marketing = system.as({ token: system.token('department_handler', 'marketing-hu', 'marketing') });
    await eventually(async () => (await product.post('routing', `/v1/tickets/${ticketId}/claim`)).status === 200, 'the claim');
    expect((await product.post('routing', `/v1/tickets/${ticketId}/transfer`, { toDepartment: 'marketing', reason: 'campaign request' })).status).toBe(200);
    expect((await marketing.post('routing', `/v1/tickets/${ticketId}/transfer/accept`)).status).toBe(200);
    expect((await marketing.post('routing', `/v1/tickets/${ticketId}/transfer`, { toDepartment: 'product', reason: 'a product feature' })).status).toBe(200);
    expect((await product.post('routing', `/v1/tickets/${ticketId}/transfer/accept`)).status).toBe(200);
    expect((await product.post('routing', `/v1/tickets/${ticketId}/claim`)).status).toBe(200);
    expect((await product.post('routing', `/v1/tickets/${ticketId}/result`, { summary: 'Export added.' })).status).toBe(200);
    const cs = system.as({ token: system.token('cs', 'agent-1') });
    await eventually(async () => (await cs.post('followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: true })).status === 200, 'the confirmation');
    await eventually(async () => (await auditor.get('evaluation', `/v1/tickets/${ticketId}/history`)).body.entries?.some((entry: { type: string }) => entry.type === 'HandlingClosed'), 'the closed history');
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('gives the whole history in one order, the same on every call, each stream in its own order', async () => {
    const first = (await auditor.get('evaluation', `/v1/tickets/${ticketId}/history`)).body;
    const second = (await auditor.get('evaluation', `/v1/tickets/${ticketId}/history`)).body;
    expect(second.entries).toEqual(first.entries);
    const services = new Set(first.entries.map((entry: { service: string }) => entry.service));
    expect([...services].sort()).toEqual(['followup', 'intake', 'routing']);
    for (const streamId of new Set<string>(first.entries.map((entry: { streamId: string }) => entry.streamId))) {
      const positions = first.entries.filter((entry: { streamId: string }) => entry.streamId === streamId).map((entry: { streamPosition: number }) => entry.streamPosition);
      expect(positions).toEqual(positions.map((_: number, index: number) => index));
    }
    expect(first.entries[0]).toMatchObject({ type: 'ContactRecorded', role: 'system', correlationId: expect.any(String), causationId: expect.any(String), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(first.state).toMatchObject({ stage: 'closed', outcome: 'satisfied' });
  });

  it('shows the state as of a past moment, with the deadlines running then', async () => {
    const { entries } = (await auditor.get('evaluation', `/v1/tickets/${ticketId}/history`)).body;
    const accepted = entries.find((entry: { type: string }) => entry.type === 'TransferAccepted');
    const then = await auditor.get('evaluation', `/v1/tickets/${ticketId}/history?asOf=${encodeURIComponent(accepted.occurredAt)}`);
    expect(then.body.state).toMatchObject({ stage: 'with_department', department: 'marketing', handlerId: null, holder: { kind: 'department', department: 'marketing' } });
    expect(then.body.state.runningDeadlines.map((deadline: { deadline: string }) => deadline.deadline)).toEqual(['first_response', 'resolution']);
    expect(then.body.entries.at(-1).eventId).toBe(accepted.eventId);
    expect((await auditor.get('evaluation', `/v1/tickets/${ticketId}/history?asOf=yesterday`)).status).toBe(400);
  });

  it('gives the handoff ledger, with the bounce back to product', async () => {
    const ledger = (await auditor.get('evaluation', `/v1/tickets/${ticketId}/handoffs`)).body;
    expect(ledger.holdings.map((holding: { holder: { kind: string; department?: string } }) => `${holding.holder.kind}:${holding.holder.department ?? ''}`)).toEqual([
      'cs:',
      'department:product',
      'handler:product',
      'department:marketing',
      'department:product',
      'handler:product',
      'cs:',
    ]);
    expect(ledger.bounces).toEqual([{ department: 'product', at: expect.any(String) }]);
  });

  it('verifies the chains, and finds the first broken link after someone edits an event in a service’s database', async () => {
    expect((await auditor.get('evaluation', `/v1/tickets/${ticketId}/verify`)).body).toMatchObject({ ok: true });
    const sql = new Client({ connectionString: databaseUrl(testServerUrl(), system.databaseOf('routing')) });
    await sql.connect();
    await sql.query(`UPDATE events SET metadata = jsonb_set(metadata, '{actorId}', '"someone-else"') WHERE ticket_id = $1 AND type = 'ResultReported'`, [ticketId]);
    const position = (await sql.query(`SELECT stream_position FROM events WHERE ticket_id = $1 AND type = 'ResultReported'`, [ticketId])).rows[0].stream_position;
    await sql.end();
    const verdict = (await auditor.get('evaluation', `/v1/tickets/${ticketId}/verify`)).body;
    expect(verdict.ok).toBe(false);
    expect(verdict.streams.find((stream: { ok: boolean }) => !stream.ok)).toMatchObject({
      streamId: `routing-ticket-${ticketId}`,
      firstBreak: { kind: 'content_changed', streamPosition: Number(position) },
    });
  });

  it('is for auditors and management, not for the people working the ticket', async () => {
    const handler = system.as({ token: system.token('department_handler', 'product-guo', 'product') });
    expect((await handler.get('evaluation', `/v1/tickets/${ticketId}/history`)).status).toBe(403);
    expect((await system.as(null).get('evaluation', `/v1/tickets/${ticketId}/verify`)).status).toBe(401);
  });
});

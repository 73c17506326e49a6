import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contact } from '../support/contacts';
import { scrapeMetrics, sumOfSeries } from '@handoff/testing';
import { eventually, TestSystem, UPSTREAM_KEY } from '../support/system';

/**
 * Outbound webhooks with the four services running and a real receiver in this process: it
 * checks every signature as the README tells a subscriber to, answers 500 to the first attempt of
 * each delivery so that the sender must try again, and is closed for a while so that deliveries
 * fail to exhaustion and are then redriven through the API.
 */

interface Received {
  readonly deliveryId: string;
  readonly eventType: string;
  readonly verified: boolean;
  readonly status: number;
  readonly signature: string;
  readonly body: { type: string; ticketId: string; occurredAt: string; contact: { sourceSystem: string; externalId: string }; data: Record<string, unknown> };
  readonly raw: string;
}

/** The subscriber's side: verify, remember, answer. */
class Receiver {
  readonly received: Received[] = [];
  private server: Server | undefined;
  private port = 0;
  secret = '';
  /** Answer 500 to the first attempt of every delivery id. */
  failFirstAttempts = true;

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      void readBody(request).then((raw) => {
        const deliveryId = String(request.headers['handoff-delivery-id']);
        const seenBefore = this.received.some((entry) => entry.deliveryId === deliveryId);
        const signature = String(request.headers['handoff-signature'] ?? '');
        const verified = verify(signature, raw, this.secret);
        const status = !verified ? 401 : this.failFirstAttempts && !seenBefore ? 500 : 204;
        this.received.push({ deliveryId, eventType: String(request.headers['handoff-event-type']), verified, status, signature, body: JSON.parse(raw), raw });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Down: connections are refused until `start()` again (on the same port). */
  async close(): Promise<void> {
    const server = this.server!;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/handoff`;
  }

  /** Deliveries it accepted, each id once however often it came. */
  accepted(): Received[] {
    const byId = new Map<string, Received>();
    for (const entry of this.received) if (entry.status === 204 && !byId.has(entry.deliveryId)) byId.set(entry.deliveryId, entry);
    return [...byId.values()];
  }
}

/** What the README shows a subscriber: HMAC-SHA256 of `<t>.<body>`, any `v1` matching, a fresh `t`. */
function verify(header: string, body: string, secret: string): boolean {
  const parts = header.split(',').map((part) => part.split('='));
  const t = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return parts.some(([key, value]) => key === 'v1' && /^[0-9a-f]{64}$/.test(value ?? '') && timingSafeEqual(Buffer.from(value, 'hex'), expected));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

describe('outbound webhooks', () => {
  let system: TestSystem;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.start();
    system = await TestSystem.start({
      // Short waits so that retries and exhaustion happen within the test.
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_BACKOFF_INITIAL_MS: '200',
      WEBHOOK_BACKOFF_MAX_MS: '400',
      // No short look interval: the sender is woken by what the consumer queues and by the retries' due times.
      WEBHOOK_POLL_INTERVAL_MS: '300000',
      WEBHOOK_TIMEOUT_MS: '2000',
      ALLOW_CLOCK_OVERRIDE: 'true',
    });
  });
  afterAll(async () => {
    await system?.stop();
    await receiver.close().catch(() => undefined);
  });

  it('refuses a target that is not http(s), in the caller’s language, and writes nothing', async () => {
    const management = system.as({ token: system.token('management', 'director-1') });
    const refused = await management.post(
      'intake',
      '/v1/webhooks/subscriptions',
      { sourceSystem: 'e2e-crm', url: 'ftp://crm.example.com/in', eventTypes: ['TicketClosed'], reason: 'the CRM closes its cases' },
      { 'accept-language': 'zh-CN' },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.fields).toEqual([{ field: 'url', message: expect.stringContaining('http 或 https') }]);
    const unknownType = await management.post('intake', '/v1/webhooks/subscriptions', { sourceSystem: 'e2e-crm', url: receiver.url, eventTypes: ['NoteAdded'], reason: 'notes' });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.fields[0]).toMatchObject({ field: 'eventTypes.0', message: expect.stringContaining('ResultReported') });
    expect((await management.get('intake', '/v1/webhooks/subscriptions')).body).toEqual({ items: [], nextCursor: null });
    // Webhooks are management's to set up: not CS's, not the upstream system's own key.
    expect((await system.as({ token: system.token('cs', 'agent-1') }).get('intake', '/v1/webhooks/subscriptions')).status).toBe(403);
    expect((await system.as({ apiKey: UPSTREAM_KEY }).get('intake', '/v1/webhooks/deliveries')).status).toBe(403);
  });

  it('delivers a complaint’s escalation, result and closing, signed, retried after a 500 with the same delivery id; then after an outage a redrive delivers what failed', async () => {
    const management = system.as({ token: system.token('management', 'director-1') });
    const upstream = system.as({ apiKey: UPSTREAM_KEY });
    const cs = system.as({ token: system.token('cs', 'agent-1') });
    const manager = system.as({ token: system.token('department_manager', 'billing-manager-qian', 'billing') });

    const created = await management.post('intake', '/v1/webhooks/subscriptions', {
      sourceSystem: 'e2e-crm',
      url: receiver.url,
      eventTypes: ['ResultReported', 'TicketEscalated', 'TicketClosed'],
      description: 'CRM case updates',
      reason: 'the CRM tells customers when their case is answered',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ sourceSystem: 'e2e-crm', url: receiver.url, eventTypes: ['ResultReported', 'TicketEscalated', 'TicketClosed'], createdBy: 'director-1', secret: expect.stringMatching(/^whsec_/) });
    receiver.secret = created.body.secret;
    const subscriptionId: string = created.body.id;
    // Another system's subscription hears nothing of e2e-crm's tickets.
    const other = await management.post('intake', '/v1/webhooks/subscriptions', { sourceSystem: 'other-crm', url: receiver.url, eventTypes: ['ResultReported', 'TicketClosed'], reason: 'a second CRM' });
    expect(other.status).toBe(201);
    // The secret is shown once; the subscription keeps who made it and why.
    const read = await management.get('intake', `/v1/webhooks/subscriptions/${subscriptionId}`);
    expect(read.body.secret).toBeUndefined();
    expect(read.body.changes).toEqual([{ change: 'created', actorId: 'director-1', role: 'management', reason: 'the CRM tells customers when their case is answered', at: expect.any(String) }]);

    const opened = await upstream.post('intake', '/v1/contacts', contact({ type: 'complaint', subject: 'Charged twice', description: 'My card was charged twice for one invoice; I want a refund.' }));
    expect(opened.status).toBe(201);
    const { ticketId } = opened.body;
    const ticket = await eventually(async () => {
      const body = (await manager.get('routing', `/v1/tickets/${ticketId}`)).body;
      return body?.handlerId ? body : undefined;
    }, 'a billing handler');
    // Long past every deadline: the ticket is escalated.
    const late = new Date(Date.parse(ticket.deadlines.resolutionDueAt) + 3 * 86_400_000).toISOString();
    expect((await management.post('routing', '/v1/deadlines/check', { asOf: late })).status).toBe(200);
    const result = await manager.post('routing', `/v1/tickets/${ticketId}/result`, {
      summary: 'The duplicate charge was refunded.',
      apology: 'We are sorry for the double charge.',
      correctiveAction: 'Card charges are reconciled daily.',
      cause: 'billing_error',
    });
    expect(result.status).toBe(200);
    await eventually(async () => (await cs.post('followup', `/v1/tickets/${ticketId}/confirmation`, { satisfied: true })).status === 200, 'the confirmation');

    const accepted = await eventually(() => {
      const types = receiver.accepted().filter((entry) => entry.body.ticketId === ticketId);
      return types.some((entry) => entry.body.type === 'TicketClosed') && types.some((entry) => entry.body.type === 'ResultReported') ? types : undefined;
    }, 'the result and the closing at the receiver');
    expect(receiver.received.every((entry) => entry.verified)).toBe(true);
    const types = accepted.map((entry) => entry.body.type);
    expect(types).toEqual(expect.arrayContaining(['TicketEscalated', 'ResultReported', 'TicketClosed']));
    // Every delivery came twice, a 500 and then accepted, under one id; accepted once each.
    for (const { deliveryId } of accepted) expect(receiver.received.filter((entry) => entry.deliveryId === deliveryId).map((entry) => entry.status)).toEqual([500, 204]);
    expect(new Set(accepted.map((entry) => entry.deliveryId)).size).toBe(accepted.length);

    const resultDelivery = accepted.find((entry) => entry.body.type === 'ResultReported')!;
    expect(resultDelivery.body).toEqual({
      deliveryId: resultDelivery.deliveryId,
      eventId: expect.any(String),
      type: 'ResultReported',
      ticketId,
      occurredAt: expect.any(String),
      contact: { sourceSystem: 'e2e-crm', externalId: expect.stringMatching(/^ext-/) },
      data: { round: 1, department: 'billing', summary: 'The duplicate charge was refunded.', complaint: true, apology: 'We are sorry for the double charge.', correctiveAction: 'Card charges are reconciled daily.', cause: 'billing_error' },
    });
    // Never the customer's details (contact() gives every ticket the same customer).
    for (const entry of receiver.received) expect(entry.raw).not.toMatch(/Wang Fang|139 1234 5678|wang\.fang@example\.com/);

    // The log shows both attempts of each, with status code and duration.
    const log = await management.get('intake', `/v1/webhooks/deliveries/${resultDelivery.deliveryId}`);
    expect(log.body).toMatchObject({ id: resultDelivery.deliveryId, subscriptionId, ticketId, eventType: 'ResultReported', status: 'delivered', redrives: 0 });
    expect(log.body.attempts.map((attempt: { attempt: number; statusCode: number; error: string | null }) => [attempt.attempt, attempt.statusCode, attempt.error])).toEqual([
      [1, 500, 'HTTP 500'],
      [2, 204, null],
    ]);
    expect(log.body.attempts.every((attempt: { durationMs: number }) => attempt.durationMs >= 0)).toBe(true);
    expect((await management.get('intake', `/v1/webhooks/deliveries?subscriptionId=${other.body.id}`)).body.items).toEqual([]);
    // Only a failed delivery is redriven.
    expect((await management.post('intake', `/v1/webhooks/deliveries/${resultDelivery.deliveryId}/redrive`, {})).status).toBe(409);

    // The receiver goes down: two contacts answered and closed at first contact fail to exhaustion.
    await receiver.close();
    receiver.failFirstAttempts = false;
    const closedWhileDown: string[] = [];
    for (const subject of ['Opening hours', 'Parking']) {
      const simple = await upstream.post('intake', '/v1/contacts', contact({ subject, description: 'When is the service centre open on Sundays?' }));
      expect(simple.status).toBe(201);
      const answered = await cs.post('intake', `/v1/tickets/${simple.body.ticketId}/first-contact-answer`, { answer: 'Nine to five, Sundays included.', customerSatisfied: true });
      expect(answered.status).toBe(200);
      closedWhileDown.push(simple.body.ticketId);
    }
    const failed = await eventually(async () => {
      const page = (await management.get('intake', `/v1/webhooks/deliveries?subscriptionId=${subscriptionId}&status=failed`)).body;
      return page.items.length === 2 ? page.items : undefined;
    }, 'both closings failed for good');
    expect(failed.map((delivery: { ticketId: string }) => delivery.ticketId).sort()).toEqual([...closedWhileDown].sort());
    for (const delivery of failed) {
      expect(delivery.attempts).toHaveLength(3);
      expect(delivery.attempts.every((attempt: { statusCode: number | null; error: string }) => attempt.statusCode === null && /ECONNREFUSED/.test(attempt.error))).toBe(true);
    }
    const metrics = await scrapeMetrics(system.url('intake'));
    expect(sumOfSeries(metrics, 'handoff_webhook_deliveries_total', { outcome: 'failed', service: 'intake' })).toBe(2);
    expect(metrics.some((series) => series.name === 'handoff_webhook_deliveries_total' && series.labels.outcome === 'retrying')).toBe(true);

    // Back up: a redrive through the API delivers each, under the id it had.
    await receiver.start();
    for (const delivery of failed) {
      const redriven = await management.post('intake', `/v1/webhooks/deliveries/${delivery.id}/redrive`, { reason: 'the CRM is back' });
      expect(redriven.status).toBe(200);
      // Pending, or already taken by the sender, which looks every 100 ms here.
      expect(redriven.body).toMatchObject({ id: delivery.id, status: expect.stringMatching(/^(pending|delivered)$/), redrives: 1 });
    }
    await eventually(() => closedWhileDown.every((id) => receiver.accepted().some((entry) => entry.body.ticketId === id && entry.body.type === 'TicketClosed')), 'the redriven closings');
    for (const delivery of failed) {
      expect(receiver.accepted().filter((entry) => entry.deliveryId === delivery.id)).toHaveLength(1);
      const after = (await management.get('intake', `/v1/webhooks/deliveries/${delivery.id}`)).body;
      expect(after).toMatchObject({ status: 'delivered', redrives: 1 });
      expect(after.attempts.map((attempt: { statusCode: number | null }) => attempt.statusCode)).toEqual([null, null, null, 204]);
    }
    expect(receiver.received.every((entry) => entry.verified)).toBe(true);
  });

  it('rotates the secret: the new one is shown once, and for a while deliveries carry a signature under each', async () => {
    const management = system.as({ token: system.token('management', 'director-1') });
    const [subscription] = (await management.get('intake', '/v1/webhooks/subscriptions?sourceSystem=e2e-crm')).body.items;
    const previous = receiver.secret;
    const rotated = await management.post('intake', `/v1/webhooks/subscriptions/${subscription.id}/rotate-secret`, { reason: 'the old secret was pasted in a chat' });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(previous);

    const simple = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', contact({ subject: 'Gift cards', description: 'Do you sell gift cards?' }));
    await system.as({ token: system.token('cs', 'agent-1') }).post('intake', `/v1/tickets/${simple.body.ticketId}/first-contact-answer`, { answer: 'Yes, at the desk.', customerSatisfied: true });
    const entry = await eventually(() => receiver.accepted().find((received) => received.body.ticketId === simple.body.ticketId), 'the closing after the rotation');
    // The receiver still held the previous secret and accepted it; the new one verifies the same delivery too.
    expect(entry.verified).toBe(true);
    expect(entry.signature.split(',').filter((part) => part.startsWith('v1='))).toHaveLength(2);
    expect(verify(entry.signature, entry.raw, rotated.body.secret)).toBe(true);
  });

  it('keeps a waiting retry through a crash of intake: after the restart it is sent when due, without a redrive', async () => {
    const management = system.as({ token: system.token('management', 'director-1') });
    // Long enough a wait that the crash falls between the failed attempt and its retry.
    const slow = { WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_BACKOFF_INITIAL_MS: '4000', WEBHOOK_BACKOFF_MAX_MS: '4000', WEBHOOK_POLL_INTERVAL_MS: '300000', WEBHOOK_TIMEOUT_MS: '2000' };
    await system.restart('intake', slow);
    await receiver.close();
    const simple = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', contact({ subject: 'Wheelchair access', description: 'Is the service centre step-free?' }));
    expect(simple.status).toBe(201);
    const { ticketId } = simple.body;
    expect((await system.as({ token: system.token('cs', 'agent-1') }).post('intake', `/v1/tickets/${ticketId}/first-contact-answer`, { answer: 'Yes, by the side door.', customerSatisfied: true })).status).toBe(200);
    const waiting = await eventually(async () => {
      const items = (await management.get('intake', '/v1/webhooks/deliveries?status=pending&limit=200')).body.items as { id: string; ticketId: string; attempts: unknown[] }[];
      return items.find((delivery) => delivery.ticketId === ticketId && delivery.attempts.length === 1);
    }, 'the first attempt failed and a retry waiting');

    await system.kill('intake');
    await receiver.start();
    await system.restart('intake', slow);
    const delivered = await eventually(async () => {
      const delivery = (await management.get('intake', `/v1/webhooks/deliveries/${waiting.id}`)).body;
      return delivery.status === 'delivered' ? delivery : undefined;
    }, 'the retry after the restart');
    expect(delivered).toMatchObject({ redrives: 0, attemptsInRound: 2 });
    expect(delivered.attempts.map((attempt: { statusCode: number | null }) => attempt.statusCode)).toEqual([null, 204]);
    expect(receiver.accepted().filter((entry) => entry.deliveryId === waiting.id)).toHaveLength(1);
  });

  it('ends a subscription only with a reason; its log and changes stay, and nothing more is queued for it', async () => {
    const management = system.as({ token: system.token('management', 'director-1') });
    const [subscription] = (await management.get('intake', '/v1/webhooks/subscriptions?sourceSystem=e2e-crm')).body.items;
    const end = (body: unknown) =>
      fetch(`${system.url('intake')}/v1/webhooks/subscriptions/${subscription.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${system.token('management', 'director-1')}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bare = await end({});
    expect(bare.status).toBe(400);
    expect(((await bare.json()) as { fields: { field: string }[] }).fields).toEqual([expect.objectContaining({ field: 'reason' })]);
    expect((await end({ reason: 'the CRM is replaced' })).status).toBe(200);
    expect((await end({ reason: 'again' })).status).toBe(404);

    expect((await management.get('intake', '/v1/webhooks/subscriptions?sourceSystem=e2e-crm')).body.items).toEqual([]);
    const ended = (await management.get('intake', `/v1/webhooks/subscriptions/${subscription.id}`)).body;
    expect(ended.deletedAt).toEqual(expect.any(String));
    expect(ended.changes.map((change: { change: string; reason: string }) => [change.change, change.reason])).toEqual([
      ['created', 'the CRM tells customers when their case is answered'],
      ['secret_rotated', 'the old secret was pasted in a chat'],
      ['deleted', 'the CRM is replaced'],
    ]);
    const before = (await management.get('intake', `/v1/webhooks/deliveries?subscriptionId=${subscription.id}&limit=200`)).body.items.length;
    const simple = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', contact({ subject: 'Lost card', description: 'I lost my loyalty card.' }));
    await system.as({ token: system.token('cs', 'agent-1') }).post('intake', `/v1/tickets/${simple.body.ticketId}/first-contact-answer`, { answer: 'A new one is on its way.', customerSatisfied: true });
    await eventually(async () => (await management.get('evaluation', `/v1/tickets/${simple.body.ticketId}/timeline`)).body?.lifecycle?.closedAt, 'the ticket closed');
    // The consumer has seen the closing (evaluation has); give intake's consumer a moment too.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await management.get('intake', `/v1/webhooks/deliveries?subscriptionId=${subscription.id}&limit=200`)).body.items).toHaveLength(before);
  });
});

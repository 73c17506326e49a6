import { createHmac, randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';
import type { RecordedEvent, RecordedOf } from '@handoff/contracts';
import {
  deliveryIdOf,
  retryDelayMs,
  signatureHeaderOf,
  signatureOf,
  subscriptionsFor,
  targetUrlProblem,
  verdictOf,
  verifySignature,
  webhookPayloadOf,
  type RetryPolicy,
  type WebhookEvent,
} from './webhooks.model';

const TICKET = '7a1c1f0e-2b3d-4c5e-8f90-a1b2c3d4e5f6';
const EVENT = '5b2f8a10-3c4d-4e5f-9a0b-c1d2e3f4a5b6';
const SUBSCRIPTION = 'c0ffee00-1234-4abc-8def-0123456789ab';
const origin = { sourceSystem: 'crm', externalId: 'crm-4711' };

function recorded<E extends WebhookEvent>(type: E['type'], data: E['data'], recordedAt = '2026-12-05T10:00:00.000Z'): RecordedOf<E> {
  return {
    eventId: EVENT,
    type,
    schemaVersion: 1,
    streamId: `routing-ticket-${TICKET}`,
    streamPosition: 3,
    globalPosition: '42',
    ticketId: TICKET,
    data,
    metadata: { correlationId: 'c', causationId: 'k', actorId: 'billing-wu', role: 'department_handler', department: 'billing', occurredAt: '2026-12-05T09:59:59.000Z', recordedAt },
    contentHash: '0'.repeat(64),
    previousHash: '0'.repeat(64),
    hash: '0'.repeat(64),
  } as unknown as RecordedOf<E>;
}

describe('webhook signatures', () => {
  it('sign HMAC-SHA256 over "<t>.<body>" in hex, as a receiver computes it with any HMAC library', () => {
    const body = '{"type":"TicketClosed"}';
    expect(signatureOf('whsec_test', 1764928800, body)).toBe(createHmac('sha256', 'whsec_test').update(`1764928800.${body}`).digest('hex'));
    expect(signatureHeaderOf(['whsec_test'], 1764928800, body)).toBe(`t=1764928800,v1=${signatureOf('whsec_test', 1764928800, body)}`);
  });

  it('carry one v1 per secret in force, so a receiver on the previous secret still verifies after a rotation', () => {
    const header = signatureHeaderOf(['whsec_new', 'whsec_old'], 1000, 'body');
    expect(header.split(',')).toHaveLength(3);
    expect(verifySignature(header, 'body', 'whsec_old', 1000)).toBe(true);
    expect(verifySignature(header, 'body', 'whsec_new', 1000)).toBe(true);
  });

  it('do not verify with another secret, another body, or a timestamp outside the tolerance', () => {
    const header = signatureHeaderOf(['whsec_a'], 1000, 'body');
    expect(verifySignature(header, 'body', 'whsec_b', 1000)).toBe(false);
    expect(verifySignature(header, 'body!', 'whsec_a', 1000)).toBe(false);
    expect(verifySignature(header, 'body', 'whsec_a', 1000 + 301)).toBe(false);
    expect(verifySignature(header.replace('t=1000', 't=1001'), 'body', 'whsec_a', 1001)).toBe(false);
    expect(verifySignature('v1=nothex', 'body', 'whsec_a', 1000)).toBe(false);
  });
});

describe('retries', () => {
  const policy: RetryPolicy = { maxAttempts: 4, initialDelayMs: 1000, maxDelayMs: 5000 };

  it('wait doubling steps, capped, each between half the step and the whole step', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(policy, attempt, () => 0))).toEqual([500, 1000, 2000, 2500, 2500]);
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(policy, attempt, () => 1))).toEqual([1000, 2000, 4000, 5000, 5000]);
    for (let i = 0; i < 200; i++) {
      const delay = retryDelayMs(policy, 2, Math.random);
      expect(delay).toBeGreaterThanOrEqual(1000);
      expect(delay).toBeLessThanOrEqual(2000);
    }
  });

  it('deliver on any 2xx, try again after a failure while attempts remain, and fail on the last', () => {
    const now = new Date('2026-12-05T10:00:00.000Z');
    expect(verdictOf({ statusCode: 204, error: null }, 1, policy, now, () => 0.5)).toEqual({ status: 'delivered' });
    expect(verdictOf({ statusCode: 500, error: 'HTTP 500' }, 1, policy, now, () => 1)).toEqual({ status: 'pending', nextAttemptAt: new Date('2026-12-05T10:00:01.000Z') });
    expect(verdictOf({ statusCode: null, error: 'ECONNREFUSED' }, 3, policy, now, () => 0)).toEqual({ status: 'pending', nextAttemptAt: new Date('2026-12-05T10:00:02.000Z') });
    expect(verdictOf({ statusCode: 302, error: 'HTTP 302' }, 4, policy, now, () => 0)).toEqual({ status: 'failed' });
  });
});

describe('what a delivery says', () => {
  it('gives the event type, ticket, occurredAt and the contact as the upstream system knows it, with one id per event and subscription', () => {
    const event = recorded('TicketClosed', { outcome: 'satisfied', round: 1 });
    expect(webhookPayloadOf(event, origin, SUBSCRIPTION)).toEqual({
      deliveryId: deliveryIdOf(EVENT, SUBSCRIPTION),
      eventId: EVENT,
      type: 'TicketClosed',
      ticketId: TICKET,
      occurredAt: '2026-12-05T09:59:59.000Z',
      contact: { sourceSystem: 'crm', externalId: 'crm-4711' },
      data: { outcome: 'satisfied', round: 1 },
    });
    expect(deliveryIdOf(EVENT, SUBSCRIPTION)).toBe(deliveryIdOf(EVENT, SUBSCRIPTION));
    expect(deliveryIdOf(EVENT, SUBSCRIPTION)).not.toBe(deliveryIdOf(EVENT, 'c0ffee00-1234-4abc-8def-0123456789ac'));
    expect(deliveryIdOf(EVENT, SUBSCRIPTION)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("passes on a complaint's result with its apology and corrective action, never who handled it", () => {
    const event = recorded('ResultReported', {
      round: 1,
      department: 'billing',
      handlerId: 'billing-wu',
      onBehalfOf: 'billing-zhao',
      summary: 'The double charge is refunded.',
      complaint: true,
      apology: 'We are sorry.',
      correctiveAction: 'A check before each charge.',
      cause: 'billing_error',
    });
    const { data } = webhookPayloadOf(event, origin, SUBSCRIPTION);
    expect(data).toEqual({ round: 1, department: 'billing', summary: 'The double charge is refunded.', complaint: true, apology: 'We are sorry.', correctiveAction: 'A check before each charge.', cause: 'billing_error' });
    expect(JSON.stringify(data)).not.toMatch(/billing-wu|billing-zhao/);
  });

  it("keeps the customer's objection and the escalation's internal reason inside", () => {
    const reopened = webhookPayloadOf(
      recorded('TicketReopened', {
        round: 2,
        department: 'billing',
        objection: 'Call me on +86 138 0013 8000, the refund never came',
        deadlines: { from: '2026-12-05T10:00:00.000Z', firstResponseDueAt: '2026-12-05T10:30:00.000Z', resolutionDueAt: '2026-12-06T10:00:00.000Z', policyVersion: 'v1' },
      }),
      origin,
      SUBSCRIPTION,
    );
    expect(reopened.data).toEqual({ round: 2, department: 'billing' });
    const escalated = webhookPayloadOf(
      recorded('TicketEscalated', { level: 'management', trigger: 'resolution_overdue', round: 1, department: 'billing', reason: 'billing-wu has not answered', dueAt: '2026-12-05T10:00:00.000Z' }),
      origin,
      SUBSCRIPTION,
    );
    expect(escalated.data).toEqual({ level: 'management', trigger: 'resolution_overdue', round: 1, department: 'billing', dueAt: '2026-12-05T10:00:00.000Z' });
  });
});

describe('who gets an event', () => {
  const created = new Date('2026-12-05T09:00:00.000Z');
  const subscriptions = [
    { id: 'closed-crm', sourceSystem: 'crm', eventTypes: ['TicketClosed'], createdAt: created },
    { id: 'all-crm', sourceSystem: 'crm', eventTypes: ['ResultReported', 'TicketClosed'], createdAt: created },
    { id: 'closed-chat', sourceSystem: 'web-chat', eventTypes: ['TicketClosed'], createdAt: created },
    { id: 'closed-crm-later', sourceSystem: 'crm', eventTypes: ['TicketClosed'], createdAt: new Date('2026-12-05T11:00:00.000Z') },
  ];

  it("the subscriptions for the type, of the system whose contact opened the ticket, made before the event was recorded", () => {
    const event = recorded('TicketClosed', { outcome: 'satisfied', round: 1 }) as unknown as RecordedEvent;
    expect(subscriptionsFor(event, origin, subscriptions).map((subscription) => subscription.id)).toEqual(['closed-crm', 'all-crm']);
    expect(subscriptionsFor(event, { sourceSystem: 'web-chat', externalId: 'x' }, subscriptions).map((subscription) => subscription.id)).toEqual(['closed-chat']);
    expect(subscriptionsFor(event, { sourceSystem: 'hotline', externalId: 'x' }, subscriptions)).toEqual([]);
  });
});

describe('target URLs', () => {
  it('are http or https with a host and no credentials', () => {
    expect(targetUrlProblem('https://crm.example.com/hooks/handoff')).toBeNull();
    expect(targetUrlProblem('http://127.0.0.1:8080/in')).toBeNull();
    expect(targetUrlProblem('ftp://crm.example.com/in')).toBe('must be an http or https URL');
    expect(targetUrlProblem('file:///etc/passwd')).toBe('must be an http or https URL');
    expect(targetUrlProblem('javascript:alert(1)')).toBe('must be an http or https URL');
    expect(targetUrlProblem('crm.example.com/in')).toBe('must be an absolute http or https URL');
    expect(targetUrlProblem('https://user:pw@crm.example.com/in')).toBe('must not carry a user name or password');
    expect(targetUrlProblem('https://crm.example.com/ho\u202aoks')).toMatch(/^must be printable ASCII/);
    expect(targetUrlProblem('https://crm.example.com/a\tb')).toMatch(/^must be printable ASCII/);
    expect(targetUrlProblem('https://crm.example.com/a b')).toMatch(/^must be printable ASCII/);
  });
});

describe('secrets at rest', () => {
  it('are sealed under a key derived from the master key, bound to their subscription', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal('whsec_abc', SUBSCRIPTION);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('whsec_abc');
    expect(box.open(sealed, SUBSCRIPTION)).toBe('whsec_abc');
    expect(() => box.open(sealed, 'c0ffee00-1234-4abc-8def-0123456789ac')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, SUBSCRIPTION)).toThrow();
  });
});

import { Kafka, logLevel } from 'kafkajs';
import { HEADERS, TOPICS, ticketIdForContact } from '@handoff/contracts';
import { kafkaBrokers } from '@handoff/testing';
import { contact } from '../support/contacts';
import { eventually, TestSystem, UPSTREAM_KEY } from '../support/system';

const BOUND_KEY = 'e2e-bound-key-0123456789abcdef';

/**
 * Intake never loses a contact behind another one's ticket: the same source and external id with
 * other content is refused (HTTP 409 naming the fields; on `contacts.inbound`, dead-lettered with
 * the reason), and an API key bound to source systems posts for those only.
 */
describe('intake that cannot lose a contact', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.start({ AUTH_API_KEYS: `e2e-upstream=${UPSTREAM_KEY},e2e-chat=${BOUND_KEY}:e2e-chat|e2e-chat-backup` });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('answers the same contact with its ticket, and another contact under the same ids with 409 naming what differs', async () => {
    const upstream = system.as({ apiKey: UPSTREAM_KEY });
    const first = contact({ externalId: `conflict-${system.suffix}` });
    const created = await upstream.post('intake', '/v1/contacts', first);
    expect(created.status).toBe(201);

    const again = await upstream.post('intake', '/v1/contacts', { ...first, subject: `  ${first.subject} ` });
    expect(again.status).toBe(200);
    expect(again.body.ticketId).toBe(created.body.ticketId);

    const other = await upstream.post('intake', '/v1/contacts', {
      ...first,
      description: 'My parcel never arrived.',
      customer: { ...first.customer, phone: '+86 139 0000 1111' },
    });
    expect(other.status).toBe(409);
    expect(other.body.details).toEqual({ ticketId: created.body.ticketId, fields: ['description', 'customer.phone'] });
    expect(other.body.message).toContain('description, customer.phone differ');
    expect(JSON.stringify(other.body)).not.toContain('0000 1111');

    // Nothing of the refused contact was written: the ticket still says what the first one said.
    const cs = system.as({ token: system.token('cs', 'agent-1') });
    const ticket = await cs.get('intake', `/v1/tickets/${created.body.ticketId}`);
    expect(ticket.body.contact.description).toBe(first.description);
  });

  it('lets a bound key post for its own sources only, refusing another with 403 naming sourceSystem', async () => {
    const bound = system.as({ apiKey: BOUND_KEY });
    const own = await bound.post('intake', '/v1/contacts', contact({ sourceSystem: 'e2e-chat-backup', channel: 'web_chat' }));
    expect(own.status).toBe(201);

    const foreign = contact({ sourceSystem: 'e2e-crm' });
    const refused = await bound.post('intake', '/v1/contacts', foreign);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('sourceSystem: this API key may post contacts only for e2e-chat, e2e-chat-backup, not for e2e-crm');
    expect(refused.body.details).toMatchObject({ field: 'sourceSystem' });
    // Nothing was recorded under the foreign source.
    const cs = system.as({ token: system.token('cs', 'agent-1') });
    expect((await cs.get('intake', `/v1/tickets/${ticketIdForContact(foreign.sourceSystem, foreign.externalId)}`)).status).toBe(404);

    // A key listed without a binding keeps posting for any source.
    expect((await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', contact({ sourceSystem: 'any-other-system' }))).status).toBe(201);
  });

  it('dead-letters a conflicting duplicate on contacts.inbound with the reason, and records the first', async () => {
    const kafka = new Kafka({ brokers: kafkaBrokers(), clientId: 'e2e-intake-conflicts', logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: `e2e-intake-conflicts-${system.suffix}` });
    const reasons: { reason: string; source: string }[] = [];
    await Promise.all([producer.connect(), consumer.connect()]);
    try {
      await consumer.subscribe({ topic: system.topic(TOPICS.deadLetter), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          reasons.push({ reason: String(message.headers?.[HEADERS.deadLetterReason] ?? ''), source: String(message.headers?.[HEADERS.deadLetterSource] ?? '') });
        },
      });
      const first = contact({ externalId: `inbound-${system.suffix}`, channel: 'email' });
      const conflicting = { ...first, type: 'complaint', subject: 'A different matter entirely' };
      await producer.send({
        topic: system.topic(TOPICS.contactsInbound),
        acks: -1,
        // One key: the same partition, so the first is recorded before the second is read.
        messages: [first, first, conflicting].map((value) => ({ key: first.externalId, value: JSON.stringify(value) })),
      });

      const ticketId = ticketIdForContact(first.sourceSystem, first.externalId);
      const cs = system.as({ token: system.token('cs', 'agent-1') });
      const recorded = await eventually(async () => {
        const response = await cs.get('intake', `/v1/tickets/${ticketId}`);
        return response.status === 200 ? response.body : undefined;
      }, 'the first inbound contact to be recorded');
      expect(recorded.contact).toMatchObject({ subject: first.subject, type: 'consultation' });

      const dead = await eventually(async () => reasons.find((found) => found.source.startsWith(system.topic(TOPICS.contactsInbound))), 'the dead letter', 30_000);
      expect(dead.reason).toMatch(/^domain_refusal: externalId inbound-\S+ of e2e-crm was recorded before with other content \(type, subject differ\)/);
      // The exact repeat is no dead letter: only the conflicting one is.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(reasons.filter((found) => found.source.startsWith(system.topic(TOPICS.contactsInbound)))).toHaveLength(1);
    } finally {
      await Promise.all([producer.disconnect(), consumer.disconnect()]);
    }
  });
});

import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { HEADERS, UNSTORABLE_TEXT_MESSAGE } from '@handoff/contracts';
import { kafkaBrokers } from '@handoff/testing';
import { contact } from '../support/contacts';
import type { JsonSchema } from '../support/hostile-payloads';
import { eventually, SERVICE_NAMES, TestSystem, UPSTREAM_KEY, type ServiceName } from '../support/system';
import { callerHeaders, routeOf, settledEventCounts, WRITES } from '../support/write-endpoints';

/**
 * A lone UTF-16 surrogate (`"\ud800"` in JSON) cannot be stored: PostgreSQL refuses it in jsonb
 * and text. Every text field of every write endpoint, and of the contacts.inbound topic, refuses
 * it as bad input naming the field (400; a dead letter with the reason), and nothing is written.
 */

const LONE = 'text \ud800 cut in half';

/** Every contact field that is text, the optional ones included. */
const fullContact = () =>
  contact({
    channel: 'social_media',
    platform: 'wechat',
    category: 'billing',
    customer: { customerId: 'crm-77', name: 'Zhao Lei', phone: '+86 139 1234 5678', email: 'zhao.lei@example.com' },
  });

/** Paths of the string leaves of a body (`customer.name`). */
function stringPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value === 'string') return [prefix];
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, member]) => stringPaths(member, [...prefix, key]));
  }
  return [];
}

function withValue(body: Record<string, unknown>, path: readonly string[], value: string): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(body)) as Record<string, any>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key];
  target[path[path.length - 1]] = value;
  return copy;
}

/** The OpenAPI schema of a field, looking into each variant of a oneOf. */
function schemaAt(schema: JsonSchema | undefined, path: readonly string[]): JsonSchema | undefined {
  if (!schema) return undefined;
  if (path.length === 0) return schema;
  for (const variant of [schema, ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) {
    const member = variant.properties?.[path[0]];
    if (member) return schemaAt(member, path.slice(1));
  }
  return undefined;
}

/** Text in the schema's eyes: not one of a list, not a date or a UUID. Those refuse the surrogate with their own message. */
const isFreeString = (schema: JsonSchema | undefined): boolean =>
  !!schema && schema.type === 'string' && schema.enum === undefined && schema.const === undefined && schema.format === undefined;

describe('text that cannot be stored', () => {
  let system: TestSystem;
  let ticketId: string;
  const schemas = new Map<string, JsonSchema | undefined>();

  beforeAll(async () => {
    system = await TestSystem.start({ RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_BURST: '1000000' });
    const opened = await system.as({ apiKey: UPSTREAM_KEY }).post('intake', '/v1/contacts', contact({ type: 'feedback', subject: 'Export', description: 'Export to a spreadsheet, please.' }));
    expect(opened.status).toBe(201);
    ticketId = opened.body.ticketId;
    const management = system.as({ token: system.token('management', 'director-1') });
    await eventually(async () => (await management.get('routing', `/v1/tickets/${ticketId}`)).body?.department === 'product', 'the ticket to reach product');
    for (const service of SERVICE_NAMES) {
      const document = (await (await fetch(`${system.url(service)}/docs/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
      };
      for (const [path, operations] of Object.entries(document.paths)) {
        if (operations.post) schemas.set(`${service} POST ${path}`, operations.post.requestBody?.content?.['application/json']?.schema);
      }
    }
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('refuses a lone surrogate in every text field of every write endpoint with 400 naming the field, and writes nothing', async () => {
    const before = await settledEventCounts(system);
    const headers = callerHeaders(system, UPSTREAM_KEY);
    const tried: string[] = [];
    const failures: string[] = [];
    for (const [key, write] of Object.entries(WRITES)) {
      const [service, , path] = key.split(' ') as [ServiceName, string, string];
      const route = routeOf(key, path, ticketId);
      const body = key === 'intake POST /v1/contacts' ? fullContact() : write.validBody(ticketId);
      for (const field of stringPaths(body)) {
        const name = field.join('.');
        tried.push(`${key} ${name}`);
        const response = await fetch(`${system.url(service)}${route}`, {
          method: key.split(' ')[1],
          headers: { ...headers[write.caller], 'content-type': 'application/json' },
          // JSON.stringify escapes the lone surrogate as \ud800: what a client's JSON encoder sends.
          body: JSON.stringify(withValue(body, field, LONE)),
        });
        const answer = (await response.json()) as { error?: string; fields?: { field: string; message: string }[] };
        const messages = (answer.fields ?? []).filter((error) => error.field === name).map((error) => error.message);
        if (response.status !== 400 || answer.error !== 'validation_failed' || messages.length === 0) {
          failures.push(`${key} ${name}: ${response.status} ${JSON.stringify(answer)}`);
        } else if (isFreeString(schemaAt(schemas.get(key), field)) && !messages.some((message) => message.includes(UNSTORABLE_TEXT_MESSAGE))) {
          // The edge says it as a sentence in the reader's language (English here), the reason within it.
          failures.push(`${key} ${name}: refused, but not as text that cannot be stored: ${messages.join('; ')}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // The contact's every text field, and the free text of each other endpoint, were tried.
    for (const field of ['externalId', 'sourceSystem', 'platform', 'category', 'customer.customerId', 'customer.name', 'customer.phone', 'customer.email', 'subject', 'description']) {
      expect(tried).toContain(`intake POST /v1/contacts ${field}`);
    }
    for (const expected of [
      'intake POST /v1/tickets/{ticketId}/first-contact-answer answer',
      'intake POST /v1/tickets/{ticketId}/hand-over note',
      'intake POST /v1/customers/erasure reason',
      'routing POST /v1/tickets/{ticketId}/assign handlerId',
      'routing POST /v1/tickets/{ticketId}/assign reason',
      'routing POST /v1/tickets/{ticketId}/progress note',
      'routing POST /v1/tickets/{ticketId}/result summary',
      'routing POST /v1/tickets/{ticketId}/result apology',
      'routing POST /v1/tickets/{ticketId}/result correctiveAction',
      'routing POST /v1/tickets/{ticketId}/transfer toDepartment',
      'routing POST /v1/tickets/{ticketId}/transfer reason',
      'routing POST /v1/tickets/{ticketId}/transfer/refuse reason',
      'routing POST /v1/tickets/{ticketId}/take-over reason',
      'routing POST /v1/tickets/{ticketId}/update-requests message',
      'routing POST /v1/tickets/{ticketId}/pause reason',
      'routing POST /v1/tickets/{ticketId}/pause note',
      'routing POST /v1/tickets/{ticketId}/priority priority',
      'routing POST /v1/tickets/{ticketId}/priority reason',
      'followup POST /v1/tickets/{ticketId}/confirmation objection',
      'followup POST /v1/tickets/{ticketId}/contact-attempts note',
      'evaluation POST /v1/qa/samples team',
      'evaluation POST /v1/qa/inspections/{ticketId} note',
      'evaluation POST /v1/qa/corrective-actions/{actionId}/complete note',
      'evaluation POST /v1/assessments/self comment',
      'evaluation POST /v1/assessments/supervisor personId',
      'evaluation POST /v1/assessments/supervisor comment',
    ]) {
      expect(tried).toContain(expected);
    }
    expect(await settledEventCounts(system)).toEqual(before);
  });

  it('dead-letters an inbound contact with a lone surrogate in any text field, naming the field, and records no ticket', async () => {
    const before = await settledEventCounts(system);
    const kafka = new Kafka({ brokers: kafkaBrokers(), clientId: `e2e-unstorable-${system.suffix}`, logLevel: logLevel.NOTHING });
    const body = fullContact();
    const fields = stringPaths(body).map((path) => path.join('.'));
    const letters: KafkaMessage[] = [];
    const consumer = kafka.consumer({ groupId: `e2e-unstorable-reader-${system.suffix}` });
    await consumer.connect();
    await consumer.subscribe({ topic: system.topic('handoff.dead-letter'), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void letters.push(message) });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({
        topic: system.topic('contacts.inbound'),
        acks: -1,
        messages: stringPaths(body).map((path) => ({ key: path.join('.'), value: JSON.stringify(withValue(body, path, LONE)) })),
      });
      const reasons = await eventually(
        async () => {
          const mine = letters.filter((letter) => letter.headers?.[HEADERS.deadLetterSource]?.toString().startsWith(`${system.topic('contacts.inbound')}/`));
          return mine.length >= fields.length ? mine.map((letter) => ({ key: letter.key?.toString(), reason: letter.headers![HEADERS.deadLetterReason]!.toString() })) : undefined;
        },
        'every inbound contact to be dead-lettered',
        30_000,
      );
      const contactSchema = schemas.get('intake POST /v1/contacts');
      for (const field of fields) {
        const reason = reasons.find((letter) => letter.key === field)?.reason;
        expect(reason).toMatch(/^invalid_envelope: /);
        // A channel or a type refuses it as not one of its values; text says why it cannot be stored.
        expect(reason).toContain(isFreeString(schemaAt(contactSchema, field.split('.'))) ? `${field}: ${UNSTORABLE_TEXT_MESSAGE}` : `${field}: `);
      }
      expect(reasons.filter((letter) => letter.reason.includes(UNSTORABLE_TEXT_MESSAGE)).length).toBeGreaterThanOrEqual(10);
    } finally {
      await producer.disconnect();
      await consumer.disconnect();
    }
    expect(await settledEventCounts(system)).toEqual(before);
  });
});
